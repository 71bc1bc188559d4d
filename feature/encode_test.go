package feature_test

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/loomml/loom/feature"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

// goldenState fits fullSet on fixed rows: its encoding is
// testdata/fitted_full.golden.
func goldenState(t testing.TB) (*feature.Set[item], *feature.Fitted[item]) {
	t.Helper()
	set := fullSet(nil)
	f, err := set.Fit(context.Background(), items(3000, 1))
	if err != nil {
		t.Fatal(err)
	}
	return set, f
}

func TestEncodeGolden(t *testing.T) {
	_, f := goldenState(t)
	b, err := f.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("testdata", "fitted_full.golden")
	if *update {
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b, want) {
		t.Fatalf("encoded state differs from %s (run go test -update if the change is intended)", path)
	}
}

func TestEncodeRoundTrip(t *testing.T) {
	set, f := goldenState(t)
	b, err := f.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	g, err := set.Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	b2, err := g.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b, b2) {
		t.Fatal("re-encoded state differs")
	}
	if g.Fingerprint() != f.Fingerprint() || !strings.HasPrefix(f.Fingerprint(), "sha256:") || len(f.Fingerprint()) != 71 {
		t.Fatalf("fingerprints %s and %s", g.Fingerprint(), f.Fingerprint())
	}
	// A fresh Set with the same definitions decodes it too.
	if _, err := fullSet(nil).Decode(b); err != nil {
		t.Fatalf("Decode into an equal definition: %v", err)
	}
}

func TestDecodeMismatch(t *testing.T) {
	_, f := goldenState(t)
	b, _ := f.MarshalJSON()
	x := func(it *item) float64 { return it.X }
	tests := []struct {
		name string
		set  *feature.Set[item]
	}{
		{"fewer features", feature.NewSet[item](nil).Num("x_std", x, feature.Standardize())},
		{"other name", fullSetV(nil, variant{firstName: "x_scaled"})},
		{"other options", fullSetV(nil, variant{bins: 5})},
		{"other custom parameters", fullSetV(nil, variant{scale: 3})},
		{"other time parts", fullSetV(nil, variant{parts: []feature.TimePart{feature.Year}})},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.set.Decode(b)
			var se *feature.StateError
			if !errors.Is(err, feature.ErrMismatch) || !errors.As(err, &se) {
				t.Fatalf("Decode = %v; want a *StateError wrapping ErrMismatch", err)
			}
		})
	}
}

func TestDecodeMalformed(t *testing.T) {
	set, f := goldenState(t)
	b, _ := f.MarshalJSON()
	s := string(b)
	tests := []struct {
		name string
		data string
	}{
		{"empty", ""},
		{"not JSON", "{"},
		{"wrong format", strings.Replace(s, `"loom.feature"`, `"other"`, 1)},
		{"wrong version", strings.Replace(s, `"version":1`, `"version":2`, 1)},
		{"unknown field", strings.Replace(s, `"version":1`, `"version":1,"extra":true`, 1)},
		{"zero scale", strings.Replace(s, `"scale":`, `"scale":0,"x":`, 1)},
		{"NaN state", strings.Replace(s, `"mean":`, `"mean":"NaN","y":`, 1)},
		{"bad float", strings.Replace(s, `"mean":`, `"mean":"1.5","y":`, 1)},
		{"width", strings.Replace(s, `"width":`, `"width":1`, 1)},
		{"trailing garbage", s + "x"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := set.Decode([]byte(tc.data)); !errors.Is(err, feature.ErrFormat) {
				t.Fatalf("Decode = %v; want ErrFormat", err)
			}
		})
	}
}

// FuzzDecode feeds corrupted fitted state to Decode: it must return an
// error or a Fitted that works, never panic.
func FuzzDecode(f *testing.F) {
	golden, err := os.ReadFile(filepath.Join("testdata", "fitted_full.golden"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(golden)
	f.Add(golden[:len(golden)/2])
	f.Add([]byte(`{"format":"loom.feature","version":1,"width":0,"names":[],"features":[]}`))
	f.Add(bytes.Replace(golden, []byte(`"edges":[`), []byte(`"edges":[1e308,`), 1))
	f.Add(bytes.Replace(golden, []byte(`"categories":[`), []byte(`"categories":["~",`), 1))
	boxCox := bytes.Index(golden, []byte(`"kind":"box_cox"`))
	if boxCox < 0 {
		f.Fatal("no box_cox transform in the golden state")
	}
	for _, lambda := range []string{`"NaN"`, `"+Inf"`, `1e308`, `-1e308`, `5e-324`, `0`, `"x"`} {
		// the λ of the Box-Cox transform, replaced
		head, tail := golden[:boxCox], golden[boxCox:]
		i := bytes.Index(tail, []byte(`"lambda":`)) + len(`"lambda":`)
		j := i + bytes.IndexAny(tail[i:], ",}")
		f.Add(append(append(append([]byte(nil), head...), tail[:i]...), append([]byte(lambda), tail[j:]...)...))
	}
	// The state of Learners (testdata/fitted_learner.golden), with its
	// fitted texts replaced.
	learner, err := os.ReadFile(filepath.Join("testdata", "fitted_learner.golden"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(learner)
	f.Add(learner[:len(learner)/3])
	fitted := []byte(`"fitted":"`)
	for _, text := range []string{``, `1`, `NaN,1`, `1,-1`, `+Inf,1`, `-0,0`, `1e308,1e308`, `5e-324`, `,`, `\u0000`, `0`, `-1`} {
		i := bytes.Index(learner, fitted) + len(fitted)
		j := i + bytes.IndexByte(learner[i:], '"')
		f.Add(append(append(append([]byte(nil), learner[:i]...), text...), learner[j:]...))
		k := bytes.LastIndex(learner, fitted) + len(fitted)
		l := k + bytes.IndexByte(learner[k:], '"')
		f.Add(append(append(append([]byte(nil), learner[:k]...), text...), learner[l:]...))
	}
	f.Add(bytes.Replace(learner, []byte(`"kind":"custom",`), []byte(`"kind":"custom","fitted":"2",`), 1))
	// The state of polynomial terms (testdata/fitted_poly.golden), with
	// their factors changed.
	poly, err := os.ReadFile(filepath.Join("testdata", "fitted_poly.golden"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(poly)
	f.Add(poly[:len(poly)/2])
	of := []byte(`"of":["x_std","x_std","y_mean"]`)
	for _, factors := range []string{`[]`, `["x_std"]`, `["x_std","y_mean"]`, `["x_std","x_std","y_mean","z"]`, `["x_std","x_std","nope"]`, `["x_std","x_std",""]`, `null`, `"x_std"`} {
		f.Add(bytes.Replace(poly, of, append([]byte(`"of":`), factors...), 1))
	}
	f.Add(bytes.Replace(golden, []byte(`"of":["x_minmax","y_mean"]`), []byte(`"of":["x_minmax","y_mean","x_minmax"]`), 1))
	rows := append(items(20, 9), badItems()...)
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, set := range []*feature.Set[item]{fullSet(nil), learnerSet(nil), polySet(nil)} {
			g, err := set.Decode(data)
			if err != nil {
				if !errors.Is(err, feature.ErrFormat) && !errors.Is(err, feature.ErrMismatch) {
					t.Fatalf("Decode error %v wraps neither ErrFormat nor ErrMismatch", err)
				}
				continue
			}
			dst := make([]float64, g.Width())
			for i := range rows {
				g.Vector(&rows[i], dst)
			}
			if err := feature.CheckParity(context.Background(), set, g, rows); err != nil {
				t.Fatal(err)
			}
		}
	})
}
