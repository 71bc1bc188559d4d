package drift

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/stat/distuv"
)

// Wasserstein returns the first Wasserstein (earth mover's) distance
// between the empirical distributions of a and b, as
// scipy.stats.wasserstein_distance(a, b). NaN values are ignored; either
// sample empty gives NaN.
func Wasserstein(a, b []float64) float64 {
	sa, wa := sortedUnit(a)
	sb, wb := sortedUnit(b)
	return wassersteinWeighted(sa, wa, sb, wb)
}

// WassersteinWeighted returns the first Wasserstein distance between the
// weighted empirical distributions of u and v, as
// scipy.stats.wasserstein_distance(u, v, uWeights, vWeights): value u[i]
// has mass uWeights[i] (a nil weight slice gives every value mass 1). NaN
// values are ignored with their weights. It returns NaN when a side has
// no value, a negative or non-finite weight, or weights summing to zero,
// and panics when a weight slice's length differs from its values'.
func WassersteinWeighted(u, v, uWeights, vWeights []float64) float64 {
	a, wa, ok := sortedWeighted(u, uWeights)
	b, wb, ok2 := sortedWeighted(v, vWeights)
	if !ok || !ok2 {
		return math.NaN()
	}
	return cdfDistance(a, wa, b, wb)
}

// sortedWeighted sorts x with its weights (unit weights when w is nil),
// dropping NaN values; ok is false for invalid weights or zero mass.
func sortedWeighted(x, w []float64) (vals, wts []float64, ok bool) {
	if w != nil && len(w) != len(x) {
		panic(fmt.Sprintf("drift: WassersteinWeighted needs one weight per value, got %d values and %d weights", len(x), len(w)))
	}
	idx := make([]int, 0, len(x))
	total := 0.0
	for i, v := range x {
		wi := 1.0
		if w != nil {
			wi = w[i]
		}
		if wi < 0 || math.IsNaN(wi) || math.IsInf(wi, 0) {
			return nil, nil, false
		}
		if v == v {
			idx = append(idx, i)
			total += wi
		}
	}
	if !(total > 0) || math.IsInf(total, 0) {
		return nil, nil, false
	}
	slices.SortStableFunc(idx, func(i, j int) int { return cmp.Compare(x[i], x[j]) })
	vals, wts = make([]float64, len(idx)), make([]float64, len(idx))
	for k, i := range idx {
		vals[k] = x[i]
		wts[k] = 1
		if w != nil {
			wts[k] = w[i]
		}
	}
	return vals, wts, true
}

// wassersteinWeighted is ∫ |F_a − F_b| dx over sorted samples with counts.
func wassersteinWeighted(a []float64, wa []uint64, b []float64, wb []uint64) float64 {
	return cdfDistance(a, wa, b, wb)
}

// cdfDistance is ∫ |F_a − F_b| dx over sorted weighted samples, as SciPy's
// _cdf_distance(1, …): the CDFs are cumulative weights over total weight.
// Counts are converted to float64 as they are added, giving what the
// float64 weights of the counts would.
func cdfDistance[W uint64 | float64](a []float64, wa []W, b []float64, wb []W) float64 {
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
	// One item a step, the smaller of the next of a and b (a's first on a
	// tie), without a data-dependent branch while both sides have items
	// (their order is a coin flip for samples of one distribution): the
	// step adds |F_a − F_b|·(x − prev) before counting its item, with
	// x − prev taken as 0 within a run of equal values, which adds +0 and
	// so leaves total as the sum over distinct values would.
	var c1, c2, total float64
	i, j := 0, 0
	prev := math.Min(a[0], b[0])
	for i < len(a) && j < len(b) {
		x, y := a[i], b[j]
		le := x <= y
		v := math.Float64frombits(pick(le, math.Float64bits(x), math.Float64bits(y)))
		d := math.Float64frombits(pick(v == prev, 0, math.Float64bits(v-prev)))
		total += math.Abs(c1/n1-c2/n2) * d
		w1 := math.Float64frombits(pick(le, math.Float64bits(float64(wa[i])), 0))
		w2 := math.Float64frombits(pick(le, 0, math.Float64bits(float64(wb[j]))))
		c1 += w1
		c2 += w2
		di := pick(le, 1, 0)
		i += int(di)
		j += int(1 - di)
		prev = v
	}
	for ; i < len(a); i++ {
		if x := a[i]; x != prev {
			total += math.Abs(c1/n1-c2/n2) * (x - prev)
			prev = x
		}
		c1 += float64(wa[i])
	}
	for ; j < len(b); j++ {
		if y := b[j]; y != prev {
			total += math.Abs(c1/n1-c2/n2) * (y - prev)
			prev = y
		}
		c2 += float64(wb[j])
	}
	return total
}

// pick returns a when c holds, else b, by a conditional move.
func pick(c bool, a, b uint64) uint64 {
	if c {
		return a
	}
	return b
}

// JensenShannon returns the Jensen–Shannon distance between two histograms
// (counts or proportions over the same bins), as
// scipy.spatial.distance.jensenshannon(p, q) with the natural logarithm:
// each is normalised to sum 1, and the result is
// sqrt((KL(p‖m) + KL(q‖m)) / 2) with m = (p + q)/2, in [0, sqrt(ln 2)].
// It returns NaN when either histogram sums to zero and panics when the
// lengths differ.
func JensenShannon(p, q []float64) float64 {
	return math.Sqrt(JensenShannonDivergence(p, q, 0))
}

