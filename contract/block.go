package contract

import (
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/loomml/loom/internal/rowmap"
)

// The block evaluator: rows are validated blockRows at a time, field by
// field. Each field of a block is first gathered into a dense column (from
// []T through rowmap's Gather methods, or straight from the arrays of an
// Arrow record batch, see columnar.go), then each check runs as one tight
// loop over that column. Per check the rows are visited in order, so
// failure counts, examples, unique sets, monotonic state and sums come out
// exactly as a row-by-row pass would make them.

const blockRows = 512

// column is one field of a block: its values by kind and its nulls.
type column struct {
	nulls bool      // some row of the block may be null (null is valid)
	nullN int       // how many rows are null
	null  []bool    // per row
	x     []float64 // float fields (may alias an Arrow buffer)
	n     []int64   // int fields (may alias an Arrow buffer)
	s     []string  // text fields (may share Arrow memory)
	b     []bool
	t     []time.Time

	xbuf []float64 // owned storage behind x and n
	nbuf []int64
}

// setNull marks row r of a block of n rows null.
func (c *column) setNull(r, n int) {
	if !c.nulls {
		clear(c.null[:n])
		c.nulls, c.nullN = true, 0
	}
	if !c.null[r] {
		c.null[r] = true
		c.nullN++
	}
}

func (c *column) text(k rowmap.Kind, r int) string {
	if c.nulls && c.null[r] {
		return "null"
	}
	switch k {
	case rowmap.KindFloat:
		return fmtNum(c.x[r])
	case rowmap.KindInt:
		return strconv.FormatInt(c.n[r], 10)
	case rowmap.KindString:
		// Copied: the value may live in an Arrow buffer.
		return strings.Clone(rowmap.Clip(c.s[r], 256))
	case rowmap.KindBool:
		return strconv.FormatBool(c.b[r])
	}
	return c.t[r].Format(time.RFC3339Nano)
}

// blockState is the scratch space of a Validator's block evaluator.
type blockState struct {
	cols     []column
	bad      []bool     // row fails an error-severity check
	reasons  [][]Reason // per row, when collect
	collect  bool
	cloneKey bool // unique keys may live in Arrow memory: copy them
	// serving is set by CheckRows: only the rules CheckRow applies are
	// evaluated (bfield.serve), and no examples or statistics are kept.
	serving bool

	// Rows that could not be decoded from Arrow (see columnar.go).
	skipAny  bool
	skip     []bool
	skipNull []int // bound field whose not-null check the row fails, or -1
	scratch  []bool

	// Regular expression verdicts by rule index (nil for other rules),
	// valid for one call: they hold the values, which may be the caller's
	// or Arrow's memory.
	memos []*reMemo
}

// memo returns the verdict memo of regex rule ri.
func (bs *blockState) memo(ri int) *reMemo {
	m := bs.memos[ri]
	if m == nil {
		m = new(reMemo)
		bs.memos[ri] = m
	}
	return m
}

// memoSlots is the number of values a reMemo remembers.
const memoSlots = 64

// memoMaxLen is the longest value a reMemo remembers: longer texts (ids,
// free text) seldom repeat.
const memoMaxLen = 32

// reMemo remembers the verdicts of a regular expression on recent values,
// in a direct-mapped table keyed by a hash of the value. Text fields with
// a regex check mostly hold a few distinct values (codes, categories), and
// regexp costs some hundred nanoseconds per value where the table costs a
// few; the verdict of a value is the same however it is found.
type reMemo struct {
	val  [memoSlots]string
	ok   [memoSlots]bool
	used [memoSlots]bool
}

// match reports whether re matches s, looking s up first.
func (m *reMemo) match(re *regexp.Regexp, s string) bool {
	if len(s) > memoMaxLen {
		return re.MatchString(s)
	}
	h := uint32(2166136261) // FNV-1a
	for i := 0; i < len(s); i++ {
		h = (h ^ uint32(s[i])) * 16777619
	}
	slot := (h ^ h>>16) % memoSlots
	if m.used[slot] && m.val[slot] == s {
		return m.ok[slot]
	}
	ok := re.MatchString(s)
	m.val[slot], m.ok[slot], m.used[slot] = s, ok, true
	return ok
}

// reset forgets every value.
func (m *reMemo) reset() {
	clear(m.val[:])
	clear(m.used[:])
}

