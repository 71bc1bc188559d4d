package evaluate

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"sync"
)

// Predictions are a binary classifier's outputs on labeled examples: the
// input of the named metrics, bootstrap intervals, slices, comparisons
// and reports. The slices are read, never modified or kept beyond a call,
// except by a Report, which keeps what it draws.
type Predictions struct {
	Labels    []int     // true labels, 0 or 1 (1 is the positive class)
	Scores    []float64 // predicted probability of class 1, in [0, 1]
	Threshold float64   // predict class 1 when the score is at least this; 0 means 0.5
	Weights   []float64 // sample weights, nil meaning 1 each
}

func (p *Predictions) threshold() float64 {
	if p.Threshold == 0 {
		return 0.5
	}
	return p.Threshold
}

// Validate checks the predictions: same lengths, labels 0 or 1, scores
// finite probabilities, weights finite and non-negative, not empty. It
// returns an *InputError or *LengthError naming the bad example, or
// ErrEmpty.
func (p *Predictions) Validate() error {
	if err := checkBinary(p.Labels, p.Scores, p.Weights); err != nil {
		return err
	}
	if err := checkProbs("scores", p.Scores); err != nil {
		return err
	}
	if t := p.threshold(); !(t > 0 && t <= 1) {
		return &InputError{Field: "threshold", Index: 0, Value: fmtFloat(t), Err: ErrRange}
	}
	return nil
}

// prepared holds validated predictions with their sort order, computed at
// most once and shared by every metric and bootstrap replicate.
type prepared struct {
	p      *Predictions
	pred   []int
	once   sync.Once
	sorted *sortedBinary
}

func prepare(p *Predictions) (*prepared, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	pr := &prepared{p: p, pred: make([]int, len(p.Labels))}
	t := p.threshold()
	for i, s := range p.Scores {
		if s >= t {
			pr.pred[i] = 1
		}
	}
	return pr, nil
}

func (pr *prepared) sort() *sortedBinary {
	pr.once.Do(func() { pr.sorted = newSortedBinary(pr.p.Labels, pr.p.Scores) })
	return pr.sorted
}

// confusion returns the 2×2 confusion matrix under weights w.
func (pr *prepared) confusion(w []float64) (*Confusion, error) {
	c := &Confusion{Classes: 2, Counts: make([]float64, 4)}
	y := pr.p.Labels
	for i, p := range pr.pred {
		c.Counts[y[i]*2+p] += weight(w, i)
	}
	if c.Total() == 0 {
		return nil, ErrUndefined
	}
	return c, nil
}

// metricDef is a named metric over prepared predictions and the weights of
// one evaluation (the sample weights, times bootstrap multiplicities).
type metricDef struct {
	name   string
	higher bool // higher values are better
	doc    string
	fn     func(pr *prepared, w []float64) (float64, error)
}

// neutral reports whether the metric describes a model rather than grades
// it (the selection rate): no value is better than another.
func (m metricDef) neutral() bool { return m.name == "selection_rate" }

func fromConfusion(f func(c *Confusion) float64) func(*prepared, []float64) (float64, error) {
	return func(pr *prepared, w []float64) (float64, error) {
		c, err := pr.confusion(w)
		if err != nil {
			return math.NaN(), err
		}
		return f(c), nil
	}
}

var metricDefs = []metricDef{
	{"roc_auc", true, "area under the ROC curve", func(pr *prepared, w []float64) (float64, error) {
		return pr.sort().auc(w)
	}},
	{"average_precision", true, "area under the precision-recall curve (step-wise)", func(pr *prepared, w []float64) (float64, error) {
		c, err := pr.sort().curve(w)
		if err != nil {
			return math.NaN(), err
		}
		return averagePrecision(c), nil
	}},
	{"log_loss", false, "binary cross-entropy, probabilities clipped to [2^-52, 1-2^-52]", func(pr *prepared, w []float64) (float64, error) {
		return LogLoss(pr.p.Labels, pr.p.Scores, w)
	}},
	{"brier", false, "mean squared error of the probabilities", func(pr *prepared, w []float64) (float64, error) {
		return BrierScore(pr.p.Labels, pr.p.Scores, w)
	}},
	{"ece", false, "expected calibration error over 10 uniform bins", func(pr *prepared, w []float64) (float64, error) {
		return weightedECE(pr.p.Labels, pr.p.Scores, w, 10)
	}},
	{"accuracy", true, "fraction of correct predictions at the threshold", fromConfusion((*Confusion).Accuracy)},
	{"balanced_accuracy", true, "mean recall of the two classes", fromConfusion((*Confusion).BalancedAccuracy)},
	{"precision", true, "tp / (tp + fp), 0 when nothing is predicted positive", fromConfusion(func(c *Confusion) float64 { return c.Precision(Binary, 0) })},
	{"recall", true, "tp / (tp + fn), the true positive rate; 0 without positives", fromConfusion(func(c *Confusion) float64 { return c.Recall(Binary, 0) })},
	{"f1", true, "harmonic mean of precision and recall", fromConfusion(func(c *Confusion) float64 { return c.F1(Binary, 0) })},
	{"mcc", true, "Matthews correlation coefficient", fromConfusion((*Confusion).MCC)},
	{"kappa", true, "Cohen's kappa", fromConfusion((*Confusion).CohenKappa)},
	{"selection_rate", true, "fraction predicted positive", fromConfusion(func(c *Confusion) float64 { return c.colSum(1) / c.Total() })},
}

