package rowmap

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"unsafe"
)

// SetJSON sets field i of *p from a JSON token as returned by a
// json.Decoder with UseNumber (a float64 token is accepted too). null sets a
// nullable field missing (ErrNull otherwise); a number sets an int or float
// field, and an int field rejects a fraction or exponent with ErrType; a
// string sets a string field, or a time field when it parses as ParseTime;
// true/false set a bool field. Anything else is ErrType.
func (m *Map[T]) SetJSON(p *T, i int, tok json.Token) error {
	f := &m.fields[i]
	q := unsafe.Pointer(p)
	switch v := tok.(type) {
	case nil:
		if f.nl == nNone {
			return ErrNull
		}
		setNull(f, q)
		return nil
	case bool:
		if f.Kind != KindBool {
			return fmt.Errorf("%w: want %s, got a JSON boolean", ErrType, f.Type)
		}
		setBool(f, q, v, nil)
		return nil
	case json.Number:
		switch f.Kind {
		case KindInt:
			n, err := strconv.ParseInt(string(v), 10, 64)
			if err != nil {
				if _, ferr := strconv.ParseFloat(string(v), 64); ferr == nil && !errors.Is(err, strconv.ErrRange) {
					return fmt.Errorf("%w: want an integer, got a fraction", ErrType)
				}
				return numErr(err)
			}
			return setInt(f, q, n, nil)
		case KindFloat:
			x, err := strconv.ParseFloat(string(v), 64)
			if err != nil {
				return numErr(err)
			}
			return setFloat(f, q, x, nil)
		}
		return fmt.Errorf("%w: want %s, got a JSON number", ErrType, f.Type)
	case float64:
		switch f.Kind {
		case KindInt:
			if v != math.Trunc(v) {
				return fmt.Errorf("%w: want an integer, got a fraction", ErrType)
			}
			if v < -(1<<63) || v >= 1<<63 {
				return ErrRange
			}
			return setInt(f, q, int64(v), nil)
		case KindFloat:
			return setFloat(f, q, v, nil)
		}
		return fmt.Errorf("%w: want %s, got a JSON number", ErrType, f.Type)
	case string:
		switch f.Kind {
		case KindString:
			setStr(f, q, v, nil)
			return nil
		case KindTime:
			t, err := ParseTime(v)
			if err != nil {
				return fmt.Errorf("%w: want a timestamp (RFC 3339)", ErrType)
			}
			setTime(f, q, t, nil)
			return nil
		}
		return fmt.Errorf("%w: want %s, got a JSON string", ErrType, f.Type)
	}
	return fmt.Errorf("%w: want %s, got a JSON %v", ErrType, f.Type, tok)
}

// DecodeJSON fills *p from one JSON object whose keys are field names. An
// unknown key is ErrUnknownField, a value of the wrong type ErrType (see
// SetJSON), and a non-nullable field absent from the object
// ErrMissingField; fields absent and nullable are set null. All problems are
// *Error values (Row -1) joined with errors.Join. Trailing data after the
// object is an error.
func (m *Map[T]) DecodeJSON(data []byte, p *T) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return fmt.Errorf("rowmap: reading JSON object: %w", err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return fmt.Errorf("%w: want a JSON object, got %v", ErrType, tok)
	}
	seen := make([]bool, len(m.fields))
	var errs []error
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return fmt.Errorf("rowmap: reading JSON object: %w", err)
		}
		key, _ := tok.(string)
		val, err := dec.Token()
		if err != nil {
			return fmt.Errorf("rowmap: reading JSON value of %q: %w", key, err)
		}
		if d, ok := val.(json.Delim); ok {
			// Skip a nested object or array so the rest can be checked.
			if err := skip(dec, d); err != nil {
				return fmt.Errorf("rowmap: reading JSON value of %q: %w", key, err)
			}
			val = nil
			i := m.Index(key)
			if i < 0 {
				errs = append(errs, &Error{Row: -1, Column: key, Err: ErrUnknownField})
			} else {
				seen[i] = true
				errs = append(errs, &Error{Row: -1, Column: key, Value: string(d), Err: fmt.Errorf("%w: want %s, got a JSON object or array", ErrType, m.fields[i].Type)})
			}
			continue
		}
		i := m.Index(key)
		if i < 0 {
			errs = append(errs, &Error{Row: -1, Column: key, Value: tokenText(val), Err: ErrUnknownField})
			continue
		}
		seen[i] = true
		if err := m.SetJSON(p, i, val); err != nil {
			errs = append(errs, &Error{Row: -1, Column: key, Value: tokenText(val), Err: err})
		}
	}
	if _, err := dec.Token(); err != nil {
		return fmt.Errorf("rowmap: reading JSON object: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return fmt.Errorf("rowmap: trailing data after the JSON object")
	}
	for i := range m.fields {
		if seen[i] {
			continue
		}
		f := &m.fields[i]
		if f.nl == nNone {
			errs = append(errs, &Error{Row: -1, Column: f.Name, Err: ErrMissingField})
		} else {
			setNull(f, unsafe.Pointer(p))
		}
	}
	return errors.Join(errs...)
}

func skip(dec *json.Decoder, open json.Delim) error {
	depth := 1
	for depth > 0 {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		if d, ok := tok.(json.Delim); ok {
			if d == '{' || d == '[' {
				depth++
			} else {
				depth--
			}
		}
	}
	_ = open
	return nil
}

func tokenText(tok json.Token) string {
	switch v := tok.(type) {
	case nil:
		return "null"
	case string:
		return v
	case json.Number:
		return string(v)
	}
	return fmt.Sprint(tok)
}
