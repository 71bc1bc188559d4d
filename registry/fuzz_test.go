package registry

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// goldenRegistry builds a small registry with a fixed clock, so its export
// is byte-for-byte reproducible.
func goldenRegistry(t testing.TB) *Registry {
	t.Helper()
	s, err := OpenFileStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	clock := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	r := New(s, WithClock(func() time.Time { clock = clock.Add(time.Second); return clock }))
	ctx := WithPrincipal(context.Background(), "golden")
	for i := 1; i <= 2; i++ {
		_, err := r.Register(ctx, "churn", map[string][]byte{
			"contract": []byte(`{"fields":["age","income"]}`),
			"model":    bytes.Repeat([]byte{byte(i)}, 16),
		}, Metadata{
			Metrics:         map[string]float64{"auc": 0.8 + float64(i)/100},
			Params:          map[string]string{"depth": "3"},
			Tags:            map[string]string{"team": "risk"},
			DataFingerprint: "sha256:feed",
			Description:     "golden version",
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, err := range []error{
		r.Promote(ctx, "churn", "champion", 1, "baseline", nil),
		r.Promote(ctx, "churn", "champion", 2, "better auc", nil),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	return r
}

// TestGoldenExport pins the export format and seeds the fuzz targets; run
// with -update to rewrite testdata.
func TestGoldenExport(t *testing.T) {
	r := goldenRegistry(t)
	ctx := context.Background()
	var buf bytes.Buffer
	if err := r.Export(ctx, "churn", &buf); err != nil {
		t.Fatal(err)
	}
	h, _ := r.store.Head(ctx, "churn")
	hb, _ := MarshalHead(h)
	mb, _ := r.store.Blob(ctx, "churn", h.Versions[0].Manifest)
	golden := map[string][]byte{"export.tar.golden": buf.Bytes(), "head.json.golden": hb, "manifest.json.golden": mb}
	for name, got := range golden {
		path := filepath.Join("testdata", name)
		if *update {
			if err := os.WriteFile(path, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run with -update to create it)", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from the golden file (run with -update if the change is intended)", name)
		}
	}
}

func seed(f *testing.F, name string) {
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
}

// FuzzValidateName checks that every accepted name is a safe single path
// element.
func FuzzValidateName(f *testing.F) {
	for _, s := range []string{"churn", "a.b_c-d", "..", "../x", "a/b", `a\b`, "", "Churn", "x\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		err := ValidateName("model", name)
		if err != nil {
			var ne *NameError
			if !errors.As(err, &ne) || !errors.Is(err, ErrInvalidName) || ne.Name != name {
				t.Fatalf("ValidateName(%q) = %v; want a *NameError", name, err)
			}
			return
		}
		if !filepath.IsLocal(name) || strings.ContainsAny(name, `/\:`) || name == "." || name == ".." ||
			len(name) > MaxNameLen || filepath.Base(name) != name || strings.ToLower(name) != name {
			t.Fatalf("ValidateName(%q) accepted an unsafe name", name)
		}
	})
}

// FuzzManifest decodes arbitrary manifest (metadata) JSON: no panic, and
// what decodes survives a round trip.
func FuzzManifest(f *testing.F) {
	seed(f, "manifest.json.golden")
	f.Add([]byte(`{"format":1,"model":"m","number":1,"parts":[],"metadata":{"metrics":{"auc":1e308}}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := decodeManifest(b)
		if err != nil {
			return
		}
		again, err := json.Marshal(m)
		if err != nil {
			t.Fatalf("decoded manifest does not encode: %v", err)
		}
		m2, err := decodeManifest(again)
		if err != nil {
			t.Fatalf("re-encoded manifest does not decode: %v\n%s", err, again)
		}
		if !reflect.DeepEqual(m.version("x"), m2.version("x")) {
			t.Fatalf("round trip changed the manifest:\n%+v\n%+v", m, m2)
		}
	})
}

// FuzzHead decodes arbitrary head JSON: no panic, and an accepted head is
// consistent.
func FuzzHead(f *testing.F) {
	seed(f, "head.json.golden")
	f.Fuzz(func(t *testing.T, b []byte) {
		h, err := UnmarshalHead(b)
		if err != nil {
			return
		}
		for a, tgt := range h.Aliases {
			if h.find(tgt.Version) < 0 {
				t.Fatalf("accepted head with alias %q on missing version %d", a, tgt.Version)
			}
		}
		if _, err := MarshalHead(h); err != nil {
			t.Fatal(err)
		}
	})
}

// FuzzImport reads arbitrary export archives: no panic, corrupt archives are
// refused with an error, and an accepted archive imports into a store whose
// every version then reads back.
func FuzzImport(f *testing.F) {
	seed(f, "export.tar.golden")
	f.Fuzz(func(t *testing.T, b []byte) {
		x, err := readExport(bytes.NewReader(b))
		if err != nil {
			return
		}
		s, err := OpenFileStore(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		r := New(s)
		ctx := context.Background()
		model, err := r.Import(ctx, bytes.NewReader(b))
		if err != nil {
			t.Fatalf("readExport accepted what Import refused: %v", err)
		}
		vs, err := r.Versions(ctx, model, Filter{Archived: true})
		if err != nil || len(vs) != len(x.head.Versions) {
			t.Fatalf("imported %d versions, %v; want %d", len(vs), err, len(x.head.Versions))
		}
		for _, v := range vs {
			if _, err := r.ReadParts(ctx, v); err != nil {
				t.Fatalf("imported version %d unreadable: %v", v.Number, err)
			}
		}
		if _, err := r.Audit(ctx, model); err != nil {
			t.Fatalf("imported audit log: %v", err)
		}
	})
}
