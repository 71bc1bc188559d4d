package train

import (
	"fmt"
	"math"
	"slices"
)

// Scorer rates a fitted model on held-out data; greater is better, as in
// scikit-learn's scoring convention (so losses are negated). Cross
// validation and searches take any Scorer; package evaluate's metrics are
// wrapped in one in a line.
type Scorer func(m Model, d Dataset) (float64, error)

// Built-in scorers. Each uses d.Weights as sample weights when set.
var (
	_ Scorer = Accuracy
	_ Scorer = NegLogLoss
	_ Scorer = R2
	_ Scorer = NegMeanSquaredError
)

func checkScoring(m Model, d Dataset) (int, error) {
	n, p := d.Dims()
	if n == 0 {
		return 0, fmt.Errorf("%w: nothing to score", ErrEmpty)
	}
	if len(d.Y) != n || (d.Weights != nil && len(d.Weights) != n) {
		return 0, fmt.Errorf("%w: X has %d rows, y %d, weights %d", ErrShape, n, len(d.Y), len(d.Weights))
	}
	if err := Verify(m, p, ""); err != nil {
		return 0, err
	}
	return n, nil
}

// Accuracy returns the (weighted) fraction of rows whose predicted label
// equals y.
func Accuracy(m Model, d Dataset) (float64, error) {
	if _, err := checkScoring(m, d); err != nil {
		return 0, err
	}
	hit, total := 0.0, 0.0
	forEachRow(d.X, func(i int, row []float64) {
		w := d.weight(i)
		if m.Predict(row) == d.Y[i] {
			hit += w
		}
		total += w
	})
	if total == 0 {
		return 0, fmt.Errorf("%w: weights sum to zero", ErrEmpty)
	}
	return hit / total, nil
}

// logLossEps is the clipping of probabilities in scikit-learn 1.2's
// log_loss (eps="auto", the float64 machine epsilon).
const logLossEps = 2.220446049250313e-16

// NegLogLoss returns minus the (weighted) mean cross-entropy of the
// classifier's probabilities, clipped to [ε, 1−ε] like scikit-learn's
// log_loss. The model must be a Classifier; a label outside its classes
// counts as probability ε.
func NegLogLoss(m Model, d Dataset) (float64, error) {
	if _, err := checkScoring(m, d); err != nil {
		return 0, err
	}
	c, ok := m.(Classifier)
	if !ok {
		return 0, fmt.Errorf("train: log loss needs a Classifier, got %s model %T", m.Info().Kind, m)
	}
	classes := c.Info().Classes
	proba := make([]float64, len(classes))
	sum, total := 0.0, 0.0
	forEachRow(d.X, func(i int, row []float64) {
		c.PredictProba(proba, row)
		norm := 0.0
		for _, q := range proba {
			norm += min(max(q, logLossEps), 1-logLossEps)
		}
		q := logLossEps
		if k, found := slices.BinarySearch(classes, d.Y[i]); found {
			q = min(max(proba[k], logLossEps), 1-logLossEps)
		}
		w := d.weight(i)
		sum += w * -math.Log(q/norm)
		total += w
	})
	if total == 0 {
		return 0, fmt.Errorf("%w: weights sum to zero", ErrEmpty)
	}
	return -sum / total, nil
}

// R2 returns the (weighted) coefficient of determination of the
// predictions, 1 − SSres/SStot; constant y gives 1 for a perfect fit and 0
// otherwise, like scikit-learn's r2_score.
func R2(m Model, d Dataset) (float64, error) {
	if _, err := checkScoring(m, d); err != nil {
		return 0, err
	}
	mean, total := 0.0, 0.0
	for i, y := range d.Y {
		mean += d.weight(i) * y
		total += d.weight(i)
	}
	if total == 0 {
		return 0, fmt.Errorf("%w: weights sum to zero", ErrEmpty)
	}
	mean /= total
	res, tot := 0.0, 0.0
	forEachRow(d.X, func(i int, row []float64) {
		w := d.weight(i)
		e := d.Y[i] - m.Predict(row)
		res += w * e * e
		t := d.Y[i] - mean
		tot += w * t * t
	})
	if tot == 0 {
		if res == 0 {
			return 1, nil
		}
		return 0, nil
	}
	return 1 - res/tot, nil
}

// NegMeanSquaredError returns minus the (weighted) mean squared error.
func NegMeanSquaredError(m Model, d Dataset) (float64, error) {
	if _, err := checkScoring(m, d); err != nil {
		return 0, err
	}
	res, total := 0.0, 0.0
	forEachRow(d.X, func(i int, row []float64) {
		w := d.weight(i)
		e := d.Y[i] - m.Predict(row)
		res += w * e * e
		total += w
	})
	if total == 0 {
		return 0, fmt.Errorf("%w: weights sum to zero", ErrEmpty)
	}
	return -res / total, nil
}

// defaultScorer is Accuracy for classifiers and R2 otherwise, as in
// scikit-learn's estimators' score methods.
func defaultScorer(m Model) Scorer {
	if _, ok := m.(Classifier); ok {
		return Accuracy
	}
	return R2
}
