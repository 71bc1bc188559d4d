package rowmap

import (
	"time"
	"unsafe"
)

// The Set…In methods are the Set methods with the pointee of a pointer
// field taken from a (a nil *Arena allocates it on its own, as the Set
// methods do): a decoder that fills one row at a time, such as serve's
// JSON decoder, then costs one allocation per 1,024 present values of
// nullable fields instead of one per value. The values an Arena hands out
// are never handed out again, so rows may outlive the decoder.

// SetFloatIn is SetFloat with the pointee from a.
func (m *Map[T]) SetFloatIn(p *T, i int, v float64, a *Arena) error {
	return setFloat(&m.fields[i], unsafe.Pointer(p), v, a)
}

// SetIntIn is SetInt with the pointee from a.
func (m *Map[T]) SetIntIn(p *T, i int, v int64, a *Arena) error {
	return setInt(&m.fields[i], unsafe.Pointer(p), v, a)
}

// SetStrIn is SetStr with the pointee from a.
func (m *Map[T]) SetStrIn(p *T, i int, s string, a *Arena) {
	setStr(&m.fields[i], unsafe.Pointer(p), s, a)
}

// SetBoolIn is SetBool with the pointee from a.
func (m *Map[T]) SetBoolIn(p *T, i int, v bool, a *Arena) {
	setBool(&m.fields[i], unsafe.Pointer(p), v, a)
}

// SetTimeIn is SetTime with the pointee from a.
func (m *Map[T]) SetTimeIn(p *T, i int, t time.Time, a *Arena) {
	setTime(&m.fields[i], unsafe.Pointer(p), t, a)
}
