package drift

import (
	"cmp"
	"fmt"
	"iter"
	"math"
	"slices"
	"sync/atomic"

	"github.com/loomml/loom/internal/sketch"
)

// ProfileOptions configures a profile. A nil *ProfileOptions, or a zero
// field, means the default.
type ProfileOptions struct {
	// SketchK is the accuracy parameter of the numeric quantile sketches
	// (default 1024: exact up to 1,024 values, rank error ≤ 3/k beyond).
	SketchK int
	// Bins is the number of histogram bins of numeric columns, cut at the
	// reference quantiles i/Bins (default 10, deciles).
	Bins int
	// MaxCategories caps the frequency table of a categorical column; rarer
	// values are counted in Other (default 100).
	MaxCategories int
	// Quantile is the numpy.quantile method of the histogram edges
	// (default QuantileLinear, NumPy's default).
	Quantile QuantileMethod
	// Methods chooses the method of Compare per column name (any
	// registered detector); CompareOptions.Methods overrides it.
	Methods map[string]Method `json:",omitempty"`
	// LeftClosed makes the histogram bins [qᵢ, qᵢ₊₁) instead of the default
	// right-closed (qᵢ, qᵢ₊₁].
	LeftClosed bool
}

func (o *ProfileOptions) withDefaults() ProfileOptions {
	var r ProfileOptions
	if o != nil {
		r = *o
	}
	if r.SketchK == 0 {
		r.SketchK = 1024
	}
	if r.Bins == 0 {
		r.Bins = 10
	}
	if r.MaxCategories == 0 {
		r.MaxCategories = 100
	}
	if r.Quantile == "" {
		r.Quantile = QuantileLinear
	}
	if r.SketchK < 8 || r.Bins < 2 || r.MaxCategories < 1 || !r.Quantile.valid() {
		panic(fmt.Sprintf("drift: ProfileOptions need SketchK ≥ 8, Bins ≥ 2, MaxCategories ≥ 1 and a numpy.quantile method, got %+v", r))
	}
	return r
}

// Category is one value of a categorical column and how often it occurred.
type Category struct {
	Value string `json:"value"`
	Count uint64 `json:"count"`
}

// ColumnProfile summarises one column of the reference data.
type ColumnProfile struct {
	Name    string // column name
	Kind    Kind   // Numeric or Categorical
	Count   uint64 // present values
	Missing uint64 // missing values (nil, not ok, NaN, ±Inf)

	// Numeric columns.
	Mean, Std, Min, Max float64   // of the present values (population std)
	Edges               []float64 // inner histogram cut points: the reference quantiles i/Bins by ProfileOptions.Quantile, duplicates removed
	Hist                []uint64  // counts per bin: (−∞, Edges[0]], (Edges[0], Edges[1]], …, (Edges[last], +∞), or left-closed (ProfileOptions.LeftClosed)

	// Categorical columns.
	Categories []Category // most frequent first (ties by value), at most MaxCategories
	Other      uint64     // values beyond the cap

	m2     float64
	sketch *sketch.KLL
	freq   map[string]uint64          // while building
	view   atomic.Pointer[sortedView] // cached sorted view of a finished reference sketch
}

// sortedView is a sketch's items in ascending order with their weights.
type sortedView struct {
	vals []float64
	wts  []uint64
}

// sorted returns the sketch's sorted view, cached when cache is set (for
// reference profiles, which do not change after finish).
func (c *ColumnProfile) sorted(cache bool) *sortedView {
	if v := c.view.Load(); v != nil {
		return v
	}
	v := &sortedView{}
	v.vals, v.wts = c.sketch.SortedView(nil, nil)
	if cache {
		c.view.Store(v)
	}
	return v
}

// MissingShare returns Missing / (Count + Missing), 0 for an empty column.
func (c *ColumnProfile) MissingShare() float64 {
	if t := c.Count + c.Missing; t > 0 {
		return float64(c.Missing) / float64(t)
	}
	return 0
}

// Quantile returns the q-quantile of a numeric column's values from its
// sketch (exact while Count ≤ SketchK), NaN for categorical or empty columns.
func (c *ColumnProfile) Quantile(q float64) float64 {
	if c.sketch == nil {
		return math.NaN()
	}
	return c.sketch.Quantile(q)
}

// Profile is a reference summary of a data set, column by column. Build one
// with BuildProfile or a ProfileBuilder; encode it with MarshalJSON.
type Profile struct {
	Rows    uint64           // rows summarised
	Columns []*ColumnProfile // in schema order
	opts    ProfileOptions
	index   map[string]int
}

// Column returns the profile of the named column, or nil.
func (p *Profile) Column(name string) *ColumnProfile {
	if i, ok := p.index[name]; ok {
		return p.Columns[i]
	}
	return nil
}

// ColumnSpec names a column and its kind, for a ProfileBuilder.
type ColumnSpec struct {
	Name string
	Kind Kind
}

// ProfileBuilder accumulates rows into a Profile, column by column, for
// callers that do not have a row type (BuildProfile wraps it). It is not
// safe for concurrent use: build one per shard and Merge the profiles.
type ProfileBuilder struct {
	p    *Profile
	done bool
}

