package contract

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/loomml/loom/internal/rowmap"
)

// Predicate is a named custom check over a whole row, referred to by
// Field.Custom and supplied to Bind.
type Predicate[T any] struct {
	Name string
	Fn   func(*T) bool
}

// Pred returns the Predicate named name that calls fn; fn reports whether
// the row passes.
func Pred[T any](name string, fn func(*T) bool) Predicate[T] {
	if fn == nil {
		panic("contract: Pred called with a nil function for " + name)
	}
	return Predicate[T]{Name: name, Fn: fn}
}

// Bound is a contract bound to the row type T: every field matched to a
// struct field by its loom tag, every check compiled. Build it with Bind.
// A Bound is immutable and safe for concurrent use; each Validator it makes
// is not.
type Bound[T any] struct {
	c        *Contract
	m        *rowmap.Map[T]
	fields   []bfield
	rules    []rule[T]
	dataset  []dataRule
	examples int
	checkers *sync.Pool // *Validator[T] in serving mode, for CheckRows
}

type bfield struct {
	name    string
	idx     int // field index in the rowmap
	typ     Type
	kind    rowmap.Kind
	notNull int // rule index of the implicit not-null check, -1 when nullable
	rules   []int
	serve   []int // the rules CheckRow applies: error severity, row-local
	stats   bool  // mean / std wanted
	newest  bool  // freshness wanted
}

const (
	rNotNull uint8 = iota + 1
	rRange
	rSet
	rRegex
	rLength
	rUnique
	rMonotonic
	rCustom
)

type rule[T any] struct {
	field  int // index into Bound.fields
	kind   uint8
	sev    Severity
	desc   string
	min    float64
	max    float64
	hasMin bool
	hasMax bool
	minEx  bool
	maxEx  bool
	small  []string
	strs   map[string]struct{}
	ints   map[int64]struct{}
	bools  [2]bool
	re     *regexp.Regexp
	pat    *asciiPattern // re's fast form for ASCII values, when it has one
	minLen int
	maxLen int // -1: none
	strict bool
	pred   func(*T) bool

	// Compiled forms for the block evaluator (block.go).
	lo, hi     float64 // range bounds, ±Inf when absent
	loEx, hiEx bool    // exclusive bounds (false when absent)
	iset       intSet  // int allowed set
	sset       strSet  // text allowed set
}

// inRange reports whether x lies within the compiled range of r.
func (r *rule[T]) inRange(x float64) bool {
	return (x > r.lo || !r.loEx && x == r.lo) && (x < r.hi || !r.hiEx && x == r.hi)
}

type dataRule struct {
	check DatasetCheck
	field int // index into Bound.fields, -1 for row_count
	desc  string
}

