package contract

import (
	"math"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/loomml/loom/internal/rowmap"
)

// Columnar validation of Arrow record batches: checks run on the arrays
// themselves, block by block, without decoding rows into T. The result is
// the Report that decoding into T and validating the rows would give:
// values are converted as decoding would convert them (an int column into
// a float field, rounding into a float32 field), and a row that decoding
// would reject (a null in a non-pointer field, a value out of its Go
// type's range) is rejected the same way, counting against the field's
// not-null check when the value is null and the field is not nullable.

// arrowCols is the column of each field for one schema.
type arrowCols struct {
	schema *arrow.Schema
	bound  []int // per bound field: column index, -1 when absent
	tcols  []int // per rowmap field of T: column index, -1 when absent
	byName []int // per rowmap field of T: bound field index, -1 when the contract lacks it
	words  [][]string
	wnull  [][]bool
}

func (v *Validator[T]) arrowCols(schema *arrow.Schema) *arrowCols {
	if ac := v.ac; ac != nil && (ac.schema == schema || ac.schema.Equal(schema)) {
		return ac
	}
	tf := v.b.m.Fields()
	ac := &arrowCols{schema: schema, bound: make([]int, len(v.b.fields)), tcols: make([]int, len(tf)), byName: make([]int, len(tf)),
		words: make([][]string, len(v.b.fields)), wnull: make([][]bool, len(v.b.fields))}
	col := func(name string) int {
		if idx := schema.FieldIndices(name); len(idx) > 0 {
			return idx[0]
		}
		return -1
	}
	for fi := range v.b.fields {
		ac.bound[fi] = col(v.b.fields[fi].name)
	}
	for ti := range tf {
		ac.tcols[ti] = col(tf[ti].Name)
		ac.byName[ti] = v.b.fieldIndex(tf[ti].Name)
	}
	v.ac = ac
	return ac
}

// recordColumnar validates rec by columns; its schema fits T (v.plan).
func (v *Validator[T]) recordColumnar(rec arrow.RecordBatch) {
	v.initBlock()
	ac := v.arrowCols(rec.Schema())
	v.bs.cloneKey = true
	defer func() { v.bs.cloneKey = false }()
	for fi, c := range ac.bound {
		ac.words[fi] = ac.words[fi][:0]
		if c >= 0 {
			if d, ok := rec.Column(c).(*array.Dictionary); ok {
				ac.words[fi], ac.wnull[fi] = dictWords(d.Dictionary(), ac.words[fi][:0], ac.wnull[fi][:0])
			}
		}
	}
	n := int(rec.NumRows())
	for lo := 0; lo < n; lo += blockRows {
		hi := min(lo+blockRows, n)
		v.scanUndecodable(rec, ac, lo, hi)
		for fi := range v.b.fields {
			var col arrow.Array
			if c := ac.bound[fi]; c >= 0 {
				col = rec.Column(c)
			}
			v.gatherArrow(fi, col, ac, lo, hi)
		}
		if v.bs.skipAny {
			for fi := range v.bs.cols {
				c := &v.bs.cols[fi]
				for r, s := range v.bs.skip[:hi-lo] {
					if s {
						c.setNull(r, hi-lo)
					}
				}
			}
		}
		v.evalBlock(nil, hi-lo)
	}
	v.bs.clearStrings()
	for fi := range ac.words {
		clear(ac.words[fi])
	}
}

func dictWords(d arrow.Array, words []string, null []bool) ([]string, []bool) {
	for k := range d.Len() {
		var w string
		isNull := d.IsNull(k)
		if !isNull {
			switch a := d.(type) {
			case *array.String:
				w = a.Value(k)
			case *array.LargeString:
				w = a.Value(k)
			case *array.StringView:
				w = a.Value(k)
			default:
				w = d.ValueStr(k)
			}
		}
		words = append(words, w)
		null = append(null, isNull)
	}
	return words, null
}

// nullsOf sets null[r] to whether row lo+r of col is null, reading the
// validity bitmap directly, and returns how many are.
func nullsOf(col arrow.Array, lo int, null []bool) int {
	bm := col.NullBitmapBytes()
	if len(bm) == 0 {
		k := 0
		for r := range null {
			null[r] = col.IsNull(lo + r)
			if null[r] {
				k++
			}
		}
		return k
	}
	off := col.Data().Offset() + lo
	bm = bm[:(off+len(null)+7)/8]
	k := 0
	for r := range null {
		i := off + r
		isNull := bm[i>>3]>>(i&7)&1 == 0
		null[r] = isNull
		if isNull {
			k++
		}
	}
	return k
}

