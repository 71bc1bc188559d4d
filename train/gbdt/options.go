package gbdt

import (
	"fmt"
	"math"

	"github.com/loomml/loom/train"
)

// Options are the boosting settings Classifier and Regressor share. The
// zero value means scikit-learn 1.2's HistGradientBoosting defaults.
type Options struct {
	// LearningRate shrinks every leaf value; 0 means 0.1.
	LearningRate float64
	// MaxIter is the number of boosting iterations (one tree per class per
	// iteration for a multinomial model); 0 means 100.
	MaxIter int
	// MaxLeafNodes bounds the leaves of a tree; 0 means 31, a negative
	// value no bound.
	MaxLeafNodes int
	// MaxDepth bounds the depth of a tree (the root has depth 0); 0 means
	// no bound.
	MaxDepth int
	// MinSamplesLeaf is the least number of rows in a leaf; 0 means 20.
	MinSamplesLeaf int
	// L2Regularization is the L2 penalty on leaf values; 0 means none.
	L2Regularization float64
	// MaxBins is the number of bins for non-missing values, 2 to 255; 0
	// means 255. Missing values have one more bin of their own.
	MaxBins int
	// EarlyStopping decides whether to hold out validation rows and stop
	// when their loss stops improving; the zero value is Auto.
	EarlyStopping EarlyStopping
	// ValidationFraction is the fraction of rows held out for early
	// stopping (stratified by class for a classifier); 0 means 0.1.
	ValidationFraction float64
	// NIterNoChange is the number of iterations without an improvement of
	// more than Tol after which boosting stops; 0 means 10.
	NIterNoChange int
	// Tol is the improvement of the validation loss that counts; 0 means
	// 1e-7, a negative value 0.
	Tol float64
	// Monotonic holds one constraint per feature: +1 for a prediction
	// that increases with the feature, -1 decreases, 0 free; nil means
	// none. Categorical features cannot be constrained.
	Monotonic []int
	// Seed drives the validation split and the subsample the bins are
	// computed from (above 200,000 rows).
	Seed uint64
	// Workers is the number of goroutines building histograms and
	// computing gradients; 0 means GOMAXPROCS. The model does not depend
	// on it.
	Workers int
	// Progress, when set, receives one report per iteration: the training
	// loss and, with early stopping, the validation loss.
	Progress train.ProgressFunc
}

// EarlyStopping selects when a fit holds out validation rows.
type EarlyStopping uint8

const (
	// Auto enables early stopping above 10,000 rows, as scikit-learn's
	// early_stopping="auto".
	Auto EarlyStopping = iota
	// On always holds out ValidationFraction of the rows.
	On
	// Off fits all rows for MaxIter iterations.
	Off
)

// config is Options with the defaults filled in and checked.
type config struct {
	lr                float64
	maxIter           int
	maxLeaves         int // 0: unbounded
	maxDepth          int // 0: unbounded
	minSamplesLeaf    int
	l2                float64
	maxBins           int
	early             EarlyStopping
	validation        float64
	noChange          int
	tol               float64
	monotonic         []int
	seed              uint64
	workers           int
	progress          train.ProgressFunc
	minHessianToSplit float64
}

func (o *Options) config(kind string) config {
	c := config{lr: o.LearningRate, maxIter: o.MaxIter, maxLeaves: o.MaxLeafNodes, maxDepth: o.MaxDepth,
		minSamplesLeaf: o.MinSamplesLeaf, l2: o.L2Regularization, maxBins: o.MaxBins, early: o.EarlyStopping,
		validation: o.ValidationFraction, noChange: o.NIterNoChange, tol: o.Tol, monotonic: o.Monotonic,
		seed: o.Seed, workers: o.Workers, progress: o.Progress, minHessianToSplit: 1e-3}
	bad := func(field string, v any) {
		panic(fmt.Sprintf("gbdt: %s %s out of range, got %v", kind, field, v))
	}
	if !(c.lr >= 0) || math.IsInf(c.lr, 0) {
		bad("LearningRate", c.lr)
	}
	if c.maxIter < 0 {
		bad("MaxIter", c.maxIter)
	}
	if c.maxLeaves == 1 {
		bad("MaxLeafNodes", c.maxLeaves)
	}
	if c.maxDepth < 0 {
		bad("MaxDepth", c.maxDepth)
	}
	if c.minSamplesLeaf < 0 {
		bad("MinSamplesLeaf", c.minSamplesLeaf)
	}
	if !(c.l2 >= 0) || math.IsInf(c.l2, 0) {
		bad("L2Regularization", c.l2)
	}
	if c.maxBins < 0 || c.maxBins == 1 || c.maxBins > 255 {
		bad("MaxBins", c.maxBins)
	}
	if c.early > Off {
		bad("EarlyStopping", c.early)
	}
	if !(c.validation >= 0 && c.validation < 1) {
		bad("ValidationFraction", c.validation)
	}
	if c.noChange < 0 {
		bad("NIterNoChange", c.noChange)
	}
	if math.IsNaN(c.tol) {
		bad("Tol", c.tol)
	}
	for j, m := range c.monotonic {
		if m < -1 || m > 1 {
			bad(fmt.Sprintf("Monotonic[%d]", j), m)
		}
	}
	if c.workers < 0 {
		bad("Workers", c.workers)
	}
	if c.lr == 0 {
		c.lr = 0.1
	}
	if c.maxIter == 0 {
		c.maxIter = 100
	}
	switch {
	case c.maxLeaves == 0:
		c.maxLeaves = 31
	case c.maxLeaves < 0:
		c.maxLeaves = 0
	}
	if c.minSamplesLeaf == 0 {
		c.minSamplesLeaf = 20
	}
	if c.maxBins == 0 {
		c.maxBins = 255
	}
	if c.validation == 0 {
		c.validation = 0.1
	}
	if c.noChange == 0 {
		c.noChange = 10
	}
	switch {
	case c.tol == 0:
		c.tol = 1e-7
	case c.tol < 0:
		c.tol = 0
	}
	return c
}

// params lists the settings for experiment records.
func (c *config) params() train.Params {
	es := [...]string{"auto", "on", "off"}[c.early]
	return train.Params{
		{Name: "early_stopping", Str: es},
		{Name: "l2_regularization", Num: c.l2},
		{Name: "learning_rate", Num: c.lr},
		{Name: "max_bins", Num: float64(c.maxBins)},
		{Name: "max_depth", Num: float64(c.maxDepth)},
		{Name: "max_iter", Num: float64(c.maxIter)},
		{Name: "max_leaf_nodes", Num: float64(c.maxLeaves)},
		{Name: "min_samples_leaf", Num: float64(c.minSamplesLeaf)},
		{Name: "n_iter_no_change", Num: float64(c.noChange)},
		{Name: "tol", Num: c.tol},
		{Name: "validation_fraction", Num: c.validation},
	}
}
