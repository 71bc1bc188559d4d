package feature

import (
	"context"
	"fmt"
	"runtime"
	"sync/atomic"

	"golang.org/x/sync/errgroup"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"
)

// The matrix path evaluates a chunk of rows feature by feature (column
// major): one loop of accessor calls per feature fills a column of raw
// values, a kernel specialised to the feature's chain transforms the column,
// and the results go straight into the row-major output. A chunk's output
// (matrixChunk rows × Width() float64s) stays in the first-level cache while
// the features visit it. Every kernel computes the same float64 operations
// in the same order as Vector, so the values are bit-identical; CheckParity
// tests this over every transform.

// matrixChunk is the number of rows evaluated feature by feature at a time.
const matrixChunk = 128

// minMatrixBlock is the smallest block of rows handed to a goroutine
// (unless Options.BlockRows is smaller), so that small matrices are not
// split below the cost of starting one.
const minMatrixBlock = 256

// kernel says how the matrix path evaluates a feature over a chunk.
type kernel uint8

const (
	kernelRow    kernel = iota // row by row through put (time, product, ordinal, target)
	kernelFast                 // numeric fast chain: column read, affine kernels
	kernelNum                  // other numeric chains: column read, general chain per value
	kernelOneHot               // one-hot into the cleared chunk
	kernelHash                 // hashing into the cleared chunk
)

// scratch is one goroutine's working memory for the matrix path.
type scratch struct {
	x, y [matrixChunk]float64
	s    [matrixChunk]string
	ok   [matrixChunk]bool
}

// firstErr is the first value without a defined output found by a
// goroutine: the smallest row, then the first feature in it.
type firstErr struct {
	row, feat int
	code      uint8
}

func (e *firstErr) note(row, feat int, code uint8) {
	if e.code == codeOK || row < e.row || (row == e.row && feat < e.feat) {
		*e = firstErr{row, feat, code}
	}
}

// Matrix computes the training matrix of rows (len(rows) × Width()) in
// parallel over blocks of rows. The first row (in row order) with a value
// without a defined output gives a *ValueError naming it; no rows give an
// error wrapping ErrEmpty, since a gonum matrix cannot be empty.
func (f *Fitted[T]) Matrix(ctx context.Context, rows []T) (*mat.Dense, error) {
	return f.newMatrix(ctx, rows, false)
}

// newMatrix is Matrix, or TreeMatrix when tree is set.
func (f *Fitted[T]) newMatrix(ctx context.Context, rows []T, tree bool) (*mat.Dense, error) {
	if len(rows) == 0 || f.width == 0 {
		return nil, &StateError{Reason: fmt.Sprintf("matrix of %d rows × %d columns", len(rows), f.width), Err: ErrEmpty}
	}
	data := make([]float64, len(rows)*f.width)
	if err := f.matrixTo(ctx, data, rows, tree); err != nil {
		return nil, err
	}
	return mat.NewDense(len(rows), f.width, data), nil
}

// MatrixTo is Matrix into the row-major slice dst, which must hold
// len(rows)*Width() values (it panics otherwise). Row i is
// dst[i*Width():(i+1)*Width()].
//
// The rows are cut into blocks of at most Options.BlockRows rows (and at
// least 256 unless BlockRows is smaller), about four per CPU, that
// GOMAXPROCS goroutines take in turn; a matrix of one block runs on the
// calling goroutine. It allocates a few values per call, none per row or
// per block.
func (f *Fitted[T]) MatrixTo(ctx context.Context, dst []float64, rows []T) error {
	return f.matrixTo(ctx, dst, rows, false)
}

