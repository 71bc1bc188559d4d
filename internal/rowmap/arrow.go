package rowmap

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// Plan decodes Arrow record batches of one schema into []T by column name.
// Build it with Map.Plan; it is immutable and safe for concurrent use.
type Plan[T any] struct {
	m      *Map[T]
	cols   []int // column of each field in the schema, -1 when absent
	schema *arrow.Schema
}

// Plan matches the fields of T to the columns of schema by name and checks
// that each column's Arrow type can fill its field: integer and floating
// columns fill float fields, integer columns fill int fields, string, large
// string, string view and dictionary-of-string columns fill string fields,
// boolean columns bool fields, and timestamp, date32 and date64 columns
// time fields. Extra columns are ignored; a column missing for a nullable
// field leaves the field null; a column missing for a non-nullable field is
// ErrMissingColumn. All problems are *Error values (Row -1) joined with
// errors.Join.
func (m *Map[T]) Plan(schema *arrow.Schema) (*Plan[T], error) {
	pl := &Plan[T]{m: m, cols: make([]int, len(m.fields)), schema: schema}
	var errs []error
	for i := range m.fields {
		f := &m.fields[i]
		idx := schema.FieldIndices(f.Name)
		if len(idx) == 0 {
			pl.cols[i] = -1
			if f.nl == nNone {
				errs = append(errs, &Error{Row: -1, Column: f.Name, Err: ErrMissingColumn})
			}
			continue
		}
		pl.cols[i] = idx[0]
		dt := schema.Field(idx[0]).Type
		if !fits(f.Kind, dt) {
			errs = append(errs, &Error{Row: -1, Column: f.Name, Value: dt.String(),
				Err: fmt.Errorf("%w: Arrow type %s cannot fill %s field %s", ErrType, dt, f.Type, f.GoName)})
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return pl, nil
}

// Schema returns the schema the plan was built for.
func (pl *Plan[T]) Schema() *arrow.Schema { return pl.schema }

func isInteger(id arrow.Type) bool {
	switch id {
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64, arrow.UINT8, arrow.UINT16, arrow.UINT32, arrow.UINT64:
		return true
	}
	return false
}

func fits(k Kind, dt arrow.DataType) bool {
	id := dt.ID()
	switch k {
	case KindFloat:
		return isInteger(id) || id == arrow.FLOAT32 || id == arrow.FLOAT64
	case KindInt:
		return isInteger(id)
	case KindBool:
		return id == arrow.BOOL
	case KindTime:
		return id == arrow.TIMESTAMP || id == arrow.DATE32 || id == arrow.DATE64
	case KindString:
		switch id {
		case arrow.STRING, arrow.LARGE_STRING, arrow.STRING_VIEW:
			return true
		case arrow.DICTIONARY:
			return fits(KindString, dt.(*arrow.DictionaryType).ValueType)
		}
	}
	return false
}

// Decode appends the rows of rec to dst and returns the extended slice.
// firstRow is the number of rec's first row in the whole input, used in
// errors. rec must have the plan's schema (the same column names and types
// at the same positions); Decode does not retain rec.
//
// When a value cannot be decoded (a null in a non-nullable field, an
// integer out of its field's range), the returned slice holds every row
// before the first bad one and the error is an *Error naming that row
// (firstRow + its index), the column and the raw value; the caller may
// resume after it with rec.NewSlice.
//
// Every column read is checked first (see ErrInvalidArray): when one is
// damaged, dst is returned unchanged with an *Error whose Row is -1, naming
// the column; the batch cannot be resumed.
func (pl *Plan[T]) Decode(dst []T, rec arrow.RecordBatch, firstRow int64) ([]T, error) {
	n := int(rec.NumRows())
	for i, c := range pl.cols {
		if c < 0 {
			continue
		}
		col := rec.Column(c)
		err := checkArray(col)
		if err == nil && col.Len() < n {
			err = fmt.Errorf("%d values in a batch of %d rows", col.Len(), n)
		}
		if err != nil {
			return dst, &Error{Row: -1, Column: pl.m.fields[i].Name,
				Err: fmt.Errorf("%w: rows %d to %d: %v", ErrInvalidArray, firstRow, firstRow+int64(n)-1, err)}
		}
	}
	old := len(dst)
	dst = slices.Grow(dst, n)[:old+n]
	clear(dst[old:])
	if n == 0 {
		return dst, nil
	}
	base := unsafe.Pointer(&dst[old])
	size := unsafe.Sizeof(dst[0])
	limit := n
	var first *Error
	var arena Arena
	for i, c := range pl.cols {
		if c < 0 {
			continue
		}
		f := &pl.m.fields[i]
		col := rec.Column(c)
		ok, bad, err := fastColumn(f, col, base, size, limit)
		if !ok {
			bad, err = decodeColumn(f, col, base, size, limit, &arena)
		}
		if err != nil && bad < limit {
			limit = bad
			first = &Error{Row: firstRow + int64(bad), Column: f.Name, Value: valueStr(col, bad), Err: err}
		}
	}
	if first != nil {
		clear(dst[old+limit:])
		return dst[:old+limit], first
	}
	return dst, nil
}

func valueStr(col arrow.Array, i int) string {
	if col.IsNull(i) {
		return "null"
	}
	return col.ValueStr(i)
}

// decodeColumn fills field f of rows [0, limit) from col. It returns the
// first row it could not decode and why.
func decodeColumn(f *Field, col arrow.Array, base unsafe.Pointer, size uintptr, limit int, a *Arena) (int, error) {
	switch c := col.(type) {
	case *array.Float64:
		return numCol(f, c, c.Float64Values(), base, size, limit, a)
	case *array.Float32:
		return numCol(f, c, c.Float32Values(), base, size, limit, a)
	case *array.Int64:
		return numCol(f, c, c.Int64Values(), base, size, limit, a)
	case *array.Int32:
		return numCol(f, c, c.Int32Values(), base, size, limit, a)
	case *array.Int16:
		return numCol(f, c, c.Int16Values(), base, size, limit, a)
	case *array.Int8:
		return numCol(f, c, c.Int8Values(), base, size, limit, a)
	case *array.Uint64:
		return numCol(f, c, c.Uint64Values(), base, size, limit, a)
	case *array.Uint32:
		return numCol(f, c, c.Uint32Values(), base, size, limit, a)
	case *array.Uint16:
		return numCol(f, c, c.Uint16Values(), base, size, limit, a)
	case *array.Uint8:
		return numCol(f, c, c.Uint8Values(), base, size, limit, a)
	case *array.Boolean:
		return eachCol(f, c, base, size, limit, func(p unsafe.Pointer, r int) error {
			setBool(f, p, c.Value(r), a)
			return nil
		})
	case *array.Timestamp:
		unit := c.DataType().(*arrow.TimestampType).Unit
		vals := c.TimestampValues()
		return eachCol(f, c, base, size, limit, func(p unsafe.Pointer, r int) error {
			setTime(f, p, vals[r].ToTime(unit), a)
			return nil
		})
	case *array.Date32:
		vals := c.Date32Values()
		return eachCol(f, c, base, size, limit, func(p unsafe.Pointer, r int) error {
			setTime(f, p, vals[r].ToTime(), a)
			return nil
		})
	case *array.Date64:
		vals := c.Date64Values()
		return eachCol(f, c, base, size, limit, func(p unsafe.Pointer, r int) error {
			setTime(f, p, vals[r].ToTime(), a)
			return nil
		})
	case *array.String:
		// One copy of the column's bytes, shared by its rows.
		s := string(c.ValueBytes())
		offs := c.ValueOffsets()
		o0 := offs[0]
		return eachCol(f, c, base, size, limit, func(p unsafe.Pointer, r int) error {
			setStr(f, p, s[offs[r]-o0:offs[r+1]-o0], a)
			return nil
		})
	case *array.LargeString:
		s := string(c.ValueBytes())
		offs := c.ValueOffsets()
		o0 := offs[0]
		return eachCol(f, c, base, size, limit, func(p unsafe.Pointer, r int) error {
			setStr(f, p, s[offs[r]-o0:offs[r+1]-o0], a)
			return nil
		})
	case *array.StringView:
		return eachCol(f, c, base, size, limit, func(p unsafe.Pointer, r int) error {
			setStr(f, p, strings.Clone(c.Value(r)), a)
			return nil
		})
	case *array.Dictionary:
		dict := c.Dictionary()
		words := make([]string, dict.Len())
		for k := range words {
			if !dict.IsNull(k) {
				words[k] = strings.Clone(dict.ValueStr(k))
			}
		}
		return eachCol(f, c, base, size, limit, func(p unsafe.Pointer, r int) error {
			k := c.GetValueIndex(r)
			if dict.IsNull(k) {
				if f.nl == nNone {
					return ErrNull
				}
				setNull(f, p)
				return nil
			}
			setStr(f, p, words[k], a)
			return nil
		})
	}
	return 0, fmt.Errorf("%w: unsupported Arrow type %s", ErrType, col.DataType())
}

// eachCol calls set for every non-null row below limit and handles nulls.
func eachCol(f *Field, col arrow.Array, base unsafe.Pointer, size uintptr, limit int, set func(p unsafe.Pointer, r int) error) (int, error) {
	nulls := col.NullN() > 0
	for r := range limit {
		p := unsafe.Add(base, uintptr(r)*size)
		if nulls && col.IsNull(r) {
			if f.nl == nNone {
				return r, ErrNull
			}
			continue // rows start zeroed: nil pointer, Valid false
		}
		if err := set(p, r); err != nil {
			return r, err
		}
	}
	return limit, nil
}

type number interface {
	~int8 | ~int16 | ~int32 | ~int64 | ~uint8 | ~uint16 | ~uint32 | ~uint64 | ~float32 | ~float64
}

func numCol[V number](f *Field, col arrow.Array, vals []V, base unsafe.Pointer, size uintptr, limit int, a *Arena) (int, error) {
	nulls := col.NullN() > 0
	var isFloat, isU64 bool
	switch any(vals).(type) {
	case []float64, []float32:
		isFloat = true
	case []uint64:
		isU64 = true
	}
	// Fast paths: plain float64 / int64 fields with no nulls.
	if !nulls && f.nl == nNone {
		switch {
		case f.st == sFloat64:
			for r := range limit {
				*(*float64)(unsafe.Add(base, uintptr(r)*size+f.off)) = float64(vals[r])
			}
			return limit, nil
		case (f.st == sInt64 || f.st == sInt) && !isFloat && !isU64:
			for r := range limit {
				*(*int64)(unsafe.Add(base, uintptr(r)*size+f.off)) = int64(vals[r])
			}
			return limit, nil
		}
	}
	for r := range limit {
		p := unsafe.Add(base, uintptr(r)*size)
		if nulls && col.IsNull(r) {
			if f.nl == nNone {
				return r, ErrNull
			}
			continue
		}
		v := vals[r]
		var err error
		switch {
		case f.Kind == KindFloat:
			err = setFloat(f, p, float64(v), a)
		case isFloat:
			x := float64(v)
			if x != math.Trunc(x) {
				err = fmt.Errorf("%w: want an integer, got a fraction", ErrType)
			} else if x < -(1<<63) || x >= 1<<63 {
				err = ErrRange
			} else {
				err = setInt(f, p, int64(x), a)
			}
		case isU64 && uint64(v) > math.MaxInt64:
			err = ErrRange
		default:
			err = setInt(f, p, int64(v), a)
		}
		if err != nil {
			return r, err
		}
	}
	return limit, nil
}
