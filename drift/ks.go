package drift

import (
	"fmt"
	"math"
	"runtime"
	"sync"

	"github.com/loomml/loom/internal/floatsort"
)

// ksMaxExact is the sample size up to which KSAuto computes exact
// p-values, as scipy.stats.ks_2samp(method="auto") decides (MAX_AUTO_N).
const ksMaxExact = 10000

// KSMethod chooses how the two-sample KS p-value is computed, as the method
// argument of scipy.stats.ks_2samp.
type KSMethod int

// KS p-value methods.
const (
	// KSAuto is exact when both samples have at most 10,000 values and
	// asymptotic otherwise (SciPy's "auto").
	KSAuto KSMethod = iota
	// KSExact is the exact distribution of the statistic (lattice paths),
	// falling back to KSAsymp when lcm(n, m) does not fit in an int32 or the
	// computation fails, as SciPy does.
	KSExact
	// KSAsymp is scipy.stats.kstwo.sf(D, round(nm/(n+m))), the exact
	// distribution of the one-sample statistic at the effective size.
	KSAsymp
)

// String returns SciPy's name of the method.
func (m KSMethod) String() string {
	switch m {
	case KSAuto:
		return "auto"
	case KSExact:
		return "exact"
	case KSAsymp:
		return "asymp"
	}
	return fmt.Sprintf("KSMethod(%d)", int(m))
}

// KSResult is the outcome of a two-sample Kolmogorov–Smirnov test, as
// scipy.stats.ks_2samp returns it.
type KSResult struct {
	Statistic float64 // D = sup |F_a − F_b|, rounded to the lattice k/lcm(n, m) when the p-value is exact
	PValue    float64 // two-sided
	Location  float64 // the value x at which |F_a(x) − F_b(x)| = D (the first such value of a, else of b)
	Sign      int     // +1 when F_a(x) − F_b(x) = D there, −1 when it is −D
	Exact     bool    // the p-value is from the exact distribution
}

// KS returns the two-sample Kolmogorov–Smirnov statistic and two-sided
// p-value of a and b, as scipy.stats.ks_2samp(a, b, method="auto"): exact
// when both samples have at most 10,000 values, otherwise kstwo.sf(D,
// round(nm/(n+m))). NaN values are ignored; either sample empty gives
// (NaN, NaN). a and b are not modified. KolmogorovSmirnov chooses the
// method and also returns where the statistic is attained.
func KS(a, b []float64) (stat, pvalue float64) {
	r := KolmogorovSmirnov(a, b, KSAuto)
	return r.Statistic, r.PValue
}

// KolmogorovSmirnov runs the two-sample Kolmogorov–Smirnov test of a
// against b with the given p-value method, as scipy.stats.ks_2samp(a, b,
// method=…): the statistic, the p-value, and the location and sign of the
// statistic. NaN values are ignored; either sample empty gives NaN
// statistic, p-value and location. a and b are not modified. It panics on
// an unknown method.
func KolmogorovSmirnov(a, b []float64, method KSMethod) KSResult {
	sa, sb := sortedPair(a, b)
	return ksWeighted(sa, nil, sb, nil, method, 0)
}

// parallelSortMin is the number of values from which sortedPair sorts the
// two samples on two goroutines.
const parallelSortMin = 1 << 16

// sortedPair returns the values of a and of b that are not NaN, sorted (by
// floatsort's radix sort), each on its own goroutine when they are large
// and there is more than one P.
func sortedPair(a, b []float64) (sa, sb []float64) {
	if len(a)+len(b) < parallelSortMin || runtime.GOMAXPROCS(0) == 1 {
		return floatsort.Sorted(a), floatsort.Sorted(b)
	}
	var wg sync.WaitGroup
	wg.Go(func() { sb = floatsort.Sorted(b) })
	sa = floatsort.Sorted(a)
	wg.Wait()
	return sa, sb
}

// sortedUnit returns the values of x that are not NaN, sorted, each with
// weight 1.
func sortedUnit(x []float64) ([]float64, []uint64) {
	s := floatsort.Sorted(x)
	w := make([]uint64, len(s))
	for i := range w {
		w[i] = 1
	}
	return s, w
}

