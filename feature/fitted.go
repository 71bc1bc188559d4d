package feature

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"strconv"

	"golang.org/x/sync/errgroup"
	"gonum.org/v1/gonum/mat"
)

// Fitted is a fitted feature set: the Set's definitions with the state
// learnt by Fit (or decoded by Decode). Its methods are safe for concurrent
// use; it is never modified after construction.
type Fitted[T any] struct {
	feats     []fitFeat[T]
	width     int
	names     []string
	blockRows int
}

// fitFeat is one feature with its fitted transforms and its place in the
// output vector.
type fitFeat[T any] struct {
	def        *def[T]
	nums       []numOp
	cats       []catOp
	off, width int
	clipFirst  bool // the chain starts with Clip, which accepts ±Inf
}

// failure says why a value could not be transformed; err is nil on success.
// It is returned by value so that the serving path does not allocate.
type failure struct {
	err   error
	num   float64
	str   string
	isStr bool
	miss  bool
}

func (fl failure) value() string {
	switch {
	case fl.miss:
		return MissingCategory
	case fl.isStr:
		return strconv.Quote(fl.str)
	}
	return strconv.FormatFloat(fl.num, 'g', -1, 64)
}

var nan = math.NaN()

func fillNaN(out []float64) {
	for i := range out {
		out[i] = nan
	}
}

// readNum reads the raw numeric value; NaN means missing.
func (f *fitFeat[T]) readNum(row *T) float64 {
	if f.def.num != nil {
		return f.def.num(row)
	}
	if v, ok := f.def.numOpt(row); ok {
		return v
	}
	return nan
}

func (f *fitFeat[T]) readCat(row *T) (string, bool) {
	if f.def.cat != nil {
		return f.def.cat(row), true
	}
	return f.def.catOpt(row)
}

// through applies the first k numeric ops to raw, checking each value.
func (f *fitFeat[T]) through(raw float64, k int, out []float64) (float64, failure) {
	x := raw
	if math.IsInf(x, 0) && !f.clipFirst {
		return x, failure{err: ErrInfinite, num: raw}
	}
	for j := 0; j < k; j++ {
		op := &f.nums[j]
		if op.kind == opImpute && op.indicator && out != nil {
			if x != x {
				out[1] = 1
			} else {
				out[1] = 0
			}
		}
		y := op.apply(x)
		if y != y && x == x {
			return y, failure{err: ErrDomain, num: raw}
		}
		x = y
	}
	return x, failure{}
}

// put writes the feature's columns for row into out (len f.width). On
// failure all of them are NaN.
func (f *fitFeat[T]) put(row *T, out []float64) failure {
	switch f.def.typ {
	case typeNum:
		raw := f.readNum(row)
		x, fl := f.through(raw, len(f.nums), out)
		if fl.err == nil {
			switch {
			case x != x:
				fl = failure{err: ErrMissing, miss: true}
			case math.IsInf(x, 0):
				fl = failure{err: ErrInfinite, num: raw}
			default:
				out[0] = x
				return failure{}
			}
		}
		fillNaN(out)
		return fl
	case typeCat:
		return f.putCat(row, out)
	}
	t := f.def.tm(row)
	if t.IsZero() {
		fillNaN(out)
		return failure{err: ErrMissing, miss: true}
	}
	i := 0
	for _, p := range f.def.parts {
		p.put(t, out[i:])
		i += p.width()
	}
	return failure{}
}

func (f *fitFeat[T]) putCat(row *T, out []float64) failure {
	s, ok := f.readCat(row)
	if !ok && f.cats[0].kind == catImpute {
		s, ok = f.cats[0].fill, true
	}
	enc := &f.cats[len(f.cats)-1]
	switch enc.kind {
	case catOneHot:
		clear(out)
		if !ok {
			if enc.hasMissing {
				out[len(enc.cats)] = 1
				return failure{}
			}
		} else if i, found := enc.index[s]; found {
			out[i] = 1
			return failure{}
		}
		if enc.unknown == UnknownError {
			fillNaN(out)
			if !ok {
				return failure{err: ErrMissing, miss: true}
			}
			return failure{err: ErrUnknownCategory, str: s, isStr: true}
		}
		if len(enc.infrequent) > 0 {
			out[len(out)-1] = 1
		}
		return failure{}
	case catOrdinal:
		if !ok {
			out[0] = nan
			return failure{err: ErrMissing, miss: true}
		}
		if i, found := enc.index[s]; found {
			out[0] = float64(i)
			return failure{}
		}
		if enc.unknown == UnknownError {
			out[0] = nan
			return failure{err: ErrUnknownCategory, str: s, isStr: true}
		}
		out[0] = enc.unknownValue
		return failure{}
	}
	// hash
	if !ok {
		fillNaN(out)
		return failure{err: ErrMissing, miss: true}
	}
	clear(out)
	out[fnv1a(s)%uint64(enc.buckets)] = 1
	return failure{}
}

