package rowmap

import "unsafe"

// FloatGetter returns a function that reads float or int field i of a row,
// as Float does, specialised once for the field's storage: a plain float64
// or *float64 field is read with one load and no switch, as fast as a
// hand-written accessor. Other kinds panic.
func (m *Map[T]) FloatGetter(i int) func(*T) (float64, bool) {
	f := &m.fields[i]
	if f.Kind != KindFloat && f.Kind != KindInt {
		f.kindPanic("FloatGetter")
	}
	off := f.off
	switch {
	case f.st == sFloat64 && f.nl == nNone:
		return func(p *T) (float64, bool) {
			return *(*float64)(unsafe.Add(unsafe.Pointer(p), off)), true
		}
	case f.st == sFloat64 && f.nl == nPtr:
		return func(p *T) (float64, bool) {
			q := *(**float64)(unsafe.Add(unsafe.Pointer(p), off))
			if q == nil {
				return 0, false
			}
			return *q, true
		}
	case f.st == sInt && f.nl == nNone:
		return func(p *T) (float64, bool) {
			return float64(*(*int)(unsafe.Add(unsafe.Pointer(p), off))), true
		}
	}
	return func(p *T) (float64, bool) { return m.Float(p, i) }
}

// StringGetter returns a function that reads string field i of a row, as
// Str does, specialised for plain string and *string fields. Other kinds
// panic.
func (m *Map[T]) StringGetter(i int) func(*T) (string, bool) {
	f := &m.fields[i]
	if f.Kind != KindString {
		f.kindPanic("StringGetter")
	}
	off := f.off
	switch f.nl {
	case nNone:
		return func(p *T) (string, bool) {
			return *(*string)(unsafe.Add(unsafe.Pointer(p), off)), true
		}
	case nPtr:
		return func(p *T) (string, bool) {
			q := *(**string)(unsafe.Add(unsafe.Pointer(p), off))
			if q == nil {
				return "", false
			}
			return *q, true
		}
	}
	return func(p *T) (string, bool) { return m.Str(p, i) }
}