// matrixTo is MatrixTo; with tree set, a missing value of a feature that
// keepsMissing is NaN in its column rather than an error (TreeMatrix).
func (f *Fitted[T]) matrixTo(ctx context.Context, dst []float64, rows []T, tree bool) error {
	w := f.width
	n := len(rows)
	if len(dst) < n*w {
		panic(fmt.Sprintf("feature: MatrixTo needs len(dst) >= %d, got %d", n*w, len(dst)))
	}
	if n == 0 {
		return nil
	}
	procs := runtime.GOMAXPROCS(0)
	bs := max((n+4*procs-1)/(4*procs), minMatrixBlock)
	bs = min(bs, f.blockRows)
	nb := (n + bs - 1) / bs
	workers := min(procs, nb)
	block := func(b int, sc *scratch, e *firstErr) {
		lo, hi := b*bs, min((b+1)*bs, n)
		for c := lo; c < hi; c += matrixChunk {
			f.chunk(dst, rows, c, min(c+matrixChunk, hi), tree, sc, e)
		}
	}
	var first firstErr
	if workers == 1 {
		var sc scratch
		for b := range nb {
			if err := ctx.Err(); err != nil {
				return err
			}
			block(b, &sc, &first)
		}
	} else {
		firsts := make([]firstErr, workers)
		var next atomic.Int64
		g, gctx := errgroup.WithContext(ctx)
		for k := range firsts {
			g.Go(func() error {
				var sc scratch
				for {
					b := int(next.Add(1) - 1)
					if b >= nb {
						return nil
					}
					if err := gctx.Err(); err != nil {
						return err
					}
					block(b, &sc, &firsts[k])
				}
			})
		}
		if err := g.Wait(); err != nil {
			return err
		}
		return f.firstError(rows, firsts...)
	}
	return f.firstError(rows, first)
}

// firstError is the error of the first failure noted in firsts (the
// smallest row, then the first feature in it), nil when none is.
func (f *Fitted[T]) firstError(rows []T, firsts ...firstErr) error {
	var first firstErr
	for _, e := range firsts {
		if e.code != codeOK {
			first.note(e.row, e.feat, e.code)
		}
	}
	if first.code != codeOK {
		return f.feats[first.feat].explain(&rows[first.row], first.row, first.code)
	}
	return nil
}

// chunk computes rows [lo, hi) of the matrix into dst, feature by feature,
// noting the first failure in e; with tree set, a missing value of a
// feature that keepsMissing is no failure.
func (f *Fitted[T]) chunk(dst []float64, rows []T, lo, hi int, tree bool, sc *scratch, e *firstErr) {
	w := f.width
	out := dst[lo*w : hi*w]
	rs := rows[lo:hi]
	if f.zero {
		clear(out)
	}
	for j := range f.feats {
		ff := &f.feats[j]
		bad, code := -1, codeOK
		keep := tree && ff.keepsMissing()
		switch ff.kernel {
		case kernelFast:
			x := sc.x[:len(rs)]
			ff.readNums(rs, x)
			bad, code = ff.fast.column(x, sc.y[:len(rs)], out[ff.off:], w, keep)
		case kernelNum:
			x := sc.x[:len(rs)]
			ff.readNums(rs, x)
			for i, v := range x {
				k := i*w + ff.off
				if c := evalNum(ff.nums, ff.clipFirst, v, out[k:k+ff.width]); c != codeOK && bad < 0 && (c != codeMissing || !keep) {
					bad, code = i, c
				}
			}
		case kernelOneHot, kernelHash:
			s, ok := sc.s[:len(rs)], sc.ok[:len(rs)]
			ff.readCats(rs, s, ok)
			if ff.kernel == kernelOneHot {
				bad, code = ff.enc.oneHotColumn(s, ok, out[ff.off:], w, ff.width)
			} else {
				bad, code = ff.enc.hashColumn(s, ok, out[ff.off:], w, ff.width)
			}
		default:
			for i := range rs {
				if c := ff.put(&rs[i], out[i*w:(i+1)*w]); c != codeOK && bad < 0 && (c != codeMissing || !keep) {
					bad, code = i, c
				}
			}
		}
		if bad >= 0 {
			e.note(lo+bad, j, code)
		}
	}
}

// readNums reads the raw numeric values of rows into x; NaN means missing.
func (f *fitFeat[T]) readNums(rows []T, x []float64) {
	switch {
	case f.num != nil:
		fn := f.num
		for i := range x {
			x[i] = fn(&rows[i])
		}
	case f.numPtr != nil:
		fn := f.numPtr
		for i := range x {
			if p := fn(&rows[i]); p != nil {
				x[i] = *p
			} else {
				x[i] = nan
			}
		}
	default:
		fn := f.numOpt
		for i := range x {
			if v, ok := fn(&rows[i]); ok {
				x[i] = v
			} else {
				x[i] = nan
			}
		}
	}
}

