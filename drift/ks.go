package drift

import (
	"math"
	"slices"
)

// ksMaxExact is the sample size up to which KS p-values are exact, as
// scipy.stats.ks_2samp(method="auto") decides (MAX_AUTO_N).
const ksMaxExact = 10000

// KS returns the two-sample Kolmogorov–Smirnov statistic and two-sided
// p-value of a and b, as scipy.stats.ks_2samp(a, b, method="auto"): exact
// when both samples have at most 10,000 values, asymptotic otherwise (see
// the package documentation for the asymptotic formula). NaN values are
// ignored; either sample empty gives (NaN, NaN). a and b are not modified.
func KS(a, b []float64) (stat, pvalue float64) {
	sa, wa := sortedUnit(a)
	sb, wb := sortedUnit(b)
	return ksWeighted(sa, wa, sb, wb)
}

func sortedUnit(x []float64) ([]float64, []uint64) {
	s := make([]float64, 0, len(x))
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

// ksWeighted is KS over sorted weighted samples (weights are counts).
func ksWeighted(a []float64, wa []uint64, b []float64, wb []uint64) (stat, pvalue float64) {
	n1, n2 := sum(wa), sum(wb)
	if n1 == 0 || n2 == 0 {
		return math.NaN(), math.NaN()
	}
	var c1, c2 uint64
	maxS, minS := math.Inf(-1), math.Inf(1)
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		var x float64
		switch {
		case j >= len(b) || (i < len(a) && a[i] <= b[j]):
			x = a[i]
		default:
			x = b[j]
		}
		for i < len(a) && a[i] == x {
			c1 += wa[i]
			i++
		}
		for j < len(b) && b[j] == x {
			c2 += wb[j]
			j++
		}
		d := float64(c1)/float64(n1) - float64(c2)/float64(n2)
		maxS = max(maxS, d)
		minS = min(minS, d)
	}
	lo := math.Min(math.Max(-minS, 0), 1)
	d := maxS
	if lo > maxS {
		d = lo
	}
	return ksPValue(d, n1, n2)
}

func sum(w []uint64) uint64 {
	var s uint64
	for _, x := range w {
		s += x
	}
	return s
}

func gcd(a, b uint64) uint64 {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// ksPValue returns the statistic (rounded to the lattice in exact mode, as
// SciPy does) and its two-sided p-value.
func ksPValue(d float64, n1, n2 uint64) (float64, float64) {
	if max(n1, n2) <= ksMaxExact {
		g := gcd(n1, n2)
		lcm := (n1 / g) * n2
		h := uint64(math.RoundToEven(d * float64(lcm)))
		d = float64(h) / float64(lcm)
		if h == 0 {
			return d, 1
		}
		var p float64
		if n1 == n2 {
			p = probOutsideSquare(n1, h)
		} else {
			p = outerProbInside(n1, n2, g, h)
		}
		if p >= 0 && p <= 1 && !math.IsInf(p, 0) {
			return d, p
		}
	}
	m, n := float64(max(n1, n2)), float64(min(n1, n2))
	en := m * n / (m + n)
	return d, clamp01(kolmogorovSF(math.Sqrt(en) * d))
}

func clamp01(p float64) float64 { return math.Min(math.Max(p, 0), 1) }

// probOutsideSquare is Pr(D_{n,n} ≥ h/n), SciPy's _compute_prob_outside_square.
func probOutsideSquare(n, h uint64) float64 {
	P := 0.0
	for k := int64(n / h); k >= 0; k-- {
		p1 := 1.0
		kh := float64(uint64(k) * h)
		for j := range h {
			p1 = (float64(n) - kh - float64(j)) * p1 / (float64(n) + kh + float64(j) + 1)
		}
		P = p1 * (1 - P)
	}
	return 2 * P
}

// outerProbInside is SciPy's _compute_outer_prob_inside_method: the
// probability that a lattice path from (0,0) to (m,n) leaves the band
// |x/m − y/n| < h/lcm(m,n).
func outerProbInside(m, n, g, h uint64) float64 {
	if m < n {
		m, n = n, m
	}
	mg, ng := int64(m/g), int64(n/g)
	H := int64(h)
	N := int64(n)
	minj, maxj := int64(0), min(ceilDiv(H, mg), N+1)
	curlen := maxj - minj
	lenA := min(2*maxj+2, N+1)
	A := make([]float64, lenA)
	for i := range A {
		A[i] = 1
	}
	for i := minj; i < maxj; i++ {
		A[i] = 0
	}
	for i := int64(1); i <= int64(m); i++ {
		lastminj, lastlen := minj, curlen
		minj = max(floorDiv(ng*i-H, mg)+1, 0)
		minj = min(minj, N)
		maxj = min(ceilDiv(ng*i+H, mg), N+1)
		if maxj <= minj {
			return 1
		}
		val := 1.0
		if minj == 0 {
			val = 0
		}
		for jj := int64(0); jj < maxj-minj; jj++ {
			j := jj + minj
			val = (A[jj+minj-lastminj]*float64(i) + val*float64(j)) / float64(i+j)
			A[jj] = val
		}
		curlen = maxj - minj
		if lastlen > curlen {
			for t := maxj - minj; t < maxj-minj+(lastlen-curlen) && t < int64(len(A)); t++ {
				A[t] = 1
			}
		}
	}
	return A[maxj-minj-1]
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

func ceilDiv(a, b int64) int64 { return -floorDiv(-a, b) }

// kolmogorovSF is the limiting Kolmogorov survival function
// Q(λ) = 2 Σ_{k≥1} (−1)^{k−1} exp(−2k²λ²).
func kolmogorovSF(lambda float64) float64 {
	if lambda <= 0 {
		return 1
	}
	if lambda < 0.2 {
		return 1
	}
	s := 0.0
	for k := 1; k <= 100; k++ {
		t := math.Exp(-2 * float64(k*k) * lambda * lambda)
		if k%2 == 1 {
			s += t
		} else {
			s -= t
		}
		if t < 1e-17 {
			break
		}
	}
	return clamp01(2 * s)
}
