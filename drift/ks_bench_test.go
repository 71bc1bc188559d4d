package drift

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// ksSamples returns two samples of n standard normal values, the second
// shifted by shift.
func ksSamples(n int, shift float64) (a, b []float64) {
	r := rand.New(rand.NewPCG(18, 1))
	a, b = make([]float64, n), make([]float64, n)
	for i := range a {
		a[i] = r.NormFloat64()
		b[i] = r.NormFloat64() + shift
	}
	return a, b
}

// BenchmarkKS is the two-sample KS test of n vs n normal values, sorting
// included: the same distribution (the p-value is then cheap) and the
// second shifted by 0.005 standard deviations (at 1M, D ≈ 0.0034 and the
// p-value of the asymptotic method is the Smirnov sum of kstwo.sf over
// about n/2 terms, as in SciPy). testdata/bench_ks.sh runs it alternately
// with scipy.stats.ks_2samp on the same kind of data.
func BenchmarkKS(b *testing.B) {
	for _, n := range []int{10_000, 1_000_000} {
		for _, shift := range []float64{0, 0.005} {
			x, y := ksSamples(n, shift)
			b.Run(fmt.Sprintf("n=%d/shift=%g", n, shift), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					KS(x, y)
				}
			})
		}
	}
}
