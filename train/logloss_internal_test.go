package train

import (
	"math"
	"math/rand/v2"
	"testing"
)

// The parallel loss must not allocate per evaluation, and its gradient
// must match finite differences.
func TestLogLossGradientAndAllocs(t *testing.T) {
	for _, m := range []int{1, 3} {
		n, p := 5000, 4
		r := rand.New(rand.NewPCG(1, 2))
		x := make([]float64, n*p)
		for i := range x {
			x[i] = r.NormFloat64()
		}
		cls := make([]int32, n)
		sw := make([]float64, n)
		for i := range cls {
			cls[i] = int32(r.IntN(max(m, 2)))
			sw[i] = 0.5 + r.Float64()
		}
		e := newLogLoss(x, n, p, m, cls, sw, 0.7, 2)
		params := make([]float64, m*(p+1))
		for i := range params {
			params[i] = r.NormFloat64() * 0.3
		}
		g := make([]float64, len(params))
		e.grad(g, params)
		for j := range params {
			h := 1e-6
			q := append([]float64(nil), params...)
			q[j] += h
			fp := e.fn(q)
			q[j] -= 2 * h
			fm := e.fn(q)
			if num := (fp - fm) / (2 * h); math.Abs(num-g[j]) > 1e-4*math.Max(1, math.Abs(num)) {
				t.Errorf("m=%d: gradient[%d] = %v; finite difference %v", m, j, g[j], num)
			}
		}
		q := append([]float64(nil), params...)
		allocs := testing.AllocsPerRun(20, func() {
			q[0] += 1e-3
			e.fn(q)
		})
		e.close()
		if allocs != 0 {
			t.Errorf("m=%d: loss evaluation allocates %v times; want 0", m, allocs)
		}
	}
}
