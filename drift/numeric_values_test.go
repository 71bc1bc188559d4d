package drift

import (
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"strconv"
	"testing"
)

// numericValuesOracle is numericValues as it was written before
// countDistinct took over the count past five values.
func numericValuesOracle(rv, cv *sortedView) valueTable {
	a, wa, b, wb := rv.vals, rv.wts, cv.vals, cv.wts
	var t valueTable
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		var x float64
		if j >= len(b) || (i < len(a) && a[i] <= b[j]) {
			x = a[i]
		} else {
			x = b[j]
		}
		var cr, cu uint64
		for i < len(a) && a[i] == x {
			cr += wa[i]
			i++
		}
		for j < len(b) && b[j] == x {
			cu += wb[j]
			j++
		}
		t.unique++
		if t.unique <= 5 {
			t.labels = append(t.labels, strconv.FormatFloat(x, 'g', 6, 64))
			t.ref = append(t.ref, float64(cr))
			t.cur = append(t.cur, float64(cu))
		}
	}
	if t.unique > 5 {
		t.labels, t.ref, t.cur = nil, nil, nil
	}
	return t
}

// TestNumericValuesOracle checks numericValues against the plain merge on
// views with few and many distinct values, ties across sides, ±0 and ±Inf.
func TestNumericValuesOracle(t *testing.T) {
	r := rand.New(rand.NewPCG(18, 6))
	pool := []float64{math.Inf(-1), -1, math.Copysign(0, -1), 0, 2, 2.5, 7, math.Inf(1)}
	view := func(n, distinct int) *sortedView {
		v := &sortedView{vals: make([]float64, n), wts: make([]uint64, n)}
		for i := range v.vals {
			if distinct > 0 {
				v.vals[i] = pool[r.IntN(min(distinct, len(pool)))]
			} else {
				v.vals[i] = r.NormFloat64()
			}
			v.wts[i] = uint64(1 + r.IntN(4))
		}
		slices.Sort(v.vals)
		return v
	}
	for trial := range 3000 {
		rv := view(r.IntN(40), r.IntN(len(pool)+1))
		cv := view(r.IntN(40), r.IntN(len(pool)+1))
		got, want := numericValues(rv, cv), numericValuesOracle(rv, cv)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("trial %d: numericValues(%v, %v) = %+v, want %+v", trial, rv.vals, cv.vals, got, want)
		}
	}
}

// BenchmarkNumericValues counts the distinct values of views of the sizes
// a monitor's window compares (about 3,000 reference and 3,500 current
// items of a normal column), and the oracle, cycling through 64 pairs of
// views so that the branch predictor cannot learn one merge's order.
func BenchmarkNumericValues(b *testing.B) {
	r := rand.New(rand.NewPCG(3, 4))
	view := func(n int) *sortedView {
		v := &sortedView{vals: make([]float64, n), wts: make([]uint64, n)}
		for i := range v.vals {
			v.vals[i], v.wts[i] = r.NormFloat64(), 1
		}
		slices.Sort(v.vals)
		return v
	}
	var rv, cv [64]*sortedView
	for i := range rv {
		rv[i], cv[i] = view(3000), view(3500)
	}
	for _, f := range []struct {
		name string
		fn   func(*sortedView, *sortedView) valueTable
	}{{"countDistinct", numericValues}, {"oracle", numericValuesOracle}} {
		b.Run(f.name, func(b *testing.B) {
			i := 0
			for b.Loop() {
				f.fn(rv[i&63], cv[i&63])
				i++
			}
		})
	}
}