// readCats reads the categories of rows into s and ok (false: missing),
// applying the chain's imputer.
func (f *fitFeat[T]) readCats(rows []T, s []string, ok []bool) {
	switch {
	case f.cat != nil:
		fn := f.cat
		for i := range s {
			s[i], ok[i] = fn(&rows[i]), true
		}
	case f.catPtr != nil:
		fn := f.catPtr
		for i := range s {
			if p := fn(&rows[i]); p != nil {
				s[i], ok[i] = *p, true
			} else {
				s[i], ok[i] = "", false
			}
		}
	default:
		fn := f.catOpt
		for i := range s {
			s[i], ok[i] = fn(&rows[i])
		}
	}
	if f.cats[0].kind == catImpute {
		fill := f.cats[0].fill
		for i := range s {
			if !ok[i] {
				s[i], ok[i] = fill, true
			}
		}
	}
}

// column is eval over a column: x holds the raw values, y is scratch of the
// same length, and row i's output columns start at out[i*w]. It returns the
// first row without a defined output (-1 for none) and its code; with keep
// set, a missing value is NaN without being one (TreeMatrix).
func (c *fastChain) column(x, y, out []float64, w int, keep bool) (int, uint8) {
	if c.n == 1 && !c.indicator && (c.ops[0].kind == opStandardize || c.ops[0].kind == opRobust) {
		return c.centre(x, out, w, keep)
	}
	src := x
	for k := 0; k < c.n; k++ {
		op := &c.ops[k]
		a, b := op.a, op.b
		switch op.kind {
		case opStandardize, opRobust:
			for i, v := range src {
				y[i] = (v - a) / b
			}
		case opMinMax:
			for i, v := range src {
				y[i] = float64(v*a) + b // float64(): no fused multiply-add, as apply
			}
		case opMaxAbs:
			for i, v := range src {
				y[i] = v / a
			}
		}
		src = y
	}
	bad, code := -1, codeOK
	miss := c.missing
	k := 0
	if c.indicator {
		for i, v := range x {
			switch r := src[i]; {
			case v != v && miss == miss:
				out[k], out[k+1] = miss, 1
			case v != v:
				out[k], out[k+1] = nan, nan
				if bad < 0 && !keep {
					bad, code = i, codeMissing
				}
			case r-r != 0:
				out[k], out[k+1] = nan, nan
				if bad < 0 {
					bad, code = i, codeInfinite
				}
			default:
				out[k], out[k+1] = r, 0
			}
			k += w
		}
		return bad, code
	}
	for i, v := range x {
		switch r := src[i]; {
		case v != v && miss == miss:
			out[k] = miss
		case v != v:
			out[k] = nan
			if bad < 0 && !keep {
				bad, code = i, codeMissing
			}
		case r-r != 0:
			out[k] = nan
			if bad < 0 {
				bad, code = i, codeInfinite
			}
		default:
			out[k] = r
		}
		k += w
	}
	return bad, code
}

// centre is column for the commonest chain, an optional imputer without
// indicator and one Standardize or Robust, in one pass.
func (c *fastChain) centre(x, out []float64, w int, keep bool) (int, uint8) {
	bad, code := -1, codeOK
	miss := c.missing
	a, b := c.ops[0].a, c.ops[0].b
	k := 0
	for i, v := range x {
		r := (v - a) / b
		switch {
		case v != v && miss == miss:
			out[k] = miss
		case v != v:
			out[k] = nan
			if bad < 0 && !keep {
				bad, code = i, codeMissing
			}
		case r-r != 0:
			out[k] = nan
			if bad < 0 {
				bad, code = i, codeInfinite
			}
		default:
			out[k] = r
		}
		k += w
	}
	return bad, code
}

// oneHotColumn is put for a one-hot encoder over a column of categories,
// into an output that is already zero; row i's columns are
// out[i*w:i*w+width].
func (enc *catOp) oneHotColumn(s []string, ok []bool, out []float64, w, width int) (int, uint8) {
	bad, code := -1, codeOK
	missCol := len(enc.cats)
	k := 0
	for i, v := range s {
		if ok[i] {
			if c, found := enc.lookup(v); found {
				out[k+int(c)] = 1
				k += w
				continue
			}
		} else if enc.hasMissing {
			out[k+missCol] = 1
			k += w
			continue
		}
		switch {
		case enc.unknown == UnknownError:
			fillNaN(out[k : k+width])
			if bad < 0 {
				bad, code = i, codeUnknown
				if !ok[i] {
					code = codeMissing
				}
			}
		case len(enc.infrequent) > 0:
			out[k+width-1] = 1
		}
		k += w
	}
	return bad, code
}

