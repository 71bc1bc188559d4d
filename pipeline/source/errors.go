package source

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/loomml/loom/internal/rowmap"
)

// Sentinel errors of package source, tested with errors.Is; decoding errors
// are *Error values wrapping one of them.
var (
	// ErrType reports a value that does not parse as its field's type.
	ErrType = errors.New("source: wrong type")
	// ErrRange reports a number outside its field's range.
	ErrRange = errors.New("source: out of range")
	// ErrNull reports a missing value in a non-nullable field.
	ErrNull = errors.New("source: null in a non-nullable field")
	// ErrMissingColumn reports that the input has no column for a
	// non-nullable field.
	ErrMissingColumn = errors.New("source: missing column")
	// ErrEncoding reports text that is not valid UTF-8.
	ErrEncoding = errors.New("source: invalid UTF-8")
	// ErrTooLong reports a field longer than the configured limit.
	ErrTooLong = errors.New("source: field too long")
	// ErrSyntax reports malformed input (a bad CSV quote, a corrupt file).
	ErrSyntax = errors.New("source: malformed input")
)

// Error is a decoding error that says where: the input's name (a file
// path, or what the caller named the reader), the line (CSV, 1-based; 0
// when not applicable), the data row (0-based; -1 when the error is not
// about one row, such as a missing column), the column and the raw value.
// It unwraps to one of the sentinels, or to the underlying I/O error.
type Error struct {
	File   string
	Line   int64
	Row    int64
	Column string
	Value  string
	Err    error
}

// Error implements error.
func (e *Error) Error() string {
	b := []byte("source: ")
	if e.File != "" {
		b = append(b, e.File...)
		b = append(b, ": "...)
	}
	if e.Line > 0 {
		b = append(b, "line "...)
		b = strconv.AppendInt(b, e.Line, 10)
		b = append(b, ", "...)
	}
	if e.Row >= 0 {
		b = append(b, "row "...)
		b = strconv.AppendInt(b, e.Row, 10)
		b = append(b, ", "...)
	}
	if e.Column != "" {
		b = append(b, "column "...)
		b = strconv.AppendQuote(b, e.Column)
		b = append(b, ", "...)
	}
	if e.Value != "" || (e.Column != "" && e.Row >= 0) {
		b = append(b, "value "...)
		b = strconv.AppendQuote(b, rowmap.Clip(e.Value, 64))
		b = append(b, ": "...)
	}
	b = append(b, e.Err.Error()...)
	return string(b)
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// RowNumber returns the data row the error is about, or -1. Package
// contract's QuarantineSeq uses it to keep the row as rejected instead of
// stopping.
func (e *Error) RowNumber() int64 { return e.Row }

// sentinel maps a rowmap error to this package's sentinel.
func sentinel(err error) error {
	switch {
	case errors.Is(err, rowmap.ErrRange):
		return ErrRange
	case errors.Is(err, rowmap.ErrNull):
		return ErrNull
	case errors.Is(err, rowmap.ErrMissingColumn):
		return ErrMissingColumn
	}
	return ErrType
}

// fromRowmap converts a rowmap decoding error (or a joined list of them)
// into *Error values for the input name.
func fromRowmap(name string, err error) error {
	var errs []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	} else {
		errs = []error{err}
	}
	out := make([]error, 0, len(errs))
	for _, e := range errs {
		var re *rowmap.Error
		if errors.As(e, &re) && errors.Is(re.Err, rowmap.ErrInvalidArray) {
			out = append(out, &Error{File: name, Row: -1, Column: re.Column, Err: fmt.Errorf("%w: %v", ErrSyntax, re.Err)})
		} else if errors.As(e, &re) {
			out = append(out, &Error{File: name, Row: re.Row, Column: re.Column, Value: re.Value, Err: sentinel(re.Err)})
		} else {
			out = append(out, &Error{File: name, Row: -1, Err: e})
		}
	}
	if len(out) == 1 {
		return out[0]
	}
	return errors.Join(out...)
}
