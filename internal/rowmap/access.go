package rowmap

import (
	"fmt"
	"math"
	"time"
	"unsafe"
)

// loc returns the address of the value of field f in the row at p, or nil
// when the field is null.
func (f *Field) loc(p unsafe.Pointer) unsafe.Pointer {
	a := unsafe.Add(p, f.off)
	switch f.nl {
	case nPtr:
		return *(*unsafe.Pointer)(a)
	case nSQL:
		if !*(*bool)(unsafe.Add(a, f.valid)) {
			return nil
		}
	}
	return a
}

// dest prepares field f of the row at p to receive a non-null value and
// returns the address to store it at, allocating the pointee of a pointer
// field from a (or the heap when a is nil).
func (f *Field) dest(p unsafe.Pointer, a *Arena) unsafe.Pointer {
	addr := unsafe.Add(p, f.off)
	switch f.nl {
	case nPtr:
		q := a.alloc(f.st)
		*(*unsafe.Pointer)(addr) = q
		return q
	case nSQL:
		*(*bool)(unsafe.Add(addr, f.valid)) = true
	}
	return addr
}

func (f *Field) kindPanic(op string) {
	panic(fmt.Sprintf("rowmap: %s on field %q of kind %s", op, f.Name, kindNames[f.Kind]))
}

var kindNames = [...]string{KindBool: "bool", KindInt: "int", KindFloat: "float", KindString: "string", KindTime: "time"}

// IsNull reports whether field i of *p is missing. Non-nullable fields are
// never null.
func (m *Map[T]) IsNull(p *T, i int) bool {
	f := &m.fields[i]
	return f.nl != nNone && f.loc(unsafe.Pointer(p)) == nil
}

// Float returns field i of *p as a float64 and whether it is present. It
// applies to float and int fields; other kinds panic.
func (m *Map[T]) Float(p *T, i int) (float64, bool) {
	f := &m.fields[i]
	q := f.loc(unsafe.Pointer(p))
	if q == nil {
		return 0, false
	}
	switch f.st {
	case sFloat64:
		return *(*float64)(q), true
	case sFloat32:
		return float64(*(*float32)(q)), true
	}
	if f.Kind != KindInt {
		f.kindPanic("Float")
	}
	return float64(loadInt(f.st, q)), true
}

// Int returns int field i of *p and whether it is present; other kinds panic.
func (m *Map[T]) Int(p *T, i int) (int64, bool) {
	f := &m.fields[i]
	if f.Kind != KindInt {
		f.kindPanic("Int")
	}
	q := f.loc(unsafe.Pointer(p))
	if q == nil {
		return 0, false
	}
	return loadInt(f.st, q), true
}

func loadInt(s store, q unsafe.Pointer) int64 {
	switch s {
	case sInt:
		return int64(*(*int)(q))
	case sInt8:
		return int64(*(*int8)(q))
	case sInt16:
		return int64(*(*int16)(q))
	case sInt32:
		return int64(*(*int32)(q))
	case sInt64:
		return *(*int64)(q)
	case sUint8:
		return int64(*(*uint8)(q))
	case sUint16:
		return int64(*(*uint16)(q))
	case sUint32:
		return int64(*(*uint32)(q))
	}
	return 0
}

// Str returns string field i of *p and whether it is present; other kinds
// panic.
func (m *Map[T]) Str(p *T, i int) (string, bool) {
	f := &m.fields[i]
	if f.Kind != KindString {
		f.kindPanic("Str")
	}
	q := f.loc(unsafe.Pointer(p))
	if q == nil {
		return "", false
	}
	return *(*string)(q), true
}

// Bool returns bool field i of *p and whether it is present; other kinds
// panic.
func (m *Map[T]) Bool(p *T, i int) (bool, bool) {
	f := &m.fields[i]
	if f.Kind != KindBool {
		f.kindPanic("Bool")
	}
	q := f.loc(unsafe.Pointer(p))
	if q == nil {
		return false, false
	}
	return *(*bool)(q), true
}

// Time returns time field i of *p and whether it is present; other kinds
// panic.
func (m *Map[T]) Time(p *T, i int) (time.Time, bool) {
	f := &m.fields[i]
	if f.Kind != KindTime {
		f.kindPanic("Time")
	}
	q := f.loc(unsafe.Pointer(p))
	if q == nil {
		return time.Time{}, false
	}
	return *(*time.Time)(q), true
}

