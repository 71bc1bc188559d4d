package serve

import (
	"bytes"
	"encoding/json"
	"hash/maphash"
	"sync/atomic"

	"github.com/loomml/loom/internal/rowmap"
)

// This file decodes one JSON instance into a row of type T, through the
// row mapping shared with contracts and sources (internal/rowmap): the
// struct's `loom:"name"` tags are read once; decoding scans the request
// bytes and writes each field through its offset, without reflection or a
// token allocation per value.
//
// Rules (the request signature): a non-nullable field is required and may
// not be null; a nullable field (a pointer or sql.Null*) is optional, and
// null or absent leaves it missing. Only safe numeric widening is allowed:
// an integer literal where a float is expected is fine; a number with a
// fraction or an exponent where an integer is expected is an error, as is
// an integer that overflows the field. Timestamps are strings in RFC 3339
// (or "2006-01-02 15:04:05", or "2006-01-02"). Keys are read as
// encoding/json reads them, escapes included ("\u0061ge" is "age"). A key
// given twice is an error. Unknown keys are ignored, or rejected in strict
// mode.

type rowDecoder[T any] struct {
	m     *rowmap.Map[T]
	label int            // index of the label field, skipped and never required; -1: none
	index map[string]int // field index by name, looked up without a copy of the key
	strs  *internTable   // the string values decoded lately
}

// newRowDecoder returns the decoder of T; label, when not "", names the
// label field, which a request may omit and whose value is ignored.
func newRowDecoder[T any](label string) (*rowDecoder[T], error) {
	m, err := rowmap.Of[T]()
	if err != nil {
		return nil, err
	}
	d := &rowDecoder[T]{m: m, label: m.Index(label), index: make(map[string]int, m.Len()), strs: &internTable{seed: maphash.MakeSeed()}}
	for i, f := range m.Fields() {
		d.index[f.Name] = i
	}
	return d, nil
}

// field returns the index of the field whose decoded key is key, or -1.
func (d *rowDecoder[T]) field(key []byte) int {
	if i, ok := d.index[string(key)]; ok { // no copy: the compiler looks the bytes up
		return i
	}
	return -1
}

// inputs describes the request fields.
func (d *rowDecoder[T]) inputs() []Field {
	var out []Field
	for i, f := range d.m.Fields() {
		if i != d.label {
			out = append(out, Field{Name: f.Name, Type: f.Type.String(), Required: !f.Nullable})
		}
	}
	return out
}

// decode decodes the JSON object data into *row, appending one FieldError
// per problem.
func (d *rowDecoder[T]) decode(data []byte, row *T, strict bool, inst int, errs []FieldError) []FieldError {
	if !validJSON(data) {
		return append(errs, FieldError{Instance: inst, Field: "", Reason: "malformed JSON"})
	}
	return d.decodeValid(data, row, strict, inst, errs, nil)
}

// decodeValid is decode of data already known to be valid JSON (a part of
// a body that was checked whole), taking the pointees of pointer fields
// from a (nil: one allocation each). It does not allocate for a valid
// instance but for the strings not interned (see internTable) and the
// arena's slabs.
func (d *rowDecoder[T]) decodeValid(data []byte, row *T, strict bool, inst int, errs []FieldError, a *rowmap.Arena) []FieldError {
	sc := scanner{data: data}
	sc.skipSpace()
	if !sc.consume('{') {
		return append(errs, FieldError{Instance: inst, Reason: errNotObject.Error()})
	}
	errs, _ = d.decodeMembers(&sc, row, strict, inst, errs, a, false)
	return errs
}

