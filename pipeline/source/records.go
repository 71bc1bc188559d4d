package source

import (
	"errors"
	"iter"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/loomml/loom/internal/rowmap"
)

// Rows turns a stream of Arrow record batches into rows of T, matching
// columns to T's loom tags by name (see package doc for the type rules).
// name labels errors. A value that cannot fill its field yields an *Error
// for that row and decoding goes on with the next row; a schema that cannot
// fill T (a missing non-nullable column, a wrong type) yields an error and
// stops. Rows own their data: nothing refers to the batches after they are
// decoded. The result is a single-use iterator; stopping early stops recs.
func Rows[T any](name string, recs iter.Seq2[arrow.RecordBatch, error]) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		m, err := rowmap.Of[T]()
		if err != nil {
			var zero T
			yield(zero, &Error{File: name, Row: -1, Err: err})
			return
		}
		var plan *rowmap.Plan[T]
		var buf []T
		var row int64
		for rec, err := range recs {
			if err != nil {
				var zero T
				yield(zero, err)
				return
			}
			if plan == nil || !plan.Schema().Equal(rec.Schema()) {
				if plan, err = m.Plan(rec.Schema()); err != nil {
					var zero T
					yield(zero, fromRowmap(name, err))
					return
				}
			}
			if !decodeInto(name, plan, rec, &buf, &row, yield) {
				return
			}
		}
	}
}

// decodeInto decodes rec into buf and yields its rows, resuming after bad
// rows; it reports false when the consumer stopped.
func decodeInto[T any](name string, plan *rowmap.Plan[T], rec arrow.RecordBatch, buf *[]T, row *int64, yield func(T, error) bool) bool {
	n := rec.NumRows()
	cur := rec
	var start int64
	defer func() {
		if cur != rec {
			cur.Release()
		}
	}()
	for {
		var err error
		*buf, err = plan.Decode((*buf)[:0], cur, *row)
		for i := range *buf {
			*row++
			if !yield((*buf)[i], nil) {
				return false
			}
		}
		start += int64(len(*buf))
		if err == nil {
			return true
		}
		var re *rowmap.Error
		if !errors.As(err, &re) {
			var zero T
			yield(zero, &Error{File: name, Row: -1, Err: err})
			return false
		}
		if re.Row < 0 { // a damaged column: nothing of the batch is usable
			var zero T
			yield(zero, fromRowmap(name, re))
			return false
		}
		var zero T
		*row++
		if !yield(zero, fromRowmap(name, re)) {
			return false
		}
		start++
		if start >= n {
			return true
		}
		if cur != rec {
			cur.Release()
		}
		cur = rec.NewSlice(start, n)
	}
}
