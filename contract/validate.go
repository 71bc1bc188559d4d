package contract

import (
	"context"
	"fmt"
	"iter"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/loomml/loom/internal/rowmap"
)

// Row-local evaluation, shared by CheckRow and Validator.

func (r *rule[T]) passNum(x float64, n int64, isInt bool) bool {
	switch r.kind {
	case rRange:
		if r.hasMin && (x < r.min || (r.minEx && x == r.min)) {
			return false
		}
		if r.hasMax && (x > r.max || (r.maxEx && x == r.max)) {
			return false
		}
		return !math.IsNaN(x)
	case rSet:
		if isInt {
			_, ok := r.ints[n]
			return ok
		}
	}
	return true
}

func (r *rule[T]) passStr(s string) bool {
	switch r.kind {
	case rSet:
		if r.small != nil {
			return slices.Contains(r.small, s)
		}
		_, ok := r.strs[s]
		return ok
	case rRegex:
		if r.pat != nil {
			if ok, done := r.pat.match(s); done {
				return ok
			}
		}
		return r.re.MatchString(s)
	case rLength:
		return len(s) >= r.minLen && (r.maxLen < 0 || len(s) <= r.maxLen)
	}
	return true
}

// local reports whether the rule needs only the row itself.
func (r *rule[T]) local() bool { return r.kind != rUnique && r.kind != rMonotonic }

// value is one field's value read from a row.
type value struct {
	x    float64
	n    int64
	s    string
	b    bool
	t    time.Time
	null bool
}

func (b *Bound[T]) read(p *T, f *bfield) (v value) {
	var ok bool
	switch f.kind {
	case rowmap.KindFloat:
		v.x, ok = b.m.Float(p, f.idx)
	case rowmap.KindInt:
		v.n, ok = b.m.Int(p, f.idx)
		v.x = float64(v.n)
	case rowmap.KindString:
		v.s, ok = b.m.Str(p, f.idx)
	case rowmap.KindBool:
		v.b, ok = b.m.Bool(p, f.idx)
	case rowmap.KindTime:
		v.t, ok = b.m.Time(p, f.idx)
		if ok {
			v.x = float64(v.t.UnixNano())
		}
	}
	v.null = !ok
	return v
}