// decodeMembers decodes the members of the object that sc scans, whose
// '{' has been consumed, into *row. With batchKey it stops at a member
// named "instances" and returns its value (the body is a batch, and what
// was decoded into row and errs is to be dropped); it stops early at a
// syntax error too (sc.bad): the caller reports it instead.
func (d *rowDecoder[T]) decodeMembers(sc *scanner, row *T, strict bool, inst int, errs []FieldError, a *rowmap.Arena, batchKey bool) ([]FieldError, []byte) {
	n := d.m.Len()
	var seenBuf [64]bool
	var seen []bool
	if n <= len(seenBuf) {
		seen = seenBuf[:n]
	} else {
		seen = make([]bool, n)
	}
	next := 0 // the field expected next: clients send keys in one order
	for raw, val, ok := sc.member(); ok; raw, val, ok = sc.member() {
		key := decodedKey(raw)
		if batchKey && string(key) == "instances" {
			return errs, val
		}
		i := -1
		if next < n && string(key) == d.m.Field(next).Name {
			i = next
		} else {
			i = d.field(key)
		}
		if i >= 0 {
			next = i + 1
		}
		if i == d.label && i >= 0 {
			continue // the label is never a serving input
		} else if i >= 0 {
			if seen[i] {
				errs = append(errs, FieldError{Instance: inst, Field: d.m.Field(i).Name, Reason: "given twice"})
			} else if reason := d.set(row, i, val, a); reason != "" {
				errs = append(errs, FieldError{Instance: inst, Field: d.m.Field(i).Name, Reason: reason})
			}
			seen[i] = true
		} else if strict {
			errs = append(errs, FieldError{Instance: inst, Field: unquote(raw), Reason: "unknown field"})
		}
	}
	if sc.bad {
		return errs, nil
	}
	for i, ok := range seen {
		if !ok && i != d.label && !d.m.Field(i).Nullable {
			errs = append(errs, FieldError{Instance: inst, Field: d.m.Field(i).Name, Reason: "required field is missing"})
		}
	}
	return errs, nil
}

// decodedKey returns the key whose raw text (between the quotes) is raw,
// as encoding/json reads it: "\u0061ge" is the key "age". A key without
// escapes is raw itself, without a copy.
func decodedKey(raw []byte) []byte {
	if bytes.IndexByte(raw, '\\') < 0 {
		return raw
	}
	return []byte(unquote(raw))
}

// unquote returns the string whose raw JSON text (between the quotes) is
// raw.
func unquote(raw []byte) string {
	var s string
	if json.Unmarshal(append(append([]byte{'"'}, raw...), '"'), &s) != nil {
		return string(raw)
	}
	return s
}

// set decodes the JSON value v into field i of row, or says why it cannot;
// a pointer field's pointee comes from a.
func (d *rowDecoder[T]) set(row *T, i int, v []byte, a *rowmap.Arena) string {
	f := d.m.Field(i)
	if string(v) == "null" {
		if !f.Nullable {
			return "required field is null"
		}
		d.m.SetNull(row, i)
		return ""
	}
	switch f.Kind {
	case rowmap.KindFloat:
		if !isNumber(v) {
			return "want a number, got " + describeJSON(v)
		}
		x, err := rowmap.ParseFloat(v) // strconv's result, faster (internal/rowmap)
		if err == nil {
			err = d.m.SetFloatIn(row, i, x, a)
		}
		if err != nil {
			return "number " + string(v) + " is out of range"
		}
	case rowmap.KindInt:
		if !isNumber(v) {
			return "want an integer, got " + describeJSON(v)
		}
		if bytes.ContainsAny(v, ".eE") {
			return "want an integer, got the non-integer number " + string(v)
		}
		x, err := rowmap.ParseInt(v)
		if err == nil {
			err = d.m.SetIntIn(row, i, x, a)
		}
		if err != nil {
			return "integer " + string(v) + " is out of range"
		}
	case rowmap.KindString:
		if v[0] != '"' {
			return "want a string, got " + describeJSON(v)
		}
		d.m.SetStrIn(row, i, d.strs.jsonString(v), a)
	case rowmap.KindBool:
		switch string(v) {
		case "true":
			d.m.SetBoolIn(row, i, true, a)
		case "false":
			d.m.SetBoolIn(row, i, false, a)
		default:
			return "want true or false, got " + describeJSON(v)
		}
	case rowmap.KindTime:
		if v[0] != '"' {
			return "want a timestamp string, got " + describeJSON(v)
		}
		t, err := rowmap.ParseTime(jsonString(v))
		if err != nil {
			return "want an RFC 3339 timestamp, got " + string(v)
		}
		d.m.SetTimeIn(row, i, t, a)
	}
	return ""
}

func isNumber(v []byte) bool { return len(v) > 0 && (v[0] == '-' || v[0] >= '0' && v[0] <= '9') }

// internSlots is the size of an internTable; maxInterned is the length of
// the longest string it keeps.
const (
	internSlots = 1024
	maxInterned = 32
)

// internTable keeps the strings decoded lately, so that the values every
// request repeats (categories such as "north" or "ch03") are not copied out
// of each request body: a table of internSlots entries indexed by a hash
// of the bytes, where a string replaces the one in its slot. Strings longer
// than maxInterned bytes (ids, free text) are not kept. A hit does not
// allocate; a miss costs two allocations instead of one. It is safe for
// concurrent use, and the strings it returns are ordinary immutable
// strings that callers may keep.
type internTable struct {
	seed  maphash.Seed
	slots [internSlots]atomic.Pointer[string]
}

