package drift

import (
	"fmt"
	"math"
)

// AndersonResult is the outcome of the k-sample Anderson–Darling test.
type AndersonResult struct {
	// Statistic is the normalised statistic (A²akN − (k − 1)) / σ of
	// Scholz and Stephens (1987), as scipy.stats.anderson_ksamp returns it.
	Statistic float64 `json:"statistic"`
	// Critical holds the critical values of Statistic at the significance
	// levels 25%, 10%, 5%, 2.5%, 1%, 0.5% and 0.1%, in that order.
	Critical [7]float64 `json:"critical_values"`
	// PValue is the approximate p-value, floored at 0.001 and capped at
	// 0.25 (see AndersonDarling).
	PValue float64 `json:"p_value"`
}

// andersonLevels are the significance levels of AndersonResult.Critical.
var andersonLevels = [7]float64{0.25, 0.1, 0.05, 0.025, 0.01, 0.005, 0.001}

// AndersonDarling returns the k-sample Anderson–Darling test of the
// hypothesis that the samples come from one distribution, as
// scipy.stats.anderson_ksamp(samples, midrank=True) in SciPy 1.10: the
// midrank statistic A²akN (equation 7 of Scholz and Stephens, 1987, valid
// with ties), normalised by its mean k − 1 and standard deviation σ; the
// critical values of Scholz and Stephens' table 2 for k − 1 degrees of
// freedom; and the p-value interpolated from that table by a quadratic
// least-squares fit of log(level) on the critical values. As in SciPy, the
// p-value is floored / capped at 0.1% / 25%: a statistic below the 25%
// critical value gives 0.25 and one above the 0.1% critical value gives
// 0.001, so test p ≥ 0.25 rather than p == 0.25 (analogously for the lower
// bound).
//
// NaN values are ignored. Fewer than two samples, an empty sample, fewer
// than four values in all or fewer than two distinct values are errors
// wrapping ErrNotEnoughData. The samples are not modified.
func AndersonDarling(samples ...[]float64) (AndersonResult, error) {
	ws := make([]wsample, len(samples))
	for i, s := range samples {
		ws[i].vals, ws[i].wts = sortedUnit(s)
	}
	return andersonWeighted(ws)
}

// wsample is a sorted sample with a count per value (a sketch's view).
type wsample struct {
	vals []float64
	wts  []uint64
}

// andersonWeighted is AndersonDarling over sorted weighted samples.
func andersonWeighted(s []wsample) (AndersonResult, error) {
	k := len(s)
	if k < 2 {
		return AndersonResult{}, fmt.Errorf("drift: Anderson–Darling needs at least 2 samples, got %d: %w", k, ErrNotEnoughData)
	}
	n := make([]float64, k)
	var total uint64
	for i := range s {
		c := sum(s[i].wts)
		if c == 0 {
			return AndersonResult{}, fmt.Errorf("drift: Anderson–Darling sample %d of %d is empty: %w", i+1, k, ErrNotEnoughData)
		}
		n[i] = float64(c)
		total += c
	}
	if total < 4 {
		return AndersonResult{}, fmt.Errorf("drift: Anderson–Darling needs at least 4 values, got %d: %w", total, ErrNotEnoughData)
	}
	N := float64(total)
	a2, distinct := andersonMidrank(s, n, N)
	if distinct < 2 {
		return AndersonResult{}, fmt.Errorf("drift: Anderson–Darling needs at least 2 distinct values, got %d: %w", distinct, ErrNotEnoughData)
	}
	stat, crit, p := andersonNormalise(a2, k, n, total)
	return AndersonResult{Statistic: stat, Critical: crit, PValue: p}, nil
}

// andersonMidrank returns A²akN (SciPy's _anderson_ksamp_midrank) and the
// number of distinct values. For each distinct value z_j, with l_j values
// equal to it among all N, B_j = #{< z_j} + l_j/2 and, in sample i,
// M_ij = #{< z_j} + f_ij/2:
//
//	A²akN = (N−1)/N · Σ_i 1/n_i Σ_j l_j/N · (N·M_ij − B_j·n_i)² / (B_j(N − B_j) − N·l_j/4)
func andersonMidrank(s []wsample, n []float64, N float64) (float64, int) {
	k := len(s)
	pos := make([]int, k)
	below := make([]float64, k) // values of sample i below the current z
	f := make([]float64, k)
	acc := make([]float64, k)
	var belowAll float64
	distinct := 0
	for {
		// The next distinct value over all samples.
		z, found := math.Inf(1), false
		for i := range s {
			if pos[i] < len(s[i].vals) && (!found || s[i].vals[pos[i]] < z) {
				z, found = s[i].vals[pos[i]], true
			}
		}
		if !found {
			break
		}
		distinct++
		var l float64
		for i := range s {
			var c uint64
			for pos[i] < len(s[i].vals) && s[i].vals[pos[i]] == z {
				c += s[i].wts[pos[i]]
				pos[i]++
			}
			f[i] = float64(c)
			l += f[i]
		}
		b := belowAll + l/2
		den := b*(N-b) - N*l/4
		for i := range s {
			m := below[i] + f[i]/2
			d := N*m - b*n[i]
			acc[i] += l / N * d * d / den
			below[i] += f[i]
		}
		belowAll += l
	}
	if distinct < 2 {
		return math.NaN(), distinct
	}
	var a2 float64
	for i := range acc {
		a2 += acc[i] / n[i]
	}
	return a2 * (N - 1) / N, distinct
}

