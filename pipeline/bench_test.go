package pipeline

import (
	"context"
	"fmt"
	"testing"

	"github.com/loomml/loom/stage"
)

// BenchmarkStream moves small items through three cheap stages; the
// items/s metric is the streaming runner's throughput.
func BenchmarkStream(b *testing.B) {
	const n = 1 << 16
	add := func(name string) stage.Stage[int, int] { return stage.Map(name, func(x int) int { return x + 1 }) }
	for _, chunk := range []int{64, 256, 1024} {
		b.Run(fmt.Sprintf("stages=3/chunk=%d", chunk), func(b *testing.B) {
			p := Then(Then(New("bench", add("a"), WithChunkSize(chunk)), add("b")), add("c"))
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				sum := 0
				for v, err := range p.Stream(ctx, func(yield func(int) bool) {
					for i := range n {
						if !yield(i) {
							return
						}
					}
				}) {
					if err != nil {
						b.Fatal(err)
					}
					sum += v
				}
				if sum == 0 {
					b.Fatal("no output")
				}
			}
			b.ReportMetric(float64(b.N)*n/b.Elapsed().Seconds(), "items/s")
		})
	}
}

// BenchmarkRun is the cost of one recorded, traced run of a 3-stage
// pipeline on one input, with OpenTelemetry's global no-op providers.
func BenchmarkRun(b *testing.B) {
	add := func(name string) stage.Stage[int, int] { return stage.Map(name, func(x int) int { return x + 1 }) }
	p := Then(Then(New("bench", add("a")), add("b")), add("c"))
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.Run(ctx, 1); err != nil {
			b.Fatal(err)
		}
	}
}
