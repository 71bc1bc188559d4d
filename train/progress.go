package train

import "time"

// Progress is one report of a long fit or search.
type Progress struct {
	// Iteration counts optimizer iterations in a fit, and finished
	// candidate evaluations (one candidate on all folds) in a search.
	Iteration int
	// Total is the number of iterations expected: the iteration limit of a
	// fit, the number of evaluations of a search.
	Total int
	// Loss is the objective of a fit at this iteration; in a search, the
	// negated best mean score so far (lower is better in both).
	Loss float64
	// Elapsed is the time since the fit or search started.
	Elapsed time.Duration
	// ValidationLoss is the loss on rows a fit holds out (gradient
	// boosting with early stopping), or 0 when it holds out none.
	ValidationLoss float64
}

// ProgressFunc receives progress reports. It is called from the goroutine
// running the fit or search, one call at a time, and should return
// quickly.
type ProgressFunc func(Progress)
