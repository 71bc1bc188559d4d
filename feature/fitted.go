package feature

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Fitted is a fitted feature set: the Set's definitions with the state
// learnt by Fit (or decoded by Decode). Its methods are safe for concurrent
// use; it is never modified after construction.
type Fitted[T any] struct {
	feats     []fitFeat[T]
	width     int
	names     []string
	blockRows int
	zero      bool // the matrix path clears each chunk first (one-hot, hash)
	arrow     arrowState[T]
}

// fitFeat is one feature with its fitted transforms and its place in the
// output vector. The accessors are copied from the definition so that the
// hot path reaches them without an extra indirection.
type fitFeat[T any] struct {
	def        *def[T]
	typ        featType
	num        func(*T) float64
	numOpt     func(*T) (float64, bool)
	numPtr     func(*T) *float64
	cat        func(*T) string
	catOpt     func(*T) (string, bool)
	catPtr     func(*T) *string
	nums       []numOp
	cats       []catOp
	enc        *catOp // last of cats
	off, width int
	ofs        []int // product: the columns multiplied, last first
	clipFirst  bool  // the chain starts with Clip, which accepts ±Inf
	fast       fastChain
	kernel     kernel // how the matrix path evaluates the feature over a chunk
}

// fastChain is a numeric chain of an optional imputer and affine scalers
// (Standardize, Robust, MinMax, MaxAbs), evaluated without the general
// loop: a missing value gives the precomputed result of the chain on a
// missing value, any other value goes through the scalers in order. It
// computes the same float64 operations in the same order as the general
// path, so the results are bit-identical.
type fastChain struct {
	ok        bool
	indicator bool
	missing   float64 // the chain's output for a missing input (NaN: none)
	n         int
	ops       [4]affine
}

type affine struct {
	kind opKind
	a, b float64
}

func (c *fastChain) build(ops []numOp) {
	*c = fastChain{}
	for i := range ops {
		switch op := &ops[i]; op.kind {
		case opImpute:
			c.indicator = op.indicator
		case opStandardize, opRobust, opMinMax, opMaxAbs:
			if c.n == len(c.ops) {
				return
			}
			c.ops[c.n] = affine{op.kind, op.a, op.b}
			c.n++
		default:
			return
		}
	}
	var scratch [2]float64
	c.missing, _ = through(ops, false, nan, scratch[:])
	c.ok = true
}

// eval is evalNum for a fast chain.
func (c *fastChain) eval(x float64, out []float64) uint8 {
	if x != x {
		if c.indicator {
			out[1] = 1
		}
		if y := c.missing; y == y {
			out[0] = y
			return codeOK
		}
		fillNaN(out)
		return codeMissing
	}
	if c.indicator {
		out[1] = 0
	}
	for i := 0; i < c.n; i++ {
		op := &c.ops[i]
		switch op.kind {
		case opStandardize, opRobust:
			x = (x - op.a) / op.b
		case opMinMax:
			x = float64(x*op.a) + op.b
		case opMaxAbs:
			x = x / op.a
		}
	}
	if x-x != 0 { // ±Inf in or out
		fillNaN(out)
		return codeInfinite
	}
	out[0] = x
	return codeOK
}

// link copies the definition's accessors into f and points enc at its
// encoder; call it after nums and cats are final.
func (f *fitFeat[T]) link() {
	d := f.def
	f.typ, f.num, f.numOpt, f.numPtr, f.cat, f.catOpt, f.catPtr = d.typ, d.num, d.numOpt, d.numPtr, d.cat, d.catOpt, d.catPtr
	f.clipFirst = len(f.nums) > 0 && f.nums[0].kind == opClip
	f.enc = nil
	f.fast.build(f.nums)
	if len(f.cats) > 0 {
		f.enc = &f.cats[len(f.cats)-1]
	}
	f.kernel = kernelRow
	switch {
	case f.typ == typeNum && f.fast.ok:
		f.kernel = kernelFast
	case f.typ == typeNum:
		f.kernel = kernelNum
	case f.typ == typeCat && f.enc.kind == catOneHot:
		f.kernel = kernelOneHot
	case f.typ == typeCat && f.enc.kind == catHash:
		f.kernel = kernelHash
	}
}

// Outcome codes of the hot path; the error itself is built on the slow path
// (explain), so that transforming a row returns a byte.
const (
	codeOK uint8 = iota
	codeMissing
	codeInfinite
	codeDomain
	codeUnknown
	codeNotPositive
)

var codeErrs = [...]error{codeMissing: ErrMissing, codeInfinite: ErrInfinite, codeDomain: ErrDomain, codeUnknown: ErrUnknownCategory, codeNotPositive: errNotPositive}

// errNotPositive is the ErrDomain of Box-Cox.
var errNotPositive = fmt.Errorf("%w: Box-Cox needs values > 0", ErrDomain)

var nan = math.NaN()

func fillNaN(out []float64) {
	for i := range out {
		out[i] = nan
	}
}

// readNum reads the raw numeric value; NaN means missing.
func (f *fitFeat[T]) readNum(row *T) float64 {
	switch {
	case f.num != nil:
		return f.num(row)
	case f.numPtr != nil:
		if p := f.numPtr(row); p != nil {
			return *p
		}
	default:
		if v, ok := f.numOpt(row); ok {
			return v
		}
	}
	return nan
}

