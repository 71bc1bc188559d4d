package drift

import "math"

// This file computes the survival function of the two-sided one-sample
// Kolmogorov–Smirnov statistic D_n, Pr(D_n > x), as scipy.stats.kstwo.sf
// (SciPy 1.10, after Simard and L'Ecuyer, "Computing the Two-Sided
// Kolmogorov–Smirnov Distribution", J. Stat. Software 39(11), 2011):
// Ruben–Gambino closed forms at the ends, the Durbin matrix (Marsaglia,
// Tsang and Wang 2003) and Pomeranz's recursion for small n·x², the
// one-sided Smirnov sum (Birnbaum and Tingey 1951) doubled for the upper
// tail, and the Pelz–Good series otherwise. ks_2samp uses it with n the
// rounded effective size mn/(m+n).

const (
	ksE128  = 128
	ksMinLn = -708 // exp below this is treated as zero (_MIN_LOG)
	// smirnovMaxN is the size beyond which the Smirnov tail is approximated
	// (SMIRNOV_MAX_COMPUTE_N).
	smirnovMaxN = 1000000
	// cephesMinLog is cephes' MINLOG, log(2^-1075): below it the one-sided
	// tail underflows.
	cephesMinLog = -7.451332191019412076235e2
)

var (
	ksEP128 = math.Ldexp(1, ksE128)
	ksEM128 = math.Ldexp(1, -ksE128)
)

// kstwoSF returns Pr(D_n > x) for the two-sided one-sample statistic with
// sample size n, as scipy.stats.kstwo.sf(x, n); NaN for n < 1.
func kstwoSF(n int, x float64) float64 {
	switch {
	case n < 1 || math.IsNaN(x):
		return math.NaN()
	case x <= 0.5/float64(n): // at or below the support
		return 1
	case x >= 1:
		return 0
	}
	fn := float64(n)
	t := fn * x
	if t <= 1 { // Ruben–Gambino: 1/2n < x ≤ 1/n
		var cdf float64
		if n <= 140 {
			cdf = 1
			for i := 1; i <= n; i++ {
				cdf *= float64(i) * (1 / fn) * (2*t - 1)
			}
		} else {
			cdf = math.Exp(logFactorialOverPower(fn) + fn*math.Log(2*t-1))
		}
		return clamp01(1 - cdf)
	}
	if t >= fn-1 { // Ruben–Gambino
		return clamp01(2 * math.Pow(1-x, fn))
	}
	if x >= 0.5 {
		return clamp01(2 * smirnovSF(n, x))
	}
	nxx := t * x
	if n <= 140 {
		switch {
		case nxx <= 0.754693:
			return clamp01(1 - durbinCDF(n, x))
		case nxx <= 4:
			return clamp01(1 - pomeranzCDF(n, x))
		}
		return clamp01(2 * smirnovSF(n, x))
	}
	switch {
	case nxx >= 370:
		return 0
	case nxx >= 2.2:
		return clamp01(2 * smirnovSF(n, x))
	case n <= 100000 && fn*math.Pow(x, 1.5) <= 1.4:
		return clamp01(1 - durbinCDF(n, x))
	}
	return clamp01(1 - pelzGoodCDF(fn, x))
}

// logFactorialOverPower is log(n!/nⁿ) by Stirling's series.
func logFactorialOverPower(n float64) float64 {
	coeffs := [...]float64{-2.955065359477124183e-2, 6.4102564102564102564e-3,
		-1.9175269175269175269e-3, 8.4175084175084175084e-4,
		-5.952380952380952381e-4, 7.9365079365079365079e-4,
		-2.7777777777777777778e-3, 8.3333333333333333333e-2}
	rn := 1 / n
	z := rn / n
	p := 0.0
	for _, c := range coeffs {
		p = p*z + c
	}
	return math.Log(n)/2 - n + math.Log(2*math.Pi)/2 + rn*p
}

// durbinCDF is Pr(D_n ≤ d) by the Durbin matrix: the (k, k) element of
// the n-th power of an m×m matrix, m = 2⌈nd⌉ − 1, scaled by n!/nⁿ.
func durbinCDF(n int, d float64) float64 {
	fn := float64(n)
	if d >= 1 {
		return 1
	}
	nd := fn * d
	if nd <= 0.5 {
		return 0
	}
	k := int(math.Ceil(nd))
	h := float64(k) - nd
	m := 2*k - 1
	v := make([]float64, m)
	w := make([]float64, m)
	fac := 1.0
	for j := 1; j <= m; j++ {
		w[j-1] = fac
		fac /= float64(j)
		v[j-1] = (1 - math.Pow(h, float64(j))) * fac
	}
	tt := math.Pow(math.Max(2*h-1, 0), float64(m)) - 2*math.Pow(h, float64(m))
	v[m-1] = (1 + tt) * fac
	H := make([]float64, m*m)
	for i := 1; i < m; i++ {
		for r := i - 1; r < m; r++ {
			H[r*m+i] = w[r-i+1]
		}
	}
	for r := range m {
		H[r*m] = v[r]
	}
	for c := range m {
		H[(m-1)*m+c] = v[m-1-c]
	}
	P := make([]float64, m*m)
	for i := range m {
		P[i*m+i] = 1
	}
	tmp := make([]float64, m*m)
	expnt, hexp := 0, 0
	for nn := n; nn > 0; nn /= 2 {
		if nn%2 == 1 {
			matMul(tmp, P, H, m)
			P, tmp = tmp, P
			expnt += hexp
		}
		matMul(tmp, H, H, m)
		H, tmp = tmp, H
		hexp *= 2
		if math.Abs(H[(k-1)*m+k-1]) > ksEP128 {
			for i := range H {
				H[i] /= ksEP128
			}
			hexp += ksE128
		}
	}
	p := P[(k-1)*m+k-1]
	for i := 1; i <= n; i++ {
		p = float64(i) * p / fn
		if math.Abs(p) < ksEM128 {
			p *= ksEP128
			expnt -= ksE128
		}
	}
	return clamp01(math.Ldexp(p, expnt))
}

