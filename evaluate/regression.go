package evaluate

import (
	"math"
	"slices"
)

// checkRegression validates targets, predictions and weights of the same
// examples.
func checkRegression(yTrue, yPred, w []float64) error {
	if err := checkNonEmpty(len(yTrue)); err != nil {
		return err
	}
	if err := checkLen("yPred", len(yPred), len(yTrue)); err != nil {
		return err
	}
	if err := checkFinite("yTrue", yTrue); err != nil {
		return err
	}
	if err := checkFinite("yPred", yPred); err != nil {
		return err
	}
	return checkWeights(w, len(yTrue))
}

// weightedMean returns the w-weighted mean of f(i) over n examples, or
// ErrUndefined when the weights sum to zero.
func weightedMean(n int, w []float64, f func(i int) float64) (float64, error) {
	var s, ws float64
	for i := range n {
		wt := weight(w, i)
		s += wt * f(i)
		ws += wt
	}
	if ws == 0 {
		return 0, ErrUndefined
	}
	return s / ws, nil
}

// MAE is the weighted mean absolute error, scikit-learn's
// mean_absolute_error(y_true, y_pred, sample_weight=w).
func MAE(yTrue, yPred, w []float64) (float64, error) {
	if err := checkRegression(yTrue, yPred, w); err != nil {
		return 0, err
	}
	return weightedMean(len(yTrue), w, func(i int) float64 { return math.Abs(yTrue[i] - yPred[i]) })
}

// MSE is the weighted mean squared error, scikit-learn's
// mean_squared_error(y_true, y_pred, sample_weight=w).
func MSE(yTrue, yPred, w []float64) (float64, error) {
	if err := checkRegression(yTrue, yPred, w); err != nil {
		return 0, err
	}
	return weightedMean(len(yTrue), w, func(i int) float64 { d := yTrue[i] - yPred[i]; return d * d })
}

// RMSE is the square root of MSE, scikit-learn's
// mean_squared_error(..., squared=False).
func RMSE(yTrue, yPred, w []float64) (float64, error) {
	m, err := MSE(yTrue, yPred, w)
	return math.Sqrt(m), err
}

// MAPE is the weighted mean of |y - ŷ| / max(|y|, ε) with ε = 2^-52, as
// scikit-learn's mean_absolute_percentage_error: a zero target gives a
// very large, finite term rather than +Inf. The result is a fraction, not
// a percentage.
func MAPE(yTrue, yPred, w []float64) (float64, error) {
	if err := checkRegression(yTrue, yPred, w); err != nil {
		return 0, err
	}
	return weightedMean(len(yTrue), w, func(i int) float64 {
		return math.Abs(yTrue[i]-yPred[i]) / max(math.Abs(yTrue[i]), 0x1p-52)
	})
}

// MedianAE is the median absolute error, scikit-learn's
// median_absolute_error. Unweighted (w nil) it is the ordinary median,
// the mean of the two middle values for an even count; weighted it is
// scikit-learn's _weighted_percentile at 50: the smallest error whose
// cumulative weight reaches half the total.
func MedianAE(yTrue, yPred, w []float64) (float64, error) {
	if err := checkRegression(yTrue, yPred, w); err != nil {
		return 0, err
	}
	n := len(yTrue)
	errs := make([]float64, n)
	for i := range n {
		errs[i] = math.Abs(yTrue[i] - yPred[i])
	}
	if w == nil {
		slices.Sort(errs)
		if n%2 == 1 {
			return errs[n/2], nil
		}
		return (errs[n/2-1] + errs[n/2]) / 2, nil
	}
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		switch {
		case errs[a] < errs[b]:
			return -1
		case errs[a] > errs[b]:
			return 1
		}
		return 0
	})
	cdf := make([]float64, n)
	s := 0.0
	for j, i := range idx {
		s += w[i]
		cdf[j] = s
	}
	half := 0.5 * s
	if half == 0 {
		return 0, ErrUndefined
	}
	j, _ := slices.BinarySearch(cdf, half)
	j = min(j, n-1)
	return errs[idx[j]], nil
}

// R2 is the weighted coefficient of determination, 1 - SS_res/SS_tot
// around the weighted mean, as scikit-learn's r2_score with
// force_finite=True: when the targets are constant (SS_tot = 0) it is 1
// for a perfect prediction and 0 otherwise, never NaN or -Inf.
func R2(yTrue, yPred, w []float64) (float64, error) {
	if err := checkRegression(yTrue, yPred, w); err != nil {
		return 0, err
	}
	mean, err := weightedMean(len(yTrue), w, func(i int) float64 { return yTrue[i] })
	if err != nil {
		return 0, err
	}
	var num, den float64
	for i := range yTrue {
		wt := weight(w, i)
		d := yTrue[i] - yPred[i]
		num += wt * d * d
		e := yTrue[i] - mean
		den += wt * e * e
	}
	return forceFinite(num, den), nil
}

func forceFinite(num, den float64) float64 {
	if den == 0 {
		if num == 0 {
			return 1
		}
		return 0
	}
	return 1 - num/den
}

// ExplainedVariance is 1 - Var(y - ŷ)/Var(y) with weighted variances, as
// scikit-learn's explained_variance_score with force_finite=True (1 for
// constant targets predicted with constant error, else 0 there).
func ExplainedVariance(yTrue, yPred, w []float64) (float64, error) {
	if err := checkRegression(yTrue, yPred, w); err != nil {
		return 0, err
	}
	n := len(yTrue)
	meanD, err := weightedMean(n, w, func(i int) float64 { return yTrue[i] - yPred[i] })
	if err != nil {
		return 0, err
	}
	num, _ := weightedMean(n, w, func(i int) float64 { d := yTrue[i] - yPred[i] - meanD; return d * d })
	meanY, _ := weightedMean(n, w, func(i int) float64 { return yTrue[i] })
	den, _ := weightedMean(n, w, func(i int) float64 { d := yTrue[i] - meanY; return d * d })
	return forceFinite(num, den), nil
}