// Width returns the number of output columns.
func (f *Fitted[T]) Width() int { return f.width }

// Names returns the output column names, in order (a new slice). They are
// stable: they depend only on the definitions and the fitted vocabularies.
// A numeric feature gives NAME, and NAME_missing after it when its imputer
// adds an indicator; one-hot gives NAME=VALUE per category (sorted), then
// NAME=<missing> and NAME=<infrequent> when present; ordinal gives NAME;
// hashing gives NAME#0 to NAME#(n-1); time parts give NAME.PART (cyclic
// parts NAME.PART_sin and NAME.PART_cos).
func (f *Fitted[T]) Names() []string { return append([]string(nil), f.names...) }

// Vector computes the feature vector of one row into dst and returns it:
// dst[:Width()] when dst has the capacity (no allocation), a new slice
// otherwise. It is the serving path.
//
// A value that has no defined output (see the package documentation:
// missing without an imputer, ±Inf, unknown category under UnknownError,
// out of domain) makes all that feature's columns NaN; use Transform to get
// the error instead. Vector, Transform, Matrix and the Arrow path compute
// bit-identical values.
func (f *Fitted[T]) Vector(row *T, dst []float64) []float64 {
	dst = grow(dst, f.width)
	for i := range f.feats {
		ff := &f.feats[i]
		ff.put(row, dst[ff.off:ff.off+ff.width])
	}
	return dst
}

// Transform is Vector that reports the first value without a defined output
// as a *ValueError (Row -1) wrapping ErrMissing, ErrInfinite,
// ErrUnknownCategory or ErrDomain. It does not allocate when dst has the
// capacity and the row is valid.
func (f *Fitted[T]) Transform(row *T, dst []float64) ([]float64, error) {
	dst = grow(dst, f.width)
	var first error
	for i := range f.feats {
		ff := &f.feats[i]
		if fl := ff.put(row, dst[ff.off:ff.off+ff.width]); fl.err != nil && first == nil {
			first = &ValueError{Row: -1, Feature: ff.def.name, Value: fl.value(), Err: fl.err}
		}
	}
	return dst, first
}

func grow(dst []float64, n int) []float64 {
	if cap(dst) >= n {
		return dst[:n]
	}
	return make([]float64, n)
}

// Matrix computes the training matrix of rows (len(rows) × Width()) in
// parallel over blocks of rows. The first row (in row order) with a value
// without a defined output gives a *ValueError naming it; no rows give an
// error wrapping ErrEmpty, since a gonum matrix cannot be empty.
func (f *Fitted[T]) Matrix(ctx context.Context, rows []T) (*mat.Dense, error) {
	if len(rows) == 0 || f.width == 0 {
		return nil, &StateError{Reason: fmt.Sprintf("matrix of %d rows × %d columns", len(rows), f.width), Err: ErrEmpty}
	}
	data := make([]float64, len(rows)*f.width)
	if err := f.MatrixTo(ctx, data, rows); err != nil {
		return nil, err
	}
	return mat.NewDense(len(rows), f.width, data), nil
}

// MatrixTo is Matrix into the row-major slice dst, which must hold
// len(rows)*Width() values (it panics otherwise). Row i is
// dst[i*Width():(i+1)*Width()]. It allocates only per block, never per row.
func (f *Fitted[T]) MatrixTo(ctx context.Context, dst []float64, rows []T) error {
	w := f.width
	if len(dst) < len(rows)*w {
		panic(fmt.Sprintf("feature: MatrixTo needs len(dst) >= %d, got %d", len(rows)*w, len(dst)))
	}
	bs := f.blockRows
	nb := (len(rows) + bs - 1) / bs
	errs := make([]error, nb)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(runtime.GOMAXPROCS(0))
	for b := range nb {
		g.Go(func() error {
			if err := gctx.Err(); err != nil {
				return err
			}
			lo, hi := b*bs, min((b+1)*bs, len(rows))
			for i := lo; i < hi; i++ {
				out := dst[i*w : (i+1)*w]
				for j := range f.feats {
					ff := &f.feats[j]
					if fl := ff.put(&rows[i], out[ff.off:ff.off+ff.width]); fl.err != nil && errs[b] == nil {
						errs[b] = &ValueError{Row: i, Feature: ff.def.name, Value: fl.value(), Err: fl.err}
					}
				}
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
