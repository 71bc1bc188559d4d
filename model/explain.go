package model

import (
	"fmt"
	"math"
	"sync"

	"gonum.org/v1/gonum/mat"

	"github.com/loomml/loom/train"
)

// Contribution is one declared input column's share of a prediction's
// margin.
type Contribution struct {
	Column string  `json:"column"`
	Value  float64 `json:"value"`
}

// Explanation splits one prediction's raw margin (the log-odds of a
// logistic model, the margin of a tree ensemble before its link, the
// value of a linear regression) over the declared input columns:
// Expected + the sum of every column's contribution = Margin. A positive
// contribution pushes the margin up (towards Class for a classifier), a
// negative one down, each measured against the expected margin of the
// training data.
type Explanation struct {
	// Output is the margin explained: 0, or for a multinomial classifier
	// the index of the predicted class. Class is that margin's class
	// label (for a binary classifier with one margin, the second class,
	// the positive one); 0 for a regressor.
	Output int     `json:"output"`
	Class  float64 `json:"class"`
	// Expected is the expected margin; Margin this row's.
	Expected float64 `json:"expected"`
	Margin   float64 `json:"margin"`
	// Contributions holds the k contributions of largest magnitude,
	// largest first (ties in column order); Rest is the sum of the others.
	Contributions []Contribution `json:"contributions"`
	Rest          float64        `json:"rest"`
}

// Explainer explains a bundle's predictions over its declared input
// columns: TreeSHAP contributions for tree ensembles (package
// train/tree), coef·(x − mean) for linear and logistic models, with the
// means of the training matrix recorded in the lineage
// (Lineage.FeatureMeans). The contributions of the output columns of one
// declared column (one-hot categories, a missing indicator, time parts)
// are summed back to it; a product term (Spec.Polynomial) is shared among
// its factors, each occurrence of a factor taking an equal part (x^2·y:
// two thirds to x, one third to y).
//
// An Explainer is immutable and safe for concurrent use; ExplainTo with a
// caller's ExplainBuffer does not allocate once the buffer has grown.
type Explainer[T any] struct {
	b       *Bundle[T]
	x       train.Explainer
	p       int
	outputs int
	columns []string // declared input columns
	parts   []share  // matrix column → declared columns
	classes []float64
}

// share sends weight of matrix column from to declared column to.
type share struct {
	from, to int
	weight   float64
}

// ExplainBuffer is the scratch space of one explanation at a time: keep
// one per goroutine (or in a sync.Pool) and pass it to ExplainTo.
type ExplainBuffer struct {
	x, contrib, cols []float64
	taken            []bool
}

// explainerCache is the Explainer a bundle makes once.
type explainerCache struct {
	once sync.Once
	x    any // *Explainer[T]
	err  error
}

// Explainer returns the bundle's explainer, made on first use. A model
// that gives no contributions is an error wrapping
// train.ErrNotExplainable; a tree ensemble without node covers one
// wrapping the tree package's ErrNoCover; a linear model of a bundle
// whose lineage has no feature means (fitted before they were recorded)
// an error saying so.
func (b *Bundle[T]) Explainer() (*Explainer[T], error) {
	c := &b.explain
	c.once.Do(func() {
		x, err := newExplainer(b)
		c.x, c.err = x, err
	})
	if c.err != nil {
		return nil, c.err
	}
	return c.x.(*Explainer[T]), nil
}

func newExplainer[T any](b *Bundle[T]) (*Explainer[T], error) {
	means := b.lineage.FeatureMeans
	x, err := train.NewExplainer(b.model, means)
	if err != nil {
		if means == nil {
			return nil, fmt.Errorf("model: %q: explaining a %s model: %w (its lineage records no feature means)", b.spec.name, b.model.Info().Kind, err)
		}
		return nil, fmt.Errorf("model: %q: explaining a %s model: %w", b.spec.name, b.model.Info().Kind, err)
	}
	columns, parts := b.columnMap()
	return &Explainer[T]{b: b, x: x, p: b.features.Width(), outputs: x.Outputs(), columns: columns, parts: parts, classes: b.model.Info().Classes}, nil
}

