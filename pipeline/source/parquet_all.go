package source

import (
	"context"
	"errors"
	"os"

	"github.com/apache/arrow-go/v18/parquet"

	"github.com/loomml/loom/internal/rowmap"
)

// ReadParquetAll reads every row of a Parquet file into a slice sized from
// the file's metadata, decoding each batch straight into it: one
// allocation for the rows instead of the copies of a growing slice. Rows
// that cannot be decoded are left out, and the error joins an *Error for
// each of them; an error that stops the read (a corrupt file, a schema
// that cannot fill T, ctx done) is joined last, and the rows before it are
// returned.
func ReadParquetAll[T any](ctx context.Context, r parquet.ReaderAtSeeker, opts *ParquetOptions) ([]T, error) {
	o := opts.norm()
	if opts == nil || opts.Allocator == nil {
		o.Allocator = new(poolAllocator)
	}
	m, err := rowmap.Of[T]()
	if err != nil {
		return nil, &Error{File: o.Name, Row: -1, Err: err}
	}
	var out []T
	var errs []error
	var plan *rowmap.Plan[T]
	row := int64(0)
	recs := parquetRecords[T](ctx, r, o, func(n int64) { out = make([]T, 0, n) })
	for rec, err := range recs {
		if err != nil {
			errs = append(errs, err)
			break
		}
		if plan == nil || !plan.Schema().Equal(rec.Schema()) {
			if plan, err = m.Plan(rec.Schema()); err != nil {
				errs = append(errs, fromRowmap(o.Name, err))
				break
			}
		}
		n := rec.NumRows()
		cur := rec
		for start := int64(0); start < n; {
			before := len(out)
			out, err = plan.Decode(out, cur, row)
			got := int64(len(out) - before)
			row += got
			start += got
			if cur != rec {
				cur.Release()
			}
			if err == nil {
				break
			}
			var re *rowmap.Error
			if !errors.As(err, &re) {
				return out, errors.Join(append(errs, &Error{File: o.Name, Row: -1, Err: err})...)
			}
			if re.Row < 0 { // a damaged column: nothing of the batch is usable
				return out, errors.Join(append(errs, fromRowmap(o.Name, re))...)
			}
			errs = append(errs, fromRowmap(o.Name, re))
			row++
			start++
			if start < n {
				cur = rec.NewSlice(start, n)
			}
		}
	}
	return out, errors.Join(errs...)
}

// ReadParquetFileAll is ReadParquetAll over the file at path.
func ReadParquetFileAll[T any](ctx context.Context, path string, opts *ParquetOptions) ([]T, error) {
	var o ParquetOptions
	if opts != nil {
		o = *opts
	}
	if o.Name == "" {
		o.Name = path
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, &Error{File: path, Row: -1, Err: err}
	}
	defer f.Close()
	return ReadParquetAll[T](ctx, f, &o)
}
