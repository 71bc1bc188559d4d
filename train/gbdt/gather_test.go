package gbdt

import (
	"math/rand/v2"
	"testing"
	"unsafe"
)

// TestGather checks gather against the plain loop for every length around
// the kernel's prefetch distance and its tail, from any offset.
func TestGather(t *testing.T) {
	const n = 1000
	rng := rand.New(rand.NewPCG(5, 6))
	all := make([]gradPair, n)
	for i := range all {
		all[i] = gradPair{float32(rng.NormFloat64()), rng.Float32()}
	}
	rows := make([]uint32, n)
	for i, r := range rng.Perm(n) {
		rows[i] = uint32(r)
	}
	for _, m := range []int{0, 1, 2, 31, 32, 33, 64, 65, 999} {
		for _, off := range []int{0, 1} {
			if off+m > n {
				continue
			}
			got := make([]gradPair, m)
			gather(got, all, rows[off:off+m])
			for j := range got {
				if want := all[rows[off+j]]; got[j] != want {
					t.Fatalf("m=%d off=%d: og[%d] = %v, want %v", m, off, j, got[j], want)
				}
			}
		}
	}
}

// BenchmarkGather gathers the gradient pairs of 1M rows in a random order
// (the positions at the start of a tree), 4,096 rows a call as gatherAll
// does, from an array advised to huge pages as the fit's is, after
// evicting it from the caches as a fit's passes over the bins do;
// gather/loop is the plain Go loop.
func BenchmarkGather(b *testing.B) {
	const n = 1 << 20
	rng := rand.New(rand.NewPCG(7, 8))
	all := make([]gradPair, n)
	adviseHuge(unsafe.Pointer(&all[0]), n*int(unsafe.Sizeof(all[0])))
	rows := make([]uint32, n)
	for i, r := range rng.Perm(n) {
		rows[i] = uint32(r)
	}
	og := make([]gradPair, n)
	evict := make([]uint64, 8<<20) // 64 MB
	run := func(b *testing.B, f func(og, all []gradPair, rows []uint32)) {
		b.ReportAllocs()
		for b.Loop() {
			b.StopTimer()
			for i := range evict {
				evict[i]++
			}
			b.StartTimer()
			for off := 0; off < n; off += 4096 {
				f(og[off:off+4096], all, rows[off:off+4096])
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/row")
	}
	b.Run("kernel", func(b *testing.B) { run(b, gather) })
	b.Run("loop", func(b *testing.B) {
		run(b, func(og, all []gradPair, rows []uint32) {
			for j, r := range rows {
				og[j] = all[r]
			}
		})
	})
}
