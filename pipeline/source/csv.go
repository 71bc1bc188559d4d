package source

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"iter"
	"os"
	"slices"
	"unicode/utf8"

	"github.com/loomml/loom/internal/rowmap"
)

// CSVOptions configures CSV reading and writing; nil means the defaults.
type CSVOptions struct {
	// Name labels errors (ReadCSVFile sets it to the path).
	Name string
	// Comma is the field delimiter; 0 means ','.
	Comma rune
	// NullTokens are the cell texts that mean null; nil means only the
	// empty cell. The writer writes the first one for nulls.
	NullTokens []string
	// MaxFieldBytes is the largest accepted cell, in bytes; 0 means 1 MiB.
	// A longer cell is an ErrTooLong error for its row. With an ASCII
	// delimiter the limit holds while reading: no field (in any column) is
	// buffered beyond twice the limit or the 256 KiB window, whichever is
	// larger; a longer one is skipped as it is read, and its error's Value
	// holds only its first 64 bytes.
	MaxFieldBytes int
}

func (o *CSVOptions) norm() CSVOptions {
	var c CSVOptions
	if o != nil {
		c = *o
	}
	if c.Comma == 0 {
		c.Comma = ','
	}
	if c.NullTokens == nil {
		c.NullTokens = []string{""}
	}
	if c.MaxFieldBytes == 0 {
		c.MaxFieldBytes = 1 << 20
	}
	return c
}

// ReadCSV streams the rows of CSV text into T. The first record is the
// header: each column whose name matches a loom tag fills that field,
// other columns are ignored, and a non-nullable field with no column stops
// the read with an ErrMissingColumn error (a nullable one is left null).
// Quoted fields follow RFC 4180. Cells equal to a null token are null.
// Every decoding error is an *Error naming the input, the line, the data
// row, the column and the raw value: a bad cell (ErrType, ErrRange,
// ErrNull, ErrEncoding for invalid UTF-8 in a string field, ErrTooLong) or
// a malformed record (ErrSyntax) yields the error for its row and reading
// goes on; an I/O error stops it, after the rows read before it. A UTF-8
// byte order mark at the start is dropped, whatever the delimiter. A
// header that names a field's column twice is an ErrSyntax error naming
// it (other repeated names are ignored, as their columns are).
//
// With an ASCII delimiter the text is split by a scanner of this package
// that follows encoding/csv's grammar and error recovery exactly (tested
// against it) without allocating per record, and blocks of 1024 records
// are decoded by up to four goroutines (one per P, none when GOMAXPROCS is
// 1) while the caller's goroutine reads, splits and yields; rows and errors
// keep their order, and all reading of r happens on the caller's
// goroutine. Other delimiters go through encoding/csv. Memory is bounded by
// a few blocks: a 256 KiB window (more for a longer record) and up to eight
// blocks of 1024 records in flight.
//
// It is a single-use iterator; it stops reading when the consumer stops or
// ctx is done (yielding ctx's error), and its goroutines have exited when
// the loop ends.
func ReadCSV[T any](ctx context.Context, r io.Reader, opts *CSVOptions) iter.Seq2[T, error] {
	o := opts.norm()
	if o.Comma < utf8.RuneSelf && validDelim(o.Comma) {
		return scanCSV[T](ctx, r, o)
	}
	return readCSVStd[T](ctx, r, o)
}

// validDelim reports whether encoding/csv accepts r as a delimiter.
func validDelim(r rune) bool {
	return r != 0 && r != '"' && r != '\r' && r != '\n' && utf8.ValidRune(r) && r != utf8.RuneError
}

