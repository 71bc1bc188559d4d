package feature

import (
	"fmt"
	"sync/atomic"
	"time"
)

// Set is a list of named features over the row type T, each read from a
// row by a typed accessor and passed through a chain of transforms. Define
// it once; Fit learns the transforms' state and returns a Fitted, which
// computes training matrices and serving vectors with the same code.
//
// The zero value is an empty set with default options. Adding features
// after the first Fit or Begin panics. A Set is safe for concurrent Fit
// calls once defined.
type Set[T any] struct {
	defs   []*def[T]
	names  map[string]bool
	opts   Options
	label  func(*T) float64
	frozen atomic.Bool
}

// Options configures a Set; nil means the defaults.
type Options struct {
	// BlockRows is the number of rows per block when fitting in parallel,
	// and the most per block when building matrices; 0 means 8192. It
	// fixes the order in which statistics are merged, so the fitted state
	// does not depend on the number of CPUs. (Matrix values never depend
	// on it.)
	BlockRows int
	// SketchK, when > 0, makes the quantile statistics (Median imputation,
	// Robust, quantile Bins) approximate: each is kept in a mergeable KLL
	// sketch with accuracy parameter SketchK (8 to 65536) instead of as
	// every value, so fitting holds O(SketchK) values per transform instead
	// of O(rows). A returned quantile is a training value whose rank is
	// within 3/SketchK of the requested one (1.5% for 200). 0, the default,
	// means exact quantiles, which match scikit-learn.
	SketchK int
}

type featType uint8

const (
	typeNum featType = iota + 1
	typeCat
	typeTime
	typeProduct
)

var typeNames = [...]string{typeNum: "numeric", typeCat: "categorical", typeTime: "time", typeProduct: "product"}

// def is one feature definition.
type def[T any] struct {
	name   string
	typ    featType
	num    func(*T) float64
	numOpt func(*T) (float64, bool)
	numPtr func(*T) *float64
	cat    func(*T) string
	catOpt func(*T) (string, bool)
	catPtr func(*T) *string
	tm     func(*T) time.Time
	nums   []numOp
	cats   []catOp
	parts  []TimePart
	of     [2]string // product: the two numeric features multiplied
}

// NewSet returns an empty Set with the given options (nil for defaults).
func NewSet[T any](opts *Options) *Set[T] {
	s := &Set[T]{}
	if opts != nil {
		if opts.BlockRows < 0 {
			panic(fmt.Sprintf("feature: Options.BlockRows must be >= 0, got %d", opts.BlockRows))
		}
		if opts.SketchK != 0 && (opts.SketchK < 8 || opts.SketchK > 65536) {
			panic(fmt.Sprintf("feature: Options.SketchK must be 0 or in [8, 65536], got %d", opts.SketchK))
		}
		s.opts = *opts
	}
	return s
}

func (s *Set[T]) blockRows() int {
	if s.opts.BlockRows > 0 {
		return s.opts.BlockRows
	}
	return 8192
}

func (s *Set[T]) add(d *def[T]) {
	if s.frozen.Load() {
		panic(fmt.Sprintf("feature: feature %q added to a Set after its first use", d.name))
	}
	if d.name == "" {
		panic("feature: feature name must not be empty")
	}
	if s.names[d.name] {
		panic(fmt.Sprintf("feature: duplicate feature name, got %q", d.name))
	}
	if s.names == nil {
		s.names = make(map[string]bool)
	}
	s.names[d.name] = true
	s.defs = append(s.defs, d)
}

func numDef[T any](name string, ts []NumTransform) *def[T] {
	d := &def[T]{name: name, typ: typeNum}
	imputers := 0
	for _, t := range ts {
		if t.op.kind == 0 {
			panic(fmt.Sprintf("feature: feature %q: zero NumTransform", name))
		}
		if t.op.kind == opImpute {
			imputers++
		}
		d.nums = append(d.nums, t.op)
	}
	if imputers > 1 {
		panic(fmt.Sprintf("feature: feature %q: at most one imputer per chain, got %d", name, imputers))
	}
	return d
}

// Num adds a numeric feature read by fn. A NaN value is missing (as in
// scikit-learn); ±Inf is an error unless Clip bounds it.
func (s *Set[T]) Num(name string, fn func(*T) float64, ts ...NumTransform) *Set[T] {
	if fn == nil {
		panic(fmt.Sprintf("feature: Num %q: nil accessor", name))
	}
	d := numDef[T](name, ts)
	d.num = fn
	s.add(d)
	return s
}

