package evaluate

import (
	"fmt"
	"math"
	"slices"
)

// Binning chooses the bin edges of a reliability curve.
type Binning int

const (
	// Uniform bins split [0, 1] into equal widths.
	Uniform Binning = iota
	// Quantile bins hold about the same number of predictions each: the
	// edges are percentiles of the predictions (linear interpolation, as
	// numpy.percentile).
	Quantile
)

// String returns the scikit-learn name of the strategy.
func (b Binning) String() string {
	if b == Quantile {
		return "quantile"
	}
	return "uniform"
}

// Reliability is a reliability (calibration) curve: for each non-empty
// bin, the mean predicted probability, the fraction of positives and the
// number of predictions in it.
type Reliability struct {
	MeanPredicted []float64 `json:"mean_predicted"` // scikit-learn's prob_pred
	FractionTrue  []float64 `json:"fraction_true"`  // scikit-learn's prob_true
	Count         []int     `json:"count"`
}

// CalibrationCurve bins the predicted probabilities p of class 1 into
// bins bins and returns the non-empty ones, as scikit-learn 1.2's
// calibration_curve(y_true, p, n_bins=bins, strategy=...): a prediction
// on an inner edge falls in the lower bin. It is unweighted, as there. p
// must lie in [0, 1]. It panics if bins < 1.
func CalibrationCurve(yTrue []int, p []float64, bins int, strategy Binning) (*Reliability, error) {
	if bins < 1 {
		panic(fmt.Sprintf("evaluate: bins must be at least 1, got %d", bins))
	}
	if err := checkBinary(yTrue, p, nil); err != nil {
		return nil, err
	}
	if err := checkProbs("p", p); err != nil {
		return nil, err
	}
	edges := make([]float64, bins+1)
	switch strategy {
	case Uniform:
		copy(edges, uniformEdges(bins))
	case Quantile:
		sorted := slices.Clone(p)
		slices.Sort(sorted)
		for i, q := range uniformEdges(bins) {
			edges[i] = percentile(sorted, q*100/100) // as sklearn: np.percentile(p, q*100)
		}
	default:
		panic(fmt.Sprintf("evaluate: unknown binning, got %d", int(strategy)))
	}
	inner := edges[1:bins]
	sum := make([]float64, bins)
	pos := make([]float64, bins)
	cnt := make([]int, bins)
	for i, v := range p {
		b, _ := slices.BinarySearch(inner, v) // first edge >= v: numpy searchsorted, side left
		sum[b] += v
		pos[b] += float64(yTrue[i])
		cnt[b]++
	}
	r := &Reliability{}
	for b := range bins {
		if cnt[b] == 0 {
			continue
		}
		r.MeanPredicted = append(r.MeanPredicted, sum[b]/float64(cnt[b]))
		r.FractionTrue = append(r.FractionTrue, pos[b]/float64(cnt[b]))
		r.Count = append(r.Count, cnt[b])
	}
	return r, nil
}

// ECE is the expected calibration error of the curve: the mean over
// predictions of |fraction true - mean predicted| of their bin, that is
// Σ count/n × |FractionTrue - MeanPredicted|.
func (r *Reliability) ECE() float64 {
	var s float64
	n := 0
	for i, c := range r.Count {
		s += float64(c) * math.Abs(r.FractionTrue[i]-r.MeanPredicted[i])
		n += c
	}
	return s / float64(n)
}

// uniformEdges returns numpy.linspace(0, 1, bins+1) with numpy's
// arithmetic, i × (1/bins) and exactly 1 at the end, so that predictions
// lying on an edge fall in the same bin as with scikit-learn (3 × 0.1 is
// 0.30000000000000004, not 0.3).
func uniformEdges(bins int) []float64 {
	e := make([]float64, bins+1)
	step := 1 / float64(bins)
	for i := range e {
		e[i] = float64(i) * step
	}
	e[bins] = 1
	return e
}

// percentile of sorted data at q in [0, 1], interpolating linearly between
// the closest ranks with numpy 1.24's arithmetic (method "linear"), so
// that bin edges, and the bins of predictions lying on them, match.
func percentile(sorted []float64, q float64) float64 {
	n := len(sorted)
	v := float64(n-1) * q
	if v >= float64(n-1) {
		return sorted[n-1]
	}
	lo := math.Floor(v)
	a, b := sorted[int(lo)], sorted[int(lo)+1]
	t := v - lo
	d := b - a
	if t >= 0.5 {
		return b - d*(1-t)
	}
	return a + d*t
}