func lookupMetric(name string) (metricDef, error) {
	for _, m := range metricDefs {
		if m.name == name {
			return m, nil
		}
	}
	return metricDef{}, fmt.Errorf("%w %q (known: %v)", ErrUnknownMetric, name, MetricNames())
}

// MetricNames returns the names of the metrics that Compute, bootstrap
// intervals, slices, comparisons, gates and reports know, in report order:
// roc_auc, average_precision, log_loss, brier, ece, accuracy,
// balanced_accuracy, precision, recall, f1, mcc, kappa, selection_rate.
// Precision, recall and F1 are those of class 1 with zero_division 0.
func MetricNames() []string {
	names := make([]string, len(metricDefs))
	for i, m := range metricDefs {
		names[i] = m.name
	}
	return names
}

// MetricInfo describes a named metric.
type MetricInfo struct {
	Name string
	Doc  string // one line for people, as reports show it
	// HigherIsBetter is false for losses (log_loss, brier, ece).
	// selection_rate grades nothing (Descriptive); it reports true there,
	// so that its worst slice is the one that selects least.
	HigherIsBetter bool
	Descriptive    bool
}

// Metric describes the named metric. It returns ErrUnknownMetric for a
// name MetricNames does not list.
func Metric(name string) (MetricInfo, error) {
	m, err := lookupMetric(name)
	if err != nil {
		return MetricInfo{}, err
	}
	return MetricInfo{Name: m.name, Doc: m.doc, HigherIsBetter: m.higher, Descriptive: m.neutral()}, nil
}

// Compute returns the named metric of the predictions. A metric undefined
// for the input (roc_auc with one class, say) is a *MetricError wrapping
// the cause; kappa may be NaN, as documented on CohenKappa.
func Compute(p *Predictions, metric string) (float64, error) {
	m, err := lookupMetric(metric)
	if err != nil {
		return 0, err
	}
	pr, err := prepare(p)
	if err != nil {
		return 0, err
	}
	return evalMetric(pr, m, p.Weights)
}

func evalMetric(pr *prepared, m metricDef, w []float64) (float64, error) {
	v, err := m.fn(pr, w)
	if err != nil {
		return math.NaN(), &MetricError{Metric: m.name, Err: err}
	}
	if math.IsNaN(v) {
		return v, &MetricError{Metric: m.name, Err: ErrUndefined}
	}
	return v, nil
}

// weightedECE is Reliability.ECE over uniform bins with sample weights:
// Σ_bins |Σ w·y - Σ w·p| / Σ w.
func weightedECE(y []int, p, w []float64, bins int) (float64, error) {
	sumP := make([]float64, bins)
	sumY := make([]float64, bins)
	edges := uniformEdges(bins)[1:bins]
	var total float64
	for i, v := range p {
		wt := weight(w, i)
		b, _ := slices.BinarySearch(edges, v)
		sumP[b] += wt * v
		sumY[b] += wt * float64(y[i])
		total += wt
	}
	if total == 0 {
		return math.NaN(), ErrUndefined
	}
	s := 0.0
	for b := range bins {
		s += math.Abs(sumY[b] - sumP[b])
	}
	return s / total, nil
}

// MetricValue is one metric's value, or why it is undefined, with an
// optional bootstrap interval. Its JSON form writes an undefined value as
// null, never NaN.
type MetricValue struct {
	Metric   string    // metric name
	Value    float64   // the value; NaN when Err is not empty
	Err      string    // why the metric is undefined, or empty
	Interval *Interval // bootstrap interval, when computed
}

// Defined reports whether the value is defined.
func (v MetricValue) Defined() bool { return v.Err == "" && !math.IsNaN(v.Value) }

type metricValueJSON struct {
	Metric   string    `json:"metric"`
	Value    *float64  `json:"value"`
	Err      string    `json:"error,omitempty"`
	Interval *Interval `json:"interval,omitempty"`
}

// MarshalJSON writes an undefined value as null.
func (v MetricValue) MarshalJSON() ([]byte, error) {
	j := metricValueJSON{Metric: v.Metric, Value: finite(v.Value), Err: v.Err, Interval: v.Interval}
	return json.Marshal(j)
}

// UnmarshalJSON reads a null value as NaN.
func (v *MetricValue) UnmarshalJSON(b []byte) error {
	var j metricValueJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*v = MetricValue{Metric: j.Metric, Value: math.NaN(), Err: j.Err, Interval: j.Interval}
	if j.Value != nil {
		v.Value = *j.Value
	}
	return nil
}

// finite returns a pointer to v, or nil when v is NaN or infinite.
func finite(v float64) *float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return &v
}

func metricValue(name string, v float64, err error) MetricValue {
	mv := MetricValue{Metric: name, Value: v}
	if err != nil {
		mv.Value = math.NaN()
		mv.Err = err.Error()
	}
	return mv
}