// Bind checks the contract and binds it to the struct type T: every
// contract field must match a struct field tagged with its name and of a
// compatible Go type (float: float32/float64; int: the int types; string and
// category: string; bool: bool; timestamp: time.Time; pointers and sql.Null
// types of these), and every custom check must have a predicate in preds.
// Struct fields the contract does not name are ignored. Problems are joined
// and wrap ErrBind (or ErrInvalid for a malformed contract).
func Bind[T any](c *Contract, preds ...Predicate[T]) (*Bound[T], error) {
	if err := c.Err(); err != nil {
		return nil, err
	}
	m, err := rowmap.Of[T]()
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBind, err)
	}
	pm := make(map[string]func(*T) bool, len(preds))
	for _, p := range preds {
		if p.Fn == nil {
			panic("contract: Bind given a nil predicate " + p.Name)
		}
		pm[p.Name] = p.Fn
	}
	b := &Bound[T]{c: c, m: m, examples: 5, checkers: new(sync.Pool)}
	var errs []error
	rt := fmt.Sprintf("%T", *new(T))
	for i := range c.Fields {
		f := &c.Fields[i]
		idx := m.Index(f.Name)
		if idx < 0 {
			errs = append(errs, fmt.Errorf("%w: field %q has no struct field tagged loom:%q in %s", ErrBind, f.Name, f.Name, rt))
			continue
		}
		rf := m.Field(idx)
		if !compatible(f.Type, rf.Kind) {
			errs = append(errs, fmt.Errorf("%w: field %q is %s in the contract but %s.%s is %s", ErrBind, f.Name, f.Type, rt, rf.GoName, rf.Type))
			continue
		}
		fi := len(b.fields)
		bf := bfield{name: f.Name, idx: idx, typ: f.Type, kind: rf.Kind, notNull: -1}
		if !f.Nullable {
			bf.notNull = len(b.rules)
			b.rules = append(b.rules, rule[T]{field: fi, kind: rNotNull, desc: "not null"})
		}
		for j := range f.Checks {
			ck := &f.Checks[j]
			if ck.Kind == KindNotNullRatio {
				continue // evaluated as a dataset check, below
			}
			r, err := compile[T](fi, f, ck, pm)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			if r.sev == Error && r.local() {
				bf.serve = append(bf.serve, len(b.rules))
			}
			bf.rules = append(bf.rules, len(b.rules))
			b.rules = append(b.rules, r)
		}
		b.fields = append(b.fields, bf)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	// Not-null ratios of fields become completeness results.
	for i := range c.Fields {
		f := &c.Fields[i]
		for _, ck := range f.Checks {
			if ck.Kind == KindNotNullRatio {
				d := DatasetCheck{Kind: KindCompleteness, Severity: ck.Severity, Field: f.Name, Ratio: ck.Ratio}
				b.dataset = append(b.dataset, dataRule{check: d, field: b.fieldIndex(f.Name), desc: "not_null_ratio of " + f.Name + " ≥ " + fmtNum(ck.Ratio)})
			}
		}
	}
	for _, d := range c.Dataset {
		dr := dataRule{check: d, field: -1, desc: describeDataset(d)}
		if d.Kind != KindRowCount {
			dr.field = b.fieldIndex(d.Field)
			switch d.Kind {
			case KindMean, KindStd:
				b.fields[dr.field].stats = true
			case KindFreshness:
				b.fields[dr.field].newest = true
			}
		}
		b.dataset = append(b.dataset, dr)
	}
	return b, nil
}

// MustBind is like Bind but panics on error; for package-level variables.
func MustBind[T any](c *Contract, preds ...Predicate[T]) *Bound[T] {
	b, err := Bind(c, preds...)
	if err != nil {
		panic(err.Error())
	}
	return b
}

// Contract returns the bound contract.
func (b *Bound[T]) Contract() *Contract { return b.c }

// WithExamples returns a copy of b whose reports keep the first n failing
// examples per check (default 5).
func (b *Bound[T]) WithExamples(n int) *Bound[T] {
	if n < 0 {
		panic(fmt.Sprintf("contract: WithExamples needs n >= 0, got %d", n))
	}
	c := *b
	c.examples = n
	return &c
}

func (b *Bound[T]) fieldIndex(name string) int {
	for i := range b.fields {
		if b.fields[i].name == name {
			return i
		}
	}
	return -1
}

func compatible(t Type, k rowmap.Kind) bool {
	switch t {
	case Float:
		return k == rowmap.KindFloat
	case Int:
		return k == rowmap.KindInt
	case String, Category:
		return k == rowmap.KindString
	case Bool:
		return k == rowmap.KindBool
	case Timestamp:
		return k == rowmap.KindTime
	}
	return false
}

func parseSet(t Type, values []string) (map[string]struct{}, map[int64]struct{}, error) {
	switch t {
	case Int:
		ints := make(map[int64]struct{}, len(values))
		for _, v := range values {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return nil, nil, fmt.Errorf("value %q is not an integer", v)
			}
			ints[n] = struct{}{}
		}
		return nil, ints, nil
	case Bool:
		for _, v := range values {
			if v != "true" && v != "false" {
				return nil, nil, fmt.Errorf("value %q is not true or false", v)
			}
		}
	}
	strs := make(map[string]struct{}, len(values))
	for _, v := range values {
		strs[v] = struct{}{}
	}
	return strs, nil, nil
}

