package evaluate

import (
	"fmt"
	"math"
)

// Curve is a ROC or precision-recall curve: points (X[i], Y[i]) reached by
// predicting positive when the score is at least Thresholds[i].
//
// For a ROC curve X is the false positive rate and Y the true positive
// rate, thresholds decrease, and the first point is (0, 0) with threshold
// max score + 1, as in scikit-learn 1.2's roc_curve.
//
// For a precision-recall curve X is recall and Y precision, thresholds
// increase, and the last point (recall 0, precision 1) has no threshold,
// so len(Thresholds) = len(X) - 1, as in precision_recall_curve.
type Curve struct {
	X          []float64 `json:"x"`
	Y          []float64 `json:"y"`
	Thresholds []float64 `json:"thresholds"`
}

// ROCAUC is the area under the ROC curve of binary labels yTrue (0 or 1;
// 1 is positive) against scores (higher means more likely positive), each
// example counting its weight (w nil means 1): scikit-learn's
// roc_auc_score. Tied scores form one point of the curve, so a tie
// between a positive and a negative counts one half. Labels of one class
// only (or zero total weight on one class) are ErrSingleClass, as
// scikit-learn raises a ValueError there. Cost: one O(n) radix sort.
func ROCAUC(yTrue []int, scores []float64, w []float64) (float64, error) {
	if err := checkBinary(yTrue, scores, w); err != nil {
		return 0, err
	}
	if w == nil {
		if auc, ok, err := aucPacked(yTrue, scores); ok {
			return auc, err
		}
	}
	return newSortedBinary(yTrue, scores).auc(w)
}

// ROCCurve is scikit-learn 1.2's roc_curve(y_true, y_score,
// sample_weight=w, drop_intermediate=True): the false and true positive
// rates at each distinct score, dropping points collinear with their
// neighbours, starting at (0, 0). Labels of one class only are
// ErrSingleClass (scikit-learn would return NaN rates with a warning).
func ROCCurve(yTrue []int, scores []float64, w []float64) (*Curve, error) {
	if err := checkBinary(yTrue, scores, w); err != nil {
		return nil, err
	}
	c, err := newSortedBinary(yTrue, scores).curve(w)
	if err != nil {
		return nil, err
	}
	return rocCurve(c)
}

func rocCurve(c clfCurve) (*Curve, error) {
	m := len(c.fps)
	if c.fps[m-1] == 0 || c.tps[m-1] == 0 {
		return nil, ErrSingleClass
	}
	keep := make([]int, 0, m)
	for i := range m {
		if i == 0 || i == m-1 ||
			c.fps[i+1]-2*c.fps[i]+c.fps[i-1] != 0 ||
			c.tps[i+1]-2*c.tps[i]+c.tps[i-1] != 0 {
			keep = append(keep, i)
		}
	}
	out := &Curve{
		X:          make([]float64, 0, len(keep)+1),
		Y:          make([]float64, 0, len(keep)+1),
		Thresholds: make([]float64, 0, len(keep)+1),
	}
	fn, tn := c.fps[m-1], c.tps[m-1]
	out.X = append(out.X, 0)
	out.Y = append(out.Y, 0)
	out.Thresholds = append(out.Thresholds, c.thresholds[keep[0]]+1)
	for _, i := range keep {
		out.X = append(out.X, c.fps[i]/fn)
		out.Y = append(out.Y, c.tps[i]/tn)
		out.Thresholds = append(out.Thresholds, c.thresholds[i])
	}
	return out, nil
}

// PRCurve is scikit-learn 1.2's precision_recall_curve(y_true, probas_pred,
// sample_weight=w): precision and recall at each distinct score, by
// increasing threshold, ending with the point (recall 0, precision 1).
// Precision where nothing is predicted positive is 0; with no positive
// labels recall is 1 at every threshold, as scikit-learn sets it.
func PRCurve(yTrue []int, scores []float64, w []float64) (*Curve, error) {
	if err := checkBinary(yTrue, scores, w); err != nil {
		return nil, err
	}
	c, err := newSortedBinary(yTrue, scores).curve(w)
	if err != nil {
		return nil, err
	}
	return prCurve(c), nil
}

