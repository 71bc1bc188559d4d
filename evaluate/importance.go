package evaluate

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sync/atomic"

	"golang.org/x/sync/errgroup"
	"gonum.org/v1/gonum/stat/distuv"
)

// Importance methods, as Importances.Method records them.
const (
	// MethodPermutation: the drop of a metric when a column's values are
	// shuffled across the examples (PermutationImportance).
	MethodPermutation = "permutation"
	// MethodGain: the share of a tree model's total split gain (or split
	// count) on the column.
	MethodGain = "gain"
	// MethodCoefficient: the absolute coefficients of a linear model on
	// the column's features (standardized features make them comparable).
	MethodCoefficient = "coefficient"
)

// Importance is the importance of one column.
type Importance struct {
	Column string `json:"column"`
	// Value is the importance: for permutation, the mean drop of the
	// metric over the repeats (positive: the model needs the column;
	// about 0: it does not; negative: shuffling helped, by chance).
	Value float64 `json:"value"`
	// Std is the standard deviation of the drops over the repeats (with
	// divisor n, as scikit-learn's importances_std); 0 for other methods.
	Std float64 `json:"std,omitempty"`
	// Lower and Upper bound the Student t confidence interval of the
	// mean drop at Importances.Level (equal to Value for other methods).
	Lower float64 `json:"lower"`
	Upper float64 `json:"upper"`
	// Drops holds the drop of each repeat (permutation only).
	Drops []float64 `json:"drops,omitempty"`
}

// Importances are the importances of a model's columns, most important
// first (ties in column order).
type Importances struct {
	Method string `json:"method"` // MethodPermutation, MethodGain or MethodCoefficient
	// Metric is the metric permuted against, and Baseline its value on
	// the unshuffled examples (permutation only).
	Metric   string  `json:"metric,omitempty"`
	Baseline float64 `json:"baseline,omitempty"`
	Repeats  int     `json:"repeats,omitempty"`
	Level    float64 `json:"level,omitempty"`
	// Columns holds one entry per column, sorted by decreasing Value.
	Columns []Importance `json:"columns"`
}

// PermutationOptions configure PermutationImportance; nil means the
// defaults.
type PermutationOptions struct {
	Repeats int     // shuffles per column; 0 means 5
	Level   float64 // confidence level of the intervals; 0 means 0.95
	Seed    uint64  // seed of the shuffles; the same seed gives the same importances
	Workers int     // goroutines; 0 means runtime.GOMAXPROCS(0)
}

func (o *PermutationOptions) resolved() PermutationOptions {
	var r PermutationOptions
	if o != nil {
		r = *o
	}
	if r.Repeats == 0 {
		r.Repeats = 5
	}
	if r.Repeats < 1 {
		panic(fmt.Sprintf("evaluate: permutation importance needs at least 1 repeat, got %d", r.Repeats))
	}
	r.Level, r.Workers = resolveLevelWorkers(r.Level, r.Workers)
	return r
}

// Permuted is a model's score on n examples where column col's values
// are shuffled: example i takes the value of column col of example
// perm[i]; col -1 (perm nil) asks for the score on the examples as they
// are. It is called concurrently and must not keep perm.
type Permuted func(ctx context.Context, col int, perm []int) (float64, error)