func (b *Bound[T]) passLocal(r *rule[T], f *bfield, v *value, p *T) bool {
	switch {
	case r.kind == rCustom:
		return r.pred(p)
	case f.kind == rowmap.KindString:
		return r.passStr(v.s)
	case f.kind == rowmap.KindBool:
		return r.kind != rSet || r.bools[b2i(v.b)]
	default:
		return r.passNum(v.x, v.n, f.kind == rowmap.KindInt)
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func (v *value) text(k rowmap.Kind) string {
	if v.null {
		return "null"
	}
	switch k {
	case rowmap.KindFloat:
		return fmtNum(v.x)
	case rowmap.KindInt:
		return strconv.FormatInt(v.n, 10)
	case rowmap.KindString:
		return rowmap.Clip(v.s, 256)
	case rowmap.KindBool:
		return strconv.FormatBool(v.b)
	}
	return v.t.Format(time.RFC3339Nano)
}

// CheckRow applies the row-local checks (not null, range, set, regex,
// length, custom) of error severity to *p and returns nil or a *RowError
// (Row -1) naming every failing field and reason. It is meant for serving:
// it keeps no state, ignores warnings and dataset-level checks (unique,
// monotonic, ratios), and does not allocate when the row passes.
func (b *Bound[T]) CheckRow(p *T) error {
	var e *RowError
	for fi := range b.fields {
		f := &b.fields[fi]
		v := b.read(p, f)
		if v.null {
			if f.notNull >= 0 {
				e = addReason(e, Reason{Field: f.name, Check: "not null", Value: "null"})
			}
			continue
		}
		for _, ri := range f.rules {
			r := &b.rules[ri]
			if r.sev != Error || !r.local() {
				continue
			}
			if !b.passLocal(r, f, &v, p) {
				e = addReason(e, Reason{Field: f.name, Check: r.desc, Value: v.text(f.kind)})
			}
		}
	}
	if e == nil {
		return nil
	}
	return e
}

func addReason(e *RowError, r Reason) *RowError {
	if e == nil {
		e = &RowError{Row: -1}
	}
	e.Reasons = append(e.Reasons, r)
	return e
}

// Validator validates rows incrementally and builds a Report: feed it rows
// with Row, Rows or Record, then call Report. Rows and Record evaluate the
// checks field by field over blocks of 512 rows; Row checks one row at a
// time; all give the same Report for the same rows. Memory stays bounded by
// the number of fields and examples, except for unique checks, which
// remember every distinct value. A Validator is not safe for concurrent
// use.
type Validator[T any] struct {
	b        *Bound[T]
	rows     int64
	rejected int64
	failed   []int64
	examples [][]Failure
	nonNull  []int64
	shift    []float64 // first value, for stable sums
	sum      []float64
	sumSq    []float64
	newest   []time.Time
	uniqS    []map[string]struct{}
	uniqN    []map[float64]struct{}
	prev     []float64
	hasPrev  []bool
	plan     *rowmap.Plan[T]
	buf      []T
	now      func() time.Time
	bs       blockState
	ac       *arrowCols
	custom   bool // some check is a custom predicate, which needs T
}

// Failure is one failing example in a Report.
type Failure struct {
	Row   int64  `json:"row"`
	Value string `json:"value"`
}

// NewValidator returns an empty Validator.
func (b *Bound[T]) NewValidator() *Validator[T] {
	n := len(b.rules)
	nf := len(b.fields)
	v := &Validator[T]{
		b: b, failed: make([]int64, n), examples: make([][]Failure, n),
		nonNull: make([]int64, nf), shift: make([]float64, nf), sum: make([]float64, nf), sumSq: make([]float64, nf),
		newest: make([]time.Time, nf), uniqS: make([]map[string]struct{}, n), uniqN: make([]map[float64]struct{}, n),
		prev: make([]float64, n), hasPrev: make([]bool, n), now: time.Now,
	}
	for i := range b.rules {
		v.custom = v.custom || b.rules[i].kind == rCustom
	}
	return v
}

// Row validates one row, numbered by the count of rows seen so far, and
// reports whether it passed every error-severity check.
func (v *Validator[T]) Row(p *T) bool {
	ok := v.row(p, v.rows, nil)
	v.rows++
	if !ok {
		v.rejected++
	}
	return ok
}

// Rows validates rows in order, numbering them on from the rows seen so
// far. It evaluates the checks field by field over blocks of rows.
func (v *Validator[T]) Rows(rows []T) {
	v.rowsBlocks(rows, nil)
}

// row evaluates all rules on *p; when reasons is not nil it collects every
// failure (warnings included).
func (v *Validator[T]) row(p *T, rowNum int64, reasons *[]Reason) bool {
	b := v.b
	ok := true
	for fi := range b.fields {
		f := &b.fields[fi]
		switch f.kind {
		case rowmap.KindFloat, rowmap.KindInt:
			// Fast path for numbers: no value struct, range checks inline.
			var x float64
			var n int64
			var present bool
			if f.kind == rowmap.KindFloat {
				x, present = b.m.Float(p, f.idx)
			} else {
				n, present = b.m.Int(p, f.idx)
				x = float64(n)
			}
			if !present {
				if f.notNull >= 0 {
					v.fail(f.notNull, rowNum, f, &value{null: true}, reasons)
					ok = false
				}
				continue
			}
			v.count(fi, f, x)
			for _, ri := range f.rules {
				r := &b.rules[ri]
				var pass bool
				switch r.kind {
				case rRange:
					pass = (!r.hasMin || x > r.min || (!r.minEx && x == r.min)) &&
						(!r.hasMax || x < r.max || (!r.maxEx && x == r.max))
				case rSet:
					_, pass = r.ints[n]
				case rUnique:
					pass = v.unique(ri, f, &value{x: x, n: n})
				case rMonotonic:
					pass = !v.hasPrev[ri] || x > v.prev[ri] || (!r.strict && x == v.prev[ri])
					v.prev[ri], v.hasPrev[ri] = x, true
				case rCustom:
					pass = r.pred(p)
				}
				if !pass {
					v.fail(ri, rowNum, f, &value{x: x, n: n}, reasons)
					if r.sev == Error {
						ok = false
					}
				}
			}
		case rowmap.KindString:
			s, present := b.m.Str(p, f.idx)
			if !present {
				if f.notNull >= 0 {
					v.fail(f.notNull, rowNum, f, &value{null: true}, reasons)
					ok = false
				}
				continue
			}
			v.nonNull[fi]++
			for _, ri := range f.rules {
				r := &b.rules[ri]
				var pass bool
				switch r.kind {
				case rUnique:
					pass = v.unique(ri, f, &value{s: s})
				case rCustom:
					pass = r.pred(p)
				default:
					pass = r.passStr(s)
				}
				if !pass {
					v.fail(ri, rowNum, f, &value{s: s}, reasons)
					if r.sev == Error {
						ok = false
					}
				}
			}
		default:
			if !v.rowOther(p, fi, f, rowNum, reasons) {
				ok = false
			}
		}
	}
	return ok
}

// count updates the statistics of numeric field fi with x.
func (v *Validator[T]) count(fi int, f *bfield, x float64) {
	c := v.nonNull[fi]
	v.nonNull[fi] = c + 1
	if f.stats {
		if c == 0 {
			v.shift[fi] = x
		}
		d := x - v.shift[fi]
		v.sum[fi] += d
		v.sumSq[fi] += d * d
	}
}

// rowOther evaluates the rules of a bool or time field.
func (v *Validator[T]) rowOther(p *T, fi int, f *bfield, rowNum int64, reasons *[]Reason) bool {
	b := v.b
	val := b.read(p, f)
	if val.null {
		if f.notNull >= 0 {
			v.fail(f.notNull, rowNum, f, &val, reasons)
			return false
		}
		return true
	}
	v.nonNull[fi]++
	if f.newest && val.t.After(v.newest[fi]) {
		v.newest[fi] = val.t
	}
	ok := true
	for _, ri := range f.rules {
		r := &b.rules[ri]
		var pass bool
		switch r.kind {
		case rUnique:
			pass = v.unique(ri, f, &val)
		case rMonotonic:
			pass = !v.hasPrev[ri] || val.x > v.prev[ri] || (!r.strict && val.x == v.prev[ri])
			v.prev[ri], v.hasPrev[ri] = val.x, true
		default:
			pass = b.passLocal(r, f, &val, p)
		}
		if !pass {
			v.fail(ri, rowNum, f, &val, reasons)
			if r.sev == Error {
				ok = false
			}
		}
	}
	return ok
}

func (v *Validator[T]) unique(ri int, f *bfield, val *value) bool {
	if f.kind == rowmap.KindString {
		m := v.uniqS[ri]
		if m == nil {
			m = make(map[string]struct{})
			v.uniqS[ri] = m
		}
		if _, dup := m[val.s]; dup {
			return false
		}
		if v.bs.cloneKey {
			m[strings.Clone(val.s)] = struct{}{}
			return true
		}
		m[val.s] = struct{}{}
		return true
	}
	m := v.uniqN[ri]
	if m == nil {
		m = make(map[float64]struct{})
		v.uniqN[ri] = m
	}
	key := val.x
	if f.kind == rowmap.KindBool {
		key = float64(b2i(val.b))
	}
	if _, dup := m[key]; dup {
		return false
	}
	m[key] = struct{}{}
	return true
}

func (v *Validator[T]) fail(ri int, rowNum int64, f *bfield, val *value, reasons *[]Reason) {
	v.failed[ri]++
	r := &v.b.rules[ri]
	keep := len(v.examples[ri]) < v.b.examples
	if !keep && reasons == nil {
		return
	}
	txt := val.text(f.kind)
	if keep {
		v.examples[ri] = append(v.examples[ri], Failure{Row: rowNum, Value: txt})
	}
	if reasons != nil {
		*reasons = append(*reasons, Reason{Field: f.name, Check: r.desc, Value: txt, Severity: r.sev})
	}
}

// failDecode counts a row that could not be decoded from Arrow as rejected
// by the not-null (or type) check of its column.
func (v *Validator[T]) failDecode(e *rowmap.Error, reasons *[]Reason) Reason {
	fi := v.b.fieldIndex(e.Column)
	check := "decodable"
	if fi >= 0 && v.b.fields[fi].notNull >= 0 && e.Value == "null" {
		ri := v.b.fields[fi].notNull
		v.failed[ri]++
		if len(v.examples[ri]) < v.b.examples {
			v.examples[ri] = append(v.examples[ri], Failure{Row: e.Row, Value: e.Value})
		}
		check = "not null"
	}
	rs := Reason{Field: e.Column, Check: check, Value: e.Value}
	if reasons != nil {
		*reasons = append(*reasons, rs)
	}
	v.rows++
	v.rejected++
	return rs
}

// Record validates the rows of an Arrow record batch, matched to the
// contract by column name. The checks run on the Arrow arrays, column by
// column, without decoding rows into T (unless a check is a custom
// predicate, which needs the row: then the batch is decoded into a reused
// buffer of T), and the result is the same as validating the decoded rows.
// A null in a column whose field is not nullable counts as a failed
// not-null check; a value that cannot be decoded into T (a null in a
// non-pointer field, a number outside its Go type's range) rejects its row.
// The error is non-nil only when the batch's schema cannot fill T (a
// missing column, a wrong type).
func (v *Validator[T]) Record(rec arrow.RecordBatch) error {
	if err := v.planFor(rec.Schema()); err != nil {
		return err
	}
	if v.custom {
		return v.record(rec, nil)
	}
	v.recordColumnar(rec)
	return nil
}

// planFor checks that schema can fill T, as decoding needs.
func (v *Validator[T]) planFor(schema *arrow.Schema) error {
	if v.plan == nil || (v.plan.Schema() != schema && !v.plan.Schema().Equal(schema)) {
		pl, err := v.b.m.Plan(schema)
		if err != nil {
			return fmt.Errorf("%w: %v", ErrBind, err)
		}
		v.plan = pl
	}
	return nil
}

// record validates rec by decoding it into T; when each is not nil it is
// called for every row with its reasons.
func (v *Validator[T]) record(rec arrow.RecordBatch, each func(p *T, row int64, ok bool, reasons []Reason)) error {
	if err := v.planFor(rec.Schema()); err != nil {
		return err
	}
	var reasons []Reason
	var rp *[]Reason
	if each != nil {
		rp = &reasons
	}
	var err error
	start := int64(0)
	n := rec.NumRows()
	cur := rec
	for start < n {
		v.buf, err = v.plan.Decode(v.buf[:0], cur, v.rows)
		v.rowsBlocks(v.buf, each)
		start += int64(len(v.buf))
		if cur != rec {
			cur.Release()
		}
		if err == nil {
			break
		}
		de := err.(*rowmap.Error)
		if de.Row < 0 { // a damaged column (rowmap.ErrInvalidArray): no row of the batch decodes
			return err
		}
		reasons = reasons[:0]
		rs := v.failDecode(de, rp)
		if each != nil {
			var zero T
			each(&zero, de.Row, false, []Reason{rs})
		}
		start++
		if start >= n {
			break
		}
		cur = rec.NewSlice(start, n)
	}
	clear(v.buf)
	return nil
}

// Report returns the report of everything validated so far. The Validator
// may go on validating; a later Report includes the new rows.
func (v *Validator[T]) Report() *Report {
	b := v.b
	rep := &Report{Contract: b.c.Name, Rows: v.rows, Rejected: v.rejected, Valid: v.rows - v.rejected}
	for ri := range b.rules {
		r := &b.rules[ri]
		rep.Checks = append(rep.Checks, CheckResult{
			Field: b.fields[r.field].name, Check: r.desc, Severity: r.sev,
			Passed: v.rows - v.failed[ri], Failed: v.failed[ri], Examples: slices.Clone(v.examples[ri]),
		})
	}
	for _, d := range b.dataset {
		rep.Dataset = append(rep.Dataset, v.dataset(d))
	}
	rep.Verdict = Pass
	for _, c := range rep.Checks {
		if c.Failed > 0 {
			rep.Verdict = max(rep.Verdict, verdictOf(c.Severity))
		}
	}
	for _, d := range rep.Dataset {
		if !d.OK {
			rep.Verdict = max(rep.Verdict, verdictOf(d.Severity))
		}
	}
	return rep
}

func verdictOf(s Severity) Verdict {
	if s == Warn {
		return WarnOnly
	}
	return Fail
}

func within(x float64, lo, hi *float64) bool {
	return !math.IsNaN(x) && (lo == nil || x >= *lo) && (hi == nil || x <= *hi)
}

func (v *Validator[T]) dataset(d dataRule) DatasetResult {
	c := d.check
	res := DatasetResult{Check: d.desc, Field: c.Field, Severity: c.Severity}
	var n int64
	if d.field >= 0 {
		n = v.nonNull[d.field]
	}
	switch c.Kind {
	case KindRowCount:
		res.Observed = float64(v.rows)
		res.OK = within(res.Observed, c.Min, c.Max)
		res.Detail = strconv.FormatInt(v.rows, 10) + " rows"
	case KindCompleteness:
		res.Observed = 1
		if v.rows > 0 {
			res.Observed = float64(n) / float64(v.rows)
		}
		res.OK = res.Observed >= c.Ratio
		res.Detail = fmt.Sprintf("%d of %d rows present (%.4g)", n, v.rows, res.Observed)
	case KindMean, KindStd:
		if n == 0 {
			res.Observed = math.NaN()
			res.Detail = "no values"
			break
		}
		mean := v.sum[d.field]/float64(n) + v.shift[d.field]
		if c.Kind == KindMean {
			res.Observed = mean
		} else {
			s := v.sum[d.field]
			vr := 0.0
			if n > 1 {
				vr = (v.sumSq[d.field] - s*s/float64(n)) / float64(n-1)
			}
			res.Observed = math.Sqrt(max(vr, 0))
		}
		res.OK = within(res.Observed, c.Min, c.Max)
		res.Detail = c.Kind + " " + strconv.FormatFloat(res.Observed, 'g', 6, 64)
	case KindFreshness:
		t := v.newest[d.field]
		if t.IsZero() {
			res.Detail = "no timestamps"
			break
		}
		age := v.now().Sub(t)
		res.Observed = age.Seconds()
		res.OK = age <= time.Duration(c.MaxAge)
		res.Detail = "newest " + t.UTC().Format(time.RFC3339) + ", age " + age.Round(time.Second).String()
	}
	return res
}

// Validate validates rows and returns the report.
func (b *Bound[T]) Validate(rows []T) *Report {
	v := b.NewValidator()
	v.Rows(rows)
	return v.Report()
}

// ValidateSeq validates a stream of rows in bounded memory (see Validator;
// rows are buffered in blocks of 512) and returns the report; it stops
// early, with ctx's error, when ctx is done (checked after every block and
// at the end), and at the stream's first error, which it returns with the
// report of the rows before it.
func (b *Bound[T]) ValidateSeq(ctx context.Context, seq iter.Seq2[T, error]) (*Report, error) {
	v := b.NewValidator()
	buf := make([]T, 0, blockRows)
	for r, err := range seq {
		if err != nil {
			v.Rows(buf)
			return v.Report(), err
		}
		buf = append(buf, r)
		if len(buf) == blockRows {
			v.Rows(buf)
			buf = buf[:0]
			if err := ctx.Err(); err != nil {
				return v.Report(), err
			}
		}
	}
	v.Rows(buf)
	return v.Report(), ctx.Err()
}

// ValidateRecords validates a stream of Arrow record batches, columns
// matched by name (see Validator.Record). It stops at the first error of
// the stream or of a schema, returning the report so far with it. It does
// not release the batches: the stream's owner does.
func (b *Bound[T]) ValidateRecords(ctx context.Context, batches iter.Seq2[arrow.RecordBatch, error]) (*Report, error) {
	v := b.NewValidator()
	for rec, err := range batches {
		if err == nil {
			err = ctx.Err()
		}
		if err == nil {
			err = v.Record(rec)
		}
		if err != nil {
			return v.Report(), err
		}
	}
	return v.Report(), nil
}
