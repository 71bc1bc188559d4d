package serve

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"time"
	"unsafe"
)

// This file decodes one JSON instance into a row of type T. The struct's
// `loom:"name"` tags are read once, when the decoder is built; decoding
// writes each field through its offset, without reflection per row.
//
// Rules (the request signature): a non-pointer field is required and may
// not be null; a pointer field is optional, and null or absent leaves it
// nil. Only safe numeric widening is allowed: an integer literal where a
// float is expected is fine; a number with a fraction or an exponent where
// an integer is expected is an error, as is an integer that overflows the
// field. Timestamps are RFC 3339 strings. A key given twice is an error.
// Unknown keys are ignored, or rejected in strict mode.

type fieldKind uint8

const (
	kindFloat fieldKind = iota
	kindInt
	kindString
	kindBool
	kindTime
)

type fieldCodec struct {
	name   string
	kind   fieldKind
	ptr    bool         // *V: optional
	offset uintptr      // of the field in T
	bits   int          // size of an int or float kind, in bits
	typ    reflect.Type // the value type V (for allocating *V)
}

type rowDecoder struct {
	fields []fieldCodec
	index  map[string]int
}

var timeType = reflect.TypeFor[time.Time]()

// newRowDecoder builds the decoder of struct type t from its loom tags.
func newRowDecoder(t reflect.Type) (*rowDecoder, error) {
	if t.Kind() != reflect.Struct {
		return nil, fmt.Errorf("serve: row type %v is not a struct", t)
	}
	d := &rowDecoder{index: map[string]int{}}
	for i := range t.NumField() {
		sf := t.Field(i)
		name, ok := sf.Tag.Lookup("loom")
		if !ok || name == "-" {
			continue
		}
		if !sf.IsExported() {
			return nil, fmt.Errorf("serve: field %s of %v has a loom tag but is not exported", sf.Name, t)
		}
		if _, dup := d.index[name]; dup {
			return nil, fmt.Errorf("serve: two fields of %v are tagged %q", t, name)
		}
		fc := fieldCodec{name: name, offset: sf.Offset}
		vt := sf.Type
		if vt.Kind() == reflect.Pointer {
			fc.ptr, vt = true, vt.Elem()
		}
		fc.typ = vt
		switch {
		case vt == timeType:
			fc.kind = kindTime
		case vt.Kind() == reflect.Float64 || vt.Kind() == reflect.Float32:
			fc.kind, fc.bits = kindFloat, vt.Bits()
		case vt.Kind() >= reflect.Int && vt.Kind() <= reflect.Int64:
			fc.kind, fc.bits = kindInt, vt.Bits()
		case vt.Kind() == reflect.String:
			fc.kind = kindString
		case vt.Kind() == reflect.Bool:
			fc.kind = kindBool
		default:
			return nil, fmt.Errorf("serve: field %s (%q) of %v has type %v; want a number, string, bool or time.Time, or a pointer to one", sf.Name, name, t, sf.Type)
		}
		d.index[name] = len(d.fields)
		d.fields = append(d.fields, fc)
	}
	if len(d.fields) == 0 {
		return nil, fmt.Errorf("serve: row type %v has no field tagged loom", t)
	}
	return d, nil
}

// decode decodes the JSON object data into *row (a *T as an unsafe
// pointer), appending one FieldError per problem.
func (d *rowDecoder) decode(data []byte, row unsafe.Pointer, strict bool, inst int, errs []FieldError) []FieldError {
	if !json.Valid(data) {
		return append(errs, FieldError{Instance: inst, Field: "", Reason: "malformed JSON"})
	}
	sc := scanner{data: data}
	sc.skipSpace()
	if !sc.consume('{') {
		return append(errs, FieldError{Instance: inst, Reason: errNotObject.Error()})
	}
	var seenBuf [64]bool
	var seen []bool
	if len(d.fields) <= len(seenBuf) {
		seen = seenBuf[:len(d.fields)]
	} else {
		seen = make([]bool, len(d.fields))
	}
	sc.skipSpace()
	if !sc.consume('}') {
		for {
			sc.skipSpace()
			key := sc.str()
			sc.skipSpace()
			sc.consume(':')
			sc.skipSpace()
			start := sc.pos
			sc.skipValue()
			val := data[start:sc.pos]
			if i, ok := d.index[string(key)]; ok {
				if seen[i] {
					errs = append(errs, FieldError{Instance: inst, Field: d.fields[i].name, Reason: "given twice"})
				} else if reason := d.fields[i].set(row, val); reason != "" {
					errs = append(errs, FieldError{Instance: inst, Field: d.fields[i].name, Reason: reason})
				}
				seen[i] = true
			} else if strict {
				errs = append(errs, FieldError{Instance: inst, Field: unquote(key), Reason: "unknown field"})
			}
			sc.skipSpace()
			if sc.consume('}') {
				break
			}
			sc.consume(',')
		}
	}
	for i, ok := range seen {
		if !ok && !d.fields[i].ptr {
			errs = append(errs, FieldError{Instance: inst, Field: d.fields[i].name, Reason: "required field is missing"})
		}
	}
	return errs
}