// PermutationImportance measures how much a model needs each of the
// named columns: the drop of its score when the column's values are
// shuffled across the n examples (Breiman 2001; scikit-learn's
// permutation_importance), repeated opts.Repeats times. score gives the
// score on the examples with one column shuffled (see Permuted), with the
// metric named metric: a higher score is better when higherIsBetter
// (roc_auc), else lower is (log_loss), and the drop is signed so that a
// positive importance always means the column helps.
//
// The shuffles run on opts.Workers goroutines; shuffle r of column j
// draws from its own generator, PCG seeded with (opts.Seed, j·Repeats+r),
// so the importances depend only on the seed, never on the number of
// workers. A score that fails stops the computation with an error naming
// the column; ctx cancels it.
func PermutationImportance(ctx context.Context, columns []string, n int, metric string, higherIsBetter bool, score Permuted, opts *PermutationOptions) (*Importances, error) {
	o := opts.resolved()
	if n < 2 {
		return nil, fmt.Errorf("%w: permutation importance needs at least 2 examples, got %d", ErrEmpty, n)
	}
	base, err := score(ctx, -1, nil)
	if err != nil {
		return nil, fmt.Errorf("evaluate: permutation importance: the score without shuffling: %w", err)
	}
	tasks := len(columns) * o.Repeats
	drops := make([]float64, tasks)
	var next atomic.Int64
	g, gctx := errgroup.WithContext(ctx)
	for range min(o.Workers, max(tasks, 1)) {
		g.Go(func() error {
			perm := make([]int, n)
			for {
				t := int(next.Add(1) - 1)
				if t >= tasks {
					return nil
				}
				if err := gctx.Err(); err != nil {
					return err
				}
				col := t / o.Repeats
				shuffleFunc(perm, o.Seed, uint64(t))
				s, err := score(gctx, col, perm)
				if err != nil {
					return fmt.Errorf("evaluate: permutation importance of column %q (repeat %d): %w", columns[col], t%o.Repeats, err)
				}
				if higherIsBetter {
					drops[t] = base - s
				} else {
					drops[t] = s - base
				}
			}
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	imp := &Importances{Method: MethodPermutation, Metric: metric, Baseline: base, Repeats: o.Repeats, Level: o.Level}
	for j, name := range columns {
		d := drops[j*o.Repeats : (j+1)*o.Repeats]
		imp.Columns = append(imp.Columns, summarize(name, d, o.Level))
	}
	imp.sort()
	return imp, nil
}

// shuffleFunc is shuffle; the test against scikit-learn replaces it with
// scikit-learn's permutations.
var shuffleFunc = shuffle

// shuffle fills perm with a permutation of 0..len(perm)-1 drawn from the
// generator of task t (Fisher–Yates).
func shuffle(perm []int, seed, t uint64) {
	for i := range perm {
		perm[i] = i
	}
	rng := rand.New(rand.NewPCG(seed, t))
	rng.Shuffle(len(perm), func(i, j int) { perm[i], perm[j] = perm[j], perm[i] })
}

// summarize gives the mean, standard deviation and t interval of drops.
func summarize(name string, drops []float64, level float64) Importance {
	n := float64(len(drops))
	mean := 0.0
	for _, v := range drops {
		mean += v
	}
	mean /= n
	ss := 0.0
	for _, v := range drops {
		ss += (v - mean) * (v - mean)
	}
	imp := Importance{Column: name, Value: mean, Std: math.Sqrt(ss / n), Lower: mean, Upper: mean, Drops: drops}
	if len(drops) > 1 {
		t := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: n - 1}.Quantile((1 + level) / 2)
		half := t * math.Sqrt(ss/(n-1)/n)
		imp.Lower, imp.Upper = mean-half, mean+half
	}
	return imp
}

// NewImportances returns importances of the given method from one value
// per column (gains, absolute coefficients), sorted, each with a zero
// width interval.
func NewImportances(method string, columns []string, values []float64) *Importances {
	if len(columns) != len(values) {
		panic(fmt.Sprintf("evaluate: %d columns and %d importance values", len(columns), len(values)))
	}
	imp := &Importances{Method: method}
	for j, name := range columns {
		imp.Columns = append(imp.Columns, Importance{Column: name, Value: values[j], Lower: values[j], Upper: values[j]})
	}
	imp.sort()
	return imp
}

// sort orders the columns by decreasing value, ties in column order.
func (imp *Importances) sort() {
	slices.SortStableFunc(imp.Columns, func(a, b Importance) int { return cmp.Compare(b.Value, a.Value) })
}

// Get returns the importance of the named column, or nil.
func (imp *Importances) Get(column string) *Importance {
	for i := range imp.Columns {
		if imp.Columns[i].Column == column {
			return &imp.Columns[i]
		}
	}
	return nil
}
