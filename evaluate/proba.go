package evaluate

import "math"

// logLossEps is the clipping bound of scikit-learn 1.2's log_loss with
// eps="auto": the machine epsilon of float64, 2^-52.
const logLossEps = 0x1p-52

// LogLoss is the binary cross-entropy of labels yTrue (0 or 1) against p,
// the predicted probability of class 1, averaged with weights w (nil
// means 1 each): scikit-learn 1.2's log_loss(y_true, p, labels=[0, 1],
// sample_weight=w). As there, p is first clipped to [ε, 1-ε] with
// ε = 2^-52, so a confident mistake costs about 36.04, never +Inf; the
// pair (1-p, p) is then renormalised. p must lie in [0, 1].
func LogLoss(yTrue []int, p []float64, w []float64) (float64, error) {
	if err := checkBinary(yTrue, p, w); err != nil {
		return 0, err
	}
	if err := checkProbs("p", p); err != nil {
		return 0, err
	}
	var loss, ws float64
	for i, y := range yTrue {
		q := min(max(p[i], logLossEps), 1-logLossEps)
		q0, q1 := 1-q, q
		s := q0 + q1
		l := -math.Log(q0 / s)
		if y == 1 {
			l = -math.Log(q1 / s)
		}
		wt := weight(w, i)
		loss += wt * l
		ws += wt
	}
	if ws == 0 {
		return 0, ErrUndefined
	}
	return loss / ws, nil
}

// LogLossMulticlass is the cross-entropy of labels 0..classes-1 against
// probs, a row-major n×classes matrix of probabilities, as scikit-learn
// 1.2's log_loss(y_true, probs, labels=range(classes)): each probability
// is clipped to [2^-52, 1-2^-52] and each row renormalised to sum 1.
func LogLossMulticlass(yTrue []int, probs []float64, classes int, w []float64) (float64, error) {
	if err := checkProbMatrix(yTrue, probs, classes, w); err != nil {
		return 0, err
	}
	var loss, ws float64
	for i, y := range yTrue {
		row := probs[i*classes : (i+1)*classes]
		s := 0.0
		for _, v := range row {
			s += min(max(v, logLossEps), 1-logLossEps)
		}
		q := min(max(row[y], logLossEps), 1-logLossEps)
		wt := weight(w, i)
		loss += wt * -math.Log(q/s)
		ws += wt
	}
	if ws == 0 {
		return 0, ErrUndefined
	}
	return loss / ws, nil
}

// BrierScore is the weighted mean of (p - y)² for labels y in {0, 1} and
// predicted probabilities p of class 1 in [0, 1]: scikit-learn's
// brier_score_loss(y_true, p, sample_weight=w, pos_label=1).
func BrierScore(yTrue []int, p []float64, w []float64) (float64, error) {
	if err := checkBinary(yTrue, p, w); err != nil {
		return 0, err
	}
	if err := checkProbs("p", p); err != nil {
		return 0, err
	}
	var s, ws float64
	for i, y := range yTrue {
		d := p[i] - float64(y)
		wt := weight(w, i)
		s += wt * d * d
		ws += wt
	}
	if ws == 0 {
		return 0, ErrUndefined
	}
	return s / ws, nil
}
