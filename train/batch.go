package train

import (
	"fmt"
	"runtime"

	"golang.org/x/sync/errgroup"
	"gonum.org/v1/gonum/mat"

	"github.com/loomml/loom/internal/fastmath"
)

// batchBlock is the number of rows a goroutine of a batch prediction
// scores at a time; a matrix of at most one block is scored on the calling
// goroutine.
const batchBlock = 16384

// probaBatcher is a Classifier with its own batch path (LogisticModel,
// tree.Ensemble), which PredictProbaBatch calls once the shapes are
// checked.
type probaBatcher interface {
	PredictProbaBatch(dst *mat.Dense, X mat.Matrix) *mat.Dense
}

// predictBatcher is a Model with its own batch path, which PredictBatch
// calls.
type predictBatcher interface {
	PredictBatch(dst []float64, X mat.Matrix) []float64
}

var (
	_ probaBatcher   = (*LogisticModel)(nil)
	_ predictBatcher = (*LogisticModel)(nil)
)

// inBlocks calls fn(lo, hi) over blocks of batchBlock rows of [0, n) on at
// most GOMAXPROCS goroutines, which have returned when it returns. Callers
// score a matrix of one block (or with GOMAXPROCS 1) themselves, so that it
// allocates nothing.
func inBlocks(n int, fn func(lo, hi int)) {
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	for lo := 0; lo < n; lo += batchBlock {
		g.Go(func() error {
			fn(lo, min(lo+batchBlock, n))
			return nil
		})
	}
	_ = g.Wait() // fn returns no error
}

// serial reports whether a batch of n rows is scored on the calling
// goroutine.
func serial(n int) bool { return n <= batchBlock || runtime.GOMAXPROCS(0) == 1 }

// rawRows returns X's row-major storage and stride, copying X once when it
// does not expose it.
func rawRows(X mat.Matrix) ([]float64, int) {
	if rm, ok := X.(mat.RawMatrixer); ok {
		raw := rm.RawMatrix()
		return raw.Data, raw.Stride
	}
	cp := mat.DenseCopyOf(X).RawMatrix()
	return cp.Data, cp.Stride
}

// PredictBatch writes the most probable class label of every row of X into
// dst, grown when shorter than the rows, and returns dst[:rows]: the
// labels of Predict, computed over blocks of rows on GOMAXPROCS
// goroutines. It panics when X has another width than the model's
// features.
func (lm *LogisticModel) PredictBatch(dst []float64, X mat.Matrix) []float64 {
	n, p := X.Dims()
	lm.checkWidth(p)
	if cap(dst) < n {
		dst = make([]float64, n)
	}
	dst = dst[:n]
	data, stride := rawRows(X)
	if serial(n) {
		lm.labels(dst, data, stride, 0, n)
		return dst
	}
	inBlocks(n, func(lo, hi int) { lm.labels(dst, data, stride, lo, hi) })
	return dst
}

// labels is Predict over rows [lo, hi) of the row-major x into dst.
func (lm *LogisticModel) labels(dst, x []float64, stride, lo, hi int) {
	p := lm.p
	if lm.m == 1 {
		var z [lossChunk]float64
		b, neg, pos := lm.intercept[0], lm.classes[0], lm.classes[1]
		for c := lo; c < hi; c += lossChunk {
			n := min(lossChunk, hi-c)
			dotRows(z[:n], x[c*stride:], stride, lm.coef)
			for i, v := range z[:n] {
				dst[c+i] = neg
				if v+b > 0 {
					dst[c+i] = pos
				}
			}
		}
		return
	}
	for i := lo; i < hi; i++ {
		dst[i] = lm.Predict(x[i*stride : i*stride+p])
	}
}

// PredictProbaBatch writes the class probabilities of every row of X into
// the rows of dst, which must be rows × classes (a nil or empty dst is
// allocated), and returns dst. The values are those of PredictProba, bit
// for bit, computed over blocks of rows on GOMAXPROCS goroutines, which
// have returned when it returns. It panics when X has another width than
// the model's features.
func (lm *LogisticModel) PredictProbaBatch(dst *mat.Dense, X mat.Matrix) *mat.Dense {
	n, p := X.Dims()
	lm.checkWidth(p)
	k := len(lm.classes)
	if dst == nil {
		dst = &mat.Dense{}
	}
	if dst.IsEmpty() {
		dst.ReuseAs(n, k)
	}
	if r, c := dst.Dims(); r != n || c != k {
		panic(fmt.Sprintf("train: dst must be %d×%d, got %d×%d", n, k, r, c))
	}
	out := dst.RawMatrix()
	data, stride := rawRows(X)
	if serial(n) {
		lm.proba(out.Data, out.Stride, data, stride, 0, n)
		return dst
	}
	inBlocks(n, func(lo, hi int) { lm.proba(out.Data, out.Stride, data, stride, lo, hi) })
	return dst
}

// proba is PredictProba over rows [lo, hi) of the row-major x into the rows
// of out.
func (lm *LogisticModel) proba(out []float64, ostride int, x []float64, stride, lo, hi int) {
	if lm.m == 1 {
		lm.binaryProba(out, ostride, x, stride, lo, hi)
		return
	}
	p, k := lm.p, len(lm.classes)
	for i := lo; i < hi; i++ {
		lm.PredictProba(out[i*ostride:i*ostride+k], x[i*stride:i*stride+p])
	}
}

// binaryProba is PredictProba of a binary model over rows [lo, hi) of the
// row-major x into the rows of out: the scores of a chunk of rows (dotRows,
// four rows at a time), their exponentials in one loop, then the
// probabilities.
func (lm *LogisticModel) binaryProba(out []float64, ostride int, x []float64, stride, lo, hi int) {
	w, b := lm.coef, lm.intercept[0]
	var z, e [lossChunk]float64
	for c := lo; c < hi; c += lossChunk {
		n := min(lossChunk, hi-c)
		dotRows(z[:n], x[c*stride:], stride, w)
		for i := range n {
			z[i] += b
		}
		fastmath.ExpNegAbs(e[:n], z[:n])
		for i := range n {
			p1 := expitOf(z[i], e[i])
			o := out[(c+i)*ostride:]
			o[0], o[1] = 1-p1, p1
		}
	}
}

func (lm *LogisticModel) checkWidth(p int) {
	if p != lm.p {
		panic(fmt.Sprintf("train: logistic model expects %d features, got %d", lm.p, p))
	}
}
