package registry_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/loomml/loom/registry"
)

// TestTamperFileStore flips one byte in each kind of stored file and checks
// that reading it reports a *CorruptionError instead of serving the bytes.
func TestTamperFileStore(t *testing.T) {
	type setup struct {
		dir string
		v   registry.Version
	}
	tests := []struct {
		name   string
		file   func(s setup) string // file to damage
		marker string               // bytes to find in it; "" flips the middle byte
		read   func(r *registry.Registry, s setup) error
	}{
		{
			name: "part",
			file: func(s setup) string {
				p, _ := s.v.Part("model")
				return filepath.Join(s.dir, "models/m/blobs", p.SHA256)
			},
			read: func(r *registry.Registry, s setup) error {
				_, err := r.ReadPart(context.Background(), s.v, "model")
				return err
			},
		},
		{
			name:   "manifest",
			file:   func(s setup) string { return filepath.Join(s.dir, "models/m/blobs", s.v.Hash) },
			marker: "0.93",
			read: func(r *registry.Registry, s setup) error {
				_, err := r.Get(context.Background(), "m", 1)
				return err
			},
		},
		{
			name:   "audit entry",
			file:   func(s setup) string { return filepath.Join(s.dir, "models/m/audit.jsonl") },
			marker: "first release",
			read: func(r *registry.Registry, s setup) error {
				_, err := r.Audit(context.Background(), "m")
				return err
			},
		},
		{
			name:   "audit syntax",
			file:   func(s setup) string { return filepath.Join(s.dir, "models/m/audit.jsonl") },
			marker: `"seq"`,
			read: func(r *registry.Registry, s setup) error {
				_, err := r.Audit(context.Background(), "m")
				return err
			},
		},
		{
			name:   "head",
			file:   func(s setup) string { return filepath.Join(s.dir, "models/m/head.json") },
			marker: "champion",
			read: func(r *registry.Registry, s setup) error {
				_, err := r.Resolve(context.Background(), "m", "champion")
				return err
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			r, err := registry.Open(dir)
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			v, err := r.Register(ctx, "m", map[string][]byte{"model": bytes.Repeat([]byte("weights "), 100)},
				registry.Metadata{Metrics: map[string]float64{"auc": 0.93}, Description: "first release"})
			if err != nil {
				t.Fatal(err)
			}
			if err := r.Promote(ctx, "m", "champion", 1, "ship", nil); err != nil {
				t.Fatal(err)
			}
			s := setup{dir: dir, v: v}
			if err := tc.read(r, s); err != nil {
				t.Fatalf("read before tampering = %v", err)
			}
			path := tc.file(s)
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			i := len(b) / 2
			if tc.marker != "" {
				i = bytes.Index(b, []byte(tc.marker))
				if i < 0 {
					t.Fatalf("%s does not contain %q", path, tc.marker)
				}
				i += 1
			}
			b[i] ^= 0x01
			if err := os.WriteFile(path, b, 0o644); err != nil {
				t.Fatal(err)
			}
			fresh, _ := registry.Open(dir) // no cache
			err = tc.read(fresh, s)
			var ce *registry.CorruptionError
			if !errors.As(err, &ce) || !errors.Is(err, registry.ErrCorrupt) || ce.Model != "m" {
				t.Fatalf("read after flipping byte %d of %s = %v; want *CorruptionError for model m", i, filepath.Base(path), err)
			}
		})
	}
}

// TestTamperSQLStore changes a stored part in the database and checks that
// reading it is refused.
func TestTamperSQLStore(t *testing.T) {
	s := openSQLStore(t)
	r := registry.New(s)
	ctx := context.Background()
	v, err := r.Register(ctx, "m", map[string][]byte{"model": []byte("weights")}, registry.Metadata{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Update(ctx, "m", func(registry.Head, bool) (*registry.Commit, error) { return nil, nil }); err != nil {
		t.Fatal(err)
	}
	p, _ := v.Part("model")
	db := sqlDB(t, s)
	if _, err := db.ExecContext(ctx, `UPDATE loom_registry_blobs SET data = ? WHERE hash = ?`, []byte("weightz"), p.SHA256); err != nil {
		t.Fatal(err)
	}
	_, err = r.ReadPart(ctx, v, "model")
	if !errors.Is(err, registry.ErrCorrupt) {
		t.Fatalf("ReadPart after tampering = %v; want ErrCorrupt", err)
	}
}
