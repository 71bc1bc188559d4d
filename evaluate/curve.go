package evaluate

// sortedBinary holds binary labels and scores in order of decreasing score,
// computed once and shared by every curve, AUC and bootstrap replicate over
// the same examples.
type sortedBinary struct {
	order  []entry   // examples by decreasing score; tied scores are adjacent
	scores []float64 // scores in original order
}

func newSortedBinary(yTrue []int, scores []float64) *sortedBinary {
	return &sortedBinary{order: sortDescending(yTrue, scores), scores: scores}
}

// runEnd returns the end (exclusive) of the run of tied scores that starts
// at start.
func (s *sortedBinary) runEnd(start int) int {
	k := s.order[start].key
	end := start + 1
	for end < len(s.order) && s.order[end].key == k {
		end++
	}
	return end
}

// clfCurve is scikit-learn's _binary_clf_curve: for each distinct score,
// from the highest down, the cumulative weight of false and true
// positives when predicting positive at score >= that threshold.
type clfCurve struct {
	fps, tps, thresholds []float64
}

// curve computes the cumulative counts with weights w (nil for 1 each).
// As scikit-learn does, examples of zero weight are left out first, so a
// score held only by such examples is no threshold. It returns
// ErrUndefined when every weight is zero.
func (s *sortedBinary) curve(w []float64) (clfCurve, error) {
	var c clfCurve
	var fp, tp float64
	for start := 0; start < len(s.order); {
		end := s.runEnd(start)
		seen := w == nil
		for _, e := range s.order[start:end] {
			wt := weight(w, int(e.idx))
			if wt == 0 {
				continue
			}
			seen = true
			if e.label == 1 {
				tp += wt
			} else {
				fp += wt
			}
		}
		if seen {
			c.fps = append(c.fps, fp)
			c.tps = append(c.tps, tp)
			c.thresholds = append(c.thresholds, s.scores[s.order[start].idx])
		}
		start = end
	}
	if len(c.fps) == 0 {
		return c, ErrUndefined
	}
	return c, nil
}

// auc computes the ROC AUC with weights w without building the curve: the
// trapezoid rule over the points of all distinct thresholds. It returns
// ErrSingleClass when the weighted positives or negatives are zero.
func (s *sortedBinary) auc(w []float64) (float64, error) {
	var fp, tp, area float64
	order := s.order
	for start := 0; start < len(order); {
		end := s.runEnd(start)
		var dfp, dtp float64
		if w == nil {
			for _, e := range order[start:end] {
				dtp += float64(e.label)
			}
			dfp = float64(end-start) - dtp
		} else {
			for _, e := range order[start:end] {
				if e.label == 1 {
					dtp += w[e.idx]
				} else {
					dfp += w[e.idx]
				}
			}
		}
		area += dfp * (2*tp + dtp)
		fp += dfp
		tp += dtp
		start = end
	}
	if fp == 0 && tp == 0 {
		return 0, ErrUndefined
	}
	if fp == 0 || tp == 0 {
		return 0, ErrSingleClass
	}
	return area / (2 * fp * tp), nil
}
