package drift

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestKSProfilesNeverOverclaim compares 1,000,000-value profiles (compacted
// sketches, k = 1,024): the p-value through the profiles must never be
// below the exact test's on the raw values, so identical distributions
// give no false alarm, while a real shift is still found. Under -race it
// runs on 200,000 values (still far beyond k) and a larger shift.
func TestKSProfilesNeverOverclaim(t *testing.T) {
	if testing.Short() {
		t.Skip("1M-value profiles; skipped with -short")
	}
	n, shift := 1_000_000, 0.02
	if raceEnabled {
		n, shift = 200_000, 0.05
	}
	draw := func(seed uint64, shift float64) ([]float64, *Profile) {
		r := rand.New(rand.NewPCG(seed, 7))
		x := make([]float64, n)
		b := NewProfileBuilder([]ColumnSpec{{"x", Numeric}}, nil)
		for i := range x {
			x[i] = r.NormFloat64() + shift
			b.AddRow()
			b.AddFloat(0, x[i])
		}
		return x, b.Profile()
	}
	refX, ref := draw(1, 0)
	for _, c := range []struct {
		name  string
		seed  uint64
		shift float64
		drift bool
	}{
		{"same distribution", 2, 0, false},
		{"same distribution, other seed", 3, 0, false},
		{"shifted", 4, shift, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			curX, cur := draw(c.seed, c.shift)
			rep, err := Compare(ref, cur, &CompareOptions{Methods: map[string]Method{"x": KSTest}})
			if err != nil {
				t.Fatal(err)
			}
			got := rep.Column("x")
			exact := KolmogorovSmirnov(refX, curX, KSAuto)
			t.Logf("profiles: D = %.5f, p = %.4g (approximate %v); raw values: D = %.5f, p = %.4g",
				got.Score, got.PValue, got.Approx, exact.Statistic, exact.PValue)
			if !got.Approx {
				t.Errorf("result not flagged approximate")
			}
			if got.PValue < exact.PValue {
				t.Errorf("p through profiles = %.4g < exact p = %.4g: claims more significance than the exact test", got.PValue, exact.PValue)
			}
			if got.Drifted != c.drift {
				t.Errorf("drifted = %v; want %v", got.Drifted, c.drift)
			}
		})
	}
}

// TestKSRadixSameAsComparisonSort: KolmogorovSmirnov (radix-sorted samples,
// unit weights left out, sorted in parallel when large) gives bit for bit
// the result of ksWeighted over samples sorted by slices.Sort with explicit
// unit weights, the computation before the radix sort; for continuous
// data, ties, signed zeros and NaN, small and large.
func TestKSRadixSameAsComparisonSort(t *testing.T) {
	old := func(x []float64) ([]float64, []uint64) {
		var s []float64
		for _, v := range x {
			if v == v {
				s = append(s, v)
			}
		}
		slices.Sort(s)
		w := make([]uint64, len(s))
		for i := range w {
			w[i] = 1
		}
		return s, w
	}
	r := rand.New(rand.NewPCG(21, 22))
	sizes, kinds := []int{10, 5000, 40_000}, []string{"normal", "ties", "zeros and nan"}
	if raceEnabled { // the parallel sort still runs under the race detector
		sizes, kinds = []int{10, 40_000}, kinds[:1]
	}
	for _, n := range sizes {
		for _, kind := range kinds {
			gen := func(shift float64) []float64 {
				x := make([]float64, n)
				for i := range x {
					switch kind {
					case "normal":
						x[i] = r.NormFloat64() + shift
					case "ties":
						x[i] = float64(r.IntN(20)) + shift
					default:
						x[i] = []float64{0, math.Copysign(0, -1), math.NaN(), 1, -1}[r.IntN(5)] + shift
					}
				}
				return x
			}
			a, b := gen(0), gen(0.1)
			for _, m := range []KSMethod{KSAuto, KSAsymp} {
				got := KolmogorovSmirnov(a, b, m)
				sa, wa := old(a)
				sb, wb := old(b)
				want := ksWeighted(sa, wa, sb, wb, m, 0)
				if math.Float64bits(got.Statistic) != math.Float64bits(want.Statistic) || math.Float64bits(got.PValue) != math.Float64bits(want.PValue) ||
					got.Location != want.Location || got.Sign != want.Sign || got.Exact != want.Exact {
					t.Errorf("n=%d %s %v: %+v; comparison sort gives %+v", n, kind, m, got, want)
				}
			}
		}
	}
}
