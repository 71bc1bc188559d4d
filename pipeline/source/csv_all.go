package source

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
)

// ReadCSVAll reads every row of CSV text into a slice. It collects rows in
// chunks and copies them once into a slice of the exact size, instead of
// growing one slice by repeated copies. Rows that cannot be decoded are
// left out, and the error joins the *Error of each (see ReadCSV); an error
// that stops the read is joined last, and the rows before it are returned.
func ReadCSVAll[T any](ctx context.Context, r io.Reader, opts *CSVOptions) ([]T, error) {
	return collectAll(ReadCSV[T](ctx, r, opts))
}

// ReadCSVFileAll is ReadCSVAll over the file at path. It estimates the
// number of rows from the file's size and the lines of its first 256 KiB and
// sizes the slice once (rows past the estimate are collected in chunks, as
// ReadCSVAll does), so that the rows are neither copied nor held twice.
func ReadCSVFileAll[T any](ctx context.Context, path string, opts *CSVOptions) ([]T, error) {
	return collectAllHint(ReadCSVFile[T](ctx, path, opts), estimateLines(path))
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

// collectAll gathers the rows of seq and joins its errors.
func collectAll[T any](seq func(func(T, error) bool)) ([]T, error) {
	return collectAllHint(seq, 0)
}

// collectAllHint is collectAll into a first slice sized for about hint
// rows (with 1/16 to spare). A slice much larger than the rows it ends up
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