// NumOpt adds a numeric feature whose accessor reports false for a missing
// value.
func (s *Set[T]) NumOpt(name string, fn func(*T) (float64, bool), ts ...NumTransform) *Set[T] {
	if fn == nil {
		panic(fmt.Sprintf("feature: NumOpt %q: nil accessor", name))
	}
	d := numDef[T](name, ts)
	d.numOpt = fn
	s.add(d)
	return s
}

// NumPtr adds a numeric feature read from a nullable field: nil is missing.
func (s *Set[T]) NumPtr(name string, fn func(*T) *float64, ts ...NumTransform) *Set[T] {
	if fn == nil {
		panic(fmt.Sprintf("feature: NumPtr %q: nil accessor", name))
	}
	d := numDef[T](name, ts)
	d.numPtr = fn
	s.add(d)
	return s
}

func catDef[T any](name string, ts []CatTransform) *def[T] {
	d := &def[T]{name: name, typ: typeCat}
	for i, t := range ts {
		switch {
		case t.op.kind == 0:
			panic(fmt.Sprintf("feature: feature %q: zero CatTransform", name))
		case t.op.kind == catImpute && i != 0:
			panic(fmt.Sprintf("feature: feature %q: a categorical imputer must come first, got it at position %d", name, i))
		case t.op.kind != catImpute && i != len(ts)-1:
			panic(fmt.Sprintf("feature: feature %q: the encoder must be the last transform, got %s at position %d", name, t.op.name(), i))
		}
		d.cats = append(d.cats, t.op)
	}
	if len(ts) == 0 || ts[len(ts)-1].op.kind == catImpute {
		panic(fmt.Sprintf("feature: feature %q: a categorical feature needs an encoder (OneHot, Ordinal or Hash), got %d transforms", name, len(ts)))
	}
	return d
}

// Cat adds a categorical feature read by fn; ts is an optional imputer and
// one encoder. Cat features are never missing: "" is a category like any
// other.
func (s *Set[T]) Cat(name string, fn func(*T) string, ts ...CatTransform) *Set[T] {
	if fn == nil {
		panic(fmt.Sprintf("feature: Cat %q: nil accessor", name))
	}
	d := catDef[T](name, ts)
	d.cat = fn
	s.add(d)
	return s
}

// CatOpt adds a categorical feature whose accessor reports false for a
// missing value.
func (s *Set[T]) CatOpt(name string, fn func(*T) (string, bool), ts ...CatTransform) *Set[T] {
	if fn == nil {
		panic(fmt.Sprintf("feature: CatOpt %q: nil accessor", name))
	}
	d := catDef[T](name, ts)
	d.catOpt = fn
	s.add(d)
	return s
}

// CatPtr adds a categorical feature read from a nullable field: nil is
// missing.
func (s *Set[T]) CatPtr(name string, fn func(*T) *string, ts ...CatTransform) *Set[T] {
	if fn == nil {
		panic(fmt.Sprintf("feature: CatPtr %q: nil accessor", name))
	}
	d := catDef[T](name, ts)
	d.catPtr = fn
	s.add(d)
	return s
}

// Time adds a time feature read by fn, giving the listed parts in order. It
// is stateless. The zero time.Time is missing, an ErrMissing error.
func (s *Set[T]) Time(name string, fn func(*T) time.Time, parts ...TimePart) *Set[T] {
	if fn == nil {
		panic(fmt.Sprintf("feature: Time %q: nil accessor", name))
	}
	if len(parts) == 0 {
		panic(fmt.Sprintf("feature: Time %q: needs at least one part, got 0", name))
	}
	for _, p := range parts {
		if !p.valid() {
			panic(fmt.Sprintf("feature: Time %q: invalid part, got %v", name, p))
		}
	}
	s.add(&def[T]{name: name, typ: typeTime, tm: fn, parts: append([]TimePart(nil), parts...)})
	return s
}

// Product adds an interaction term: the product of the outputs of the
// numeric features a and b, both defined earlier in the set (a == b gives a
// square, a polynomial term of degree 2). It has no transforms of its own
// and no state; if either factor has no defined output neither does the
// product (ErrMissing), and an overflow is an ErrInfinite error.
func (s *Set[T]) Product(name, a, b string) *Set[T] {
	for _, f := range []string{a, b} {
		ok := false
		for _, d := range s.defs {
			if d.name == f && d.typ == typeNum {
				ok = true
			}
		}
		if !ok {
			panic(fmt.Sprintf("feature: Product %q needs earlier numeric features, got %q", name, f))
		}
	}
	s.add(&def[T]{name: name, typ: typeProduct, of: [2]string{a, b}})
	return s
}

// Len returns the number of features defined.
func (s *Set[T]) Len() int { return len(s.defs) }
