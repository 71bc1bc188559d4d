package sketch

import (
	"fmt"
	"math/rand/v2"
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
