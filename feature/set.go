package feature

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
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
	of     []string // product: the numeric features multiplied (at least 2)
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
		if !s.isNum(f) {
			panic(fmt.Sprintf("feature: Product %q needs earlier numeric features, got %q", name, f))
		}
	}
	s.add(&def[T]{name: name, typ: typeProduct, of: []string{a, b}})
	return s
}

func (s *Set[T]) isNum(name string) bool {
	for _, d := range s.defs {
		if d.name == name && d.typ == typeNum {
			return true
		}
	}
	return false
}

// Polynomial adds the polynomial terms of degree 2 to degree of the
// outputs of the numeric features listed, all defined earlier in the set:
// every monomial of total degree 2..degree, or with interactionOnly only
// those of distinct features (x*y, not x^2), in the order of scikit-learn's
// PolynomialFeatures(degree, interaction_only=interactionOnly,
// include_bias=False) without its degree-1 columns (the features
// themselves). For features x, y, z and degree 3 that is x^2, x*y, x*z,
// y^2, y*z, z^2, x^3, x^2*y, x^2*z, x*y^2, x*y*z, x*z^2, y^3, y^2*z,
// y*z^2, z^3; with interactionOnly, x*y, x*z, y*z, x*y*z.
//
// Each term is a product feature of its k factors (k = its degree), like
// Product, with no transforms or state of its own: no defined output if
// a factor has none (ErrMissing), and an ErrInfinite error if the product
// overflows, also when an intermediate product overflows before a factor
// of 0. The factors are multiplied from the last to the first (x^2*y is
// (y·x)·x), scikit-learn's order, so the values equal PolynomialFeatures'
// bit for bit on the same inputs.
//
// A term is named as in scikit-learn's get_feature_names_out with "*" in
// place of the space: its features in the order listed, joined by "*",
// each with "^p" when its power p is above 1 ("x^2*y"). Names must not
// clash with earlier feature names or with each other (which only
// features whose own names contain "*" or "^" can cause); a clash, a
// degree below 2, no feature, a feature listed twice, an unknown or
// non-numeric feature, or no term at all (interactionOnly with one
// feature) panics. The number of terms grows as C(n+degree, n) - n - 1 for
// n features (n(n-1)/2 + ... with interactionOnly).
func (s *Set[T]) Polynomial(degree int, interactionOnly bool, features ...string) *Set[T] {
	if degree < 2 {
		panic(fmt.Sprintf("feature: Polynomial degree must be at least 2, got %d", degree))
	}
	if len(features) == 0 {
		panic("feature: Polynomial needs at least one feature, got 0")
	}
	for i, f := range features {
		if !s.isNum(f) {
			panic(fmt.Sprintf("feature: Polynomial needs earlier numeric features, got %q", f))
		}
		if slices.Contains(features[:i], f) {
			panic(fmt.Sprintf("feature: Polynomial feature listed twice, got %q", f))
		}
	}
	var defs []*def[T]
	seen := make(map[string]bool)
	for k := 2; k <= degree; k++ {
		if interactionOnly && k > len(features) {
			break
		}
		for _, idx := range combinations(len(features), k, !interactionOnly) {
			d := &def[T]{typ: typeProduct, of: make([]string, k)}
			for j, i := range idx {
				d.of[j] = features[i]
			}
			d.name = monomialName(d.of)
			if s.names[d.name] || seen[d.name] {
				panic(fmt.Sprintf("feature: Polynomial term name duplicates a feature name, got %q", d.name))
			}
			seen[d.name] = true
			defs = append(defs, d)
		}
	}
	if len(defs) == 0 {
		panic(fmt.Sprintf("feature: Polynomial of degree %d with interactions only gives no term for %d feature", degree, len(features)))
	}
	for _, d := range defs {
		s.add(d)
	}
	return s
}

// combinations returns the k-combinations of 0..n-1 (with repetition when
// rep) in lexicographic order, as Python's itertools.combinations and
// combinations_with_replacement.
func combinations(n, k int, rep bool) [][]int {
	var out [][]int
	idx := make([]int, k)
	var rec func(j, from int)
	rec = func(j, from int) {
		if j == k {
			out = append(out, slices.Clone(idx))
			return
		}
		for i := from; i < n; i++ {
			idx[j] = i
			if rep {
				rec(j+1, i)
			} else {
				rec(j+1, i+1)
			}
		}
	}
	rec(0, 0)
	return out
}

// monomialName names a product of the factors of (equal factors adjacent):
// "x^2*y".
func monomialName(of []string) string {
	var b strings.Builder
	for i := 0; i < len(of); {
		j := i + 1
		for j < len(of) && of[j] == of[i] {
			j++
		}
		if i > 0 {
			b.WriteByte('*')
		}
		b.WriteString(of[i])
		if j-i > 1 {
			b.WriteString("^" + strconv.Itoa(j-i))
		}
		i = j
	}
	return b.String()
}

// Len returns the number of features defined.
func (s *Set[T]) Len() int { return len(s.defs) }
