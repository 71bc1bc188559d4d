package model

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/loomml/loom/contract"
	"github.com/loomml/loom/drift"
	"github.com/loomml/loom/feature"
	"github.com/loomml/loom/internal/rowmap"
	"github.com/loomml/loom/train"
)

// Spec is the one declaration of a model over the row type T: the columns
// it reads (from T's `loom:"name"` tags, each named once here), the checks
// of its data contract, the feature transforms and drift settings attached
// to each column, the label, and the trainer. Fit turns it into a Bundle.
//
// Declare a Spec once, at start-up or in a function that returns it, with
// New and the chained methods; a declaration mistake (an unknown column, a
// transform of the wrong kind, a column declared twice) panics, as it is a
// programmer mistake. After its first use (Fit, CrossValidate, a search,
// Load) a Spec is read-only and safe for concurrent use; declaring more
// columns then panics.
type Spec[T any] struct {
	name        string
	rm          *rowmap.Map[T]
	label       *column
	cols        []*column
	byName      map[string]bool
	dataset     []contract.DatasetCheck
	preds       []contract.Predicate[T]
	trainer     train.Trainer
	featureOpts *feature.Options
	seed        uint64
	description string
	poly        []polynomial
	used        atomic.Bool

	// Built once on first use, from the declaration.
	once     sync.Once
	contract *contract.Contract
	features *feature.Set[T]
	labelGet func(*T) (float64, bool)
	drift    []drift.Column[T]
	compare  *drift.CompareOptions
	sliceCol *column
}

// colKind is the kind of a declared column.
type colKind uint8

const (
	kindFloat colKind = iota + 1
	kindCategory
)

// column is one declared column.
type column struct {
	name   string
	index  int // in the row map
	kind   colKind
	checks []contract.Check
	nums   []feature.NumTransform
	cats   []feature.CatTransform
	input  bool // a serving input and a feature; false only for the label
	drift  DriftOption
	slice  bool
}

// New starts the declaration of the model called name over the row type T,
// whose columns are its exported fields tagged `loom:"name"`. It panics
// when T cannot be mapped (not a struct, no tagged field, an unsupported
// field type).
func New[T any](name string) *Spec[T] {
	if err := validName(name); err != nil {
		panic(err.Error())
	}
	rm, err := rowmap.Of[T]()
	if err != nil {
		panic(fmt.Sprintf("model: New[%v](%q): %v", reflect.TypeFor[T](), name, err))
	}
	return &Spec[T]{name: name, rm: rm, byName: map[string]bool{}}
}

func validName(name string) error {
	if name == "" || strings.TrimSpace(name) != name {
		return fmt.Errorf("model: a model name must be non-empty without surrounding spaces, got %q", name)
	}
	return nil
}

// Name returns the model's name.
func (s *Spec[T]) Name() string { return s.name }

func (s *Spec[T]) mutable(what string) {
	if s.used.Load() {
		panic(fmt.Sprintf("model: %s on spec %q after its first use", what, s.name))
	}
}

// declare adds the column named name of the given kind, checking that T
// has it with a matching type.
func (s *Spec[T]) declare(name string, kind colKind, opts []any) *column {
	s.mutable(fmt.Sprintf("declaring column %q", name))
	if s.byName[name] {
		panic(fmt.Sprintf("model: spec %q: column %q declared twice", s.name, name))
	}
	i := s.rm.Index(name)
	if i < 0 {
		panic(fmt.Sprintf("model: spec %q: %v has no field tagged loom:%q (fields: %s)", s.name, reflect.TypeFor[T](), name, strings.Join(s.rm.Names(), ", ")))
	}
	f := s.rm.Field(i)
	switch kind {
	case kindFloat:
		if f.Kind != rowmap.KindFloat && f.Kind != rowmap.KindInt {
			panic(fmt.Sprintf("model: spec %q: Float column %q is the %s field %s; want a float or int field", s.name, name, f.Type, f.GoName))
		}
	case kindCategory:
		if f.Kind != rowmap.KindString {
			panic(fmt.Sprintf("model: spec %q: Category column %q is the %s field %s; want a string field", s.name, name, f.Type, f.GoName))
		}
	}
	s.byName[name] = true
	c := &column{name: name, index: i, kind: kind, input: true}
	for _, o := range opts {
		s.attach(c, o)
	}
	return c
}