// NewProfileBuilder returns a builder for the given columns. It panics on
// an empty or duplicate name or an invalid kind.
func NewProfileBuilder(cols []ColumnSpec, opts *ProfileOptions) *ProfileBuilder {
	o := opts.withDefaults()
	p := &Profile{opts: o, index: make(map[string]int, len(cols))}
	for i, c := range cols {
		mustName(c.Name)
		if _, dup := p.index[c.Name]; dup {
			panic("drift: duplicate column name, got " + c.Name)
		}
		if c.Kind != Numeric && c.Kind != Categorical {
			panic(fmt.Sprintf("drift: column %s has invalid kind, got %v", c.Name, c.Kind))
		}
		p.index[c.Name] = i
		p.Columns = append(p.Columns, newColumnProfile(c, o))
	}
	for name, m := range o.Methods {
		if _, ok := p.index[name]; !ok || m == "" {
			panic(fmt.Sprintf("drift: ProfileOptions.Methods names a method for every profiled column, got %q for %q", m, name))
		}
	}
	return &ProfileBuilder{p: p}
}

func newColumnProfile(c ColumnSpec, o ProfileOptions) *ColumnProfile {
	cp := &ColumnProfile{Name: c.Name, Kind: c.Kind}
	if c.Kind == Numeric {
		cp.sketch = sketch.New(o.SketchK)
	} else {
		cp.freq = make(map[string]uint64)
	}
	return cp
}

func (b *ProfileBuilder) col(i int, k Kind) *ColumnProfile {
	if b.done {
		panic("drift: ProfileBuilder used after Profile, got another value")
	}
	if i < 0 || i >= len(b.p.Columns) {
		panic(fmt.Sprintf("drift: column index out of range [0, %d), got %d", len(b.p.Columns), i))
	}
	c := b.p.Columns[i]
	if k != 0 && c.Kind != k {
		panic(fmt.Sprintf("drift: column %s is %v, got a %v value", c.Name, c.Kind, k))
	}
	return c
}

// AddRow counts one row (call once per row, before or after its values).
func (b *ProfileBuilder) AddRow() { b.p.Rows++ }

// AddFloat adds a value to numeric column i; NaN and ±Inf count as missing.
func (b *ProfileBuilder) AddFloat(i int, x float64) {
	c := b.col(i, Numeric)
	if math.IsNaN(x) || math.IsInf(x, 0) {
		c.Missing++
		return
	}
	c.Count++
	d := x - c.Mean
	c.Mean += d / float64(c.Count)
	c.m2 += d * (x - c.Mean)
	c.sketch.Add(x)
}

// AddFloats adds a batch of values to numeric column i, as AddFloat on
// each in order (the sketch is the same; mean and variance agree to
// rounding), for column-major batches such as Arrow record batches: with
// many columns it is several times faster than AddFloat row by row, since
// one column's sketch stays in cache for the whole batch. Count the rows
// with AddRow.
func (b *ProfileBuilder) AddFloats(i int, xs []float64) {
	c := b.col(i, Numeric)
	// The batch's mean and squared deviations, merged by Chan's formula.
	var n uint64
	sum := 0.0
	for _, x := range xs {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			c.Missing++
			continue
		}
		n++
		sum += x
		c.sketch.Add(x)
	}
	if n == 0 {
		return
	}
	mean := sum / float64(n)
	m2 := 0.0
	for _, x := range xs {
		if d := x - mean; !math.IsNaN(d) && !math.IsInf(x, 0) {
			m2 += d * d
		}
	}
	total := c.Count + n
	d := mean - c.Mean
	c.m2 += m2 + d*d*float64(c.Count)*float64(n)/float64(total)
	c.Mean += d * float64(n) / float64(total)
	c.Count = total
}

// AddString adds a value to categorical column i.
func (b *ProfileBuilder) AddString(i int, s string) {
	c := b.col(i, Categorical)
	c.Count++
	c.freq[s]++
}

// AddMissing counts a missing value in column i.
func (b *ProfileBuilder) AddMissing(i int) { b.col(i, 0).Missing++ }

// Profile finishes and returns the profile; the builder must not be used
// afterwards.
func (b *ProfileBuilder) Profile() *Profile {
	if b.done {
		panic("drift: ProfileBuilder.Profile called twice, got a second call")
	}
	b.done = true
	for _, c := range b.p.Columns {
		c.finish(b.p.opts)
	}
	return b.p
}