// str returns string(b), from the table when it holds it.
func (t *internTable) str(b []byte) string {
	if len(b) > maxInterned {
		return string(b)
	}
	slot := &t.slots[maphash.Bytes(t.seed, b)%internSlots]
	if p := slot.Load(); p != nil && *p == string(b) {
		return *p
	}
	s := string(b)
	slot.Store(&s)
	return s
}

// jsonString is jsonString through the table.
func (t *internTable) jsonString(v []byte) string {
	if bytes.IndexByte(v, '\\') < 0 {
		return t.str(v[1 : len(v)-1])
	}
	return jsonString(v)
}

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

// scanner walks a JSON text and checks its syntax on the way, as
// validJSON does: every key and value it returns is valid JSON, and at the
// first syntax error it sets bad and returns nothing more. So one pass over
// a request both checks and decodes it.
type scanner struct {
	data  []byte
	pos   int
	bad   bool // a syntax error was found
	comma bool // a ',' was consumed: another member or element must follow
}

func (s *scanner) skipSpace() { s.pos = skipWS(s.data, s.pos) }

func (s *scanner) consume(c byte) bool {
	if s.pos < len(s.data) && s.data[s.pos] == c {
		s.pos++
		return true
	}
	return false
}

// fail records a syntax error.
func (s *scanner) fail() {
	s.bad = true
	s.pos = len(s.data)
}

// value returns the end of the value starting at i, or -1.
func (s *scanner) value(i int) int {
	if i < len(s.data) { // the scalars of a row, without valueEnd's stack
		switch c := s.data[i]; {
		case c == '"':
			return stringEnd(s.data, i)
		case c == '-' || c >= '0' && c <= '9':
			return numberEnd(s.data, i)
		}
	}
	end := valueEnd(s.data, i)
	if end == tooDeep {
		// Rare: encoding/json finds its end and checks it (10,000
		// levels at most, as json.Valid).
		d := json.NewDecoder(bytes.NewReader(s.data[i:]))
		var v json.RawMessage
		if d.Decode(&v) != nil {
			return -1
		}
		end = i + int(d.InputOffset())
	}
	return end
}

// next moves past the ',' or up to the closing byte that follows a member
// or element ending at i, or fails.
func (s *scanner) next(i int, closing byte) {
	i = skipWS(s.data, i)
	s.comma = false
	switch {
	case i < len(s.data) && s.data[i] == ',':
		s.comma = true
		i++
	case i >= len(s.data) || s.data[i] != closing:
		s.fail()
		return
	}
	s.pos = i
}

// member reads the next member of the object being scanned, whose '{' has
// been consumed: its raw key (between the quotes) and its raw value. It
// reports false, past the closing '}', when there is none left, and at a
// syntax error (then bad is set).
func (s *scanner) member() (key, val []byte, ok bool) {
	if s.bad {
		return nil, nil, false
	}
	i := skipWS(s.data, s.pos)
	if !s.comma && i < len(s.data) && s.data[i] == '}' {
		s.pos = i + 1
		return nil, nil, false
	}
	if i >= len(s.data) || s.data[i] != '"' {
		s.fail()
		return nil, nil, false
	}
	e := stringEnd(s.data, i)
	if e < 0 {
		s.fail()
		return nil, nil, false
	}
	key = s.data[i+1 : e-1]
	if i = skipWS(s.data, e); i >= len(s.data) || s.data[i] != ':' {
		s.fail()
		return nil, nil, false
	}
	i = skipWS(s.data, i+1)
	if e = s.value(i); e < 0 {
		s.fail()
		return nil, nil, false
	}
	val = s.data[i:e]
	s.next(e, '}')
	return key, val, !s.bad
}

// element reads the next element of the array being scanned, whose '[' has
// been consumed. It reports false, past the closing ']', when there is none
// left, and at a syntax error (then bad is set).
func (s *scanner) element() (val []byte, ok bool) {
	if s.bad {
		return nil, false
	}
	i := skipWS(s.data, s.pos)
	if !s.comma && i < len(s.data) && s.data[i] == ']' {
		s.pos = i + 1
		return nil, false
	}
	e := s.value(i)
	if e < 0 {
		s.fail()
		return nil, false
	}
	val = s.data[i:e]
	s.next(e, ']')
	return val, !s.bad
}

// end reports whether the text ends, but for white space, where the scan
// stopped, without a syntax error.
func (s *scanner) end() bool { return !s.bad && skipWS(s.data, s.pos) == len(s.data) }