// attach applies one column option.
func (s *Spec[T]) attach(c *column, o any) {
	bad := func(why string) {
		panic(fmt.Sprintf("model: spec %q: column %q: %s", s.name, c.name, why))
	}
	switch o := o.(type) {
	case contract.Check:
		c.checks = append(c.checks, o)
	case contract.Predicate[T]:
		if o.Fn == nil || o.Name == "" {
			bad("a contract.Predicate needs a name and a function")
		}
		c.checks = append(c.checks, contract.Custom(o.Name))
		s.preds = append(s.preds, o)
	case feature.NumTransform:
		if c.kind != kindFloat || !c.input {
			bad("a feature.NumTransform applies to Float columns only")
		}
		c.nums = append(c.nums, o)
	case feature.CatTransform:
		if c.kind != kindCategory || !c.input {
			bad("a feature.CatTransform applies to Category columns only")
		}
		c.cats = append(c.cats, o)
	case DriftOption:
		if !c.input {
			bad("the label is not monitored for drift")
		}
		c.drift = o
	case sliceOption:
		if !c.input || c.kind != kindCategory {
			bad("Slice applies to Category columns only")
		}
		c.slice = true
	case nil:
		bad("nil option")
	default:
		bad(fmt.Sprintf("unsupported option of type %T (want a contract.Check, a contract.Predicate, a feature transform, a DriftOption or Slice)", o))
	}
}

// Float declares the numeric column name (a float or int field of T, or a
// pointer to one: nil is missing) as a serving input and a feature. opts
// attach to it, in any order: contract checks (contract.Range,
// contract.AtLeast, ... and contract.Pred predicates over the row), the
// feature transforms of its chain, in order (feature.Impute,
// feature.Standardize, ...), and a drift setting (Drift, NoDrift). With no
// transform the feature is the raw value, and a missing one is an error at
// scoring.
func (s *Spec[T]) Float(name string, opts ...any) *Spec[T] {
	s.cols = append(s.cols, s.declare(name, kindFloat, opts))
	return s
}

// Category declares the categorical column name (a string field of T, or a
// pointer: nil is missing) as a serving input and a feature. opts attach
// to it as for Float, with categorical transforms (an optional
// feature.CatImpute, then one encoder such as feature.OneHot) and Slice.
// With no encoder the column is one-hot encoded, unknown categories
// ignored.
func (s *Spec[T]) Category(name string, opts ...any) *Spec[T] {
	s.cols = append(s.cols, s.declare(name, kindCategory, opts))
	return s
}

// Label declares the column the model learns to predict: a float or int
// field (class labels of a classifier are its distinct values). It is read
// when fitting and evaluating, and checked by the contract there, but it is
// never a serving input: a row to score may omit it. opts may hold contract
// checks only.
func (s *Spec[T]) Label(name string, opts ...any) *Spec[T] {
	if s.label != nil {
		panic(fmt.Sprintf("model: spec %q: label declared twice (%q and %q)", s.name, s.label.name, name))
	}
	c := s.declare(name, kindFloat, nil)
	c.input = false
	for _, o := range opts {
		s.attach(c, o)
	}
	s.label = c
	return s
}

// Check adds checks on the whole data set to the contract (contract.RowCount,
// contract.Complete, ...). They apply when fitting, not to a single row.
func (s *Spec[T]) Check(checks ...contract.DatasetCheck) *Spec[T] {
	s.mutable("Check")
	s.dataset = append(s.dataset, checks...)
	return s
}

// Trainer sets the trainer that fits the model on the feature matrix: any
// train.Trainer (train.LogisticRegression, train.Ridge, the tree trainers).
// Fitting and model selection need one; loading a registered bundle does
// not.
func (s *Spec[T]) Trainer(t train.Trainer) *Spec[T] {
	s.mutable("Trainer")
	if t == nil {
		panic(fmt.Sprintf("model: spec %q: nil Trainer", s.name))
	}
	s.trainer = t
	return s
}

// Features sets the options of the feature set (block size, quantile
// sketches); nil means feature's defaults.
func (s *Spec[T]) Features(opts *feature.Options) *Spec[T] {
	s.mutable("Features")
	s.featureOpts = opts
	return s
}

// Seed sets the seed recorded in the lineage and given to the trainer's
// record. Random choices of the transforms and trainers take their own
// seeds in their options; the same data, declaration and seeds give a
// bit-identical bundle.
func (s *Spec[T]) Seed(seed uint64) *Spec[T] {
	s.mutable("Seed")
	s.seed = seed
	return s
}

// Describe sets the description registered with every version of the
// model.
func (s *Spec[T]) Describe(text string) *Spec[T] {
	s.mutable("Describe")
	s.description = text
	return s
}

// polynomial is one Spec.Polynomial call.
type polynomial struct {
	degree          int
	interactionOnly bool
	columns         []string
}

// Polynomial adds the polynomial terms of degree 2 to degree of the
// features of the Float columns listed, declared earlier (see
// feature.Set.Polynomial: scikit-learn's PolynomialFeatures without the
// bias and the degree-1 terms, which the columns already are); with
// interactionOnly, only products of distinct columns.
func (s *Spec[T]) Polynomial(degree int, interactionOnly bool, columns ...string) *Spec[T] {
	s.mutable("Polynomial")
	for _, name := range columns {
		if !s.byName[name] || !slices.ContainsFunc(s.cols, func(c *column) bool { return c.name == name && c.kind == kindFloat }) {
			panic(fmt.Sprintf("model: spec %q: Polynomial of %q, which is not a Float column declared before", s.name, name))
		}
	}
	s.poly = append(s.poly, polynomial{degree, interactionOnly, slices.Clone(columns)})
	return s
}

