package source

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
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
		cols, err := headerColumns(fields, header, o.Name)
		if err != nil {
			yield(zero, err)
			return
		}
		dec := &csvDecoder[T]{m: m, fields: fields, cols: cols, o: o, onlyEmpty: len(o.NullTokens) == 1 && o.NullTokens[0] == ""}
		readBlocks(ctx, s, dec, header, yield)
	}
}

// csvDecoder decodes the fields of one record into a T.
type csvDecoder[T any] struct {
	m      *rowmap.Map[T]
	fields []rowmap.Field
	cols   []int // column of each field, -1 when absent
	o      CSVOptions
	// onlyEmpty is set when the empty cell is the only null token.
	onlyEmpty bool
}

// isNull reports whether cell is a null token.
func (d *csvDecoder[T]) isNull(cell []byte) bool {
	if d.onlyEmpty {
		return len(cell) == 0
	}
	for _, tok := range d.o.NullTokens {
		if string(cell) == tok {
			return true
		}
	}
	return false
}

// decode fills *t from the fields of a record (offsets into raw) and
// returns nil or the *Error of its first bad cell.
func (d *csvDecoder[T]) decode(t *T, rec []csvField, raw []byte, row int64, a *rowmap.Arena) error {
	for i := range d.fields {
		c := d.cols[i]
		if c < 0 {
			continue
		}
		f := &d.fields[i]
		var cell []byte
		if c < len(rec) {
			cell = raw[rec[c].start:rec[c].end]
		}
		var e error
		switch {
		case len(cell) > d.o.MaxFieldBytes:
			e = fmt.Errorf("%w: %d bytes, limit %d", ErrTooLong, len(cell), d.o.MaxFieldBytes)
		case d.isNull(cell):
			if !f.Nullable {
				e = ErrNull
			}
		case f.Kind == rowmap.KindString && !utf8.Valid(cell):
			e = ErrEncoding
		default:
			if err := d.m.SetTextBytes(t, i, cell, a); err != nil {
				e = sentinel(err)
			}
		}
		if e != nil {
			line := rec[min(c, len(rec)-1)].line
			return &Error{File: d.o.Name, Line: line, Row: row, Column: f.Name, Value: string(cell), Err: e}
		}
	}
	return nil
}

// csvBlock is a run of consecutive records copied out of the scanner's
// window, and their outcomes: a row, or an error.
type csvBlock[T any] struct {
	raw    []byte
	fields []csvField // offsets into raw
	recs   []int      // fields of record k: fields[recs[k]:recs[k+1]]
	res    []error    // per record: nil for a row, else its error
	rows   []T        // per record
	first  int64      // data row number of record 0
	arena  rowmap.Arena
	done   chan struct{}
}

const (
	blockRecords = 1024
	blockBytes   = 1 << 20
)

func (b *csvBlock[T]) len() int { return len(b.res) }

func (b *csvBlock[T]) reset(first int64) {
	b.raw, b.fields, b.res = b.raw[:0], b.fields[:0], b.res[:0]
	b.recs = append(b.recs[:0], 0)
	b.first = first
}

// add copies the scanner's current record into the block.
func (b *csvBlock[T]) add(s *csvScanner) {
	base, end := s.fields[0].start, s.fields[len(s.fields)-1].end
	off := len(b.raw) - base
	b.raw = append(b.raw, s.buf[base:end]...)
	for _, f := range s.fields {
		b.fields = append(b.fields, csvField{start: f.start + off, end: f.end + off, line: f.line})
	}
	b.recs = append(b.recs, len(b.fields))
	b.res = append(b.res, nil)
}

// skip records a record the scanner rejected.
func (b *csvBlock[T]) skip(err error) {
	b.recs = append(b.recs, len(b.fields))
	b.res = append(b.res, err)
}

// decode decodes the block's records into rows.
func (b *csvBlock[T]) decode(d *csvDecoder[T]) {
	n := b.len()
	b.rows = slices.Grow(b.rows[:0], n)[:n]
	clear(b.rows)
	for k := range n {
		if b.res[k] == nil {
			b.res[k] = d.decode(&b.rows[k], b.fields[b.recs[k]:b.recs[k+1]], b.raw, b.first+int64(k), &b.arena)
		}
	}
}

// readBlocks reads the records after the header in blocks and yields their
// rows in order. The scanning, and so all reading of the input, happens on
// the caller's goroutine; with more than one P, blocks are decoded by
// worker goroutines (up to four) while the caller scans and yields, at most
// two blocks per worker in flight. The workers have exited when it returns.
func readBlocks[T any](ctx context.Context, s *csvScanner, d *csvDecoder[T], header []string, yield func(T, error) bool) {
	workers := min(runtime.GOMAXPROCS(0), 4)
	if workers == 1 {
		workers = 0
	}
	inflight := max(1, 2*workers)
	var work chan *csvBlock[T]
	var wg sync.WaitGroup
	var stopped atomic.Bool
	if workers > 0 {
		work = make(chan *csvBlock[T], inflight)
		for range workers {
			wg.Go(func() {
				for b := range work {
					if !stopped.Load() {
						b.decode(d)
					}
					close(b.done)
				}
			})
		}
		defer func() {
			stopped.Store(true)
			close(work)
			wg.Wait()
		}()
	}
	var free, pending []*csvBlock[T]
	var tail error // an I/O or context error to yield after the rows before it
	var zero T
	row := int64(0)
	end := false
	for {
		for !end && len(pending) < inflight {
			if err := ctx.Err(); err != nil {
				tail, end = err, true
				break
			}
			var b *csvBlock[T]
			if n := len(free); n > 0 {
				b, free = free[n-1], free[:n-1]
			} else {
				b = new(csvBlock[T])
			}
			b.reset(row)
			for b.len() < blockRecords && len(b.raw) < blockBytes {
				err := s.next()
				if err == nil {
					b.add(s)
					row++
					continue
				}
				if err == io.EOF {
					end = true
					break
				}
				var se *csvSyntaxError
				var tl *csvTooLongError
				if errors.As(err, &se) || errors.As(err, &tl) {
					b.skip(scanErr(d.o, header, err, row))
					row++
					continue
				}
				tail, end = scanErr(d.o, header, err, row), true
				break
			}
			if b.len() == 0 {
				free = append(free, b)
				continue
			}
			if workers == 0 {
				b.decode(d)
			} else {
				b.done = make(chan struct{})
				work <- b
			}
			pending = append(pending, b)
		}
		if len(pending) == 0 {
			break
		}
		b := pending[0]
		pending = pending[1:]
		if workers > 0 {
			<-b.done
		}
		for k, err := range b.res {
			if err != nil {
				if !yield(zero, err) {
					return
				}
			} else if !yield(b.rows[k], nil) {
				return
			}
		}
		free = append(free, b)
	}
	if tail != nil {
		yield(zero, tail)
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
