package evaluate

import (
	"math"
	"strconv"
)

// checkLen reports a *LengthError when got differs from want, and ErrEmpty
// when want is zero.
func checkLen(field string, got, want int) error {
	if got != want {
		return &LengthError{Field: field, Got: got, Want: want}
	}
	return nil
}

func checkNonEmpty(n int) error {
	if n == 0 {
		return ErrEmpty
	}
	return nil
}

func fmtFloat(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

// checkFinite reports the first non-finite value of xs.
func checkFinite(field string, xs []float64) error {
	for i, v := range xs {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return &InputError{Field: field, Index: i, Value: fmtFloat(v), Err: ErrNaN}
		}
	}
	return nil
}

// checkProbs reports the first value of ps that is not a probability.
func checkProbs(field string, ps []float64) error {
	if err := checkFinite(field, ps); err != nil {
		return err
	}
	for i, v := range ps {
		if v < 0 || v > 1 {
			return &InputError{Field: field, Index: i, Value: fmtFloat(v), Err: ErrRange}
		}
	}
	return nil
}

// checkLabels reports the first label outside [0, classes).
func checkLabels(field string, ys []int, classes int) error {
	for i, y := range ys {
		if y < 0 || y >= classes {
			return &InputError{Field: field, Index: i, Value: strconv.Itoa(y), Err: ErrLabel}
		}
	}
	return nil
}

// checkWeights checks that w is nil or has n finite non-negative values.
func checkWeights(w []float64, n int) error {
	if w == nil {
		return nil
	}
	if err := checkLen("weights", len(w), n); err != nil {
		return err
	}
	for i, v := range w {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return &InputError{Field: "weights", Index: i, Value: fmtFloat(v), Err: ErrNaN}
		}
		if v < 0 {
			return &InputError{Field: "weights", Index: i, Value: fmtFloat(v), Err: ErrRange}
		}
	}
	return nil
}

// weight returns w[i], or 1 when w is nil.
func weight(w []float64, i int) float64 {
	if w == nil {
		return 1
	}
	return w[i]
}

// checkBinary validates binary labels, scores and weights of the same
// examples.
func checkBinary(yTrue []int, scores []float64, w []float64) error {
	if err := checkNonEmpty(len(yTrue)); err != nil {
		return err
	}
	if err := checkLen("scores", len(scores), len(yTrue)); err != nil {
		return err
	}
	if err := checkLabels("yTrue", yTrue, 2); err != nil {
		return err
	}
	if err := checkFinite("scores", scores); err != nil {
		return err
	}
	return checkWeights(w, len(yTrue))
}
