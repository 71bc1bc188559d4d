package feature

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// ColumnStats summarises one output column, for comparing the training
// matrix with live serving vectors (train/serve skew). Mean, Std (population,
// ddof 0), Min and Max are over the non-missing values, and 0 when Count is
// 0; a NaN value counts as Missing.
type ColumnStats struct {
	Name    string  `json:"name"`
	Count   int64   `json:"count"`
	Missing int64   `json:"missing"`
	Mean    float64 `json:"mean"`
	Std     float64 `json:"std"`
	Min     float64 `json:"min"`
	Max     float64 `json:"max"`
}

// Stats accumulates ColumnStats over feature vectors or matrices, with
// Welford's update; accumulators merge (Chan et al.), so shards or
// goroutines can each keep one. Add does not allocate. A Stats is not safe
// for concurrent use: give each goroutine its own and Merge them, or guard
// it with a mutex.
type Stats struct {
	names              []string
	n, miss            []int64
	mean, m2, min, max []float64
}

// NewStats returns an empty accumulator for columns with the given names.
func NewStats(names []string) *Stats {
	k := len(names)
	s := &Stats{names: append([]string(nil), names...), n: make([]int64, k), miss: make([]int64, k),
		mean: make([]float64, k), m2: make([]float64, k), min: make([]float64, k), max: make([]float64, k)}
	for i := range k {
		s.min[i], s.max[i] = math.Inf(1), math.Inf(-1)
	}
	return s
}

// NewStats returns an empty accumulator for f's output columns.
func (f *Fitted[T]) NewStats() *Stats { return NewStats(f.names) }

// Add adds one vector; it panics if its length is not the number of
// columns.
func (s *Stats) Add(vec []float64) {
	if len(vec) != len(s.names) {
		panic(fmt.Sprintf("feature: Stats.Add needs a vector of %d values, got %d", len(s.names), len(vec)))
	}
	for j, x := range vec {
		if x != x {
			s.miss[j]++
			continue
		}
		s.n[j]++
		d := x - s.mean[j]
		s.mean[j] += d / float64(s.n[j])
		s.m2[j] += float64(d * (x - s.mean[j]))
		s.min[j] = min(s.min[j], x)
		s.max[j] = max(s.max[j], x)
	}
}

// AddMatrix adds every row of m; it panics if m does not have one column
// per name.
func (s *Stats) AddMatrix(m mat.Matrix) {
	r, c := m.Dims()
	if c != len(s.names) {
		panic(fmt.Sprintf("feature: Stats.AddMatrix needs %d columns, got %d", len(s.names), c))
	}
	row := make([]float64, c)
	for i := range r {
		mat.Row(row, i, m)
		s.Add(row)
	}
}

// Merge adds o's statistics to s; it panics if their columns differ.
func (s *Stats) Merge(o *Stats) {
	if len(o.names) != len(s.names) {
		panic(fmt.Sprintf("feature: Stats.Merge of %d columns into %d", len(o.names), len(s.names)))
	}
	for j := range s.names {
		s.miss[j] += o.miss[j]
		if o.n[j] == 0 {
			continue
		}
		if s.n[j] == 0 {
			s.n[j], s.mean[j], s.m2[j], s.min[j], s.max[j] = o.n[j], o.mean[j], o.m2[j], o.min[j], o.max[j]
			continue
		}
		na, nb := float64(s.n[j]), float64(o.n[j])
		d := o.mean[j] - s.mean[j]
		s.mean[j] += float64(d*nb) / (na + nb)
		s.m2[j] += o.m2[j] + float64(d*d*na*nb)/(na+nb)
		s.n[j] += o.n[j]
		s.min[j] = min(s.min[j], o.min[j])
		s.max[j] = max(s.max[j], o.max[j])
	}
}

// Columns returns the statistics of every column, in order.
func (s *Stats) Columns() []ColumnStats {
	out := make([]ColumnStats, len(s.names))
	for j, name := range s.names {
		c := ColumnStats{Name: name, Count: s.n[j], Missing: s.miss[j]}
		if c.Count > 0 {
			c.Mean, c.Std, c.Min, c.Max = s.mean[j], math.Sqrt(s.m2[j]/float64(s.n[j])), s.min[j], s.max[j]
		}
		out[j] = c
	}
	return out
}