func (v *Validator[T]) initBlock() {
	bs := &v.bs
	if bs.bad != nil {
		return
	}
	bs.cols = make([]column, len(v.b.fields))
	for fi := range v.b.fields {
		c := &bs.cols[fi]
		c.null = make([]bool, blockRows)
		switch v.b.fields[fi].kind {
		case rowmap.KindFloat:
			c.xbuf = make([]float64, blockRows)
		case rowmap.KindInt:
			c.nbuf = make([]int64, blockRows)
		case rowmap.KindString:
			c.s = make([]string, blockRows)
		case rowmap.KindBool:
			c.b = make([]bool, blockRows)
		case rowmap.KindTime:
			c.t = make([]time.Time, blockRows)
		}
	}
	bs.bad = make([]bool, blockRows)
	bs.skip = make([]bool, blockRows)
	bs.skipNull = make([]int, blockRows)
	bs.scratch = make([]bool, blockRows)
	bs.memos = make([]*reMemo, len(v.b.rules))
}

// rowsBlocks validates rows in blocks. When each is not nil, reasons are
// collected (warnings included) and each is called for every row in order.
func (v *Validator[T]) rowsBlocks(rows []T, each func(p *T, row int64, ok bool, reasons []Reason)) {
	v.initBlock()
	bs := &v.bs
	bs.collect = each != nil
	if bs.collect && bs.reasons == nil {
		bs.reasons = make([][]Reason, blockRows)
	}
	for lo := 0; lo < len(rows); lo += blockRows {
		blk := rows[lo:min(lo+blockRows, len(rows))]
		v.gatherRows(blk)
		first := v.rows
		v.evalBlock(blk, len(blk))
		if each != nil {
			for r := range blk {
				each(&blk[r], first+int64(r), !bs.bad[r], bs.reasons[r])
			}
		}
	}
	bs.clearStrings()
	bs.collect = false
}

// clearStrings drops the block's strings, so that a Validator does not keep
// rows or Arrow buffers alive.
func (bs *blockState) clearStrings() {
	for i := range bs.cols {
		clear(bs.cols[i].s)
	}
	for _, m := range bs.memos {
		if m != nil {
			m.reset()
		}
	}
}

// gatherRows fills the block's columns from rows (at most blockRows).
func (v *Validator[T]) gatherRows(rows []T) {
	m := v.b.m
	for fi := range v.b.fields {
		f := &v.b.fields[fi]
		c := &v.bs.cols[fi]
		switch f.kind {
		case rowmap.KindFloat:
			c.x = c.xbuf[:len(rows)]
			c.nullN = m.GatherFloat(rows, f.idx, c.x, c.null)
		case rowmap.KindInt:
			c.n = c.nbuf[:len(rows)]
			c.nullN = m.GatherInt(rows, f.idx, c.n, c.null)
		case rowmap.KindString:
			c.nullN = m.GatherStr(rows, f.idx, c.s, c.null)
		case rowmap.KindBool:
			c.nullN = m.GatherBool(rows, f.idx, c.b, c.null)
		case rowmap.KindTime:
			c.nullN = m.GatherTime(rows, f.idx, c.t, c.null)
		}
		c.nulls = c.nullN > 0
	}
	v.bs.skipAny = false
}

// evalBlock applies every check to the n gathered rows of the block,
// numbered from v.rows; rows is the block's []T, or nil when it came from
// Arrow (then no check is custom).
func (v *Validator[T]) evalBlock(rows []T, n int) {
	bs := &v.bs
	clear(bs.bad[:n])
	if bs.collect {
		for r := range n {
			bs.reasons[r] = bs.reasons[r][:0]
		}
	}
	if bs.skipAny {
		for r, s := range bs.skip[:n] {
			if s {
				bs.bad[r] = true
			}
		}
	}
	first := v.rows
	for fi := range v.b.fields {
		f := &v.b.fields[fi]
		c := &bs.cols[fi]
		if c.nulls && f.notNull >= 0 {
			for r, isNull := range c.null[:n] {
				if isNull && (!bs.skipAny || !bs.skip[r] || bs.skipNull[r] == fi) {
					v.failAt(f.notNull, first, r, f, c)
				}
			}
		}
		rules := f.rules
		if bs.serving {
			rules = f.serve
		}
		switch f.kind {
		case rowmap.KindFloat:
			v.evalFloat(fi, f, rules, c, rows, n, first)
		case rowmap.KindInt:
			v.evalInt(fi, f, rules, c, rows, n, first)
		case rowmap.KindString:
			v.evalStr(fi, f, rules, c, rows, n, first)
		default:
			v.evalOther(fi, f, rules, c, rows, n, first)
		}
	}
	rej := int64(0)
	for _, b := range bs.bad[:n] {
		if b {
			rej++
		}
	}
	v.rows += int64(n)
	v.rejected += rej
}

