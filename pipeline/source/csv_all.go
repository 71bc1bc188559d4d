package source

import (
	"context"
	"errors"
	"io"
)

// ReadCSVAll reads every row of CSV text into a slice. It collects rows in
// chunks and copies them once into a slice of the exact size, instead of
// growing one slice by repeated copies. Rows that cannot be decoded are
// left out, and the error joins the *Error of each (see ReadCSV); an error
// that stops the read is joined last, and the rows before it are returned.
func ReadCSVAll[T any](ctx context.Context, r io.Reader, opts *CSVOptions) ([]T, error) {
	return collectAll(ReadCSV[T](ctx, r, opts))
}

// ReadCSVFileAll is ReadCSVAll over the file at path.
func ReadCSVFileAll[T any](ctx context.Context, path string, opts *CSVOptions) ([]T, error) {
	return collectAll(ReadCSVFile[T](ctx, path, opts))
}

// collectAll gathers the rows of seq and joins its errors.
func collectAll[T any](seq func(func(T, error) bool)) ([]T, error) {
	var chunks [][]T
	cur := make([]T, 0, 4096)
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
