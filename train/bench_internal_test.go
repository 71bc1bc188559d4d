package train

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// BenchmarkLogisticLossEval measures one evaluation of the logistic loss
// and gradient, the optimizer's inner step, by number of workers.
func BenchmarkLogisticLossEval(b *testing.B) {
	n, p := 20000, 30
	r := rand.New(rand.NewPCG(1, 2))
	x := make([]float64, n*p)
	for i := range x {
		x[i] = r.NormFloat64()
	}
	cls := make([]int32, n)
	sw := make([]float64, n)
	for i := range cls {
		cls[i] = int32(r.IntN(2))
		sw[i] = 1
	}
	params := make([]float64, p+1)
	for _, workers := range []int{1, 2} {
		b.Run(fmt.Sprintf("rows=%d/workers=%d", n, workers), func(b *testing.B) {
			e := newLogLoss(x, n, p, 1, cls, sw, 1, workers)
			defer e.close()
			b.ReportAllocs()
			for b.Loop() {
				params[0] += 1e-9 // defeat the cache
				e.fn(params)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/row")
		})
	}
}
