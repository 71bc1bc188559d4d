package evaluate

import (
	"fmt"
	"math"
	"slices"
)

// GroupBy returns key(row) for each row: the group column that Slices
// takes, computed from the user's own row type.
func GroupBy[T any](rows []T, key func(*T) string) []string {
	g := make([]string, len(rows))
	for i := range rows {
		g[i] = key(&rows[i])
	}
	return g
}

// Slice holds the metrics of the examples of one group.
type Slice struct {
	Group     string        `json:"group"`
	Count     int           `json:"count"`     // examples in the group
	Positives int           `json:"positives"` // examples labelled 1
	Metrics   []MetricValue `json:"metrics"`
}

// Value returns the named metric of the slice, NaN when absent or undefined.
func (s *Slice) Value(metric string) float64 {
	for _, m := range s.Metrics {
		if m.Metric == metric && m.Defined() {
			return m.Value
		}
	}
	return math.NaN()
}

// Worst names the slice where a metric is worst: the lowest value for a
// metric where higher is better, the highest for a loss.
type Worst struct {
	Metric string  `json:"metric"`
	Group  string  `json:"group"`
	Value  float64 `json:"value"`
}

// SliceReport holds metrics per group and fairness gaps between groups.
type SliceReport struct {
	Slices []Slice `json:"slices"` // by group name
	// DemographicParity is the demographic parity difference: the largest
	// minus the smallest selection rate (fraction predicted positive) over
	// the groups.
	DemographicParity MetricValue `json:"demographic_parity_difference"`
	// EqualOpportunity is the equal opportunity difference: the largest
	// minus the smallest true positive rate (recall) over the groups that
	// have positive examples; undefined when fewer than one group has.
	EqualOpportunity MetricValue `json:"equal_opportunity_difference"`
	// Worst holds, per metric, the slice where it is worst, among the
	// slices where it is defined.
	Worst []Worst `json:"worst"`
}

// Slices computes the named metrics (nil means all of MetricNames) for
// each group of examples; groups[i] is the group of example i (GroupBy
// makes it from rows). A metric undefined in a group, such as roc_auc in a
// group with one class, is recorded with its reason rather than failing
// the whole report.
func Slices(p *Predictions, groups []string, metrics []string) (*SliceReport, error) {
	if metrics == nil {
		metrics = MetricNames()
	}
	defs := make([]metricDef, len(metrics))
	for i, name := range metrics {
		m, err := lookupMetric(name)
		if err != nil {
			return nil, err
		}
		defs[i] = m
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if err := checkLen("groups", len(groups), len(p.Labels)); err != nil {
		return nil, err
	}
	members := map[string][]int{}
	for i, g := range groups {
		members[g] = append(members[g], i)
	}
	names := make([]string, 0, len(members))
	for g := range members {
		names = append(names, g)
	}
	slices.Sort(names)
	rep := &SliceReport{}
	var selection, tpr []float64
	for _, g := range names {
		idx := members[g]
		sub := subset(p, idx)
		pr, err := prepare(sub)
		if err != nil {
			return nil, fmt.Errorf("evaluate: slice %q: %w", g, err)
		}
		s := Slice{Group: g, Count: len(idx)}
		for _, y := range sub.Labels {
			s.Positives += y
		}
		for _, m := range defs {
			v, err := evalMetric(pr, m, sub.Weights)
			s.Metrics = append(s.Metrics, metricValue(m.name, v, err))
		}
		if c, err := pr.confusion(sub.Weights); err == nil {
			selection = append(selection, c.colSum(1)/c.Total())
			if pos := c.rowSum(1); pos > 0 {
				tpr = append(tpr, c.At(1, 1)/pos)
			}
		}
		rep.Slices = append(rep.Slices, s)
	}
	rep.DemographicParity = spread("demographic_parity_difference", selection)
	rep.EqualOpportunity = spread("equal_opportunity_difference", tpr)
	for _, m := range defs {
		w := Worst{Metric: m.name, Value: math.NaN()}
		for _, s := range rep.Slices {
			v := s.Value(m.name)
			if math.IsNaN(v) {
				continue
			}
			if math.IsNaN(w.Value) || (m.higher && v < w.Value) || (!m.higher && v > w.Value) {
				w.Group, w.Value = s.Group, v
			}
		}
		if !math.IsNaN(w.Value) {
			rep.Worst = append(rep.Worst, w)
		}
	}
	return rep, nil
}

// spread is max - min of xs, undefined for an empty list.
func spread(name string, xs []float64) MetricValue {
	if len(xs) == 0 {
		return metricValue(name, 0, ErrUndefined)
	}
	return MetricValue{Metric: name, Value: slices.Max(xs) - slices.Min(xs)}
}

// subset returns the predictions of the examples idx.
func subset(p *Predictions, idx []int) *Predictions {
	s := &Predictions{Labels: make([]int, len(idx)), Scores: make([]float64, len(idx)), Threshold: p.Threshold}
	if p.Weights != nil {
		s.Weights = make([]float64, len(idx))
	}
	for j, i := range idx {
		s.Labels[j] = p.Labels[i]
		s.Scores[j] = p.Scores[i]
		if p.Weights != nil {
			s.Weights[j] = p.Weights[i]
		}
	}
	return s
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}
