package drift

import (
	"cmp"
	"fmt"
	"math"
	"slices"
)

// PerformanceMetric names a measure of model quality computed over
// predictions joined to their labels.
type PerformanceMetric string

// Performance metrics. Binary metrics take the score as the probability of
// class 1 and labels 0 or 1.
const (
	// Accuracy is the share of correct classes (higher is better). The
	// predicted class is given (PredictClass) or is 1 when the score is at
	// least PerformanceOptions.DecisionThreshold, else 0; labels are classes.
	Accuracy PerformanceMetric = "accuracy"
	// ROCAUC is the binary area under the ROC curve, ties counted half, as
	// sklearn.metrics.roc_auc_score (higher is better).
	ROCAUC PerformanceMetric = "roc_auc"
	// LogLoss is the binary mean negative log-likelihood, the score clipped
	// to [1e-15, 1 − 1e-15], as sklearn.metrics.log_loss with eps=1e-15
	// (lower is better).
	LogLoss PerformanceMetric = "log_loss"
	// MAE is the mean absolute error of a regression (lower is better).
	MAE PerformanceMetric = "mae"
	// RMSE is the root mean squared error of a regression (lower is better).
	RMSE PerformanceMetric = "rmse"
)

// higherIsBetter reports whether larger values of the metric are better.
func (m PerformanceMetric) higherIsBetter() bool { return m == Accuracy || m == ROCAUC }

func (m PerformanceMetric) known() bool {
	switch m {
	case Accuracy, ROCAUC, LogLoss, MAE, RMSE:
		return true
	}
	return false
}

// binary reports whether the metric needs labels 0 or 1.
func (m PerformanceMetric) binary() bool { return m == ROCAUC || m == LogLoss }

// checkReference returns an error when v cannot be a value of the metric.
func (m PerformanceMetric) checkReference(v float64) error {
	bad := math.IsNaN(v) || math.IsInf(v, 0) || v < 0
	if m == Accuracy || m == ROCAUC {
		bad = bad || v > 1
	}
	if bad {
		return fmt.Errorf("drift: reference %s %v is not a possible value: %w", m, v, ErrBadValue)
	}
	return nil
}

// joinedPair is a prediction joined to its label.
type joinedPair struct {
	score float64
	class int64 // predicted class (Accuracy)
	label float64
}

// compute returns the metric over pairs, NaN when it is undefined (no
// pairs, or one class only for ROCAUC). It may reorder pairs.
func (m PerformanceMetric) compute(pairs []joinedPair) float64 {
	if len(pairs) == 0 {
		return math.NaN()
	}
	n := float64(len(pairs))
	var s float64
	switch m {
	case Accuracy:
		for _, p := range pairs {
			if float64(p.class) == p.label {
				s++
			}
		}
		return s / n
	case ROCAUC:
		return rocAUC(pairs)
	case LogLoss:
		const eps = 1e-15
		for _, p := range pairs {
			q := min(max(p.score, eps), 1-eps)
			if p.label == 1 {
				s -= math.Log(q)
			} else {
				s -= math.Log1p(-q)
			}
		}
		return s / n
	case MAE:
		for _, p := range pairs {
			s += math.Abs(p.score - p.label)
		}
		return s / n
	case RMSE:
		for _, p := range pairs {
			d := p.score - p.label
			s += d * d
		}
		return math.Sqrt(s / n)
	}
	panic("drift: internal error: unknown performance metric " + string(m))
}

// rocAUC is the Mann–Whitney form of the area under the ROC curve: the
// probability that a positive scores above a negative, ties counted half,
// from the midranks of the scores. It sorts pairs by score.
func rocAUC(pairs []joinedPair) float64 {
	slices.SortFunc(pairs, func(a, b joinedPair) int { return cmp.Compare(a.score, b.score) })
	var pos, rankSum float64
	for i := 0; i < len(pairs); {
		j := i
		var p float64
		for j < len(pairs) && pairs[j].score == pairs[i].score {
			p += pairs[j].label
			j++
		}
		mid := float64(i+j+1) / 2 // ranks i+1 … j
		rankSum += p * mid
		pos += p
		i = j
	}
	neg := float64(len(pairs)) - pos
	if pos == 0 || neg == 0 {
		return math.NaN()
	}
	return (rankSum - pos*(pos+1)/2) / (pos * neg)
}