// matMul sets dst = a·b for m×m row-major matrices.
func matMul(dst, a, b []float64, m int) {
	clear(dst)
	for i := range m {
		row := dst[i*m : i*m+m]
		for l := range m {
			x := a[i*m+l]
			if x == 0 {
				continue
			}
			for j, y := range b[l*m : l*m+m] {
				row[j] += x * y
			}
		}
	}
}

// pomeranzRow returns the clipped column range of row i of Pomeranz's
// recursion.
func pomeranzRow(i, n, ll, ceilf, roundf int) (int, int) {
	var j1, j2 int
	if i == 0 {
		j1, j2 = -ll-ceilf-1, ll+ceilf-1
	} else {
		half, odd := (i+1)/2, (i+1)%2
		if odd == 0 { // i is odd
			if half == n+1 {
				j1, j2 = n-ll-ceilf-1, n+ll+ceilf-1
			} else {
				j1, j2 = half-1-ll-roundf-1, half+ll-1+ceilf-1
			}
		} else {
			j1, j2 = half-1-ll-1, half+ll+roundf-1
		}
	}
	return max(j1+2, 0), min(j2, n)
}

// pomeranzCDF is Pr(D_n ≤ x) by Pomeranz's recursion (1974).
func pomeranzCDF(n int, x float64) float64 {
	fn := float64(n)
	t := fn * x
	ll := int(math.Floor(t))
	f := t - float64(ll)
	g := math.Min(f, 1-f)
	ceilf, roundf := 0, 0
	if f > 0 {
		ceilf = 1
	}
	if f > 0.5 {
		roundf = 1
	}
	np := 2 * (ll + 1)
	gp, g2p, g12p := make([]float64, np), make([]float64, np), make([]float64, np)
	gp[0], g2p[0], g12p[0] = 1, 1, 1
	gn, g2n, g12n := g/fn, 2*g/fn, (1-2*g)/fn
	for m := 1; m < np; m++ {
		gp[m] = gp[m-1] * gn / float64(m)
		g2p[m] = g2p[m-1] * g2n / float64(m)
		g12p[m] = g12p[m-1] * g12n / float64(m)
	}
	V0, V1 := make([]float64, np), make([]float64, np)
	V1[0] = 1
	v0s, v1s := 0, 0
	expnt := 0
	j1, _ := pomeranzRow(0, n, ll, ceilf, roundf)
	for i := 1; i < 2*n+2; i++ {
		k1 := j1
		V0, V1 = V1, V0
		v0s, v1s = v1s, v0s
		clear(V1)
		var j2 int
		j1, j2 = pomeranzRow(i, n, ll, ceilf, roundf)
		pw := g12p
		switch {
		case i == 1 || i == 2*n+1:
			pw = gp
		case i%2 == 1:
			pw = g2p
		}
		ln2 := j2 - k1 + 1
		if ln2 <= 0 {
			continue
		}
		lo := k1 - v0s
		a := V0[lo:min(lo+ln2, len(V0))]
		b := pw[:ln2]
		start, length := j1-k1, j2-j1+1
		mx := 0.0
		for o := range length {
			c := start + o // conv[c] = Σ a[p]·b[c−p]
			s := 0.0
			for p := max(0, c-len(b)+1); p <= min(c, len(a)-1); p++ {
				s += a[p] * b[c-p]
			}
			V1[o] = s
			mx = math.Max(mx, s)
		}
		if mx > 0 && mx < ksEM128 {
			for o := range V1 {
				V1[o] *= ksEP128
			}
			expnt -= ksE128
		}
		v1s = v0s + j1 - k1
	}
	ans := V1[n-v1s]
	for m := 1; m <= n; m++ {
		if math.Abs(ans) > ksEP128 {
			ans *= ksEM128
			expnt += ksE128
		}
		ans *= float64(m)
	}
	return clamp01(math.Ldexp(ans, expnt))
}

