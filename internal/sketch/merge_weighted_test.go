package sketch

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// mergeWeightedOracle is mergeWeighted as it was written before the
// branch-free loop: the two must give the same values, bit for bit (±0),
// and weights.
func mergeWeightedOracle(vals []float64, wts []uint64, base int, run []uint64, w uint64) ([]float64, []uint64) {
	m := len(vals)
	vals = slices.Grow(vals, len(run))[:m+len(run)]
	wts = slices.Grow(wts, len(run))[:m+len(run)]
	i, o := m-1, len(vals)-1
	for j := len(run) - 1; j >= 0; j-- {
		y := unkey(run[j])
		for i >= base && vals[i] > y {
			vals[o], wts[o] = vals[i], wts[i]
			i--
			o--
		}
		vals[o], wts[o] = y, w
		o--
	}
	return vals, wts
}

// TestMergeWeightedOracle merges runs with ties (also across ±0 and ±Inf)
// into views with a prefix below base, and compares with the oracle.
func TestMergeWeightedOracle(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 18))
	pool := []float64{math.Inf(-1), -3, math.Copysign(0, -1), 0, 1, 1.5, math.Inf(1)}
	draw := func(n int, discrete bool) []float64 {
		v := make([]float64, n)
		for i := range v {
			if discrete {
				v[i] = pool[r.IntN(len(pool))]
			} else {
				v[i] = r.NormFloat64()
			}
		}
		slices.Sort(v)
		return v
	}
	for trial := range 3000 {
		discrete := trial%2 == 0
		base := r.IntN(3)
		vals := append(draw(base, discrete), draw(r.IntN(30), discrete)...)
		wts := make([]uint64, len(vals))
		for i := range wts {
			wts[i] = uint64(1 + r.IntN(9))
		}
		var run []uint64
		for _, x := range draw(r.IntN(30), discrete) {
			run = append(run, key(x))
		}
		gv, gw := mergeWeighted(slices.Clone(vals), slices.Clone(wts), base, run, 4)
		wv, ww := mergeWeightedOracle(slices.Clone(vals), slices.Clone(wts), base, run, 4)
		if len(gv) != len(wv) || !slices.Equal(gw, ww) {
			t.Fatalf("trial %d: weights %v, want %v", trial, gw, ww)
		}
		for i := range gv {
			if math.Float64bits(gv[i]) != math.Float64bits(wv[i]) {
				t.Fatalf("trial %d: values %v, want %v", trial, gv, wv)
			}
		}
	}
}