func prCurve(c clfCurve) *Curve {
	m := len(c.fps)
	out := &Curve{X: make([]float64, m+1), Y: make([]float64, m+1), Thresholds: make([]float64, m)}
	pos := c.tps[m-1]
	for i := range m {
		j := m - 1 - i // reverse: increasing threshold
		if ps := c.tps[i] + c.fps[i]; ps != 0 {
			out.Y[j] = c.tps[i] / ps
		}
		if pos == 0 {
			out.X[j] = 1
		} else {
			out.X[j] = c.tps[i] / pos
		}
		out.Thresholds[j] = c.thresholds[i]
	}
	out.X[m], out.Y[m] = 0, 1
	return out
}

// AveragePrecision is scikit-learn's average_precision_score: the sum over
// thresholds of (R[i] - R[i-1]) × P[i], the step-wise area under the
// precision-recall curve with no interpolation. With no positive labels it
// is 0 (scikit-learn warns and returns the same).
func AveragePrecision(yTrue []int, scores []float64, w []float64) (float64, error) {
	if err := checkBinary(yTrue, scores, w); err != nil {
		return 0, err
	}
	c, err := newSortedBinary(yTrue, scores).curve(w)
	if err != nil {
		return 0, err
	}
	return averagePrecision(c), nil
}

func averagePrecision(c clfCurve) float64 {
	pr := prCurve(c)
	s := 0.0
	for i := 0; i+1 < len(pr.X); i++ {
		s -= (pr.X[i+1] - pr.X[i]) * pr.Y[i]
	}
	return s
}

// ROCAUCMulticlass is the one-vs-rest ROC AUC of labels 0..classes-1
// against probs, a row-major n×classes matrix of class probabilities
// (each row sums to 1 within 1e-8, as scikit-learn requires): the AUC of
// each class against the rest, averaged with Macro (unweighted) or
// Weighted (by the weighted prevalence of each class). It is
// scikit-learn's roc_auc_score(multi_class="ovr", labels=range(classes)).
// Every class must occur in yTrue (else ErrSingleClass, as one of the
// per-class AUCs is undefined). It panics for Binary or Micro averages.
func ROCAUCMulticlass(yTrue []int, probs []float64, classes int, avg Average, w []float64) (float64, error) {
	if avg != Macro && avg != Weighted {
		panic(fmt.Sprintf("evaluate: one-vs-rest AUC averages by Macro or Weighted, got %v", avg))
	}
	if err := checkProbMatrix(yTrue, probs, classes, w); err != nil {
		return 0, err
	}
	for i := range len(yTrue) {
		s := 0.0
		for _, p := range probs[i*classes : (i+1)*classes] {
			s += p
		}
		if math.Abs(s-1) > 1e-8 {
			return 0, &InputError{Field: "probs row sum", Index: i, Value: fmtFloat(s), Err: ErrRange}
		}
	}
	n := len(yTrue)
	bin := make([]int, n)
	col := make([]float64, n)
	var sum, wsum float64
	for k := range classes {
		prev := 0.0
		for i := range n {
			bin[i] = 0
			if yTrue[i] == k {
				bin[i] = 1
				prev += weight(w, i)
			}
			col[i] = probs[i*classes+k]
		}
		a, err := newSortedBinary(bin, col).auc(w)
		if err != nil {
			return 0, err
		}
		wt := 1.0
		if avg == Weighted {
			wt = prev
		}
		sum += wt * a
		wsum += wt
	}
	return sum / wsum, nil
}

// checkProbMatrix validates labels and a row-major n×classes matrix of
// probabilities.
func checkProbMatrix(yTrue []int, probs []float64, classes int, w []float64) error {
	if classes < 2 {
		panic(fmt.Sprintf("evaluate: classes must be at least 2, got %d", classes))
	}
	if err := checkNonEmpty(len(yTrue)); err != nil {
		return err
	}
	if err := checkLen("probs", len(probs), len(yTrue)*classes); err != nil {
		return err
	}
	if err := checkLabels("yTrue", yTrue, classes); err != nil {
		return err
	}
	if err := checkProbs("probs", probs); err != nil {
		return err
	}
	return checkWeights(w, len(yTrue))
}