func compile[T any](fi int, f *Field, ck *Check, preds map[string]func(*T) bool) (rule[T], error) {
	r := rule[T]{field: fi, sev: ck.Severity, desc: describe(ck), maxLen: -1}
	switch ck.Kind {
	case KindRange:
		r.kind = rRange
		if ck.Min != nil {
			r.hasMin, r.min = true, *ck.Min
		}
		if ck.Max != nil {
			r.hasMax, r.max = true, *ck.Max
		}
		r.minEx, r.maxEx = ck.MinExclusive, ck.MaxExclusive
		r.lo, r.hi = math.Inf(-1), math.Inf(1)
		if r.hasMin {
			r.lo, r.loEx = r.min, r.minEx
		}
		if r.hasMax {
			r.hi, r.hiEx = r.max, r.maxEx
		}
	case KindSet:
		r.kind = rSet
		r.strs, r.ints, _ = parseSet(f.Type, ck.Values)
		if f.Type == Bool {
			for _, v := range ck.Values {
				if v == "true" {
					r.bools[1] = true
				} else {
					r.bools[0] = true
				}
			}
		}
		if f.Type == Int {
			r.iset = newIntSet(r.ints)
		}
		if f.Type.text() {
			r.sset = newStrSet(ck.Values)
		}
		if len(ck.Values) <= 8 && f.Type.text() {
			r.small, r.strs = ck.Values, nil
		}
	case KindRegex:
		r.kind = rRegex
		r.re = regexp.MustCompile(`^(?:` + ck.Pattern + `)$`)
		r.pat = compilePattern(ck.Pattern)
	case KindLength:
		r.kind = rLength
		if ck.MinLen != nil {
			r.minLen = *ck.MinLen
		}
		if ck.MaxLen != nil {
			r.maxLen = *ck.MaxLen
		}
	case KindUnique:
		r.kind = rUnique
	case KindMonotonic:
		r.kind = rMonotonic
		r.strict = ck.Strict
	case KindCustom:
		r.kind = rCustom
		r.pred = preds[ck.Name]
		if r.pred == nil {
			return r, fmt.Errorf("%w: field %q: custom check %q has no predicate (pass contract.Pred(%q, fn) to Bind)", ErrBind, f.Name, ck.Name, ck.Name)
		}
	}
	return r, nil
}

func fmtNum(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }

func describe(c *Check) string {
	switch c.Kind {
	case KindRange:
		lo, hi := "(-inf", "+inf)"
		if c.Min != nil {
			lo = "[" + fmtNum(*c.Min)
			if c.MinExclusive {
				lo = "(" + fmtNum(*c.Min)
			}
		}
		if c.Max != nil {
			hi = fmtNum(*c.Max) + "]"
			if c.MaxExclusive {
				hi = fmtNum(*c.Max) + ")"
			}
		}
		return "range " + lo + ", " + hi
	case KindSet:
		return "set {" + strings.Join(c.Values, ", ") + "}"
	case KindRegex:
		return "regex " + strconv.Quote(c.Pattern)
	case KindLength:
		lo, hi := "0", "inf"
		if c.MinLen != nil {
			lo = strconv.Itoa(*c.MinLen)
		}
		if c.MaxLen != nil {
			hi = strconv.Itoa(*c.MaxLen)
		}
		return "length [" + lo + ", " + hi + "]"
	case KindUnique:
		return "unique"
	case KindMonotonic:
		if c.Strict {
			return "strictly increasing"
		}
		return "non-decreasing"
	case KindCustom:
		return "custom " + c.Name
	}
	return c.Kind
}

func describeDataset(d DatasetCheck) string {
	bounds := func() string {
		lo, hi := "-inf", "+inf"
		if d.Min != nil {
			lo = fmtNum(*d.Min)
		}
		if d.Max != nil {
			hi = fmtNum(*d.Max)
		}
		return "[" + lo + ", " + hi + "]"
	}
	switch d.Kind {
	case KindRowCount:
		return "row_count in " + bounds()
	case KindFreshness:
		return "freshness of " + d.Field + " ≤ " + time.Duration(d.MaxAge).String()
	case KindCompleteness:
		return "completeness of " + d.Field + " ≥ " + fmtNum(d.Ratio)
	case KindMean:
		return "mean of " + d.Field + " in " + bounds()
	case KindStd:
		return "std of " + d.Field + " in " + bounds()
	}
	return d.Kind
}
