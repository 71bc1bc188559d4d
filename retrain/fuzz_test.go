package retrain_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/loomml/loom/retrain"
)

// FuzzState feeds arbitrary bytes as the state tag, as a corrupted or
// hand-edited store would hold: decoding returns an error or a state that
// encodes and decodes to itself, and never panics.
func FuzzState(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join("testdata", "state-*.json"))
	for _, p := range seeds {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b))
	}
	f.Add("")
	f.Add("{}")
	f.Fuzz(func(t *testing.T, raw string) {
		enc, err := retrain.DecodeState(raw)
		if err != nil {
			return
		}
		again, err := retrain.DecodeState(enc)
		if err != nil {
			t.Fatalf("re-decoding %q: %v", enc, err)
		}
		if again != enc {
			t.Fatalf("round trip changed the state:\n%s\n%s", enc, again)
		}
	})
}
