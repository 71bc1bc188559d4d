package source

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"slices"
	"unicode/utf8"

	"github.com/loomml/loom/internal/rowmap"
)

// scanCSV is ReadCSV through csvScanner, for ASCII delimiters.
func scanCSV[T any](ctx context.Context, r io.Reader, o CSVOptions) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		m, err := rowmap.Of[T]()
		if err != nil {
			yield(zero, &Error{File: o.Name, Row: -1, Err: err})
			return
		}
		s := newCSVScanner(r, byte(o.Comma), o.MaxFieldBytes)
		if err := s.skipBOM(); err != nil {
			yield(zero, &Error{File: o.Name, Line: 1, Row: -1, Err: err})
			return
		}
		if err := s.next(); err != nil {
			if err == io.EOF {
				err = fmt.Errorf("%w: no header", ErrSyntax)
			}
			yield(zero, scanErr(o, nil, err, -1))
			return
		}
		header := make([]string, len(s.fields))
		for i := range header {
			header[i] = string(s.field(i))
		}
		fields := m.Fields()
		cols := make([]int, len(fields)) // column of each field, -1 when absent
		var missing []error
		for i, f := range fields {
			cols[i] = slices.Index(header, f.Name)
			if cols[i] < 0 && !f.Nullable {
				missing = append(missing, &Error{File: o.Name, Line: 1, Row: -1, Column: f.Name, Err: ErrMissingColumn})
			}
		}
		if len(missing) > 0 {
			yield(zero, errors.Join(missing...))
			return
		}
		isNull := func(b []byte) bool { return len(b) == 0 }
		if len(o.NullTokens) != 1 || o.NullTokens[0] != "" {
			isNull = func(b []byte) bool {
				for _, tok := range o.NullTokens {
					if string(b) == tok {
						return true
					}
				}
				return false
			}
		}
		var arena rowmap.Arena
		for row := int64(0); ; row++ {
			if row&1023 == 0 && ctx.Err() != nil {
				yield(zero, ctx.Err())
				return
			}
			if err := s.next(); err != nil {
				if err == io.EOF {
					return
				}
				var se *csvSyntaxError
				var tl *csvTooLongError
				skipped := errors.As(err, &se) || errors.As(err, &tl)
				if !yield(zero, scanErr(o, header, err, row)) || !skipped {
					return // the consumer stopped, or an I/O error
				}
				continue
			}
			var t T
			var rowErr error
			for i := range fields {
				c := cols[i]
				if c < 0 {
					continue
				}
				f := &fields[i]
				var cell []byte
				if c < len(s.fields) {
					cell = s.field(c)
				}
				var e error
				switch {
				case len(cell) > o.MaxFieldBytes:
					e = fmt.Errorf("%w: %d bytes, limit %d", ErrTooLong, len(cell), o.MaxFieldBytes)
				case isNull(cell):
					if !f.Nullable {
						e = ErrNull
					}
				case f.Kind == rowmap.KindString && !utf8.Valid(cell):
					e = ErrEncoding
				default:
					if err := m.SetTextBytes(&t, i, cell, &arena); err != nil {
						e = sentinel(err)
					}
				}
				if e != nil {
					line := s.fields[min(c, len(s.fields)-1)].line
					rowErr = &Error{File: o.Name, Line: line, Row: row, Column: f.Name, Value: string(cell), Err: e}
					break
				}
			}
			if rowErr != nil {
				if !yield(zero, rowErr) {
					return
				}
				continue
			}
			if !yield(t, nil) {
				return
			}
		}
	}
}

// scanErr converts a csvScanner error for the given data row (-1 for the
// header) into an *Error.
func scanErr(o CSVOptions, header []string, err error, row int64) error {
	var se *csvSyntaxError
	var tl *csvTooLongError
	switch {
	case errors.As(err, &se):
		return &Error{File: o.Name, Line: se.line, Row: row, Err: fmt.Errorf("%w: %v", ErrSyntax, se.err)}
	case errors.As(err, &tl):
		e := &Error{File: o.Name, Line: tl.line, Row: row, Value: tl.prefix,
			Err: fmt.Errorf("%w: more than %d bytes, limit %d", ErrTooLong, 2*o.MaxFieldBytes, o.MaxFieldBytes)}
		if tl.field >= 0 && tl.field < len(header) {
			e.Column = header[tl.field]
		}
		return e
	case errors.Is(err, ErrSyntax):
		return &Error{File: o.Name, Line: 1, Row: row, Err: err}
	}
	return &Error{File: o.Name, Row: row, Err: err}
}

var bom = []byte("\xEF\xBB\xBF")

// skipBOM drops a UTF-8 byte order mark at the start of the input.
func (s *csvScanner) skipBOM() error {
	for s.end-s.pos < len(bom) && !s.eof {
		if err := s.fill(); err != nil {
			return err
		}
	}
	if bytes.HasPrefix(s.buf[s.pos:s.end], bom) {
		s.pos += len(bom)
	}
	return nil
}