// JensenShannonBase returns the Jensen–Shannon distance with logarithms to
// the given base, as scipy.spatial.distance.jensenshannon(p, q, base):
// in [0, 1] for base 2. Base 0 means the natural logarithm. It panics on a
// base that is negative or 1.
func JensenShannonBase(p, q []float64, base float64) float64 {
	return math.Sqrt(JensenShannonDivergence(p, q, base))
}

// JensenShannonDivergence returns the Jensen–Shannon divergence
// (KL(p‖m) + KL(q‖m))/2, m = (p + q)/2, with logarithms to the given base
// (0 for the natural logarithm): the square of the distance. p and q are
// normalised to sum 1. It returns NaN when either sums to zero and panics
// when the lengths differ or the base is negative or 1.
func JensenShannonDivergence(p, q []float64, base float64) float64 {
	mustSameLen("JensenShannon", p, q)
	if base < 0 || base == 1 || math.IsNaN(base) {
		panic(fmt.Sprintf("drift: JensenShannon needs a logarithm base > 0 other than 1 (or 0 for e), got %v", base))
	}
	sp, sq := sumF(p), sumF(q)
	if sp <= 0 || sq <= 0 {
		return math.NaN()
	}
	left, right := 0.0, 0.0
	for i := range p {
		pi, qi := p[i]/sp, q[i]/sq
		m := (pi + qi) / 2
		left += relEntr(pi, m)
		right += relEntr(qi, m)
	}
	js := left + right
	if base != 0 {
		js /= math.Log(base)
	}
	return math.Max(js, 0) / 2
}

func relEntr(x, y float64) float64 {
	switch {
	case x == 0:
		return 0
	case x > 0 && y > 0:
		return x * math.Log(x/y)
	}
	return math.Inf(1)
}

// PSIEpsilon replaces an empty bin's proportion in PSI, so that the
// logarithm stays finite.
const PSIEpsilon = 0.0001

// PSI returns the population stability index of the current histogram cur
// against the reference histogram ref (counts over the same bins):
// Σ (c_i − r_i)·ln(c_i / r_i) over the proportions r_i, c_i, where a zero
// proportion is replaced by PSIEpsilon. It returns NaN when either sums to
// zero and panics when the lengths differ.
func PSI(ref, cur []float64) float64 {
	mustSameLen("PSI", ref, cur)
	sr, sc := sumF(ref), sumF(cur)
	if sr <= 0 || sc <= 0 {
		return math.NaN()
	}
	psi := 0.0
	for i := range ref {
		r, c := ref[i]/sr, cur[i]/sc
		if r == 0 {
			r = PSIEpsilon
		}
		if c == 0 {
			c = PSIEpsilon
		}
		psi += (c - r) * math.Log(c/r)
	}
	return psi
}

// LInfinity returns max_i |r_i − c_i| over the normalised histograms, the
// L-infinity distance TensorFlow Data Validation uses for categorical
// drift. It returns NaN when either sums to zero.
func LInfinity(ref, cur []float64) float64 {
	mustSameLen("LInfinity", ref, cur)
	sr, sc := sumF(ref), sumF(cur)
	if sr <= 0 || sc <= 0 {
		return math.NaN()
	}
	d := 0.0
	for i := range ref {
		d = math.Max(d, math.Abs(ref[i]/sr-cur[i]/sc))
	}
	return d
}

// ChiSquare returns the chi-square statistic, p-value and degrees of
// freedom of the test of homogeneity of the 2×k contingency table whose
// rows are ref and cur (counts over the same categories), as
// scipy.stats.chi2_contingency([ref, cur], correction=False) after
// dropping categories empty in both. With fewer than two categories left
// the samples cannot differ: (0, 1, 0). Either row summing to zero gives NaN.
func ChiSquare(ref, cur []float64) (stat, pvalue float64, dof int) {
	mustSameLen("ChiSquare", ref, cur)
	sr, sc := sumF(ref), sumF(cur)
	if sr <= 0 || sc <= 0 {
		return math.NaN(), math.NaN(), 0
	}
	total := sr + sc
	k := 0
	for i := range ref {
		col := ref[i] + cur[i]
		if col == 0 {
			continue
		}
		k++
		er, ec := sr*col/total, sc*col/total
		stat += (ref[i]-er)*(ref[i]-er)/er + (cur[i]-ec)*(cur[i]-ec)/ec
	}
	if k < 2 {
		return 0, 1, 0
	}
	dof = k - 1
	return stat, distuv.ChiSquared{K: float64(dof)}.Survival(stat), dof
}

// ZTest returns the statistic and two-sided p-value of the two-proportion
// Z-test of x1 successes in n1 trials against x2 in n2, with the pooled
// proportion (Evidently's z_stat_test). When the pooled proportion is 0 or
// 1 the proportions are equal and it returns (0, 1); n1 or n2 zero gives NaN.
func ZTest(x1, n1, x2, n2 float64) (z, pvalue float64) {
	if n1 <= 0 || n2 <= 0 {
		return math.NaN(), math.NaN()
	}
	p1, p2 := x1/n1, x2/n2
	P := (x1 + x2) / (n1 + n2)
	if P <= 0 || P >= 1 {
		return 0, 1
	}
	z = (p1 - p2) / math.Sqrt(P*(1-P)*(1/n1+1/n2))
	return z, 2 * distuv.UnitNormal.Survival(math.Abs(z))
}

func sumF(x []float64) float64 {
	s := 0.0
	for _, v := range x {
		s += v
	}
	return s
}

func mustSameLen(fn string, a, b []float64) {
	if len(a) != len(b) {
		panic(fmt.Sprintf("drift: %s needs histograms of equal length, got %d and %d", fn, len(a), len(b)))
	}
}
