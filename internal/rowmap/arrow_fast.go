package rowmap

import (
	"strconv"
	"time"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
)

// fastColumn decodes the common column/field pairings a whole column at a
// time: float64 and int64 columns into float64 and int64 fields, string
// columns into string fields, boolean and timestamp columns into bool and
// time fields, each with any of the three null representations. Pointer
// fields get their pointees from one slab per column per batch. It reports
// false when the pairing is not one of these, leaving it to decodeColumn.
func fastColumn(f *Field, col arrow.Array, base unsafe.Pointer, size uintptr, limit int) (bool, int, error) {
	switch c := col.(type) {
	case *array.Float64:
		if f.st == sFloat64 {
			bad, err := putCol(f, col, c.Float64Values(), base, size, limit)
			return true, bad, err
		}
	case *array.Int64:
		if f.st == sInt64 || (f.st == sInt && strconv.IntSize == 64) {
			bad, err := putCol(f, col, c.Int64Values(), base, size, limit)
			return true, bad, err
		}
	case *array.String:
		if f.st == sString {
			bad, err := strCol(f, c, base, size, limit)
			return true, bad, err
		}
	case *array.Boolean:
		if f.st == sBool {
			bad, err := putFunc(f, col, c.Value, base, size, limit)
			return true, bad, err
		}
	case *array.Timestamp:
		if f.st == sTime {
			unit := c.DataType().(*arrow.TimestampType).Unit
			vals := c.TimestampValues()
			bad, err := putFunc(f, col, func(r int) time.Time { return vals[r].ToTime(unit) }, base, size, limit)
			return true, bad, err
		}
	}
	return false, 0, nil
}

// validCount returns the number of non-null values among the first n of
// col, counted in the validity bitmap (the null count a file states is not
// trusted to size the slab the bitmap then fills).
func validCount(col arrow.Array, n int) int {
	if col.NullN() == 0 {
		return n
	}
	return bitutil.CountSetBits(col.NullBitmapBytes(), col.Data().Offset(), n)
}

// validity returns whether col has nulls, and its validity bitmap and bit
// offset.
func validity(col arrow.Array) (bool, []byte, int) {
	if col.NullN() == 0 {
		return false, nil, 0
	}
	return true, col.NullBitmapBytes(), col.Data().Offset()
}

// putCol stores vals[r] in field f of rows [0, limit), whose Go storage is
// exactly V.
func putCol[V any](f *Field, col arrow.Array, vals []V, base unsafe.Pointer, size uintptr, limit int) (int, error) {
	vals = vals[:limit]
	nulls, bm, bo := validity(col)
	off := f.off
	switch f.nl {
	case nNone:
		for r, v := range vals {
			if nulls && !bitutil.BitIsSet(bm, bo+r) {
				return r, ErrNull
			}
			*(*V)(unsafe.Add(base, uintptr(r)*size+off)) = v
		}
	case nSQL:
		valid := off + f.valid
		for r, v := range vals {
			if nulls && !bitutil.BitIsSet(bm, bo+r) {
				continue
			}
			*(*V)(unsafe.Add(base, uintptr(r)*size+off)) = v
			*(*bool)(unsafe.Add(base, uintptr(r)*size+valid)) = true
		}
	case nPtr:
		slab := make([]V, validCount(col, limit))
		k := 0
		for r, v := range vals {
			if nulls && !bitutil.BitIsSet(bm, bo+r) {
				continue
			}
			slab[k] = v
			*(**V)(unsafe.Add(base, uintptr(r)*size+off)) = &slab[k]
			k++
		}
	}
	return limit, nil
}

// putFunc is putCol for values computed per row by get.
func putFunc[V any](f *Field, col arrow.Array, get func(int) V, base unsafe.Pointer, size uintptr, limit int) (int, error) {
	nulls, bm, bo := validity(col)
	off := f.off
	var slab []V
	if f.nl == nPtr {
		slab = make([]V, validCount(col, limit))
	}
	k := 0
	for r := range limit {
		if nulls && !bitutil.BitIsSet(bm, bo+r) {
			if f.nl == nNone {
				return r, ErrNull
			}
			continue
		}
		p := unsafe.Add(base, uintptr(r)*size+off)
		switch f.nl {
		case nNone:
			*(*V)(p) = get(r)
		case nSQL:
			*(*V)(p) = get(r)
			*(*bool)(unsafe.Add(p, f.valid)) = true
		case nPtr:
			slab[k] = get(r)
			*(**V)(p) = &slab[k]
			k++
		}
	}
	return limit, nil
}

// strCol fills string field f of rows [0, limit) from c. The column's bytes
// are copied once into one string that the rows' values share, so no value
// refers to Arrow memory.
func strCol(f *Field, c *array.String, base unsafe.Pointer, size uintptr, limit int) (int, error) {
	s := string(c.ValueBytes())
	offs := c.ValueOffsets()
	o0 := offs[0]
	return putFunc(f, c, func(r int) string { return s[offs[r]-o0 : offs[r+1]-o0] }, base, size, limit)
}
