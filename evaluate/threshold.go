package evaluate

import "fmt"

// Operating is an operating point of a binary classifier: predicting
// positive when the score is at least Threshold gives this Precision,
// Recall and F1.
type Operating struct {
	Threshold float64 `json:"threshold"`
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	F1        float64 `json:"f1"`
}

// points returns the operating points of the precision-recall curve, by
// increasing threshold (the final point without a threshold is left out).
func operatingPoints(yTrue []int, scores, w []float64) ([]Operating, error) {
	if err := checkBinary(yTrue, scores, w); err != nil {
		return nil, err
	}
	c, err := newSortedBinary(yTrue, scores).curve(w)
	if err != nil {
		return nil, err
	}
	if c.tps[len(c.tps)-1] == 0 {
		return nil, ErrSingleClass
	}
	pr := prCurve(c)
	ops := make([]Operating, len(pr.Thresholds))
	for i, t := range pr.Thresholds {
		p, r := pr.Y[i], pr.X[i]
		f := 0.0
		if p+r > 0 {
			f = 2 * p * r / (p + r)
		}
		ops[i] = Operating{Threshold: t, Precision: p, Recall: r, F1: f}
	}
	return ops, nil
}

// ThresholdMaxF1 returns the threshold among the distinct scores that
// maximises F1, computed from the points of PRCurve; among equal F1 it
// takes the lowest threshold (the first maximum, as numpy's argmax over
// precision_recall_curve's output). No positive label is ErrSingleClass.
func ThresholdMaxF1(yTrue []int, scores, w []float64) (Operating, error) {
	ops, err := operatingPoints(yTrue, scores, w)
	if err != nil {
		return Operating{}, err
	}
	best := 0
	for i, o := range ops {
		if o.F1 > ops[best].F1 {
			best = i
		}
	}
	return ops[best], nil
}

// ThresholdForPrecision returns the lowest threshold whose precision is at
// least target: the point of highest recall that keeps the precision
// target. No such threshold is ErrUndefined. It panics unless 0 ≤ target ≤ 1.
func ThresholdForPrecision(yTrue []int, scores, w []float64, target float64) (Operating, error) {
	checkTarget(target)
	ops, err := operatingPoints(yTrue, scores, w)
	if err != nil {
		return Operating{}, err
	}
	for _, o := range ops {
		if o.Precision >= target {
			return o, nil
		}
	}
	return Operating{}, ErrUndefined
}

// ThresholdForRecall returns the highest threshold whose recall is at
// least target: the point of least false positives that keeps the recall
// target. It panics unless 0 ≤ target ≤ 1.
func ThresholdForRecall(yTrue []int, scores, w []float64, target float64) (Operating, error) {
	checkTarget(target)
	ops, err := operatingPoints(yTrue, scores, w)
	if err != nil {
		return Operating{}, err
	}
	for i := len(ops) - 1; i >= 0; i-- {
		if ops[i].Recall >= target {
			return ops[i], nil
		}
	}
	return Operating{}, ErrUndefined // unreachable: the lowest threshold has recall 1
}

func checkTarget(t float64) {
	if !(t >= 0 && t <= 1) {
		panic(fmt.Sprintf("evaluate: target must be in [0, 1], got %v", t))
	}
}
