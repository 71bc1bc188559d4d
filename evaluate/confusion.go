package evaluate

import (
	"fmt"
	"math"
)

// Average chooses how a per-class metric such as precision is reduced to
// one number, as scikit-learn's average parameter does.
type Average int

const (
	// Binary reports the metric of class 1 (the positive class) only; it
	// needs exactly two classes. scikit-learn: average="binary", pos_label=1.
	Binary Average = iota
	// Micro computes the metric from the counts summed over all classes.
	Micro
	// Macro is the unweighted mean of the per-class metrics.
	Macro
	// Weighted is the mean of the per-class metrics weighted by each
	// class's (weighted) support in the true labels.
	Weighted
)

// String returns the scikit-learn name of the average.
func (a Average) String() string {
	switch a {
	case Binary:
		return "binary"
	case Micro:
		return "micro"
	case Macro:
		return "macro"
	case Weighted:
		return "weighted"
	}
	return fmt.Sprintf("Average(%d)", int(a))
}

// Confusion is a (weighted) confusion matrix: Counts[t*Classes+p] is the
// total weight of examples of true class t predicted as class p, as in
// scikit-learn's confusion_matrix (rows are true classes, columns are
// predictions). Its methods compute the metrics that depend on the counts
// only; they return NaN where scikit-learn 1.2 would, as documented on each.
type Confusion struct {
	Classes int       `json:"classes"` // number of classes k; labels are 0..k-1
	Counts  []float64 `json:"counts"`  // k×k, row-major
}

// ConfusionMatrix counts yTrue against yPred over classes 0..classes-1,
// each example counting its weight (w nil means weight 1). It is
// scikit-learn's confusion_matrix(y_true, y_pred, labels=range(classes),
// sample_weight=w). Labels outside [0, classes) are an *InputError
// wrapping ErrLabel; a weight sum of zero is ErrUndefined. It panics if
// classes < 2.
func ConfusionMatrix(yTrue, yPred []int, classes int, w []float64) (*Confusion, error) {
	if classes < 2 {
		panic(fmt.Sprintf("evaluate: classes must be at least 2, got %d", classes))
	}
	if err := checkNonEmpty(len(yTrue)); err != nil {
		return nil, err
	}
	if err := checkLen("yPred", len(yPred), len(yTrue)); err != nil {
		return nil, err
	}
	if err := checkLabels("yTrue", yTrue, classes); err != nil {
		return nil, err
	}
	if err := checkLabels("yPred", yPred, classes); err != nil {
		return nil, err
	}
	if err := checkWeights(w, len(yTrue)); err != nil {
		return nil, err
	}
	c := &Confusion{Classes: classes, Counts: make([]float64, classes*classes)}
	for i, t := range yTrue {
		c.Counts[t*classes+yPred[i]] += weight(w, i)
	}
	if c.Total() == 0 {
		return nil, ErrUndefined
	}
	return c, nil
}

// At returns the weight of examples of true class t predicted as p.
func (c *Confusion) At(t, p int) float64 { return c.Counts[t*c.Classes+p] }

// Total returns the total weight.
func (c *Confusion) Total() float64 {
	s := 0.0
	for _, v := range c.Counts {
		s += v
	}
	return s
}

func (c *Confusion) trace() float64 {
	s := 0.0
	for k := range c.Classes {
		s += c.At(k, k)
	}
	return s
}

// rowSum is the support of true class t; colSum the weight predicted as p.
func (c *Confusion) rowSum(t int) float64 {
	s := 0.0
	for p := range c.Classes {
		s += c.At(t, p)
	}
	return s
}

func (c *Confusion) colSum(p int) float64 {
	s := 0.0
	for t := range c.Classes {
		s += c.At(t, p)
	}
	return s
}

// Accuracy is the weighted fraction of correct predictions, the trace
// over the total (scikit-learn's accuracy_score).
func (c *Confusion) Accuracy() float64 { return c.trace() / c.Total() }

// BalancedAccuracy is the mean recall over the classes present in the true
// labels; classes with no true examples are left out, as scikit-learn's
// balanced_accuracy_score (adjusted=False) does.
func (c *Confusion) BalancedAccuracy() float64 {
	s, n := 0.0, 0
	for k := range c.Classes {
		if r := c.rowSum(k); r != 0 {
			s += c.At(k, k) / r
			n++
		}
	}
	return s / float64(n)
}