// scanUndecodable marks the rows in [lo, hi) that decoding into T would
// reject, each by the first field of T (in struct order) that rejects it.
func (v *Validator[T]) scanUndecodable(rec arrow.RecordBatch, ac *arrowCols, lo, hi int) {
	bs := &v.bs
	n := hi - lo
	bs.skipAny = false
	mark := func(ti, r int, isNull bool) {
		if !bs.skipAny {
			clear(bs.skip[:n])
			bs.skipAny = true
		}
		if bs.skip[r] {
			return
		}
		bs.skip[r] = true
		bs.skipNull[r] = -1
		if fi := ac.byName[ti]; isNull && fi >= 0 && v.b.fields[fi].notNull >= 0 {
			bs.skipNull[r] = fi
		}
	}
	tfs := v.b.m.Fields()
	for ti := range tfs {
		c := ac.tcols[ti]
		if c < 0 {
			continue
		}
		tf := &tfs[ti]
		col := rec.Column(c)
		if !tf.Nullable && col.NullN() > 0 && nullsOf(col, lo, bs.scratch[:n]) > 0 {
			for r, isNull := range bs.scratch[:n] {
				if isNull {
					mark(ti, r, true)
				}
			}
		}
		switch a := col.(type) {
		case *array.Dictionary:
			if tf.Nullable || a.Dictionary().NullN() == 0 {
				continue
			}
			d := a.Dictionary()
			for r := range n {
				if !a.IsNull(lo+r) && d.IsNull(a.GetValueIndex(lo+r)) {
					mark(ti, r, false)
				}
			}
		case *array.Float64:
			if tf.Kind == rowmap.KindFloat && tf.IsFloat32() {
				for r, x := range a.Float64Values()[lo:hi] {
					if math.Abs(x) > math.MaxFloat32 && !math.IsInf(x, 0) && !a.IsNull(lo+r) {
						mark(ti, r, false)
					}
				}
			}
		case *array.Int64:
			scanInts(tf, a, a.Int64Values()[lo:hi], lo, ti, mark)
		case *array.Int32:
			scanInts(tf, a, a.Int32Values()[lo:hi], lo, ti, mark)
		case *array.Int16:
			scanInts(tf, a, a.Int16Values()[lo:hi], lo, ti, mark)
		case *array.Int8:
			scanInts(tf, a, a.Int8Values()[lo:hi], lo, ti, mark)
		case *array.Uint64:
			scanInts(tf, a, a.Uint64Values()[lo:hi], lo, ti, mark)
		case *array.Uint32:
			scanInts(tf, a, a.Uint32Values()[lo:hi], lo, ti, mark)
		case *array.Uint16:
			scanInts(tf, a, a.Uint16Values()[lo:hi], lo, ti, mark)
		case *array.Uint8:
			scanInts(tf, a, a.Uint8Values()[lo:hi], lo, ti, mark)
		}
	}
}

type integer interface {
	~int8 | ~int16 | ~int32 | ~int64 | ~uint8 | ~uint16 | ~uint32 | ~uint64
}

// scanInts marks the values of an integer column that do not fit int field
// tf (a float field takes every integer).
func scanInts[V integer](tf *rowmap.Field, col arrow.Array, vals []V, lo, ti int, mark func(ti, r int, isNull bool)) {
	if tf.Kind != rowmap.KindInt {
		return
	}
	mn, mx := tf.IntBounds()
	for r, k := range vals {
		var bad bool
		if k < 0 {
			bad = int64(k) < mn
		} else {
			bad = uint64(k) > uint64(mx)
		}
		if bad && !col.IsNull(lo+r) {
			mark(ti, r, false)
		}
	}
}

type number interface {
	integer | ~float32 | ~float64
}

func toFloats[V number](dst []float64, vals []V, f32 bool) []float64 {
	dst = dst[:len(vals)]
	for r, x := range vals {
		dst[r] = float64(x)
	}
	if f32 {
		for r, x := range dst {
			dst[r] = float64(float32(x))
		}
	}
	return dst
}

func toInts[V integer](dst []int64, vals []V) []int64 {
	dst = dst[:len(vals)]
	for r, k := range vals {
		dst[r] = int64(k)
	}
	return dst
}

