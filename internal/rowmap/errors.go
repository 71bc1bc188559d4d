package rowmap

import (
	"errors"
	"fmt"
	"strconv"
)

// Sentinel errors, tested with errors.Is; decoders wrap them in *Error.
var (
	// ErrType reports a value of the wrong type for its field, such as text
	// that is not a number in a float field or a fraction in an int field.
	ErrType = errors.New("rowmap: wrong type")
	// ErrRange reports a number outside the range of its field's Go type.
	ErrRange = errors.New("rowmap: out of range")
	// ErrNull reports a missing value in a field that is not nullable.
	ErrNull = errors.New("rowmap: null in a non-nullable field")
	// ErrMissingColumn reports that a source has no column for a field.
	ErrMissingColumn = errors.New("rowmap: missing column")
	// ErrUnknownField reports a name that matches no field.
	ErrUnknownField = errors.New("rowmap: unknown field")
	// ErrMissingField reports that a JSON object lacks a non-nullable field.
	ErrMissingField = errors.New("rowmap: missing field")
	// ErrInvalidArray reports an Arrow column whose buffers contradict its
	// length (offsets out of range or decreasing, a buffer too short, a
	// dictionary index past the dictionary): damaged input, such as an
	// IPC file with changed bytes. Plan.Decode wraps it in an *Error with
	// Row -1 and decodes nothing of the batch.
	ErrInvalidArray = errors.New("rowmap: invalid Arrow array")
)

// Error is a decoding error that says where: the row (0-based within the
// decoded input; -1 when there is no row, as for a schema error), the
// column and the raw value.
type Error struct {
	Row    int64
	Column string
	Value  string
	Err    error
}

// Error implements error.
func (e *Error) Error() string {
	var b []byte
	b = append(b, "rowmap: "...)
	if e.Row >= 0 {
		b = append(b, "row "...)
		b = strconv.AppendInt(b, e.Row, 10)
		b = append(b, ", "...)
	}
	b = append(b, "column "...)
	b = strconv.AppendQuote(b, e.Column)
	if e.Value != "" {
		b = append(b, ", value "...)
		b = strconv.AppendQuote(b, Clip(e.Value, 64))
	}
	b = append(b, ": "...)
	b = append(b, e.Err.Error()...)
	return string(b)
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Clip shortens s to at most n bytes for an error message, marking the cut
// and keeping valid UTF-8 boundaries.
func Clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && s[cut]&0xC0 == 0x80 {
		cut--
	}
	return s[:cut] + fmt.Sprintf("…(%d bytes)", len(s))
}
