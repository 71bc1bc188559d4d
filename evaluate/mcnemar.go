package evaluate

import "math"

// mcnemarExactBelow is the discordant count below which McNemar's test
// uses the exact binomial distribution rather than the chi-square
// approximation.
const mcnemarExactBelow = 25

// McNemar is the outcome of McNemar's test on paired predictions.
type McNemar struct {
	// B counts examples the champion got right and the challenger wrong;
	// C counts the opposite. Only these discordant pairs carry evidence.
	B int `json:"b"`
	C int `json:"c"`
	// Exact reports which test gave P: true for the exact two-sided
	// binomial test (B+C < 25), false for the chi-square test with
	// continuity correction.
	Exact bool `json:"exact"`
	// Statistic is min(B, C) for the exact test and (|B-C|-1)²/(B+C) for
	// the chi-square test.
	Statistic float64 `json:"statistic"`
	// P is the two-sided p-value of the hypothesis that both models have
	// the same error rate; 1 when there is no discordant pair.
	P float64 `json:"p"`
}

// McNemarTest runs McNemar's test on b and c, the two discordant counts.
// With b+c < 25 it is exact, as statsmodels' mcnemar(exact=True):
// P = min(1, 2 × BinomCDF(min(b, c); b+c, ½)); from 25 on it is
// statsmodels' mcnemar(exact=False, correction=True): the statistic
// (|b-c|-1)²/(b+c) against a chi-square with one degree of freedom. The
// switch at 25 follows the common rule that the approximation is good
// when b+c ≥ 25. It panics on negative counts.
func McNemarTest(b, c int) McNemar {
	if b < 0 || c < 0 {
		panic("evaluate: McNemar counts must not be negative")
	}
	n := b + c
	r := McNemar{B: b, C: c}
	if n < mcnemarExactBelow {
		r.Exact = true
		k := min(b, c)
		r.Statistic = float64(k)
		// Σ_{i≤k} C(n, i) / 2^n, exact in float64 for n < 25.
		var s float64
		coef := 1.0
		for i := 0; i <= k; i++ {
			s += coef
			coef = coef * float64(n-i) / float64(i+1)
		}
		r.P = min(1, 2*s/math.Pow(2, float64(n)))
		return r
	}
	d := math.Abs(float64(b-c)) - 1
	r.Statistic = d * d / float64(n)
	r.P = math.Erfc(math.Sqrt(r.Statistic / 2)) // survival function of chi-square(1)
	return r
}
