package drift

import (
	"fmt"
	"math"
	"slices"
	"sort"
)

// QuantileMethod names a rule of numpy.quantile for the histogram edges of
// numeric columns (Hyndman and Fan 1996). The zero value means
// QuantileLinear, NumPy's default.
type QuantileMethod string

// The methods of numpy.quantile (NumPy 1.22 and later).
const (
	QuantileLinear                  QuantileMethod = "linear"       // the default: x[⌊h⌋] + (h − ⌊h⌋)(x[⌊h⌋+1] − x[⌊h⌋]), h = (n − 1)q
	QuantileInvertedCDF             QuantileMethod = "inverted_cdf" // the smallest value whose cumulative share reaches q
	QuantileAveragedInvertedCDF     QuantileMethod = "averaged_inverted_cdf"
	QuantileClosestObservation      QuantileMethod = "closest_observation"
	QuantileInterpolatedInvertedCDF QuantileMethod = "interpolated_inverted_cdf"
	QuantileHazen                   QuantileMethod = "hazen"
	QuantileWeibull                 QuantileMethod = "weibull"
	QuantileMedianUnbiased          QuantileMethod = "median_unbiased"
	QuantileNormalUnbiased          QuantileMethod = "normal_unbiased"
	QuantileLower                   QuantileMethod = "lower"
	QuantileHigher                  QuantileMethod = "higher"
	QuantileMidpoint                QuantileMethod = "midpoint"
	QuantileNearest                 QuantileMethod = "nearest"
)

func (m QuantileMethod) valid() bool {
	switch m {
	case "", QuantileLinear, QuantileInvertedCDF, QuantileAveragedInvertedCDF, QuantileClosestObservation,
		QuantileInterpolatedInvertedCDF, QuantileHazen, QuantileWeibull, QuantileMedianUnbiased,
		QuantileNormalUnbiased, QuantileLower, QuantileHigher, QuantileMidpoint, QuantileNearest:
		return true
	}
	return false
}

// QuantileEdges returns the inner histogram edges of x for bins bins: the
// quantiles i/bins, i = 1 … bins−1, by method (numpy.quantile(x, …,
// method=method)), sorted with duplicates removed (numpy.unique). NaN
// values are ignored; an empty sample gives no edges. It panics when bins <
// 2 or the method is unknown.
func QuantileEdges(x []float64, bins int, method QuantileMethod) []float64 {
	s, w := sortedUnit(x)
	return quantileEdges(s, w, bins, method)
}

// quantileEdges is QuantileEdges over a sorted weighted sample: the
// weights count repetitions, so that unit weights give NumPy's values and
// a compacted sketch an approximation within its rank error.
func quantileEdges(vals []float64, wts []uint64, bins int, method QuantileMethod) []float64 {
	if bins < 2 || !method.valid() {
		panic(fmt.Sprintf("drift: quantile edges need bins ≥ 2 and a numpy.quantile method, got %d and %q", bins, method))
	}
	q := newWeightedSample(vals, wts)
	if q.n == 0 {
		return []float64{}
	}
	e := make([]float64, 0, bins-1)
	for i := 1; i < bins; i++ {
		e = append(e, q.quantile(float64(i)/float64(bins), method))
	}
	slices.Sort(e)
	return slices.Compact(e)
}

// weightedSample is a sorted sample with repetition counts, read as the
// expanded sorted array of n values.
type weightedSample struct {
	vals []float64
	cum  []uint64 // cum[i] = weights of vals[:i+1]
	n    uint64
}

func newWeightedSample(vals []float64, wts []uint64) weightedSample {
	s := weightedSample{vals: vals, cum: make([]uint64, len(vals))}
	for i, w := range wts {
		s.n += w
		s.cum[i] = s.n
	}
	return s
}

// at returns element k (0-based) of the expanded sorted array.
func (s weightedSample) at(k int64) float64 {
	k = min(max(k, 0), int64(s.n)-1)
	i := sort.Search(len(s.cum), func(i int) bool { return s.cum[i] > uint64(k) })
	return s.vals[i]
}