// andersonNormalise standardises A²akN with the variance of Scholz and
// Stephens (equation 4) and interpolates the p-value, as SciPy 1.10.
func andersonNormalise(a2 float64, k int, n []float64, total uint64) (stat float64, crit [7]float64, p float64) {
	N := float64(total)
	var H float64
	for _, x := range n {
		H += 1 / x
	}
	// hs_cs = cumsum(1/(N−1), 1/(N−2), …, 1/2); h = hs_cs[−1] + 1;
	// g = Σ hs_cs[j] / (j + 2).
	var cs, g float64
	for j := range total - 2 {
		cs += 1 / float64(total-1-j)
		g += cs / float64(j+2)
	}
	h := cs + 1
	K := float64(k)
	a := (4*g-6)*(K-1) + (10-6*g)*H
	b := (2*g-4)*K*K + 8*h*K + (2*g-14*h-4)*H - 8*h + 4*g - 6
	c := (6*h+2*g-2)*K*K + (4*h-4*g+6)*K + (2*h-6)*H + 4*h
	d := (2*h+6)*K*K - 4*h*K
	sigmasq := (a*N*N*N + b*N*N + c*N + d) / ((N - 1) * (N - 2) * (N - 3))
	m := K - 1
	stat = (a2 - m) / math.Sqrt(sigmasq)

	// Table 2 of Scholz and Stephens: critical = b0 + b1/√m + b2/m.
	b0 := [7]float64{0.675, 1.281, 1.645, 1.96, 2.326, 2.573, 3.085}
	b1 := [7]float64{-0.245, 0.25, 0.678, 1.149, 1.822, 2.364, 3.615}
	b2 := [7]float64{-0.105, -0.305, -0.362, -0.391, -0.396, -0.345, -0.154}
	for i := range crit {
		crit[i] = b0[i] + b1[i]/math.Sqrt(m) + b2[i]/m
	}
	switch {
	case stat < crit[0]: // critical values increase with the level index
		p = andersonLevels[0]
	case stat > crit[len(crit)-1]:
		p = andersonLevels[len(andersonLevels)-1]
	default:
		var y [7]float64
		for i, s := range andersonLevels {
			y[i] = math.Log(s)
		}
		c := polyfit2(crit, y)
		p = math.Exp((c[0]*stat+c[1])*stat + c[2])
	}
	return stat, crit, p
}

// polyfit2 returns the least-squares quadratic c[0]·x² + c[1]·x + c[2]
// through (x, y), as numpy.polyfit(x, y, 2): the Vandermonde columns are
// scaled to unit norm and the system solved by Householder QR.
func polyfit2(x, y [7]float64) [3]float64 {
	const rows, cols = 7, 3
	var A [rows][cols]float64
	var scale [cols]float64
	for i := range rows {
		A[i] = [cols]float64{x[i] * x[i], x[i], 1}
	}
	for j := range cols {
		var s float64
		for i := range rows {
			s += A[i][j] * A[i][j]
		}
		scale[j] = math.Sqrt(s)
		for i := range rows {
			A[i][j] /= scale[j]
		}
	}
	b := y
	for j := range cols {
		var norm float64
		for i := j; i < rows; i++ {
			norm += A[i][j] * A[i][j]
		}
		norm = math.Sqrt(norm)
		if A[j][j] > 0 {
			norm = -norm
		}
		// Householder vector v = a − norm·e_j, stored in place.
		var v [rows]float64
		for i := j; i < rows; i++ {
			v[i] = A[i][j]
		}
		v[j] -= norm
		var vv float64
		for i := j; i < rows; i++ {
			vv += v[i] * v[i]
		}
		if vv == 0 {
			continue
		}
		for c := j; c < cols; c++ {
			var dot float64
			for i := j; i < rows; i++ {
				dot += v[i] * A[i][c]
			}
			for i := j; i < rows; i++ {
				A[i][c] -= 2 * dot / vv * v[i]
			}
		}
		var dot float64
		for i := j; i < rows; i++ {
			dot += v[i] * b[i]
		}
		for i := j; i < rows; i++ {
			b[i] -= 2 * dot / vv * v[i]
		}
	}
	var c [cols]float64
	for j := cols - 1; j >= 0; j-- {
		s := b[j]
		for t := j + 1; t < cols; t++ {
			s -= A[j][t] * c[t]
		}
		c[j] = s / A[j][j]
	}
	for j := range cols {
		c[j] /= scale[j]
	}
	return c
}
