package evaluate

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
)

// ReportOptions configure NewReport; nil means the defaults.
type ReportOptions struct {
	Title   string   // page title; "" means "Model evaluation"
	Model   string   // name of the evaluated model; "" means "candidate"
	Metrics []string // metrics to report; nil means all of MetricNames
	// Bootstrap configures the confidence intervals of the metrics and of
	// the comparison; nil means no intervals.
	Bootstrap *BootstrapOptions
	// Groups, when not nil, gives each example's group (see GroupBy) for
	// the per-slice table; GroupName names the grouping, such as "region".
	Groups    []string
	GroupName string
	// Baseline, when not nil, holds a champion's predictions on the same
	// examples: the report then compares the model with it.
	Baseline     *Predictions
	BaselineName string // "" means "champion"
	// Gates, when not nil, are checked into the report's Verdict.
	Gates []Gate
	// CalibrationBins is the number of uniform bins of the calibration
	// curve; 0 means 10.
	CalibrationBins int
	// Importances, when not nil, are the model's column importances
	// (PermutationImportance, NewImportances), shown by the report.
	Importances *Importances
}

// maxCurvePoints bounds the points of each curve kept in a report.
const maxCurvePoints = 1000

// Report is the evaluation of a binary classifier on labeled examples:
// metrics with intervals, curves, confusion matrix, slices, comparison
// with a baseline and the verdict of gates. WriteJSON renders it, and
// package evaluate/evalhtml draws it as HTML. Curves are thinned to at most 1000 points, evenly spaced
// along the curve, keeping both ends.
type Report struct {
	Title        string        `json:"title"`
	Model        string        `json:"model"`
	BaselineName string        `json:"baseline,omitempty"`
	Examples     int           `json:"examples"`
	Positives    int           `json:"positives"`
	Threshold    float64       `json:"threshold"`
	Metrics      []MetricValue `json:"metrics"`
	Confusion    *Confusion    `json:"confusion"`
	ROC          *Curve        `json:"roc,omitempty"` // nil with one class
	PR           *Curve        `json:"pr"`
	BaselineROC  *Curve        `json:"baseline_roc,omitempty"`
	BaselinePR   *Curve        `json:"baseline_pr,omitempty"`
	Calibration  *Reliability  `json:"calibration"`
	GroupName    string        `json:"group_name,omitempty"`
	Slices       *SliceReport  `json:"slices,omitempty"`
	Comparison   *Comparison   `json:"comparison,omitempty"`
	Verdict      *Verdict      `json:"verdict,omitempty"`
	Importances  *Importances  `json:"importances,omitempty"`
}

