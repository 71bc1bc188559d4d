package rowmap

import (
	"errors"
	"strconv"
	"time"
	"unsafe"
)

// timeLayouts are the layouts SetText and SetJSON accept for timestamps,
// tried in order.
var timeLayouts = [...]string{time.RFC3339Nano, "2006-01-02 15:04:05.999999999", "2006-01-02T15:04:05.999999999", "2006-01-02"}

// ParseTime parses a timestamp in RFC 3339, "2006-01-02 15:04:05" (with
// optional fraction, read as UTC) or "2006-01-02" form.
func ParseTime(s string) (time.Time, error) {
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, ErrType
}

// SetText parses the text s into field i of *p: a number for int and float
// fields, true/false/1/0 (as strconv.ParseBool) for bool fields, a timestamp
// as ParseTime for time fields, s itself for string fields. The caller
// decides which texts mean null. Pointees come from a (which may be nil).
// The error is ErrType or ErrRange; the caller adds row, column and value.
func (m *Map[T]) SetText(p *T, i int, s string, a *Arena) error {
	return setText(&m.fields[i], unsafe.Pointer(p), s, a)
}

func setText(f *Field, p unsafe.Pointer, s string, a *Arena) error {
	switch f.Kind {
	case KindString:
		*(*string)(f.dest(p, a)) = s
		return nil
	case KindFloat:
		bits := 64
		if f.st == sFloat32 {
			bits = 32
		}
		v, err := strconv.ParseFloat(s, bits)
		if err != nil {
			return numErr(err)
		}
		return setFloat(f, p, v, a)
	case KindInt:
		v, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return numErr(err)
		}
		return setInt(f, p, v, a)
	case KindBool:
		v, err := strconv.ParseBool(s)
		if err != nil {
			return ErrType
		}
		setBool(f, p, v, a)
		return nil
	case KindTime:
		t, err := ParseTime(s)
		if err != nil {
			return err
		}
		setTime(f, p, t, a)
		return nil
	}
	return ErrType
}

func numErr(err error) error {
	if errors.Is(err, strconv.ErrRange) {
		return ErrRange
	}
	return ErrType
}
