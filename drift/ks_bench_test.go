package drift

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// ksSamples returns two samples of n standard normal values, the second
// shifted by 0.005, the data of testdata/bench_ks.py.
func ksSamples(n int) (a, b []float64) {
	r := rand.New(rand.NewPCG(18, 1))
	a, b = make([]float64, n), make([]float64, n)
	for i := range a {
		a[i] = r.NormFloat64()
		b[i] = r.NormFloat64() + 0.005
	}
	return a, b
}

// BenchmarkKS is the two-sample KS test (asymptotic p-value, as SciPy's
// auto picks at this size) of n vs n normal values, sorting included.
// testdata/bench_ks.sh runs it alternately with scipy.stats.ks_2samp.
func BenchmarkKS(b *testing.B) {
	for _, n := range []int{10_000, 1_000_000} {
		x, y := ksSamples(n)
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				KS(x, y)
			}
		})
	}
}
