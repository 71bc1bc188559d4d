package evaluate

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
)

// Difference compares one metric between a champion and a challenger
// evaluated on the same examples.
type Difference struct {
	Metric     string
	Champion   MetricValue
	Challenger MetricValue
	// Delta is Challenger - Champion; NaN when either is undefined.
	Delta float64
	// Interval is the paired-bootstrap interval of Delta: each resample
	// draws the same examples for both models. Nil when undefined.
	Interval *Interval
	// Better reports whether the challenger's value is better (higher, or
	// lower for a loss) than the champion's; always false for a metric
	// that grades nothing (selection_rate).
	Better bool
}

type differenceJSON struct {
	Metric     string      `json:"metric"`
	Champion   MetricValue `json:"champion"`
	Challenger MetricValue `json:"challenger"`
	Delta      *float64    `json:"delta"`
	Interval   *Interval   `json:"interval,omitempty"`
	Better     bool        `json:"better"`
}

// MarshalJSON writes an undefined Delta as null.
func (d Difference) MarshalJSON() ([]byte, error) {
	return json.Marshal(differenceJSON{d.Metric, d.Champion, d.Challenger, finite(d.Delta), d.Interval, d.Better})
}

// UnmarshalJSON reads a null Delta as NaN.
func (d *Difference) UnmarshalJSON(b []byte) error {
	var j differenceJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*d = Difference{Metric: j.Metric, Champion: j.Champion, Challenger: j.Challenger, Delta: math.NaN(), Interval: j.Interval, Better: j.Better}
	if j.Delta != nil {
		d.Delta = *j.Delta
	}
	return nil
}

// Comparison is a champion/challenger comparison on the same examples.
type Comparison struct {
	Differences []Difference `json:"differences"`
	// McNemar tests whether the two models' accuracies at their thresholds
	// differ, from the examples exactly one of them gets right.
	McNemar McNemar `json:"mcnemar"`
}

// Difference returns the comparison of the named metric, or nil.
func (c *Comparison) Difference(metric string) *Difference {
	for i := range c.Differences {
		if c.Differences[i].Metric == metric {
			return &c.Differences[i]
		}
	}
	return nil
}

// ErrNotPaired reports a comparison of predictions on different examples.
var ErrNotPaired = errors.New("evaluate: champion and challenger are not on the same examples")

// Compare evaluates the named metrics (nil means all of MetricNames) for
// a champion and a challenger scored on the same examples, in the same
// order: their labels and weights must be equal, else ErrNotPaired.
// Each difference gets a paired-bootstrap interval (opts as for
// Bootstrap); the McNemar test uses unweighted counts of the examples
// exactly one model classifies correctly.
func Compare(ctx context.Context, champion, challenger *Predictions, metrics []string, opts *BootstrapOptions) (*Comparison, error) {
	return compare(ctx, champion, challenger, metrics, opts, true)
}

// compare is Compare, with bootstrap intervals only when intervals is set.
func compare(ctx context.Context, champion, challenger *Predictions, metrics []string, opts *BootstrapOptions, intervals bool) (*Comparison, error) {
	if metrics == nil {
		metrics = MetricNames()
	}
	a, err := prepare(champion)
	if err != nil {
		return nil, fmt.Errorf("evaluate: champion: %w", err)
	}
	b, err := prepare(challenger)
	if err != nil {
		return nil, fmt.Errorf("evaluate: challenger: %w", err)
	}
	if !slices.Equal(champion.Labels, challenger.Labels) || !slices.Equal(champion.Weights, challenger.Weights) {
		return nil, ErrNotPaired
	}
	cmp := &Comparison{}
	var nb, nc int
	for i, y := range champion.Labels {
		ra, rb := a.pred[i] == y, b.pred[i] == y
		switch {
		case ra && !rb:
			nb++
		case !ra && rb:
			nc++
		}
	}
	cmp.McNemar = McNemarTest(nb, nc)
	pw := champion.Weights
	for _, name := range metrics {
		m, err := lookupMetric(name)
		if err != nil {
			return nil, err
		}
		va, ea := evalMetric(a, m, pw)
		vb, eb := evalMetric(b, m, pw)
		d := Difference{Metric: name, Champion: metricValue(name, va, ea), Challenger: metricValue(name, vb, eb), Delta: math.NaN()}
		if ea == nil && eb == nil {
			d.Delta = vb - va
			d.Better = !m.neutral() && ((m.higher && vb > va) || (!m.higher && vb < va))
		}
		if ea == nil && eb == nil && intervals {
			a.sort()
			b.sort()
			iv, err := Bootstrap(ctx, len(champion.Labels), func(w []float64) (float64, error) {
				if w != nil && pw != nil {
					for i := range w {
						w[i] *= pw[i]
					}
				}
				if w == nil {
					w = pw
				}
				x, err := evalMetric(a, m, w)
				if err != nil {
					return 0, err
				}
				y, err := evalMetric(b, m, w)
				return y - x, err
			}, opts)
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			if err == nil {
				d.Interval = &iv
			}
		}
		cmp.Differences = append(cmp.Differences, d)
	}
	return cmp, nil
}