// columnMap returns the declared input columns and how each output column
// of the features shares into them.
func (b *Bundle[T]) columnMap() ([]string, []share) {
	index := map[string]int{}
	var columns []string
	for _, c := range b.spec.cols {
		index[c.name] = len(columns)
		columns = append(columns, c.name)
	}
	var parts []share
	for _, s := range b.features.Spans() {
		for j := s.Offset; j < s.Offset+s.Width; j++ {
			if s.Of == nil {
				parts = append(parts, share{j, index[s.Name], 1})
				continue
			}
			for _, f := range s.Of {
				parts = append(parts, share{j, index[f], 1 / float64(len(s.Of))})
			}
		}
	}
	return columns, parts
}

// Columns returns the declared input columns explanations name, in
// declaration order (a new slice).
func (x *Explainer[T]) Columns() []string { return append([]string(nil), x.columns...) }

// Explain explains the prediction of row with its k largest
// contributions (every column when k <= 0 or k exceeds their number). It
// is Bundle.Explainer then ExplainTo with a new buffer.
func (b *Bundle[T]) Explain(row *T, k int) (Explanation, error) {
	x, err := b.Explainer()
	if err != nil {
		return Explanation{}, err
	}
	var e Explanation
	err = x.ExplainTo(&e, row, k, &ExplainBuffer{})
	return e, err
}

// ExplainTo explains the prediction of row into e, keeping the k
// contributions of largest magnitude (every column when k <= 0 or k
// exceeds their number) in e.Contributions, whose capacity it reuses. A
// row whose features cannot be computed is the error Transform gives. It
// does not allocate once buf and e.Contributions have grown.
func (x *Explainer[T]) ExplainTo(e *Explanation, row *T, k int, buf *ExplainBuffer) error {
	var err error
	buf.x, err = x.b.Transform(row, buf.x)
	if err != nil {
		return err
	}
	buf.contrib = grow(buf.contrib, x.outputs*(x.p+1))
	c := x.x.Explain(buf.contrib, buf.x)
	out := 0
	if x.outputs > 1 {
		best := math.Inf(-1)
		for o := range x.outputs {
			m := 0.0
			for _, v := range c[o*(x.p+1) : (o+1)*(x.p+1)] {
				m += v
			}
			if m > best {
				out, best = o, m
			}
		}
	}
	blk := c[out*(x.p+1) : (out+1)*(x.p+1)]
	*e = Explanation{Output: out, Expected: blk[x.p], Margin: blk[x.p], Contributions: e.Contributions[:0]}
	switch {
	case x.outputs > 1:
		e.Class = x.classes[out]
	case len(x.classes) > 0:
		e.Class = x.classes[len(x.classes)-1]
	}
	cols := grow(buf.cols, len(x.columns))
	clear(cols)
	for _, s := range x.parts {
		cols[s.to] += s.weight * blk[s.from]
	}
	for _, v := range cols {
		e.Margin += v
	}
	buf.cols = cols
	if k <= 0 || k > len(cols) {
		k = len(cols)
	}
	taken := grow(buf.taken, len(cols))
	clear(taken)
	buf.taken = taken
	for range k {
		best := -1
		for j, v := range cols {
			if !taken[j] && (best < 0 || math.Abs(v) > math.Abs(cols[best])) {
				best = j
			}
		}
		taken[best] = true
		e.Contributions = append(e.Contributions, Contribution{Column: x.columns[best], Value: cols[best]})
	}
	for j, v := range cols {
		if !taken[j] {
			e.Rest += v
		}
	}
	return nil
}

// grow returns s[:n], reallocated when s is too short.
func grow[E any](s []E, n int) []E {
	if cap(s) >= n {
		return s[:n]
	}
	return make([]E, n)
}

// featureMeans returns the mean of each column of X, NaN values left out
// (0 for a column of NaN only): the training means linear explanations
// are measured against.
func featureMeans(X mat.Matrix) []float64 {
	r, c := X.Dims()
	sum := make([]float64, c)
	cnt := make([]float64, c)
	for i := range r {
		for j := range c {
			if v := X.At(i, j); !math.IsNaN(v) {
				sum[j] += v
				cnt[j]++
			}
		}
	}
	for j := range sum {
		if cnt[j] > 0 {
			sum[j] /= cnt[j]
		}
	}
	return sum
}
