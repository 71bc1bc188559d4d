package serve

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/loomml/loom/stage"
	"github.com/loomml/loom/train"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"
)

// batchRows is how many rows ScoreBatch scores at a time on one goroutine:
// their feature vectors (batchRows × Width() float64s, 66 KiB for 33
// columns) stay in cache from the transform to the model.
const batchRows = 256

// batchScratch is one ScoreBatch goroutine's working memory.
type batchScratch struct {
	x     []float64 // batchRows × Width(): the block's feature matrix
	probs []float64 // batchRows × len(classes)
	vals  []float64 // batchRows: a regressor's predictions
	bad   []bool    // batchRows: the row failed
	errs  []error   // batchRows: the rows' contract errors
	X, P  mat.Dense // views of x and probs
}

// ScoreBatch scores rows and returns the predictions in order, each equal
// to Score's for its row. Rows that fail get the zero Prediction (Class
// −1); the error joins one *stage.ItemError per failed row, naming its
// index, in row order, wrapping the error Score gives (a contract's
// *contract.RowError, a *feature.ValueError).
//
// It does not pay per-row work twice: blocks of 256 rows go to GOMAXPROCS
// goroutines (stage.Parallel), which check the block's rows against the
// contract field by field (contract.Bound.CheckRows), compute the
// block's feature matrix with feature's column-wise matrix path
// (Fitted.MatrixTo; row by row only for a block holding a row without a
// defined output, or for a model that handles missing values natively),
// and predict the block with train.PredictProbaBatch (train.PredictBatch
// for a regressor). It allocates the result, a few values per call and
// one per block (in MatrixTo), none per row; the blocks' buffers are
// pooled. A cancelled ctx stops it between blocks
// with ctx's error.
func (s *Scorer[T]) ScoreBatch(ctx context.Context, rows []T) ([]Prediction, error) {
	out := make([]Prediction, len(rows))
	if len(rows) == 0 {
		return out, ctx.Err()
	}
	if k := len(s.classes); k > maxInlineClasses {
		err := fmt.Errorf("serve: model %q has %d classes; use ScoreInto", s.info.Name, k)
		failed := make([]error, len(rows))
		for i := range rows {
			out[i] = Prediction{Class: -1}
			failed[i] = &stage.ItemError{Index: i, Err: err}
		}
		return out, errors.Join(failed...)
	}
	starts := make([]int, 0, (len(rows)+batchRows-1)/batchRows)
	for lo := 0; lo < len(rows); lo += batchRows {
		starts = append(starts, lo)
	}
	// Each block returns its row errors; stage.Parallel returns the
	// blocks' results in block order.
	score := stage.Func("score-block", func(ctx context.Context, lo int) ([]error, error) {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		hi := min(lo+batchRows, len(rows))
		sc := s.getBatchScratch()
		defer s.batchBufs.Put(sc)
		return s.scoreBlock(ctx, rows[lo:hi], lo, out[lo:hi], sc, nil), nil
	})
	failed, err := stage.Parallel(score, stage.ParallelOptions{}).Process(ctx, starts)
	if err != nil {
		return out, err
	}
	// A block lists its contract errors before its feature errors.
	all := slices.Concat(failed...)
	slices.SortFunc(all, func(a, b error) int { return a.(*stage.ItemError).Index - b.(*stage.ItemError).Index })
	return out, errors.Join(all...)
}

// getBatchScratch returns a batchScratch from the scorer's pool.
func (s *Scorer[T]) getBatchScratch() *batchScratch {
	if sc, ok := s.batchBufs.Get().(*batchScratch); ok {
		return sc
	}
	k := len(s.classes)
	return &batchScratch{x: make([]float64, batchRows*s.features.Width()), probs: make([]float64, batchRows*k),
		vals: make([]float64, batchRows), bad: make([]bool, batchRows), errs: make([]error, batchRows)}
}

// scoreBlock scores rows (the block starting at row first) into out,
// appending a *stage.ItemError per failed row to failed.
func (s *Scorer[T]) scoreBlock(ctx context.Context, rows []T, first int, out []Prediction, sc *batchScratch, failed []error) []error {
	n, w := len(rows), s.features.Width()
	bad := sc.bad[:n]
	nbad := 0
	fail := func(i int, err error) {
		bad[i] = true
		nbad++
		out[i] = Prediction{Class: -1}
		failed = append(failed, &stage.ItemError{Index: first + i, Err: err})
	}
	errs := sc.errs[:n]
	s.checkRows(rows, errs)
	for i, err := range errs {
		bad[i] = false
		if err != nil {
			fail(i, err)
			errs[i] = nil // the scratch keeps no error
		}
	}
	x := sc.x[:n*w]
	// The matrix path reports the block's first bad value only: a block
	// with one (or with a row the contract refused) is transformed row by
	// row, which names every bad row and skips the refused ones.
	if !s.matrix || nbad > 0 || s.features.MatrixTo(ctx, x, rows) != nil {
		for i := range rows {
			if bad[i] {
				continue
			}
			if _, err := s.transform(&rows[i], x[i*w:(i+1)*w]); err != nil {
				fail(i, err)
			}
		}
	}
	if nbad > 0 {
		// Predict the good rows one by one: a model need not take the
		// vectors of bad rows.
		for i := range rows {
			if !bad[i] {
				s.predictRow(&out[i], x[i*w:(i+1)*w], sc.probs[:len(s.classes)])
			}
		}
		return failed
	}
	sc.X.SetRawMatrix(blas64.General{Rows: n, Cols: w, Stride: w, Data: x})
	if s.clf == nil {
		vals := train.PredictBatch(sc.vals[:n], s.model, &sc.X)
		for i, v := range vals {
			out[i] = Prediction{Value: v, Class: -1}
		}
		return failed
	}
	k := len(s.classes)
	sc.P.SetRawMatrix(blas64.General{Rows: n, Cols: k, Stride: k, Data: sc.probs[:n*k]})
	train.PredictProbaBatch(&sc.P, s.clf, &sc.X)
	for i := range out {
		s.classify(&out[i], sc.probs[i*k:(i+1)*k])
	}
	return failed
}

// checkRows sets errs[i] to checkRow(&rows[i]) for every row, checking
// the contract over the whole block when the scorer has its block form.
func (s *Scorer[T]) checkRows(rows []T, errs []error) {
	if s.contractRows == nil {
		for i := range rows {
			errs[i] = s.checkRow(&rows[i])
		}
		return
	}
	s.contractRows(rows, errs)
	if s.check != nil {
		for i := range rows {
			if errs[i] == nil {
				errs[i] = s.check(&rows[i])
			}
		}
	}
}

// checkRow applies the contract and the extra check to row.
func (s *Scorer[T]) checkRow(row *T) error {
	if s.contract != nil {
		if err := s.contract(row); err != nil {
			return err
		}
	}
	if s.check != nil {
		return s.check(row)
	}
	return nil
}

// predictRow predicts the vector x into p; probs is scratch for the class
// probabilities.
func (s *Scorer[T]) predictRow(p *Prediction, x, probs []float64) {
	if s.clf == nil {
		*p = Prediction{Value: s.model.Predict(x), Class: -1}
		return
	}
	s.classify(p, s.clf.PredictProba(probs, x))
}

// classify sets p from a classifier's class probabilities: the most
// probable class (the first of equals), its label and the probabilities.
func (s *Scorer[T]) classify(p *Prediction, probs []float64) {
	best := argmax(probs)
	p.Class, p.Value = best, s.classes[best]
	p.n = copy(p.probs[:], probs)
}