// quantile follows numpy.lib.function_base._quantile of NumPy 1.24: a
// virtual index into the sorted array, then either an element (the
// discontinuous methods) or a linear interpolation between two.
func (s weightedSample) quantile(q float64, m QuantileMethod) float64 {
	n := float64(s.n)
	// discrete returns the element at index v rounded down when cond, up otherwise.
	discrete := func(v float64, cond func(gamma, prev float64) bool) float64 {
		prev := math.Floor(v)
		k := prev + 1
		if cond(v-prev, prev) {
			k = prev
		}
		return s.at(int64(max(k, 0)))
	}
	var v float64
	fix := func(gamma, _ float64) float64 { return gamma }
	switch m {
	case QuantileInvertedCDF:
		return discrete(n*q-1, func(g, _ float64) bool { return g == 0 })
	case QuantileClosestObservation:
		return discrete(n*q-1-0.5, func(g, prev float64) bool { return g == 0 && math.Mod(prev, 2) == 0 })
	case QuantileLower:
		return s.at(int64(math.Floor((n - 1) * q)))
	case QuantileHigher:
		return s.at(int64(math.Ceil((n - 1) * q)))
	case QuantileNearest:
		return s.at(int64(math.RoundToEven((n - 1) * q)))
	case QuantileAveragedInvertedCDF:
		v = n*q - 1
		fix = func(gamma, _ float64) float64 {
			if gamma == 0 {
				return 0.5
			}
			return 1
		}
	case QuantileInterpolatedInvertedCDF:
		v = hfIndex(n, q, 0, 1)
	case QuantileHazen:
		v = hfIndex(n, q, 0.5, 0.5)
	case QuantileWeibull:
		v = hfIndex(n, q, 0, 0)
	case QuantileMedianUnbiased:
		v = hfIndex(n, q, 1/3.0, 1/3.0)
	case QuantileNormalUnbiased:
		v = hfIndex(n, q, 3/8.0, 3/8.0)
	case QuantileMidpoint:
		v = 0.5 * (math.Floor((n-1)*q) + math.Ceil((n-1)*q))
		fix = func(gamma, v float64) float64 {
			if math.Mod(v, 1) == 0 {
				return 0
			}
			return 0.5
		}
	default: // QuantileLinear
		v = (n - 1) * q
	}
	prev := math.Floor(v)
	next := prev + 1
	switch {
	case v >= n-1:
		prev, next = n-1, n-1
	case v < 0:
		prev, next = 0, 0
	}
	gamma := fix(v-prev, v)
	a, b := s.at(int64(prev)), s.at(int64(next))
	d := b - a
	if gamma >= 0.5 {
		return b - d*(1-gamma)
	}
	return a + d*gamma
}

// hfIndex is NumPy's _compute_virtual_index: the Hyndman–Fan index with
// plotting positions alpha and beta.
func hfIndex(n, q, alpha, beta float64) float64 {
	return n*q + (alpha + q*(1-alpha-beta)) - 1
}

// BinCounts counts x into the bins cut by the sorted edges: bin i holds
// the values in (edges[i−1], edges[i]] (right-closed, the outer bins open
// to ±∞), or in [edges[i−1], edges[i]) when leftClosed. NaN values are
// ignored. The result has len(edges)+1 counts.
func BinCounts(x, edges []float64, leftClosed bool) []float64 {
	c := make([]float64, len(edges)+1)
	for _, v := range x {
		if v == v {
			c[binOf(edges, v, leftClosed)]++
		}
	}
	return c
}

// binOf returns the histogram bin of x: the number of edges below x
// (right-closed bins, numpy.searchsorted side "left") or at most x
// (left-closed, side "right").
func binOf(edges []float64, x float64, leftClosed bool) int {
	if leftClosed {
		return sort.Search(len(edges), func(i int) bool { return edges[i] > x })
	}
	i, _ := slices.BinarySearch(edges, x)
	return i
}

// binSorted adds the weight of each of the ascending values vals to its
// bin (binOf) in dst, walking the edges alongside the values rather than
// searching them for each value.
func binSorted(dst, edges, vals []float64, wts []uint64, leftClosed bool) {
	b := 0
	for i, x := range vals {
		if leftClosed {
			for b < len(edges) && edges[b] <= x {
				b++
			}
		} else {
			for b < len(edges) && edges[b] < x {
				b++
			}
		}
		dst[b] += float64(wts[i])
	}
}