// readCSVStd is ReadCSV through encoding/csv, for delimiters that are not
// ASCII (and invalid ones, which encoding/csv reports).
func readCSVStd[T any](ctx context.Context, r io.Reader, o CSVOptions) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		m, err := rowmap.Of[T]()
		if err != nil {
			yield(zero, &Error{File: o.Name, Row: -1, Err: err})
			return
		}
		br := bufio.NewReader(r)
		if b, _ := br.Peek(len(bom)); bytes.Equal(b, bom) {
			br.Discard(len(bom))
		}
		cr := csv.NewReader(br)
		cr.Comma = o.Comma
		cr.FieldsPerRecord = -1
		cr.ReuseRecord = true
		header, err := cr.Read()
		if err != nil {
			if err == io.EOF {
				err = fmt.Errorf("%w: no header", ErrSyntax)
			}
			yield(zero, &Error{File: o.Name, Line: 1, Row: -1, Err: err})
			return
		}
		fields := m.Fields()
		cols, err := headerColumns(fields, header, o.Name)
		if err != nil {
			yield(zero, err)
			return
		}
		var arena rowmap.Arena
		isNull := func(s string) bool { return slices.Contains(o.NullTokens, s) }
		if len(o.NullTokens) == 1 && o.NullTokens[0] == "" {
			isNull = func(s string) bool { return s == "" }
		}
		for row := int64(0); ; row++ {
			if row&1023 == 0 && ctx.Err() != nil {
				yield(zero, ctx.Err())
				return
			}
			rec, err := cr.Read()
			if err == io.EOF {
				return
			}
			if err != nil {
				var pe *csv.ParseError
				if errors.As(err, &pe) {
					if !yield(zero, &Error{File: o.Name, Line: int64(pe.Line), Row: row, Err: fmt.Errorf("%w: %v", ErrSyntax, pe.Err)}) {
						return
					}
					continue
				}
				yield(zero, &Error{File: o.Name, Row: row, Err: err})
				return
			}
			var t T
			var rowErr error
			for i := range fields {
				c := cols[i]
				if c < 0 {
					continue
				}
				f := &fields[i]
				cell := ""
				if c < len(rec) {
					cell = rec[c]
				}
				var e error
				switch {
				case len(cell) > o.MaxFieldBytes:
					e = fmt.Errorf("%w: %d bytes, limit %d", ErrTooLong, len(cell), o.MaxFieldBytes)
				case isNull(cell):
					if !f.Nullable {
						e = ErrNull
					}
				case f.Kind == rowmap.KindString && !utf8.ValidString(cell):
					e = ErrEncoding
				default:
					if err := m.SetText(&t, i, cell, &arena); err != nil {
						e = sentinel(err)
					}
				}
				if e != nil {
					l, _ := cr.FieldPos(min(c, len(rec)-1))
					rowErr = &Error{File: o.Name, Line: int64(l), Row: row, Column: f.Name, Value: cell, Err: e}
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

// ReadCSVFile is ReadCSV over the file at path, which names its errors. The
// file is opened when iteration starts and closed when it ends, early or
// not.
func ReadCSVFile[T any](ctx context.Context, path string, opts *CSVOptions) iter.Seq2[T, error] {
	o := opts.norm()
	if o.Name == "" {
		o.Name = path
	}
	return func(yield func(T, error) bool) {
		f, err := os.Open(path)
		if err != nil {
			var zero T
			yield(zero, &Error{File: path, Row: -1, Err: err})
			return
		}
		defer f.Close()
		for t, err := range ReadCSV[T](ctx, f, &o) {
			if !yield(t, err) {
				return
			}
		}
	}
}

// headerColumns finds the column of each field in a CSV header (-1 when
// absent). A required field without a column is an *Error wrapping
// ErrMissingColumn, and a field whose name heads two columns (which would
// leave it to the reader which one fills it) an *Error wrapping ErrSyntax
// that names both positions; all of them are joined.
func headerColumns(fields []rowmap.Field, header []string, file string) ([]int, error) {
	cols := make([]int, len(fields))
	var errs []error
	for i, f := range fields {
		cols[i] = slices.Index(header, f.Name)
		if cols[i] < 0 && !f.Nullable {
			errs = append(errs, &Error{File: file, Line: 1, Row: -1, Column: f.Name, Err: ErrMissingColumn})
		}
		if cols[i] >= 0 {
			if d := slices.Index(header[cols[i]+1:], f.Name); d >= 0 {
				errs = append(errs, &Error{File: file, Line: 1, Row: -1, Column: f.Name,
					Err: fmt.Errorf("%w: the header names column %q twice, at positions %d and %d", ErrSyntax, f.Name, cols[i]+1, cols[i]+2+d)})
			}
		}
	}
	return cols, errors.Join(errs...)
}