// gatherArrow fills column fi of the block with rows [lo, hi) of col (nil
// when the batch has no such column: every value is null).
func (v *Validator[T]) gatherArrow(fi int, col arrow.Array, ac *arrowCols, lo, hi int) {
	f := &v.b.fields[fi]
	c := &v.bs.cols[fi]
	n := hi - lo
	c.nulls, c.nullN = false, 0
	switch f.kind {
	case rowmap.KindFloat:
		c.x = c.xbuf[:n]
	case rowmap.KindInt:
		c.n = c.nbuf[:n]
	}
	if col == nil {
		for r := range n {
			c.setNull(r, n)
		}
		return
	}
	if col.NullN() > 0 {
		c.nulls, c.nullN = true, nullsOf(col, lo, c.null[:n])
	}
	tf := v.b.m.Field(f.idx)
	switch f.kind {
	case rowmap.KindFloat:
		f32 := tf.IsFloat32()
		switch a := col.(type) {
		case *array.Float64:
			if f32 {
				c.x = toFloats(c.xbuf, a.Float64Values()[lo:hi], true)
			} else {
				c.x = a.Float64Values()[lo:hi]
			}
		case *array.Float32:
			c.x = toFloats(c.xbuf, a.Float32Values()[lo:hi], false)
		case *array.Int64:
			c.x = toFloats(c.xbuf, a.Int64Values()[lo:hi], f32)
		case *array.Int32:
			c.x = toFloats(c.xbuf, a.Int32Values()[lo:hi], f32)
		case *array.Int16:
			c.x = toFloats(c.xbuf, a.Int16Values()[lo:hi], f32)
		case *array.Int8:
			c.x = toFloats(c.xbuf, a.Int8Values()[lo:hi], f32)
		case *array.Uint64:
			c.x = toFloats(c.xbuf, a.Uint64Values()[lo:hi], f32)
		case *array.Uint32:
			c.x = toFloats(c.xbuf, a.Uint32Values()[lo:hi], f32)
		case *array.Uint16:
			c.x = toFloats(c.xbuf, a.Uint16Values()[lo:hi], f32)
		case *array.Uint8:
			c.x = toFloats(c.xbuf, a.Uint8Values()[lo:hi], f32)
		default:
			panicType(f, col)
		}
	case rowmap.KindInt:
		switch a := col.(type) {
		case *array.Int64:
			c.n = a.Int64Values()[lo:hi]
		case *array.Int32:
			c.n = toInts(c.nbuf, a.Int32Values()[lo:hi])
		case *array.Int16:
			c.n = toInts(c.nbuf, a.Int16Values()[lo:hi])
		case *array.Int8:
			c.n = toInts(c.nbuf, a.Int8Values()[lo:hi])
		case *array.Uint64:
			c.n = toInts(c.nbuf, a.Uint64Values()[lo:hi])
		case *array.Uint32:
			c.n = toInts(c.nbuf, a.Uint32Values()[lo:hi])
		case *array.Uint16:
			c.n = toInts(c.nbuf, a.Uint16Values()[lo:hi])
		case *array.Uint8:
			c.n = toInts(c.nbuf, a.Uint8Values()[lo:hi])
		default:
			panicType(f, col)
		}
	case rowmap.KindString:
		ss := c.s[:n]
		switch a := col.(type) {
		case *array.String:
			offs := a.ValueOffsets()
			vb := a.ValueBytes()
			s := unsafe.String(unsafe.SliceData(vb), len(vb))
			o0 := offs[0]
			for r := range ss {
				ss[r] = s[offs[lo+r]-o0 : offs[lo+r+1]-o0]
			}
		case *array.LargeString:
			for r := range ss {
				ss[r] = a.Value(lo + r)
			}
		case *array.StringView:
			for r := range ss {
				ss[r] = a.Value(lo + r)
			}
		case *array.Dictionary:
			words, wnull := ac.words[fi], ac.wnull[fi]
			for r := range ss {
				if c.nulls && c.null[r] {
					ss[r] = ""
					continue
				}
				k := a.GetValueIndex(lo + r)
				ss[r] = words[k]
				if wnull[k] {
					c.setNull(r, n)
				}
			}
		default:
			panicType(f, col)
		}
		if c.nulls {
			for r := range ss {
				if c.null[r] {
					ss[r] = ""
				}
			}
		}
	case rowmap.KindBool:
		a, ok := col.(*array.Boolean)
		if !ok {
			panicType(f, col)
		}
		for r := range c.b[:n] {
			c.b[r] = a.Value(lo + r)
		}
	case rowmap.KindTime:
		ts := c.t[:n]
		switch a := col.(type) {
		case *array.Timestamp:
			unit := a.DataType().(*arrow.TimestampType).Unit
			for r, t := range a.TimestampValues()[lo:hi] {
				ts[r] = t.ToTime(unit)
			}
		case *array.Date32:
			for r, d := range a.Date32Values()[lo:hi] {
				ts[r] = d.ToTime()
			}
		case *array.Date64:
			for r, d := range a.Date64Values()[lo:hi] {
				ts[r] = d.ToTime()
			}
		default:
			panicType(f, col)
		}
	}
}

// panicType reports a column type that rowmap.Map.Plan accepted but the
// columnar path does not read: an internal inconsistency.
func panicType(f *bfield, col arrow.Array) {
	panic("contract: internal error: no columnar reader for Arrow type " + col.DataType().String() + " of field " + f.name)
}