// SetNull marks field i of *p missing: a nil pointer or Valid = false. It
// panics when the field is not nullable.
func (m *Map[T]) SetNull(p *T, i int) {
	f := &m.fields[i]
	setNull(f, unsafe.Pointer(p))
}

func setNull(f *Field, p unsafe.Pointer) {
	addr := unsafe.Add(p, f.off)
	switch f.nl {
	case nPtr:
		*(*unsafe.Pointer)(addr) = nil
	case nSQL:
		*(*bool)(unsafe.Add(addr, f.valid)) = false
	default:
		panic(fmt.Sprintf("rowmap: SetNull on non-nullable field %q", f.Name))
	}
}

// SetFloat stores v in float field i of *p. It returns ErrRange when v
// overflows a float32 field and panics on other kinds.
func (m *Map[T]) SetFloat(p *T, i int, v float64) error {
	return setFloat(&m.fields[i], unsafe.Pointer(p), v, nil)
}

func setFloat(f *Field, p unsafe.Pointer, v float64, a *Arena) error {
	switch f.st {
	case sFloat64:
		*(*float64)(f.dest(p, a)) = v
	case sFloat32:
		if math.Abs(v) > math.MaxFloat32 && !math.IsInf(v, 0) {
			return ErrRange
		}
		*(*float32)(f.dest(p, a)) = float32(v)
	default:
		f.kindPanic("SetFloat")
	}
	return nil
}

// SetInt stores v in int or float field i of *p. It returns ErrRange when v
// does not fit the field's Go type and panics on other kinds.
func (m *Map[T]) SetInt(p *T, i int, v int64) error {
	return setInt(&m.fields[i], unsafe.Pointer(p), v, nil)
}

func setInt(f *Field, p unsafe.Pointer, v int64, a *Arena) error {
	switch f.Kind {
	case KindFloat:
		return setFloat(f, p, float64(v), a)
	case KindInt:
	default:
		f.kindPanic("SetInt")
	}
	var lo, hi int64
	switch f.st {
	case sInt, sInt64:
		lo, hi = math.MinInt64, math.MaxInt64
	case sInt8:
		lo, hi = math.MinInt8, math.MaxInt8
	case sInt16:
		lo, hi = math.MinInt16, math.MaxInt16
	case sInt32:
		lo, hi = math.MinInt32, math.MaxInt32
	case sUint8:
		lo, hi = 0, math.MaxUint8
	case sUint16:
		lo, hi = 0, math.MaxUint16
	case sUint32:
		lo, hi = 0, math.MaxUint32
	}
	if v < lo || v > hi {
		return ErrRange
	}
	q := f.dest(p, a)
	switch f.st {
	case sInt:
		*(*int)(q) = int(v)
	case sInt8:
		*(*int8)(q) = int8(v)
	case sInt16:
		*(*int16)(q) = int16(v)
	case sInt32:
		*(*int32)(q) = int32(v)
	case sInt64:
		*(*int64)(q) = v
	case sUint8:
		*(*uint8)(q) = uint8(v)
	case sUint16:
		*(*uint16)(q) = uint16(v)
	case sUint32:
		*(*uint32)(q) = uint32(v)
	}
	return nil
}

// SetStr stores s in string field i of *p; other kinds panic.
func (m *Map[T]) SetStr(p *T, i int, s string) {
	setStr(&m.fields[i], unsafe.Pointer(p), s, nil)
}

func setStr(f *Field, p unsafe.Pointer, s string, a *Arena) {
	if f.Kind != KindString {
		f.kindPanic("SetStr")
	}
	*(*string)(f.dest(p, a)) = s
}

// SetBool stores v in bool field i of *p; other kinds panic.
func (m *Map[T]) SetBool(p *T, i int, v bool) {
	setBool(&m.fields[i], unsafe.Pointer(p), v, nil)
}

func setBool(f *Field, p unsafe.Pointer, v bool, a *Arena) {
	if f.Kind != KindBool {
		f.kindPanic("SetBool")
	}
	*(*bool)(f.dest(p, a)) = v
}

// SetTime stores t in time field i of *p; other kinds panic.
func (m *Map[T]) SetTime(p *T, i int, t time.Time) {
	setTime(&m.fields[i], unsafe.Pointer(p), t, nil)
}

func setTime(f *Field, p unsafe.Pointer, t time.Time, a *Arena) {
	if f.Kind != KindTime {
		f.kindPanic("SetTime")
	}
	*(*time.Time)(f.dest(p, a)) = t
}
