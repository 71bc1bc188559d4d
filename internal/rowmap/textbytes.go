package rowmap

import (
	"strconv"
	"unsafe"
)

// SetTextBytes is SetText for text in a byte slice that the caller may
// reuse: numbers and booleans are parsed in place without allocating, and
// strings are copied, into a's text blocks when a is non-nil. It accepts
// and rejects the same texts as SetText, with the same errors.
func (m *Map[T]) SetTextBytes(p *T, i int, b []byte, a *Arena) error {
	f := &m.fields[i]
	q := unsafe.Pointer(p)
	switch f.Kind {
	case KindString:
		*(*string)(f.dest(q, a)) = a.String(b)
		return nil
	case KindFloat:
		if f.st != sFloat64 {
			break
		}
		v, err := ParseFloat(b)
		if err != nil {
			return numErr(err)
		}
		return setFloat(f, q, v, a)
	case KindInt:
		v, err := ParseInt(b)
		if err != nil {
			return numErr(err)
		}
		return setInt(f, q, v, a)
	case KindBool:
		v, err := strconv.ParseBool(unsafe.String(unsafe.SliceData(b), len(b)))
		if err != nil {
			return ErrType
		}
		setBool(f, q, v, a)
		return nil
	}
	return setText(f, q, string(b), a)
}

const arenaText = 32 << 10

// String returns b as a string. A non-nil Arena copies short texts into
// shared blocks of 32 KiB, one allocation per block instead of one per
// string; a string keeps its block alive.
func (a *Arena) String(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if a == nil || len(b) > arenaText/16 {
		return string(b)
	}
	if cap(a.text)-len(a.text) < len(b) {
		a.text = make([]byte, 0, arenaText)
	}
	n := len(a.text)
	a.text = append(a.text, b...)
	return unsafe.String(&a.text[n], len(b))
}
