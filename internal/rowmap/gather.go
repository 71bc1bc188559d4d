package rowmap

import (
	"math"
	"time"
	"unsafe"
)

// Column-major reads: each Gather method copies one field of a block of
// rows into a dense slice, so that checks can run field by field over many
// rows with no per-row indirection. dst and null must have room for
// len(rows) values. null[:len(rows)] is written only when the field is
// nullable (a pointer or sql.Null* field); the result is the number of
// missing values, each of which leaves the zero value in dst.

// GatherFloat copies float or int field i of rows into dst as float64; other
// kinds panic.
func (m *Map[T]) GatherFloat(rows []T, i int, dst []float64, null []bool) int {
	f := &m.fields[i]
	if f.Kind != KindFloat && f.Kind != KindInt {
		f.kindPanic("GatherFloat")
	}
	dst = dst[:len(rows)]
	if f.st == sFloat64 {
		switch f.nl {
		case nNone:
			for r := range rows {
				dst[r] = *(*float64)(unsafe.Add(unsafe.Pointer(&rows[r]), f.off))
			}
			return 0
		case nPtr:
			null = null[:len(rows)]
			missing := 0
			for r := range rows {
				q := *(*unsafe.Pointer)(unsafe.Add(unsafe.Pointer(&rows[r]), f.off))
				if q == nil {
					dst[r], null[r] = 0, true
					missing++
					continue
				}
				dst[r], null[r] = *(*float64)(q), false
			}
			return missing
		}
	}
	missing := 0
	for r := range rows {
		x, ok := m.Float(&rows[r], i)
		dst[r] = x
		if f.nl != nNone {
			null[r] = !ok
			if !ok {
				missing++
			}
		}
	}
	return missing
}

// GatherInt copies int field i of rows into dst; other kinds panic.
func (m *Map[T]) GatherInt(rows []T, i int, dst []int64, null []bool) int {
	f := &m.fields[i]
	if f.Kind != KindInt {
		f.kindPanic("GatherInt")
	}
	dst = dst[:len(rows)]
	if f.nl == nNone && (f.st == sInt64 || f.st == sInt && unsafe.Sizeof(int(0)) == 8) {
		for r := range rows {
			dst[r] = *(*int64)(unsafe.Add(unsafe.Pointer(&rows[r]), f.off))
		}
		return 0
	}
	missing := 0
	for r := range rows {
		n, ok := m.Int(&rows[r], i)
		dst[r] = n
		if f.nl != nNone {
			null[r] = !ok
			if !ok {
				missing++
			}
		}
	}
	return missing
}

// GatherStr copies string field i of rows into dst (sharing the strings);
// other kinds panic.
func (m *Map[T]) GatherStr(rows []T, i int, dst []string, null []bool) int {
	f := &m.fields[i]
	if f.Kind != KindString {
		f.kindPanic("GatherStr")
	}
	dst = dst[:len(rows)]
	switch f.nl {
	case nNone:
		for r := range rows {
			dst[r] = *(*string)(unsafe.Add(unsafe.Pointer(&rows[r]), f.off))
		}
		return 0
	case nPtr:
		null = null[:len(rows)]
		missing := 0
		for r := range rows {
			q := *(*unsafe.Pointer)(unsafe.Add(unsafe.Pointer(&rows[r]), f.off))
			if q == nil {
				dst[r], null[r] = "", true
				missing++
				continue
			}
			dst[r], null[r] = *(*string)(q), false
		}
		return missing
	}
	missing := 0
	for r := range rows {
		s, ok := m.Str(&rows[r], i)
		dst[r], null[r] = s, !ok
		if !ok {
			missing++
		}
	}
	return missing
}

// GatherBool copies bool field i of rows into dst; other kinds panic.
func (m *Map[T]) GatherBool(rows []T, i int, dst []bool, null []bool) int {
	f := &m.fields[i]
	if f.Kind != KindBool {
		f.kindPanic("GatherBool")
	}
	dst = dst[:len(rows)]
	missing := 0
	for r := range rows {
		b, ok := m.Bool(&rows[r], i)
		dst[r] = b
		if f.nl != nNone {
			null[r] = !ok
			if !ok {
				missing++
			}
		}
	}
	return missing
}

// GatherTime copies time field i of rows into dst; other kinds panic.
func (m *Map[T]) GatherTime(rows []T, i int, dst []time.Time, null []bool) int {
	f := &m.fields[i]
	if f.Kind != KindTime {
		f.kindPanic("GatherTime")
	}
	dst = dst[:len(rows)]
	missing := 0
	for r := range rows {
		t, ok := m.Time(&rows[r], i)
		dst[r] = t
		if f.nl != nNone {
			null[r] = !ok
			if !ok {
				missing++
			}
		}
	}
	return missing
}

// IntBounds returns the smallest and largest value the Go type of int field
// f can hold (a value outside them is ErrRange when decoding); other kinds
// panic.
func (f *Field) IntBounds() (lo, hi int64) {
	switch f.st {
	case sInt8:
		return math.MinInt8, math.MaxInt8
	case sInt16:
		return math.MinInt16, math.MaxInt16
	case sInt32:
		return math.MinInt32, math.MaxInt32
	case sUint8:
		return 0, math.MaxUint8
	case sUint16:
		return 0, math.MaxUint16
	case sUint32:
		return 0, math.MaxUint32
	case sInt, sInt64:
		return math.MinInt64, math.MaxInt64
	}
	f.kindPanic("IntBounds")
	return 0, 0
}

// IsFloat32 reports whether float field f is stored as a float32, so that a
// value decoded into it is rounded to float32 (and a finite value beyond
// ±math.MaxFloat32 is ErrRange).
func (f *Field) IsFloat32() bool { return f.st == sFloat32 }