// pelzGoodCDF is the Pelz–Good (1976) approximation of Pr(D_n ≤ x).
func pelzGoodCDF(n, x float64) float64 {
	if x <= 0 {
		return 0
	}
	if x >= 1 {
		return 1
	}
	z := math.Sqrt(n) * x
	z2, z3, z4, z6 := z*z, z*z*z, z*z*z*z, math.Pow(z, 6)
	pi2, pi4, pi6 := math.Pi*math.Pi, math.Pow(math.Pi, 4), math.Pow(math.Pi, 6)
	qlog := -pi2 / 8 / z2
	if qlog < ksMinLn {
		return 0
	}
	q := math.Exp(qlog)
	k1a, k1b := -z2, pi2/4
	k2a := 6*z6 + 2*z4
	k2b := (2*z4 - 5*z2) * pi2 / 4
	k2c := pi4 * (1 - 2*z2) / 16
	k3d := pi6 * (5 - 30*z2) / 64
	k3c := pi4 * (-60*z2 + 212*z4) / 16
	k3b := pi2 * (135*z4 - 96*z6) / 4
	k3a := -30*z6 - 90*math.Pow(z, 8)
	var K [4]float64
	maxk := int(math.Ceil(16 * z / math.Pi))
	for k := maxk; k > 0; k-- {
		m := float64(2*k - 1)
		m2, m4, m6 := m*m, m*m*m*m, math.Pow(m, 6)
		qp := math.Pow(q, float64(8*k))
		c := [4]float64{1, k1a + k1b*m2, k2a + k2b*m2 + k2c*m4, k3a + k3b*m2 + k3c*m4 + k3d*m6}
		for i := range K {
			K[i] = K[i]*qp + c[i]
		}
	}
	sq2pi := math.Sqrt(2 * math.Pi)
	div := [4]float64{z, 6 * z4, 72 * math.Pow(z, 7), 6480 * math.Pow(z, 10)}
	for i := range K {
		K[i] = K[i] * q * sq2pi / div[i]
	}
	q = math.Exp(-pi2 / 2 / z2)
	sqrt3z := math.Sqrt(3) * z
	var e2, e3 float64
	for k := maxk; k > 0; k-- {
		kk := float64(k * k)
		qk := math.Pow(q, kk)
		e2 += kk * qk
		kpi := math.Pi * float64(k)
		e3 += (sqrt3z + kpi) * (sqrt3z - kpi) * kk * qk
	}
	K[2] += e2 * pi2 * sq2pi / (-36 * z3)
	K[3] += e3 * pi2 * sq2pi / (216 * z6)
	s := 0.0
	for i := range K {
		s += K[i] / math.Pow(n, float64(i)/2)
	}
	return s
}

// smirnovSF is Pr(D⁺_n > x) for the one-sided statistic, as
// scipy.special.smirnov(n, x): the Birnbaum–Tingey sum
// x·Σ_{j=0}^{⌊n(1−x)⌋} C(n, j) (1 − x − j/n)^(n−j) (x + j/n)^(j−1), whose
// terms are positive, each evaluated through logarithms.
func smirnovSF(n int, x float64) float64 {
	switch {
	case n <= 0 || !(x >= 0 && x <= 1):
		return math.NaN()
	case n == 1:
		return 1 - x
	case x == 0:
		return 1
	case x == 1:
		return 0
	}
	fn := float64(n)
	// n·x = hi + lo exactly; floor and fraction from both parts.
	hi := fn * x
	lo := math.FMA(fn, x, -hi)
	nxfl := math.Floor(hi)
	alpha := (hi - nxfl) + lo
	if alpha < 0 {
		nxfl--
		alpha++
	}
	if alpha >= 1 {
		nxfl++
		alpha = 0
	}
	fl := int(nxfl)
	if fl == 0 || (fl == 1 && alpha == 0) { // x ≤ 1/n
		return 1 - x*math.Pow(1+x, fn-1)
	}
	if -2*fn*x*x < cephesMinLog {
		return 0
	}
	if fl >= n-1 {
		return math.Pow(1-x, fn)
	}
	if n > smirnovMaxN {
		return math.Exp(-math.Pow(6*fn*x+1, 2) / 18 / fn)
	}
	last := n - fl - 1 // ⌊n(1−x)⌋, less the zero term when n·x is whole
	lgn, _ := math.Lgamma(fn + 1)
	sum, comp := 0.0, 0.0
	for j := 0; j <= last; j++ {
		fj := float64(j)
		lgj, _ := math.Lgamma(fj + 1)
		lgnj, _ := math.Lgamma(fn - fj + 1)
		// 1 − x − j/n = (n − j − n·x)/n and x + j/n = (n·x + j)/n, exactly.
		below := ((fn - fj - hi) - lo) / fn
		above := ((hi + fj) + lo) / fn
		l := lgn - lgj - lgnj + (fn-fj)*math.Log(below) + (fj-1)*math.Log(above)
		term := math.Exp(l)
		// Kahan summation.
		y := term - comp
		s := sum + y
		comp = (s - sum) - y
		sum = s
		if term != 0 {
			if 4*float64(last+1-j)*term < 2.220446049250313e-16*sum && j != last {
				break
			}
		} else if j > n/2 {
			break
		}
	}
	return clamp01(x * sum)
}
