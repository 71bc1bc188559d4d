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
		s, dec, header, err := startScan[T](r, o)
		if err != nil {
			var zero T
			yield(zero, err)
			return
		}
		readBlocks(ctx, s, dec, header, &yieldSink[T]{yield: yield})
	}
}

// startScan reads the header of CSV text with an ASCII delimiter and
// returns the scanner positioned after it, the decoder of its columns and
// the header; or the error that stops the read before any row.
func startScan[T any](r io.Reader, o CSVOptions) (*csvScanner, *csvDecoder[T], []string, error) {
	m, err := rowmap.Of[T]()
	if err != nil {
		return nil, nil, nil, &Error{File: o.Name, Row: -1, Err: err}
	}
	s := newCSVScanner(r, byte(o.Comma), o.MaxFieldBytes)
	if err := s.skipBOM(); err != nil {
		return nil, nil, nil, &Error{File: o.Name, Line: 1, Row: -1, Err: err}
	}
	if err := s.next(); err != nil {
		if err == io.EOF {
			err = fmt.Errorf("%w: no header", ErrSyntax)
		}
		return nil, nil, nil, scanErr(o, nil, err, -1)
	}
	header := make([]string, len(s.fields))
	for i := range header {
		header[i] = string(s.field(i))
	}
	fields := m.Fields()
	cols, err := headerColumns(fields, header, o.Name)
	if err != nil {
		return nil, nil, nil, err
	}
	dec := &csvDecoder[T]{m: m, fields: fields, cols: cols, o: o, onlyEmpty: len(o.NullTokens) == 1 && o.NullTokens[0] == ""}
	return s, dec, header, nil
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
	rows   []T        // per record: own, or the sink's memory
	own    []T        // the block's own row buffer
	placed bool       // rows is the sink's zeroed memory, not own
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

// place decodes the block's rows into dst (zeroed memory, one row per
// record), or into its own buffer when dst is nil.
func (b *csvBlock[T]) place(dst []T) {
	n := b.len()
	b.placed = dst != nil
	if b.placed {
		b.rows = dst[:n]
		return
	}
	b.own = slices.Grow(b.own[:0], n)[:n]
	clear(b.own)
	b.rows = b.own
}

// decode decodes the block's records into its rows (see place).
func (b *csvBlock[T]) decode(d *csvDecoder[T]) {
	n := b.len()
	for k := range n {
		if b.res[k] == nil {
			b.res[k] = d.decode(&b.rows[k], b.fields[b.recs[k]:b.recs[k+1]], b.raw, b.first+int64(k), &b.arena)
		}
	}
}

// blockSink receives the decoded blocks of readBlocks, in order.
type blockSink[T any] interface {
	// rows returns zeroed memory for the rows of the next block, of n
	// records, or nil for the block's own buffer.
	rows(n int) []T
	// take consumes a decoded block; false stops the read.
	take(b *csvBlock[T]) bool
	// fail receives the error that stopped the read after the blocks.
	fail(err error)
}

// yieldSink streams rows and errors to an iterator's yield.
type yieldSink[T any] struct {
	yield func(T, error) bool
}

func (y *yieldSink[T]) rows(int) []T { return nil }

func (y *yieldSink[T]) take(b *csvBlock[T]) bool {
	var zero T
	for k, err := range b.res {
		if err != nil {
			if !y.yield(zero, err) {
				return false
			}
		} else if !y.yield(b.rows[k], nil) {
			return false
		}
	}
	return true
}

func (y *yieldSink[T]) fail(err error) {
	var zero T
	y.yield(zero, err)
}

// readBlocks reads the records after the header in blocks and hands them,
// decoded, to sink in order. The scanning, and so all reading of the
// input, happens on the caller's goroutine; with more than one P, blocks
// are decoded by worker goroutines (up to four) while the caller scans and
// hands on, at most two blocks per worker in flight. The workers have
// exited when it returns.
func readBlocks[T any](ctx context.Context, s *csvScanner, d *csvDecoder[T], header []string, sink blockSink[T]) {
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
	var tail error // an I/O or context error to report after the rows before it
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
			b.place(sink.rows(b.len()))
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
		if !sink.take(b) {
			return
		}
		b.rows = nil
		free = append(free, b)
	}
	if tail != nil {
		sink.fail(tail)
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
