package registry_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/loomml/loom/registry"
)

// benchParts returns the four parts a served model has, the "model" part
// making up most of size bytes.
func benchParts(size int, seed uint64) map[string][]byte {
	rng := rand.New(rand.NewPCG(seed, 0))
	model := make([]byte, size-3<<10)
	for i := range model {
		model[i] = byte(rng.Uint32())
	}
	return map[string][]byte{
		"contract": make([]byte, 1<<10),
		"features": make([]byte, 1<<10),
		"profile":  make([]byte, 1<<10),
		"model":    model,
	}
}

// BenchmarkRegister measures registering one version (4 parts totalling the
// size), fsyncs included, on the filesystem store in a temporary directory
// of this machine's disk.
func BenchmarkRegister(b *testing.B) {
	for _, size := range []int{64 << 10, 1 << 20} {
		b.Run(fmt.Sprintf("store=file/size=%dKiB", size>>10), func(b *testing.B) {
			r, err := registry.Open(b.TempDir())
			if err != nil {
				b.Fatal(err)
			}
			benchRegister(b, r, size)
		})
	}
	b.Run("store=sqlite/size=64KiB", func(b *testing.B) {
		benchRegister(b, registry.New(openSQLStore(b)), 64<<10)
	})
}

func benchRegister(b *testing.B, r *registry.Registry, size int) {
	ctx := context.Background()
	parts := benchParts(size, 1)
	md := registry.Metadata{Metrics: map[string]float64{"auc": 0.9}, Tags: map[string]string{"team": "risk"}}
	b.SetBytes(int64(size))
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		parts["model"][0], parts["model"][1] = byte(i), byte(i>>8) // a new model each time
		parts["model"][2] = byte(i >> 16)
		if _, err := r.Register(ctx, "bench", parts, md); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkResolve measures resolving an alias to its version while nothing
// changes: answered from memory after the store's change check.
func BenchmarkResolve(b *testing.B) {
	ctx := context.Background()
	stores := []struct {
		name string
		open func(b *testing.B) registry.Store
	}{
		{"store=file", func(b *testing.B) registry.Store {
			s, err := registry.OpenFileStore(b.TempDir())
			if err != nil {
				b.Fatal(err)
			}
			return s
		}},
		{"store=sqlite", func(b *testing.B) registry.Store { return openSQLStore(b) }},
	}
	for _, st := range stores {
		for _, bc := range []struct {
			versions int
			ttl      time.Duration
		}{{1, 0}, {100, 0}, {100, time.Second}} {
			versions := bc.versions
			b.Run(fmt.Sprintf("%s/versions=%d/ttl=%v", st.name, versions, bc.ttl), func(b *testing.B) {
				r := registry.New(st.open(b), registry.WithCacheTTL(bc.ttl))
				md := registry.Metadata{
					Metrics: map[string]float64{"auc": 0.91, "logloss": 0.3},
					Params:  map[string]string{"depth": "4"},
					Tags:    map[string]string{"team": "risk"},
				}
				for i := range versions {
					if _, err := r.Register(ctx, "churn", map[string][]byte{"model": {byte(i)}}, md); err != nil {
						b.Fatal(err)
					}
				}
				if err := r.Promote(ctx, "churn", "champion", versions, "bench", nil); err != nil {
					b.Fatal(err)
				}
				b.ReportAllocs()
				for b.Loop() {
					v, err := r.Resolve(ctx, "churn", "champion")
					if err != nil || v.Number != versions {
						b.Fatal(v.Number, err)
					}
				}
			})
		}
	}
}
