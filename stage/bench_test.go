package stage

import (
	"context"
	"fmt"
	"math"
	"testing"
)

func BenchmarkThenChain5(b *testing.B) {
	add := func(name string) Stage[float64, float64] {
		return Func(name, func(_ context.Context, x float64) (float64, error) { return x + 1, nil })
	}
	s := Then(Then(Then(Then(add("a"), add("b")), add("c")), add("d")), add("e"))
	ctx := context.Background()
	b.ReportAllocs()
	var sink float64
	for b.Loop() {
		v, err := s.Process(ctx, sink)
		if err != nil {
			b.Fatal(err)
		}
		sink = v
	}
}

// spin is a CPU-bound stage of roughly 5µs.
var spin = Map("spin", func(x float64) float64 {
	for range 1000 {
		x = math.Sqrt(x*x + 1)
	}
	return x
})

func BenchmarkParallel(b *testing.B) {
	in := make([]float64, 64)
	for _, workers := range []int{1, 2} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			p := Parallel(spin, ParallelOptions{Workers: workers})
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				if _, err := p.Process(ctx, in); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(in)), "ns/item")
		})
	}
}

func BenchmarkParallelSeq(b *testing.B) {
	for _, workers := range []int{1, 2} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				for _, err := range ParallelSeq(ctx, spin, func(yield func(float64) bool) {
					for range 64 {
						if !yield(1) {
							return
						}
					}
				}, ParallelOptions{Workers: workers}) {
					if err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*64), "ns/item")
		})
	}
}