// prf returns the averaged precision, recall or F1 (which: 0, 1, 2) with
// scikit-learn's precision_recall_fscore_support semantics. Where a
// denominator is zero the per-class value is zeroDivision; F1 of a class
// whose precision and recall are both zero is also zeroDivision in 1.2
// only when tp+fp+fn is zero, else 0.
func (c *Confusion) prf(which int, avg Average, zeroDivision float64) float64 {
	k := c.Classes
	div := func(num, den float64) float64 {
		if den == 0 {
			return zeroDivision
		}
		return num / den
	}
	score := func(tp, pred, true_ float64) float64 {
		switch which {
		case 0:
			return div(tp, pred)
		case 1:
			return div(tp, true_)
		}
		// F-beta with beta = 1, computed as scikit-learn 1.2 does: from
		// precision and recall, each with its own zero_division value.
		p, r := div(tp, pred), div(tp, true_)
		if pred+true_ == 0 {
			return zeroDivision
		}
		if p+r == 0 {
			return 0
		}
		return 2 * p * r / (p + r)
	}
	switch avg {
	case Binary:
		if k != 2 {
			panic(fmt.Sprintf("evaluate: the binary average needs 2 classes, got %d", k))
		}
		return score(c.At(1, 1), c.colSum(1), c.rowSum(1))
	case Micro:
		t := c.trace()
		return score(t, c.Total(), c.Total())
	case Macro, Weighted:
		s, ws := 0.0, 0.0
		for j := range k {
			v := score(c.At(j, j), c.colSum(j), c.rowSum(j))
			wt := 1.0
			if avg == Weighted {
				wt = c.rowSum(j)
			}
			s += wt * v
			ws += wt
		}
		if ws == 0 {
			return zeroDivision
		}
		return s / ws
	}
	panic(fmt.Sprintf("evaluate: unknown average, got %d", int(avg)))
}

// Precision is tp/(tp+fp) averaged by avg. A class with no predicted
// examples has precision zeroDivision (scikit-learn's zero_division; its
// default "warn" behaves as 0). Micro precision equals accuracy.
func (c *Confusion) Precision(avg Average, zeroDivision float64) float64 {
	return c.prf(0, avg, zeroDivision)
}

// Recall is tp/(tp+fn) averaged by avg. A class with no true examples has
// recall zeroDivision. Note that with Macro such absent classes still count
// in the mean, as with scikit-learn's labels=range(k).
func (c *Confusion) Recall(avg Average, zeroDivision float64) float64 {
	return c.prf(1, avg, zeroDivision)
}

// F1 is the harmonic mean of precision and recall per class, averaged by
// avg, as scikit-learn 1.2's f1_score: a class with tp+fp+fn = 0 scores
// zeroDivision; one with precision+recall = 0 scores 0.
func (c *Confusion) F1(avg Average, zeroDivision float64) float64 {
	return c.prf(2, avg, zeroDivision)
}

// MCC is the Matthews correlation coefficient in its multiclass form
// (Gorodkin's R_K), computed as scikit-learn's matthews_corrcoef: 0 when
// either the true or the predicted labels are all one class.
func (c *Confusion) MCC() float64 {
	k := c.Classes
	n := c.Total()
	cor := c.trace()
	var tp, tt, pp float64
	for j := range k {
		t, p := c.rowSum(j), c.colSum(j)
		tp += t * p
		tt += t * t
		pp += p * p
	}
	covTP := cor*n - tp
	covPP := n*n - pp
	covTT := n*n - tt
	if covPP*covTT == 0 {
		return 0
	}
	return covTP / math.Sqrt(covTT*covPP)
}

// CohenKappa is Cohen's kappa between the true and predicted labels with
// no disagreement weighting: 1 - observed/expected disagreement, as
// scikit-learn's cohen_kappa_score(weights=None). It is NaN when the
// expected disagreement is zero (both label sets are one and the same
// class), where scikit-learn divides 0 by 0.
func (c *Confusion) CohenKappa() float64 {
	k := c.Classes
	n := c.Total()
	var obs, exp float64
	for t := range k {
		rt := c.rowSum(t)
		for p := range k {
			if t == p {
				continue
			}
			obs += c.At(t, p)
			exp += rt * c.colSum(p) / n
		}
	}
	if exp == 0 {
		return math.NaN()
	}
	return 1 - obs/exp
}