// DriftOption is the drift setting of one column: the detector and its
// threshold, or no monitoring. Columns without one are monitored with
// drift's default method for their kind.
type DriftOption struct {
	off       bool
	method    drift.Method
	threshold float64
}

// Drift monitors the column with method, flagged at threshold (0 means the
// method's default, drift.DefaultThreshold).
func Drift(method drift.Method, threshold float64) DriftOption {
	return DriftOption{method: method, threshold: threshold}
}

// NoDrift leaves the column out of drift profiles and monitors.
func NoDrift() DriftOption { return DriftOption{off: true} }

// sliceOption marks the column that evaluation reports slice by.
type sliceOption struct{}

// Slice marks a Category column as the grouping of evaluation reports:
// Evaluate reports each metric per value of the column. At most one column
// of a spec is a slice.
func Slice() any { return sliceOption{} }

// build derives the contract, feature set, label accessor and drift columns
// from the declaration, once, and freezes the spec.
func (s *Spec[T]) build() {
	s.used.Store(true)
	s.once.Do(s.derive)
}

func (s *Spec[T]) derive() {
	if s.label == nil {
		panic(fmt.Sprintf("model: spec %q has no Label", s.name))
	}
	inputs := 0
	fields := make([]contract.Field, 0, len(s.cols)+1)
	set := feature.NewSet[T](s.featureOpts)
	cmp := &drift.CompareOptions{}
	for _, c := range append(append([]*column(nil), s.cols...), s.label) {
		f := s.rm.Field(c.index)
		cf := contract.Field{Name: c.name, Type: contract.Type(f.Type), Nullable: f.Nullable, Checks: c.checks}
		if c.kind == kindCategory {
			cf.Type = contract.Category
		}
		fields = append(fields, cf)
		if !c.input {
			continue
		}
		inputs++
		if c.slice {
			if s.sliceCol != nil {
				panic(fmt.Sprintf("model: spec %q: two Slice columns, %q and %q", s.name, s.sliceCol.name, c.name))
			}
			s.sliceCol = c
		}
		switch c.kind {
		case kindFloat:
			get := s.rm.FloatGetter(c.index)
			set.NumOpt(c.name, get, c.nums...)
			if !c.drift.off {
				s.drift = append(s.drift, drift.Float(c.name, get))
			}
		case kindCategory:
			get := s.rm.StringGetter(c.index)
			cats := c.cats
			if len(cats) == 0 {
				cats = append(cats, feature.OneHot(feature.OneHotOptions{Unknown: feature.UnknownIgnore}))
			}
			set.CatOpt(c.name, get, cats...)
			if !c.drift.off {
				s.drift = append(s.drift, drift.String(c.name, get))
			}
		}
		if c.drift.method != "" {
			if cmp.Methods == nil {
				cmp.Methods = map[string]drift.Method{}
			}
			cmp.Methods[c.name] = c.drift.method
		}
		if c.drift.threshold != 0 {
			if cmp.Thresholds == nil {
				cmp.Thresholds = map[string]float64{}
			}
			cmp.Thresholds[c.name] = c.drift.threshold
		}
	}
	if inputs == 0 {
		panic(fmt.Sprintf("model: spec %q declares no input column (Float or Category)", s.name))
	}
	for _, p := range s.poly {
		set.Polynomial(p.degree, p.interactionOnly, p.columns...)
	}
	s.labelGet = s.rm.FloatGetter(s.label.index)
	set.Label(func(r *T) float64 {
		v, _ := s.labelGet(r)
		return v
	})
	s.contract = contract.New(s.name, fields...).With(s.dataset...)
	if err := s.contract.Err(); err != nil {
		panic(fmt.Sprintf("model: spec %q: %v", s.name, err))
	}
	if _, err := contract.Bind(s.contract, s.preds...); err != nil {
		panic(fmt.Sprintf("model: spec %q: %v", s.name, err))
	}
	s.features = set
	s.compare = cmp
}

// needTrainer panics when the spec has no trainer: fitting needs one,
// loading and scoring do not.
func (s *Spec[T]) needTrainer() {
	if s.trainer == nil {
		panic(fmt.Sprintf("model: spec %q has no Trainer", s.name))
	}
}

// Contract returns the data contract the declaration makes: one field per
// declared column, the label included, with their checks and the data set
// checks. It freezes the spec.
func (s *Spec[T]) Contract() *contract.Contract {
	s.build()
	return s.contract
}

// Bind returns the contract bound to T with the declared predicates, for
// validating or quarantining rows before fitting.
func (s *Spec[T]) Bind() *contract.Bound[T] {
	s.build()
	return contract.MustBind(s.contract, s.preds...)
}