// NewReport evaluates the predictions as opts say. Bad predictions (see
// Predictions.Validate), a baseline on other examples (ErrNotPaired),
// groups of the wrong length and unknown metrics or invalid gates are
// errors; a metric undefined for the data is not: it is recorded with its
// reason, and fails any gate on it. It honours ctx during bootstraps.
func NewReport(ctx context.Context, p *Predictions, opts *ReportOptions) (*Report, error) {
	var o ReportOptions
	if opts != nil {
		o = *opts
	}
	if o.Title == "" {
		o.Title = "Model evaluation"
	}
	if o.Model == "" {
		o.Model = "candidate"
	}
	if o.BaselineName == "" {
		o.BaselineName = "champion"
	}
	if o.Metrics == nil {
		o.Metrics = MetricNames()
	}
	if o.CalibrationBins == 0 {
		o.CalibrationBins = 10
	}
	if err := ValidateGates(o.Gates); err != nil {
		return nil, err
	}
	pr, err := prepare(p)
	if err != nil {
		return nil, err
	}
	r := &Report{Title: o.Title, Model: o.Model, Examples: len(p.Labels), Threshold: p.threshold(), GroupName: o.GroupName, Importances: o.Importances}
	for _, y := range p.Labels {
		r.Positives += y
	}
	ev := Evidence{Metrics: map[string]float64{}}
	for _, name := range o.Metrics {
		m, err := lookupMetric(name)
		if err != nil {
			return nil, err
		}
		v, err := evalMetric(pr, m, p.Weights)
		mv := metricValue(name, v, err)
		if err == nil {
			ev.Metrics[name] = v
			if o.Bootstrap != nil {
				iv, err := bootstrapPrepared(ctx, pr, m, o.Bootstrap)
				if cerr := ctx.Err(); cerr != nil {
					return nil, cerr
				}
				if err == nil {
					mv.Interval = &iv
				}
			}
		}
		r.Metrics = append(r.Metrics, mv)
	}
	if r.Confusion, err = pr.confusion(p.Weights); err != nil {
		return nil, err
	}
	c, err := pr.sort().curve(p.Weights)
	if err != nil {
		return nil, err
	}
	if roc, err := rocCurve(c); err == nil {
		r.ROC = thin(roc)
	}
	r.PR = thin(prCurve(c))
	if r.Calibration, err = CalibrationCurve(p.Labels, p.Scores, o.CalibrationBins, Uniform); err != nil {
		return nil, err
	}
	if o.Groups != nil {
		if r.Slices, err = Slices(p, o.Groups, o.Metrics); err != nil {
			return nil, err
		}
		ev.Slices = map[string]map[string]float64{}
		for _, s := range r.Slices.Slices {
			m := map[string]float64{}
			for _, v := range s.Metrics {
				if v.Defined() {
					m[v.Metric] = v.Value
				}
			}
			ev.Slices[s.Group] = m
		}
	}
	if o.Baseline != nil {
		r.BaselineName = o.BaselineName
		if r.Comparison, err = compare(ctx, o.Baseline, p, o.Metrics, o.Bootstrap, o.Bootstrap != nil); err != nil {
			return nil, err
		}
		ev.Baseline = map[string]float64{}
		for _, d := range r.Comparison.Differences {
			if d.Champion.Defined() {
				ev.Baseline[d.Metric] = d.Champion.Value
			}
		}
		bp, _ := prepare(o.Baseline) // validated by compare
		if bc, err := bp.sort().curve(o.Baseline.Weights); err == nil {
			if roc, err := rocCurve(bc); err == nil {
				r.BaselineROC = thin(roc)
			}
			r.BaselinePR = thin(prCurve(bc))
		}
	}
	if o.Gates != nil {
		v := Check(o.Gates, ev)
		r.Verdict = &v
	}
	return r, nil
}

// value returns the named metric of the report, NaN when undefined.
// Value returns the named metric's value, or NaN when the report does not
// have it or it is undefined.
func (r *Report) Value(metric string) float64 {
	for _, m := range r.Metrics {
		if m.Metric == metric && m.Defined() {
			return m.Value
		}
	}
	return math.NaN()
}

// BaselineValue returns the baseline's (champion's) value of the named
// metric in the comparison, or NaN when there is none.
func (r *Report) BaselineValue(metric string) float64 {
	if r.Comparison == nil {
		return math.NaN()
	}
	if d := r.Comparison.Difference(metric); d != nil && d.Champion.Defined() {
		return d.Champion.Value
	}
	return math.NaN()
}

// thin keeps at most maxCurvePoints points of c, evenly spaced by index,
// with both ends.
func thin(c *Curve) *Curve {
	n := len(c.X)
	if n <= maxCurvePoints {
		return c
	}
	out := &Curve{}
	last := -1
	for j := range maxCurvePoints {
		i := int(math.Round(float64(j) * float64(n-1) / float64(maxCurvePoints-1)))
		if i == last {
			continue
		}
		last = i
		out.X = append(out.X, c.X[i])
		out.Y = append(out.Y, c.Y[i])
		if i < len(c.Thresholds) {
			out.Thresholds = append(out.Thresholds, c.Thresholds[i])
		}
	}
	return out
}

// WriteJSON writes the report as indented JSON. Undefined values are
// null; the output never holds NaN.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(r); err != nil {
		return fmt.Errorf("evaluate: writing the JSON report: %w", err)
	}
	return nil
}