// finish derives the published fields from the accumulated state.
func (c *ColumnProfile) finish(o ProfileOptions) {
	c.view.Store(nil)
	if c.Kind == Numeric {
		c.Min, c.Max, c.Std = c.sketch.Min(), c.sketch.Max(), math.NaN()
		if c.Count > 0 {
			c.Std = math.Sqrt(math.Max(c.m2, 0) / float64(c.Count))
		} else {
			c.Mean = math.NaN()
		}
		vals, wts := c.sketch.SortedView(nil, nil)
		c.Edges = quantileEdges(vals, wts, o.Bins, o.Quantile)
		c.Hist = make([]uint64, len(c.Edges)+1)
		for i, v := range vals {
			c.Hist[binOf(c.Edges, v, o.LeftClosed)] += wts[i]
		}
		return
	}
	if c.freq == nil { // decoded or merged: rebuild from Categories
		c.freq = make(map[string]uint64, len(c.Categories))
		for _, cat := range c.Categories {
			c.freq[cat.Value] = cat.Count
		}
	}
	cats := make([]Category, 0, len(c.freq))
	for v, n := range c.freq {
		cats = append(cats, Category{v, n})
	}
	slices.SortFunc(cats, func(a, b Category) int {
		if a.Count != b.Count {
			return cmp.Compare(b.Count, a.Count)
		}
		return cmp.Compare(a.Value, b.Value)
	})
	if len(cats) > o.MaxCategories {
		for _, cat := range cats[o.MaxCategories:] {
			c.Other += cat.Count
		}
		cats = cats[:o.MaxCategories]
	}
	c.Categories = cats
	c.freq = nil
}

// Merge adds other's data to p, for profiles built in shards with the same
// columns and options; the histogram edges are recomputed from the merged
// sketches. It returns an error wrapping ErrUnknownColumn or
// ErrKindMismatch when the schemas differ.
func (p *Profile) Merge(other *Profile) error {
	if len(other.Columns) != len(p.Columns) {
		return fmt.Errorf("%w: merging profiles of %d and %d columns", ErrUnknownColumn, len(p.Columns), len(other.Columns))
	}
	for i, oc := range other.Columns {
		c := p.Columns[i]
		if c.Name != oc.Name {
			return &ColumnError{Column: oc.Name, Err: ErrUnknownColumn}
		}
		if c.Kind != oc.Kind {
			return &ColumnError{Column: oc.Name, Err: ErrKindMismatch}
		}
	}
	p.Rows += other.Rows
	for i, oc := range other.Columns {
		c := p.Columns[i]
		c.Missing += oc.Missing
		if c.Kind == Numeric {
			n := c.Count + oc.Count
			if oc.Count > 0 {
				if c.Count == 0 {
					c.Mean, c.m2 = oc.Mean, oc.m2
				} else {
					d := oc.Mean - c.Mean
					c.m2 += oc.m2 + d*d*float64(c.Count)*float64(oc.Count)/float64(n)
					c.Mean += d * float64(oc.Count) / float64(n)
				}
			}
			c.Count = n
			c.sketch.Merge(oc.sketch)
		} else {
			c.Count += oc.Count
			c.freq = make(map[string]uint64, len(c.Categories)+len(oc.Categories))
			for _, cat := range c.Categories {
				c.freq[cat.Value] += cat.Count
			}
			for _, cat := range oc.Categories {
				c.freq[cat.Value] += cat.Count
			}
			c.Other += oc.Other
		}
		c.finish(p.opts)
	}
	return nil
}

// BuildProfile summarises rows over cols. It panics on duplicate column
// names (a programmer mistake).
func BuildProfile[T any](rows []T, cols []Column[T], opts *ProfileOptions) *Profile {
	b, add := newRowProfiler(cols, opts)
	for i := range rows {
		add(&rows[i])
	}
	return b.Profile()
}

// BuildProfileSeq summarises a stream of rows over cols in bounded memory.
// It stops at the stream's first error and returns it, with no profile.
func BuildProfileSeq[T any](rows iter.Seq2[T, error], cols []Column[T], opts *ProfileOptions) (*Profile, error) {
	b, add := newRowProfiler(cols, opts)
	for r, err := range rows {
		if err != nil {
			return nil, err
		}
		add(&r)
	}
	return b.Profile(), nil
}

// newRowProfiler returns a builder over cols and the function that adds
// one row to it.
func newRowProfiler[T any](cols []Column[T], opts *ProfileOptions) (*ProfileBuilder, func(*T)) {
	specs := make([]ColumnSpec, len(cols))
	for i, c := range cols {
		specs[i] = ColumnSpec{c.name, c.kind}
	}
	b := NewProfileBuilder(specs, opts)
	return b, func(r *T) {
		b.AddRow()
		for i, c := range cols {
			if c.kind == Numeric {
				if x, ok := c.num(r); ok {
					b.AddFloat(i, x)
				} else {
					b.AddMissing(i)
				}
				continue
			}
			if s, ok := c.cat(r); ok {
				b.AddString(i, s)
			} else {
				b.AddMissing(i)
			}
		}
	}
}

// mergeColumns appends other's columns from index from on to p (tests and
// tools that assemble profiles from parts).
func (p *Profile) mergeColumns(other *Profile, from int) error {
	for _, c := range other.Columns[from:] {
		if _, dup := p.index[c.Name]; dup {
			return &ColumnError{Column: c.Name, Err: fmt.Errorf("drift: duplicate column")}
		}
		p.index[c.Name] = len(p.Columns)
		p.Columns = append(p.Columns, c)
	}
	return nil
}
