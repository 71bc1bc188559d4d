package train

import (
	"context"
	"errors"
	"fmt"
	"math"
	"runtime"
	"time"

	"golang.org/x/sync/errgroup"
)

// CVOptions configures CrossValidate and the searches. A nil *CVOptions
// means the defaults of each field.
type CVOptions struct {
	// Splitter gives the folds; nil means KFold{K: 5}.
	Splitter Splitter
	// Scorer rates each fold's model on its test rows; nil means Accuracy
	// for classifiers and R2 otherwise.
	Scorer Scorer
	// Parallelism bounds the folds (and candidates) fitted at once; 0
	// means GOMAXPROCS.
	Parallelism int
}

func (o *CVOptions) withDefaults() CVOptions {
	var c CVOptions
	if o != nil {
		c = *o
	}
	if c.Splitter == nil {
		c.Splitter = KFold{K: 5}
	}
	if c.Parallelism < 0 {
		panic(fmt.Sprintf("train: parallelism must be non-negative, got %d", c.Parallelism))
	}
	if c.Parallelism == 0 {
		c.Parallelism = runtime.GOMAXPROCS(0)
	}
	return c
}

// FoldScore is the outcome of one fold.
type FoldScore struct {
	Fold      int           `json:"fold"`       // 0-based fold index
	TrainRows int           `json:"train_rows"` // rows fitted
	TestRows  int           `json:"test_rows"`  // rows scored
	Score     float64       `json:"score"`      // the scorer's value on the test rows
	Converged bool          `json:"converged"`  // false when the fit returned a *NotConvergedError
	FitTime   time.Duration `json:"fit_ns"`     // time to fit
	ScoreTime time.Duration `json:"score_ns"`   // time to score
}

// CVResult is the outcome of CrossValidate.
type CVResult struct {
	Folds []FoldScore `json:"folds"` // in fold order
	Mean  float64     `json:"mean"`  // mean of the fold scores
	Std   float64     `json:"std"`   // population standard deviation of the fold scores
}

// CrossValidate fits t on the training rows of each fold of d and scores
// the model on the fold's test rows. Folds run in parallel, at most
// opts.Parallelism at once; the first error (a *FoldError) cancels the
// others. A fit that does not converge is kept and marked in its
// FoldScore. Cancelling ctx stops every fold within one iteration. NaN in
// X is passed on as a missing value: a trainer that handles missing
// values (train/gbdt) fits it, the others fail the fold with
// ErrNonFinite.
func CrossValidate(ctx context.Context, t Trainer, d Dataset, opts *CVOptions) (*CVResult, error) {
	o := opts.withDefaults()
	if err := d.Validate(true); err != nil { // NaN: a missing value, for the trainer to take or refuse
		return nil, err
	}
	folds, err := o.Splitter.Split(d)
	if err != nil {
		return nil, err
	}
	res := &CVResult{Folds: make([]FoldScore, len(folds))}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(o.Parallelism)
	for i, f := range folds {
		if gctx.Err() != nil {
			break
		}
		g.Go(func() error {
			if err := gctx.Err(); err != nil {
				return err
			}
			fs, err := runFold(gctx, t, d, f, o.Scorer)
			if err != nil {
				if ctxErr := ctx.Err(); ctxErr != nil {
					return ctxErr
				}
				return &FoldError{Fold: i, Err: err}
			}
			fs.Fold = i
			res.Folds[i] = fs
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	scores := make([]float64, len(folds))
	for i, f := range res.Folds {
		scores[i] = f.Score
	}
	res.Mean, res.Std = meanStd(scores)
	return res, nil
}

// runFold fits and scores one fold.
func runFold(ctx context.Context, t Trainer, d Dataset, f Fold, scorer Scorer) (FoldScore, error) {
	fs := FoldScore{TrainRows: len(f.Train), TestRows: len(f.Test)}
	if len(f.Train) == 0 || len(f.Test) == 0 {
		return fs, fmt.Errorf("%w: fold with %d training and %d test rows", ErrSplit, len(f.Train), len(f.Test))
	}
	begin := time.Now()
	m, err := t.Fit(ctx, d.Subset(f.Train))
	fs.FitTime = time.Since(begin)
	fs.Converged = err == nil
	if err != nil && (m == nil || !errors.Is(err, ErrNotConverged)) {
		return fs, err
	}
	if err := ctx.Err(); err != nil {
		return fs, err
	}
	if scorer == nil {
		scorer = defaultScorer(m)
	}
	begin = time.Now()
	fs.Score, err = scorer(m, d.Subset(f.Test))
	fs.ScoreTime = time.Since(begin)
	return fs, err
}

func meanStd(v []float64) (mean, std float64) {
	if len(v) == 0 {
		return math.NaN(), math.NaN()
	}
	for _, x := range v {
		mean += x
	}
	mean /= float64(len(v))
	for _, x := range v {
		std += (x - mean) * (x - mean)
	}
	return mean, math.Sqrt(std / float64(len(v)))
}
