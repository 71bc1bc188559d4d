package tree

import (
	"fmt"
	"runtime"

	"golang.org/x/sync/errgroup"
	"gonum.org/v1/gonum/mat"
)

// batchRows is the number of rows one goroutine scores at a time.
const batchRows = 512

// RawBatch writes the raw margins of every row of X into the rows of dst,
// which must be rows × Outputs() (a nil or empty dst is allocated), and
// returns dst. Blocks of rows are scored on GOMAXPROCS goroutines, which
// have all returned when it returns; the result does not depend on their
// number. It panics when X has another width than the model's features.
func (e *Ensemble) RawBatch(dst *mat.Dense, X mat.Matrix) *mat.Dense {
	return e.batch(dst, X, e.outputs, func(out, x []float64) { e.Raw(out, x) })
}

// PredictBatch writes the prediction of every row of X (a class label, or
// a regressor's value) into dst, grown when shorter than the rows, and
// returns dst[:rows]. It scores blocks of rows in parallel, as RawBatch.
func (e *Ensemble) PredictBatch(dst []float64, X mat.Matrix) []float64 {
	n, _ := X.Dims()
	if cap(dst) < n {
		dst = make([]float64, n)
	}
	dst = dst[:n]
	if n == 0 {
		return dst
	}
	e.batch(mat.NewDense(n, 1, dst), X, 1, func(out, x []float64) { out[0] = e.predict(x) })
	return dst
}

// PredictProbaBatch writes the class probabilities of every row of X into
// the rows of dst, which must be rows × classes (a nil or empty dst is
// allocated), and returns dst. It scores blocks of rows in parallel, as
// RawBatch, and panics for a regression ensemble.
func (e *Ensemble) PredictProbaBatch(dst *mat.Dense, X mat.Matrix) *mat.Dense {
	if len(e.spec.Classes) == 0 {
		panic("tree: PredictProbaBatch of a regression ensemble")
	}
	return e.batch(dst, X, len(e.spec.Classes), func(out, x []float64) { e.proba(out, x) })
}

func (e *Ensemble) batch(dst *mat.Dense, X mat.Matrix, width int, fn func(out, x []float64)) *mat.Dense {
	n, p := X.Dims()
	if p != e.spec.Features {
		panic(fmt.Sprintf("tree: ensemble expects %d features, got %d", e.spec.Features, p))
	}
	if dst == nil {
		dst = &mat.Dense{}
	}
	if dst.IsEmpty() {
		dst.ReuseAs(n, width)
	}
	if r, c := dst.Dims(); r < n || c != width {
		panic(fmt.Sprintf("tree: dst must be %d×%d, got %d×%d", n, width, r, c))
	}
	out := dst.RawMatrix()
	raw, direct := X.(mat.RawMatrixer)
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	for lo := 0; lo < n; lo += batchRows {
		hi := min(lo+batchRows, n)
		g.Go(func() error {
			var buf []float64
			if !direct {
				buf = make([]float64, p)
			}
			for i := lo; i < hi; i++ {
				var x []float64
				if direct {
					rm := raw.RawMatrix()
					x = rm.Data[i*rm.Stride : i*rm.Stride+p]
				} else {
					x = mat.Row(buf, i, X)
				}
				fn(out.Data[i*out.Stride:i*out.Stride+width], x)
			}
			return nil
		})
	}
	_ = g.Wait()
	return dst
}