// hashColumn is put for a hashing encoder over a column, into an output
// that is already zero.
func (enc *catOp) hashColumn(s []string, ok []bool, out []float64, w, width int) (int, uint8) {
	bad, code := -1, codeOK
	n := uint64(enc.buckets)
	k := 0
	for i, v := range s {
		if ok[i] {
			out[k+int(fnv1a(v)%n)] = 1
		} else {
			fillNaN(out[k : k+width])
			if bad < 0 {
				bad, code = i, codeMissing
			}
		}
		k += w
	}
	return bad, code
}

// blockRows is the number of rows of one block of MatrixBlocks: its
// matrix (blockRows × Width() float64s, 60 KB for 29 columns) stays in
// the second-level cache between the features and the caller's use of it.
const blockRows = 2 * matrixChunk

// MatrixBlocks computes Matrix's rows block by block and calls fn with
// each block's first row (its index in rows) and its matrix, at most 256
// rows × Width(). Blocks run on GOMAXPROCS goroutines at once, which have
// returned when it returns: fn must be safe for concurrent calls, and X
// is valid only during its call. Scoring a batch this way, fn predicting
// the block into its share of the output, keeps the features in the cache
// between the transforms and the model, where Matrix then a batch
// prediction writes the whole matrix to memory and reads it back.
//
// The first row (in row order) with a value without a defined output is
// a *ValueError naming it, as Matrix gives; fn is not called for its
// block, and may not be for later ones. No rows is no call and no error.
func (f *Fitted[T]) MatrixBlocks(ctx context.Context, rows []T, fn func(lo int, X *mat.Dense)) error {
	return f.matrixBlocks(ctx, rows, false, fn)
}

// TreeMatrixBlocks is MatrixBlocks with TreeMatrix's values: a missing
// value that a tree model takes natively is NaN rather than an error.
func (f *Fitted[T]) TreeMatrixBlocks(ctx context.Context, rows []T, fn func(lo int, X *mat.Dense)) error {
	return f.matrixBlocks(ctx, rows, true, fn)
}

// matrixBlocks is MatrixBlocks, or TreeMatrixBlocks when tree is set.
func (f *Fitted[T]) matrixBlocks(ctx context.Context, rows []T, tree bool, fn func(lo int, X *mat.Dense)) error {
	n, w := len(rows), f.width
	if n == 0 {
		return nil
	}
	nb := (n + blockRows - 1) / blockRows
	workers := min(runtime.GOMAXPROCS(0), nb)
	var next atomic.Int64
	var stop atomic.Int64 // the first block known to fail: later ones are skipped
	stop.Store(int64(nb))
	firsts := make([]firstErr, workers)
	work := func(ctx context.Context, first *firstErr) error {
		buf := make([]float64, blockRows*w)
		var sc scratch
		var X mat.Dense
		for {
			b := next.Add(1) - 1
			if b >= stop.Load() {
				return nil
			}
			if err := ctx.Err(); err != nil {
				return err
			}
			lo := int(b) * blockRows
			hi := min(lo+blockRows, n)
			var e firstErr
			for c := lo; c < hi; c += matrixChunk {
				f.chunk(buf, rows[lo:hi], c-lo, min(c+matrixChunk, hi)-lo, tree, &sc, &e)
			}
			if e.code != codeOK {
				first.note(lo+e.row, e.feat, e.code)
				for s := stop.Load(); b < s && !stop.CompareAndSwap(s, b); s = stop.Load() {
				}
				continue
			}
			X.SetRawMatrix(blas64.General{Rows: hi - lo, Cols: w, Stride: w, Data: buf[:(hi-lo)*w]})
			fn(lo, &X)
		}
	}
	if workers == 1 {
		if err := work(ctx, &firsts[0]); err != nil {
			return err
		}
	} else {
		g, gctx := errgroup.WithContext(ctx)
		for k := range firsts {
			g.Go(func() error { return work(gctx, &firsts[k]) })
		}
		if err := g.Wait(); err != nil {
			return err
		}
	}
	return f.firstError(rows, firsts...)
}
