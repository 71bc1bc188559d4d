package drift

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// cdfDistanceOracle is cdfDistance as it was written before the
// branch-free loop, a merge over distinct values: the two must agree bit
// for bit.
func cdfDistanceOracle[W uint64 | float64](a []float64, wa []W, b []float64, wb []W) float64 {
	var n1, n2 float64
	for _, w := range wa {
		n1 += float64(w)
	}
	for _, w := range wb {
		n2 += float64(w)
	}
	if !(n1 > 0) || !(n2 > 0) {
		return math.NaN()
	}
	var c1, c2 float64
	i, j := 0, 0
	prev, total := 0.0, 0.0
	first := true
	for i < len(a) || j < len(b) {
		var x float64
		if j >= len(b) || (i < len(a) && a[i] <= b[j]) {
			x = a[i]
		} else {
			x = b[j]
		}
		if !first {
			total += math.Abs(c1/n1-c2/n2) * (x - prev)
		}
		first = false
		for i < len(a) && a[i] == x {
			c1 += float64(wa[i])
			i++
		}
		for j < len(b) && b[j] == x {
			c2 += float64(wb[j])
			j++
		}
		prev = x
	}
	return total
}

// TestCDFDistanceBits checks cdfDistance against the merge over distinct
// values on samples with ties within and across sides, ±0, ±Inf and
// uneven sizes.
func TestCDFDistanceBits(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 18))
	pool := []float64{math.Inf(-1), -2, -1, math.Copysign(0, -1), 0, 0.5, 1, 3, math.Inf(1)}
	sample := func(n int, discrete bool) ([]float64, []uint64) {
		v := make([]float64, n)
		w := make([]uint64, n)
		for i := range v {
			if discrete {
				v[i] = pool[r.IntN(len(pool))]
			} else {
				v[i] = r.NormFloat64()
			}
			w[i] = uint64(1 + r.IntN(8))
		}
		slices.Sort(v)
		return v, w
	}
	for trial := range 2000 {
		discrete := trial%2 == 0
		a, wa := sample(1+r.IntN(50), discrete)
		b, wb := sample(1+r.IntN(50), discrete && trial%4 == 0)
		got, want := cdfDistance(a, wa, b, wb), cdfDistanceOracle(a, wa, b, wb)
		if math.Float64bits(got) != math.Float64bits(want) && !(math.IsNaN(got) && math.IsNaN(want)) {
			t.Fatalf("trial %d: cdfDistance(%v, %v, %v, %v) = %v, want %v", trial, a, wa, b, wb, got, want)
		}
		fa, fb := make([]float64, len(wa)), make([]float64, len(wb))
		for i, w := range wa {
			fa[i] = float64(w) / 3
		}
		for i, w := range wb {
			fb[i] = float64(w) / 7
		}
		got, want = cdfDistance(a, fa, b, fb), cdfDistanceOracle(a, fa, b, fb)
		if math.Float64bits(got) != math.Float64bits(want) && !(math.IsNaN(got) && math.IsNaN(want)) {
			t.Fatalf("trial %d (float weights): got %v, want %v", trial, got, want)
		}
	}
}

// BenchmarkCDFDistance measures cdfDistance (and, as oracle, the merge
// over distinct values) on sorted views of the sizes a monitor's window
// compares: about 3,000 reference and 3,500 current items of a normal
// column. It cycles through 64 pairs of views, so that the branch
// predictor cannot learn one merge's order, as it could not in a monitor.
func BenchmarkCDFDistance(b *testing.B) {
	r := rand.New(rand.NewPCG(3, 4))
	sample := func(n int) ([]float64, []uint64) {
		v, w := make([]float64, n), make([]uint64, n)
		for i := range v {
			v[i], w[i] = r.NormFloat64(), 1<<r.IntN(7)
		}
		slices.Sort(v)
		return v, w
	}
	var a, c [64][]float64
	var wa, wc [64][]uint64
	for i := range a {
		a[i], wa[i] = sample(3000)
		c[i], wc[i] = sample(3500)
	}
	for _, f := range []struct {
		name string
		fn   func([]float64, []uint64, []float64, []uint64) float64
	}{{"branchfree", cdfDistance[uint64]}, {"oracle", cdfDistanceOracle[uint64]}} {
		b.Run(f.name, func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				f.fn(a[i&63], wa[i&63], c[i&63], wc[i&63])
				i++
			}
		})
	}
}
