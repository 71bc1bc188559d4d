package sketch

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

func BenchmarkAdd(b *testing.B) {
	for _, k := range []int{200, 1024} {
		b.Run(fmt.Sprintf("k=%d", k), func(b *testing.B) {
			s := New(k)
			r := rand.New(rand.NewPCG(1, 1))
			xs := make([]float64, 4096)
			for i := range xs {
				xs[i] = r.NormFloat64()
			}
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				s.Add(xs[i&4095])
				i++
			}
		})
	}
}

func BenchmarkQuantile(b *testing.B) {
	s := New(0)
	for i := range 1_000_000 {
		s.Add(float64(i))
	}
	b.ReportAllocs()
	for b.Loop() {
		_ = s.Quantile(0.5)
	}
}

func BenchmarkRadixSort(b *testing.B) {
	const n = 1024
	r := rand.New(rand.NewPCG(1, 1))
	src := make([]uint64, n)
	for i := range src {
		src[i] = key(r.NormFloat64())
	}
	keys, tmp := make([]uint64, n), make([]uint64, n)
	b.ReportAllocs()
	for b.Loop() {
		copy(keys, src)
		radixSort(keys, tmp)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/key")
}

// BenchmarkMergeKeys merges a halved run of 700 keys into a level of
// 1,300 through the scratch, as compact0 does.
func BenchmarkMergeKeys(b *testing.B) {
	r := rand.New(rand.NewPCG(3, 3))
	gen := func(n int) []uint64 {
		ks := make([]uint64, n)
		for i := range ks {
			ks[i] = key(r.NormFloat64())
		}
		slices.Sort(ks)
		return ks
	}
	a0, run := gen(1300), gen(700)
	a := make([]uint64, 0, 2000)
	scratch := make([]uint64, 2004)
	b.ReportAllocs()
	for b.Loop() {
		a = append(a[:0], a0...)
		a = mergeKeysScratch(a, run, scratch)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*2000), "ns/key")
}