// ksWeighted is KS over sorted weighted samples (weights are counts; nil
// weights are all 1). When
// slack > 0 the statistic may be off by up to slack (the samples are
// sketches): the p-value is that of max(D − slack, 0), so that it is never
// smaller than the p-value of the true statistic.
func ksWeighted(a []float64, wa []uint64, b []float64, wb []uint64, method KSMethod, slack float64) KSResult {
	if method < KSAuto || method > KSAsymp {
		panic(fmt.Sprintf("drift: unknown KS method, got %d", int(method)))
	}
	n1, n2 := uint64(len(a)), uint64(len(b))
	if wa != nil {
		n1 = sum(wa)
	}
	if wb != nil {
		n2 = sum(wb)
	}
	if n1 == 0 || n2 == 0 {
		return KSResult{Statistic: math.NaN(), PValue: math.NaN(), Location: math.NaN()}
	}
	// SciPy takes argmax/argmin over concatenate(sorted a, sorted b): the
	// first value of a attaining the extreme, else the first of b.
	maxA, maxB, minA, minB := math.Inf(-1), math.Inf(-1), math.Inf(1), math.Inf(1)
	var locMaxA, locMaxB, locMinA, locMinB float64
	var c1, c2 uint64
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		var x float64
		if j >= len(b) || (i < len(a) && a[i] <= b[j]) {
			x = a[i]
		} else {
			x = b[j]
		}
		inA, inB := false, false
		for i < len(a) && a[i] == x {
			if wa == nil {
				c1++
				inA = true
			} else {
				c1 += wa[i]
				inA = inA || wa[i] > 0
			}
			i++
		}
		for j < len(b) && b[j] == x {
			if wb == nil {
				c2++
				inB = true
			} else {
				c2 += wb[j]
				inB = inB || wb[j] > 0
			}
			j++
		}
		d := float64(c1)/float64(n1) - float64(c2)/float64(n2)
		if inA {
			if d > maxA {
				maxA, locMaxA = d, x
			}
			if d < minA {
				minA, locMinA = d, x
			}
		}
		if inB {
			if d > maxB {
				maxB, locMaxB = d, x
			}
			if d < minB {
				minB, locMinB = d, x
			}
		}
	}
	maxS, locMax := maxA, locMaxA
	if maxB > maxA {
		maxS, locMax = maxB, locMaxB
	}
	minD, locMin := minA, locMinA
	if minB < minA {
		minD, locMin = minB, locMinB
	}
	minS := math.Min(math.Max(-minD, 0), 1)
	r := KSResult{Statistic: maxS, Location: locMax, Sign: 1}
	if minS > maxS {
		r = KSResult{Statistic: minS, Location: locMin, Sign: -1}
	}
	r.Statistic, r.PValue, r.Exact = ksPValue(r.Statistic, n1, n2, method, slack)
	return r
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
// SciPy does), its two-sided p-value and whether that is exact. With
// slack > 0 the p-value is that of max(d − slack, 0) (see ksWeighted).
func ksPValue(d float64, n1, n2 uint64, method KSMethod, slack float64) (float64, float64, bool) {
	g := gcd(n1, n2)
	n1g, n2g := n1/g, n2/g
	if method == KSAuto {
		method = KSAsymp
		if max(n1, n2) <= ksMaxExact {
			method = KSExact
		}
	} else if method == KSExact && float64(n1g) >= float64(math.MaxInt32)/float64(n2g) {
		method = KSAsymp
	}
	dp := math.Max(d-slack, 0)
	if method == KSExact {
		lcm := n1g * n2
		h := uint64(math.RoundToEven(d * float64(lcm)))
		d = float64(h) / float64(lcm)
		hp := h
		if slack > 0 {
			hp = uint64(math.Max(math.Ceil((d-slack)*float64(lcm)-1e-9), 0))
		}
		dp = float64(hp) / float64(lcm)
		if hp == 0 {
			return d, 1, true
		}
		var p float64
		if n1 == n2 {
			p = probOutsideSquare(n1, hp)
		} else {
			p = outerProbInside(n1, n2, g, hp)
		}
		if p >= 0 && p <= 1 {
			return d, p, true
		}
	}
	m, n := float64(max(n1, n2)), float64(min(n1, n2))
	en := m * n / (m + n)
	ne := math.RoundToEven(en)
	if ne > math.MaxInt {
		ne = math.MaxInt
	}
	return d, clamp01(kstwoSF(int(ne), dp)), false
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