// present counts the non-null rows of c.
func present(c *column, n int) int64 {
	if !c.nulls {
		return int64(n)
	}
	return int64(n - c.nullN)
}

// failAt records that row r of the block (number first+r) fails rule ri of
// field f.
func (v *Validator[T]) failAt(ri int, first int64, r int, f *bfield, c *column) {
	v.failed[ri]++
	rl := &v.b.rules[ri]
	bs := &v.bs
	if rl.sev == Error {
		bs.bad[r] = true
	}
	keep := !bs.serving && len(v.examples[ri]) < v.b.examples
	if !keep && !bs.collect {
		return
	}
	txt := c.text(f.kind, r)
	if keep {
		v.examples[ri] = append(v.examples[ri], Failure{Row: first + int64(r), Value: txt})
	}
	if bs.collect {
		bs.reasons[r] = append(bs.reasons[r], Reason{Field: f.name, Check: rl.desc, Value: txt, Severity: rl.sev})
	}
}

// stats adds the present values of a numeric column to the field's sums.
func (v *Validator[T]) stats(fi int, c *column, xs []float64) {
	cnt := v.nonNull[fi]
	shift, sum, sumSq := v.shift[fi], v.sum[fi], v.sumSq[fi]
	for r, x := range xs {
		if c.nulls && c.null[r] {
			continue
		}
		if cnt == 0 {
			shift = x
		}
		cnt++
		d := x - shift
		sum += d
		sumSq += d * d
	}
	v.shift[fi], v.sum[fi], v.sumSq[fi] = shift, sum, sumSq
}

func (v *Validator[T]) statsInt(fi int, c *column, ns []int64) {
	cnt := v.nonNull[fi]
	shift, sum, sumSq := v.shift[fi], v.sum[fi], v.sumSq[fi]
	for r, n := range ns {
		if c.nulls && c.null[r] {
			continue
		}
		x := float64(n)
		if cnt == 0 {
			shift = x
		}
		cnt++
		d := x - shift
		sum += d
		sumSq += d * d
	}
	v.shift[fi], v.sum[fi], v.sumSq[fi] = shift, sum, sumSq
}

func (v *Validator[T]) evalFloat(fi int, f *bfield, rules []int, c *column, rows []T, n int, first int64) {
	xs := c.x[:n]
	if f.stats && !v.bs.serving {
		v.stats(fi, c, xs)
	}
	v.nonNull[fi] += present(c, n)
	null := c.null[:n]
	for k := 0; k < len(rules); k++ {
		ri := rules[k]
		r := &v.b.rules[ri]
		if k+1 < len(rules) && r.kind == rRange && v.b.rules[rules[k+1]].kind == rRange {
			// Two ranges in one pass.
			rj := rules[k+1]
			a, b := r, &v.b.rules[rj]
			for i, x := range xs {
				p1 := a.inRange(x)
				p2 := b.inRange(x)
				if !(p1 && p2) && !(c.nulls && null[i]) {
					if !p1 {
						v.failAt(ri, first, i, f, c)
					}
					if !p2 {
						v.failAt(rj, first, i, f, c)
					}
				}
			}
			k++
			continue
		}
		switch r.kind {
		case rRange:
			lo, hi := r.lo, r.hi
			if !r.loEx && !r.hiEx {
				for i, x := range xs {
					if !(x >= lo && x <= hi) && !(c.nulls && null[i]) {
						v.failAt(ri, first, i, f, c)
					}
				}
				continue
			}
			for i, x := range xs {
				if !r.inRange(x) && !(c.nulls && null[i]) {
					v.failAt(ri, first, i, f, c)
				}
			}
		default:
			for i, x := range xs {
				if c.nulls && null[i] {
					continue
				}
				if !v.passState(ri, r, f, &value{x: x}, rows, i) {
					v.failAt(ri, first, i, f, c)
				}
			}
		}
	}
}