func (f *fitFeat[T]) readCat(row *T) (string, bool) {
	switch {
	case f.cat != nil:
		return f.cat(row), true
	case f.catPtr != nil:
		if p := f.catPtr(row); p != nil {
			return *p, true
		}
		return "", false
	}
	return f.catOpt(row)
}

// through applies the first k numeric ops to raw, checking each value; when
// out is not nil it sets the missing indicator out[1].
func through(ops []numOp, clipFirst bool, raw float64, out []float64) (float64, uint8) {
	x := raw
	if x-x != 0 && x == x && !clipFirst { // ±Inf
		return x, codeInfinite
	}
	for j := range ops {
		op := &ops[j]
		if op.kind == opImpute && op.indicator && out != nil {
			out[1] = 0
			if x != x {
				out[1] = 1
			}
		}
		y := op.apply(x)
		if y != y && x == x {
			if op.kind == opBoxCox && x <= 0 {
				return y, codeNotPositive
			}
			return y, codeDomain
		}
		x = y
	}
	return x, codeOK
}

// evalNum runs the whole chain on raw into out.
func evalNum(ops []numOp, clipFirst bool, raw float64, out []float64) uint8 {
	x, code := through(ops, clipFirst, raw, out)
	if code == codeOK {
		switch {
		case x != x:
			code = codeMissing
		case x-x != 0:
			code = codeInfinite
		default:
			out[0] = x
			return codeOK
		}
	}
	fillNaN(out)
	return code
}

// put writes the feature's columns for row into its place in vec, the
// whole output vector, and returns an outcome code. On failure all of them
// are NaN.
func (f *fitFeat[T]) put(row *T, vec []float64) uint8 {
	out := vec[f.off : f.off+f.width]
	switch f.typ {
	case typeNum:
		if f.fast.ok {
			return f.fast.eval(f.readNum(row), out)
		}
		return evalNum(f.nums, f.clipFirst, f.readNum(row), out)
	case typeCat:
		s, ok := f.readCat(row)
		if !ok && f.cats[0].kind == catImpute {
			s, ok = f.cats[0].fill, true
		}
		return f.enc.put(s, ok, out)
	case typeProduct:
		o := f.ofs
		x := vec[o[len(o)-1]]
		for j := len(o) - 2; j >= 0; j-- {
			x *= vec[o[j]]
		}
		if x-x != 0 { // NaN or ±Inf
			out[0] = nan
			for _, j := range o {
				if vec[j] != vec[j] {
					return codeMissing
				}
			}
			return codeInfinite // an overflow, perhaps before a factor of 0
		}
		out[0] = x
		return codeOK
	}
	t := f.def.tm(row)
	if t.IsZero() {
		fillNaN(out)
		return codeMissing
	}
	i := 0
	for _, p := range f.def.parts {
		p.put(t, out[i:])
		i += p.width()
	}
	return codeOK
}

// explain builds the error of a row whose put returned code.
func (f *fitFeat[T]) explain(row *T, rowIndex int, code uint8) *ValueError {
	e := &ValueError{Row: rowIndex, Feature: f.def.name, Value: MissingCategory, Err: codeErrs[code]}
	if f.typ == typeProduct {
		of := f.def.of
		e.Value = "product of " + strings.Join(of[:len(of)-1], ", ") + " and " + of[len(of)-1]
	}
	switch f.typ {
	case typeNum:
		if x := f.readNum(row); x == x {
			e.Value = strconv.FormatFloat(x, 'g', -1, 64)
		}
	case typeCat:
		if s, ok := f.readCat(row); ok {
			e.Value = strconv.Quote(s)
		}
	}
	return e
}

// put encodes category s (ok false: missing) into out.
func (enc *catOp) put(s string, ok bool, out []float64) uint8 {
	switch enc.kind {
	case catOneHot:
		clear(out)
		if !ok {
			if enc.hasMissing {
				out[len(enc.cats)] = 1
				return codeOK
			}
		} else if i, found := enc.lookup(s); found {
			out[i] = 1
			return codeOK
		}
		if enc.unknown == UnknownError {
			fillNaN(out)
			if !ok {
				return codeMissing
			}
			return codeUnknown
		}
		if len(enc.infrequent) > 0 {
			out[len(out)-1] = 1
		}
		return codeOK
	case catTarget:
		out[0] = enc.prior
		if ok {
			if i, found := enc.lookup(s); found {
				out[0] = enc.values[i]
			}
		}
		return codeOK
	case catOrdinal:
		if !ok {
			out[0] = nan
			return codeMissing
		}
		if i, found := enc.lookup(s); found {
			out[0] = float64(i)
			return codeOK
		}
		if enc.unknown == UnknownError {
			out[0] = nan
			return codeUnknown
		}
		out[0] = enc.unknownValue
		return codeOK
	}
	// hash
	if !ok {
		fillNaN(out)
		return codeMissing
	}
	clear(out)
	out[fnv1a(s)%uint64(enc.buckets)] = 1
	return codeOK
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
		ff.put(row, dst)
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
		if code := ff.put(row, dst); code != codeOK && first == nil {
			first = ff.explain(row, -1, code)
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