func unquote(raw []byte) string {
	var s string
	if json.Unmarshal(append(append([]byte{'"'}, raw...), '"'), &s) != nil {
		return string(raw)
	}
	return s
}

// set decodes the JSON value v into the field, or says why it cannot.
func (f *fieldCodec) set(row unsafe.Pointer, v []byte) string {
	p := unsafe.Add(row, f.offset)
	if string(v) == "null" {
		if !f.ptr {
			return "required field is null"
		}
		*(*unsafe.Pointer)(p) = nil
		return ""
	}
	if f.ptr {
		q := reflect.New(f.typ).UnsafePointer()
		if reason := f.setValue(q, v); reason != "" {
			return reason
		}
		*(*unsafe.Pointer)(p) = q
		return ""
	}
	return f.setValue(p, v)
}

func (f *fieldCodec) setValue(p unsafe.Pointer, v []byte) string {
	switch f.kind {
	case kindFloat:
		if !isNumber(v) {
			return "want a number, got " + describeJSON(v)
		}
		x, err := strconv.ParseFloat(string(v), f.bits)
		if err != nil {
			return "number " + string(v) + " is out of range"
		}
		if f.bits == 32 {
			*(*float32)(p) = float32(x)
		} else {
			*(*float64)(p) = x
		}
	case kindInt:
		if !isNumber(v) {
			return "want an integer, got " + describeJSON(v)
		}
		if bytes.ContainsAny(v, ".eE") {
			return "want an integer, got the non-integer number " + string(v)
		}
		x, err := strconv.ParseInt(string(v), 10, f.bits)
		if err != nil {
			return "integer " + string(v) + " overflows " + strconv.Itoa(f.bits) + " bits"
		}
		switch f.bits {
		case 8:
			*(*int8)(p) = int8(x)
		case 16:
			*(*int16)(p) = int16(x)
		case 32:
			*(*int32)(p) = int32(x)
		default:
			*(*int64)(p) = x
		}
	case kindString:
		if len(v) == 0 || v[0] != '"' {
			return "want a string, got " + describeJSON(v)
		}
		*(*string)(p) = jsonString(v)
	case kindBool:
		switch string(v) {
		case "true":
			*(*bool)(p) = true
		case "false":
			*(*bool)(p) = false
		default:
			return "want true or false, got " + describeJSON(v)
		}
	case kindTime:
		if len(v) == 0 || v[0] != '"' {
			return "want an RFC 3339 timestamp string, got " + describeJSON(v)
		}
		t, err := time.Parse(time.RFC3339Nano, jsonString(v))
		if err != nil {
			return "want an RFC 3339 timestamp, got " + string(v)
		}
		*(*time.Time)(p) = t
	}
	return ""
}

func isNumber(v []byte) bool { return len(v) > 0 && (v[0] == '-' || v[0] >= '0' && v[0] <= '9') }

// jsonString returns the value of a valid JSON string literal.
func jsonString(v []byte) string {
	if bytes.IndexByte(v, '\\') < 0 {
		return string(v[1 : len(v)-1])
	}
	var s string
	json.Unmarshal(v, &s) // valid: checked by json.Valid
	return s
}

func describeJSON(v []byte) string {
	switch {
	case len(v) == 0:
		return "nothing"
	case v[0] == '"':
		if len(v) > 40 {
			return "a string"
		}
		return "the string " + string(v)
	case v[0] == '{':
		return "an object"
	case v[0] == '[':
		return "an array"
	case v[0] == 't' || v[0] == 'f':
		return "a boolean"
	case v[0] == 'n':
		return "null"
	}
	return "the number " + string(v)
}

// scanner walks a JSON text already known to be valid.
type scanner struct {
	data []byte
	pos  int
}

func (s *scanner) skipSpace() {
	for s.pos < len(s.data) {
		switch s.data[s.pos] {
		case ' ', '\t', '\n', '\r':
			s.pos++
		default:
			return
		}
	}
}

func (s *scanner) consume(c byte) bool {
	if s.pos < len(s.data) && s.data[s.pos] == c {
		s.pos++
		return true
	}
	return false
}

// str reads a string literal and returns its raw content between quotes.
func (s *scanner) str() []byte {
	if !s.consume('"') {
		return nil
	}
	start := s.pos
	for s.pos < len(s.data) {
		switch s.data[s.pos] {
		case '\\':
			s.pos += 2
			continue
		case '"':
			raw := s.data[start:s.pos]
			s.pos++
			return raw
		}
		s.pos++
	}
	return s.data[start:]
}

// skipValue moves past one value of any kind.
func (s *scanner) skipValue() {
	if s.pos >= len(s.data) {
		return
	}
	switch s.data[s.pos] {
	case '"':
		s.str()
	case '{', '[':
		depth := 0
		for s.pos < len(s.data) {
			switch s.data[s.pos] {
			case '"':
				s.str()
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
			}
			s.pos++
			if depth == 0 {
				return
			}
		}
	default:
		for s.pos < len(s.data) {
			switch s.data[s.pos] {
			case ',', '}', ']', ' ', '\t', '\n', '\r':
				return
			}
			s.pos++
		}
	}
}