func (v *Validator[T]) evalInt(fi int, f *bfield, rules []int, c *column, rows []T, n int, first int64) {
	ns := c.n[:n]
	if f.stats && !v.bs.serving {
		v.statsInt(fi, c, ns)
	}
	v.nonNull[fi] += present(c, n)
	null := c.null[:n]
	for _, ri := range rules {
		r := &v.b.rules[ri]
		switch r.kind {
		case rRange:
			for i, k := range ns {
				if !r.inRange(float64(k)) && !(c.nulls && null[i]) {
					v.failAt(ri, first, i, f, c)
				}
			}
		case rSet:
			set := &r.iset
			for i, k := range ns {
				if !set.has(k) && !(c.nulls && null[i]) {
					v.failAt(ri, first, i, f, c)
				}
			}
		default:
			for i, k := range ns {
				if c.nulls && null[i] {
					continue
				}
				if !v.passState(ri, r, f, &value{x: float64(k), n: k}, rows, i) {
					v.failAt(ri, first, i, f, c)
				}
			}
		}
	}
}

func (v *Validator[T]) evalStr(fi int, f *bfield, rules []int, c *column, rows []T, n int, first int64) {
	ss := c.s[:n]
	v.nonNull[fi] += present(c, n)
	null := c.null[:n]
	for _, ri := range rules {
		r := &v.b.rules[ri]
		switch r.kind {
		case rSet:
			set := &r.sset
			for i, s := range ss {
				if !set.has(s) && !(c.nulls && null[i]) {
					v.failAt(ri, first, i, f, c)
				}
			}
		case rLength:
			lo, hi := r.minLen, r.maxLen
			for i, s := range ss {
				if (len(s) < lo || hi >= 0 && len(s) > hi) && !(c.nulls && null[i]) {
					v.failAt(ri, first, i, f, c)
				}
			}
		case rRegex:
			memo := v.bs.memo(ri)
			for i, s := range ss {
				if !(c.nulls && null[i]) && !memo.match(r.re, s) {
					v.failAt(ri, first, i, f, c)
				}
			}
		default:
			for i, s := range ss {
				if c.nulls && null[i] {
					continue
				}
				if !v.passState(ri, r, f, &value{s: s}, rows, i) {
					v.failAt(ri, first, i, f, c)
				}
			}
		}
	}
}

// evalOther evaluates the checks of a bool or time field.
func (v *Validator[T]) evalOther(fi int, f *bfield, rules []int, c *column, rows []T, n int, first int64) {
	v.nonNull[fi] += present(c, n)
	if f.newest && !v.bs.serving {
		nw := v.newest[fi]
		for i, t := range c.t[:n] {
			if !(c.nulls && c.null[i]) && t.After(nw) {
				nw = t
			}
		}
		v.newest[fi] = nw
	}
	for _, ri := range rules {
		r := &v.b.rules[ri]
		for i := range n {
			if c.nulls && c.null[i] {
				continue
			}
			var val value
			if f.kind == rowmap.KindBool {
				val.b = c.b[i]
			} else {
				val.t = c.t[i]
				val.x = float64(val.t.UnixNano())
			}
			var pass bool
			if r.kind == rSet {
				pass = r.bools[b2i(val.b)]
			} else {
				pass = v.passState(ri, r, f, &val, rows, i)
			}
			if !pass {
				v.failAt(ri, first, i, f, c)
			}
		}
	}
}

// passState evaluates a unique, monotonic or custom rule on one value of
// row i of the block.
func (v *Validator[T]) passState(ri int, r *rule[T], f *bfield, val *value, rows []T, i int) bool {
	switch r.kind {
	case rUnique:
		return v.unique(ri, f, val)
	case rMonotonic:
		pass := !v.hasPrev[ri] || val.x > v.prev[ri] || (!r.strict && val.x == v.prev[ri])
		v.prev[ri], v.hasPrev[ri] = val.x, true
		return pass
	case rCustom:
		return r.pred(&rows[i])
	}
	panic("contract: internal error: rule kind " + strconv.Itoa(int(r.kind)) + " on field " + f.name)
}
