package drift

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestBinSorted checks that binning sorted values by walking the edges
// gives what binOf gives value by value, values on the edges included.
func TestBinSorted(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 3))
	tests := []struct {
		name  string
		edges []float64
		vals  []float64
	}{
		{"empty", []float64{0, 1}, nil},
		{"no edges", nil, []float64{-1, 0, 2}},
		{"on edges", []float64{-1, 0, 0.5, 2}, []float64{-3, -1, -1, -0.5, math.Copysign(0, -1), 0, 0.25, 0.5, 0.5, 2, 2, 7}},
		{"outside", []float64{10, 20}, []float64{-5, 1, 2, 30, 40}},
		{"infinite", []float64{0}, []float64{math.Inf(-1), 0, math.Inf(1)}},
	}
	var vals []float64
	for range 500 {
		vals = append(vals, math.Round(r.NormFloat64()*4)/4)
	}
	slices.Sort(vals)
	tests = append(tests, struct {
		name  string
		edges []float64
		vals  []float64
	}{"quarters", []float64{-1.5, -0.5, -0.25, 0, 0.25, 1, 3}, vals})
	for _, tt := range tests {
		wts := make([]uint64, len(tt.vals))
		for i := range wts {
			wts[i] = uint64(1 + r.IntN(8))
		}
		for _, left := range []bool{false, true} {
			want := make([]float64, len(tt.edges)+1)
			for i, x := range tt.vals {
				want[binOf(tt.edges, x, left)] += float64(wts[i])
			}
			got := make([]float64, len(tt.edges)+1)
			binSorted(got, tt.edges, tt.vals, wts, left)
			if !slices.Equal(got, want) {
				t.Errorf("%s, leftClosed %v: binSorted = %v; want %v", tt.name, left, got, want)
			}
		}
	}
}
