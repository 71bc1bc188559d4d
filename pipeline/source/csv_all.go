package source

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"unicode/utf8"
)

// ReadCSVAll reads every row of CSV text into a slice. It collects rows in
// chunks and copies them once into a slice of the exact size, instead of
// growing one slice by repeated copies. Rows that cannot be decoded are
// left out, and the error joins the *Error of each (see ReadCSV); an error
// that stops the read is joined last, and the rows before it are returned.
func ReadCSVAll[T any](ctx context.Context, r io.Reader, opts *CSVOptions) ([]T, error) {
	return readCSVAll[T](ctx, r, opts.norm(), 0)
}

// ReadCSVFileAll is ReadCSVAll over the file at path. It estimates the
// number of rows from the file's size and the lines of its first 256 KiB and
// sizes the slice once (rows past the estimate are collected in chunks, as
// ReadCSVAll does); with an ASCII delimiter the rows are decoded in place
// into it, so that they are neither copied nor held twice.
func ReadCSVFileAll[T any](ctx context.Context, path string, opts *CSVOptions) ([]T, error) {
	o := opts.norm()
	if o.Name == "" {
		o.Name = path
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, errors.Join(&Error{File: path, Row: -1, Err: err})
	}
	defer f.Close()
	return readCSVAll[T](ctx, f, o, estimateLines(path))
}

// readCSVAll is ReadCSVAll with a first slice sized for about hint rows.
// With an ASCII delimiter the blocks of readBlocks are decoded straight
// into that slice while it has room (rows with errors are squeezed out as
// the blocks arrive), and collected in chunks after; other delimiters go
// through ReadCSV and collectAllHint.
func readCSVAll[T any](ctx context.Context, r io.Reader, o CSVOptions, hint int) ([]T, error) {
	if !(o.Comma < utf8.RuneSelf && validDelim(o.Comma)) {
		return collectAllHint(ReadCSV[T](ctx, r, &o), hint)
	}
	s, dec, header, err := startScan[T](r, o)
	if err != nil {
		return nil, errors.Join(err) // joined, as the errors of rows are
	}
	c := &collectSink[T]{}
	if hint > 0 {
		c.out = make([]T, 0, hint+hint/16+16)
	}
	readBlocks(ctx, s, dec, header, c)
	return c.result()
}

// collectSink gathers the rows of readBlocks: decoded in place into out
// while it has room, then copied into chunks.
type collectSink[T any] struct {
	out    []T // rows kept: out[:len(out)]; blocks in flight are decoded beyond
	placed int // rows of out handed to blocks
	full   bool
	chunks [][]T
	errs   []error
}

func (c *collectSink[T]) rows(n int) []T {
	if c.full || c.placed+n > cap(c.out) {
		c.full = true // later blocks must not pass the ones collected in chunks
		return nil
	}
	dst := c.out[c.placed : c.placed+n : c.placed+n]
	c.placed += n
	return dst
}

func (c *collectSink[T]) take(b *csvBlock[T]) bool {
	if b.placed {
		// b.rows starts at len(c.out) plus the rows with errors so far:
		// keep the rows, moving them down over those of errors.
		for k, err := range b.res {
			if err != nil {
				c.errs = append(c.errs, err)
				continue
			}
			i := len(c.out)
			c.out = c.out[:i+1]
			if &c.out[i] != &b.rows[k] {
				c.out[i] = b.rows[k]
			}
		}
		return true
	}
	for k, err := range b.res {
		if err != nil {
			c.errs = append(c.errs, err)
			continue
		}
		if n := len(c.chunks); n == 0 || len(c.chunks[n-1]) == cap(c.chunks[n-1]) {
			c.chunks = append(c.chunks, make([]T, 0, min(max(2*cap(c.out), 4096), 1<<18)))
		}
		last := &c.chunks[len(c.chunks)-1]
		*last = append(*last, b.rows[k])
	}
	return true
}

func (c *collectSink[T]) fail(err error) { c.errs = append(c.errs, err) }

// result returns the rows and the joined errors. Rows of errors left past
// the kept rows are cleared, so that they hold no memory; a slice much
// larger than its rows (an estimate too high by over a quarter) is copied
// to its size.
func (c *collectSink[T]) result() ([]T, error) {
	clear(c.out[len(c.out):c.placed])
	out := c.out
	if len(c.chunks) > 0 {
		total := len(out)
		for _, ch := range c.chunks {
			total += len(ch)
		}
		out = append(make([]T, 0, total), c.out...)
		c.out = nil
		for i, ch := range c.chunks {
			out = append(out, ch...)
			c.chunks[i] = nil // let the chunk go as soon as it is copied
		}
	} else if cap(out) > 0 && len(out) < cap(out)*3/4 {
		out = append([]T(nil), out...)
	}
	return out, errors.Join(c.errs...)
}

// estimateLines estimates the data lines of the text file at path from its
// size and the mean length of the lines in its first 256 KiB (the first
// line, the header, left out); 0 when it cannot tell.
func estimateLines(path string) int {
	f, err := os.Open(path)
	if err != nil {
		return 0
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		return 0
	}
	buf := make([]byte, 256<<10)
	n, _ := io.ReadFull(f, buf)
	buf = buf[:n]
	head := bytes.IndexByte(buf, '\n')
	if head < 0 {
		return 0
	}
	sample := buf[head+1:]
	if last := bytes.LastIndexByte(sample, '\n'); last >= 0 {
		sample = sample[:last+1]
	}
	lines := bytes.Count(sample, []byte{'\n'})
	if lines == 0 {
		return 0
	}
	est := float64(st.Size()-int64(head+1)) * float64(lines) / float64(len(sample))
	return int(min(est, 1<<31))
}

// collectAllHint gathers the rows of seq and joins its errors, into a
// first slice sized for about hint rows (with 1/16 to spare; 4,096 when
// hint is 0). A slice much larger than the rows it ends up
// holding (an estimate too high by over a quarter) is copied to its size.
func collectAllHint[T any](seq func(func(T, error) bool), hint int) ([]T, error) {
	var chunks [][]T
	first := 4096
	if hint > 0 {
		first = hint + hint/16 + 16
	}
	cur := make([]T, 0, first)
	var errs []error
	total := 0
	for t, err := range seq {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if len(cur) == cap(cur) {
			chunks = append(chunks, cur)
			cur = make([]T, 0, min(2*cap(cur), 1<<18))
		}
		cur = append(cur, t)
		total++
	}
	if len(chunks) == 0 {
		if hint > 0 && len(cur) < cap(cur)*3/4 {
			cur = append([]T(nil), cur...)
		}
		return cur, errors.Join(errs...)
	}
	out := make([]T, 0, total)
	for i, c := range chunks {
		out = append(out, c...)
		chunks[i] = nil // let the chunk go as soon as it is copied
	}
	out = append(out, cur...)
	return out, errors.Join(errs...)
}
