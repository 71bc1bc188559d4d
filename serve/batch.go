package serve

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	"github.com/loomml/loom/stage"
)

// BatchOptions configures ScoreArrow and ScoreParquet. A nil *BatchOptions
// means the defaults.
type BatchOptions struct {
	// Keep names input columns copied into the output, such as an id to
	// join the predictions back on.
	Keep []string
	// Allocator for the output; nil means memory.DefaultAllocator.
	Allocator memory.Allocator
	// BatchRows is how many rows ScoreParquet reads at once; 0 means 65,536.
	BatchRows int64
}

// ScoreArrow scores every row of rec, an Arrow record batch whose columns
// are matched to T's `loom:"name"` tags (the mapping contracts, features
// and sources share), and returns a record batch with one row per input
// row: the kept columns, "prediction" (float64), for a classifier "class"
// (int64) and "probability_LABEL" (float64) per class, and "error" (string,
// null when the row scored). A row that cannot be decoded or scored gets
// null predictions and its error, so no row is lost silently. The caller
// releases the result.
func (s *Scorer[T]) ScoreArrow(ctx context.Context, rec arrow.RecordBatch, o *BatchOptions) (arrow.RecordBatch, error) {
	var opts BatchOptions
	if o != nil {
		opts = *o
	}
	mem := opts.Allocator
	if mem == nil {
		mem = memory.DefaultAllocator
	}
	n := int(rec.NumRows())
	rowErrs := make([]error, n)
	// Decode past bad rows, so that one bad value does not stop the batch.
	rows := make([]T, 0, n)
	for len(rows) < n {
		start := int64(len(rows))
		part := rec.NewSlice(start, int64(n))
		var err error
		rows, err = s.features.DecodeArrow(rows, part, start)
		part.Release()
		if err == nil {
			break
		}
		if len(rows) >= n {
			return nil, err // not a row error: the batch does not fit T
		}
		rowErrs[len(rows)] = err
		var zero T
		rows = append(rows, zero)
	}
	preds, err := s.ScoreBatch(ctx, rows)
	if cerr := ctx.Err(); cerr != nil {
		return nil, cerr
	}
	if err != nil {
		var joined interface{ Unwrap() []error }
		if !errors.As(err, &joined) {
			return nil, err
		}
		for _, e := range joined.Unwrap() {
			var item *stage.ItemError
			if errors.As(e, &item) && rowErrs[item.Index] == nil {
				rowErrs[item.Index] = item.Err
			}
		}
	}

	fields := []arrow.Field{}
	var cols []arrow.Array
	defer func() {
		for _, c := range cols {
			c.Release()
		}
	}()
	schema := rec.Schema()
	for _, name := range opts.Keep {
		idx := schema.FieldIndices(name)
		if len(idx) == 0 {
			return nil, fmt.Errorf("serve: cannot keep column %q: the batch has no such column", name)
		}
		col := rec.Column(idx[0])
		col.Retain()
		fields = append(fields, schema.Field(idx[0]))
		cols = append(cols, col)
	}
	pb := array.NewFloat64Builder(mem)
	defer pb.Release()
	for i := range preds {
		if rowErrs[i] != nil {
			pb.AppendNull()
		} else {
			pb.Append(preds[i].Value)
		}
	}
	fields = append(fields, arrow.Field{Name: "prediction", Type: arrow.PrimitiveTypes.Float64, Nullable: true})
	cols = append(cols, pb.NewArray())
	if k := len(s.classes); k > 0 {
		cb := array.NewInt64Builder(mem)
		defer cb.Release()
		for i := range preds {
			if rowErrs[i] != nil {
				cb.AppendNull()
			} else {
				cb.Append(int64(preds[i].Class))
			}
		}
		fields = append(fields, arrow.Field{Name: "class", Type: arrow.PrimitiveTypes.Int64, Nullable: true})
		cols = append(cols, cb.NewArray())
		for j, label := range s.classes {
			b := array.NewFloat64Builder(mem)
			for i := range preds {
				if rowErrs[i] != nil || preds[i].n == 0 {
					b.AppendNull()
				} else {
					b.Append(preds[i].probs[j])
				}
			}
			fields = append(fields, arrow.Field{Name: "probability_" + strconv.FormatFloat(label, 'g', -1, 64), Type: arrow.PrimitiveTypes.Float64, Nullable: true})
			cols = append(cols, b.NewArray())
			b.Release()
		}
	}
	eb := array.NewStringBuilder(mem)
	defer eb.Release()
	for _, e := range rowErrs {
		if e == nil {
			eb.AppendNull()
		} else {
			eb.Append(e.Error())
		}
	}
	fields = append(fields, arrow.Field{Name: "error", Type: arrow.BinaryTypes.String, Nullable: true})
	cols = append(cols, eb.NewArray())
	return array.NewRecordBatch(arrow.NewSchema(fields, nil), cols, int64(n)), nil
}

// ScoreParquet scores every row of the Parquet file r and writes the
// predictions, as ScoreArrow lays them out, to the Parquet file w, in
// batches of opts.BatchRows rows, in bounded memory. It returns the number
// of rows scored and the number that failed (with their reason in the
// "error" column).
func (s *Scorer[T]) ScoreParquet(ctx context.Context, r parquet.ReaderAtSeeker, w io.Writer, o *BatchOptions) (rows, failed int64, err error) {
	var opts BatchOptions
	if o != nil {
		opts = *o
	}
	if opts.BatchRows == 0 {
		opts.BatchRows = 1 << 16
	}
	mem := opts.Allocator
	if mem == nil {
		mem = memory.DefaultAllocator
	}
	pf, err := file.NewParquetReader(r)
	if err != nil {
		return 0, 0, fmt.Errorf("serve: reading Parquet: %w", err)
	}
	defer pf.Close()
	fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{BatchSize: opts.BatchRows, Parallel: true}, mem)
	if err != nil {
		return 0, 0, fmt.Errorf("serve: reading Parquet: %w", err)
	}
	rr, err := fr.GetRecordReader(ctx, nil, nil)
	if err != nil {
		return 0, 0, fmt.Errorf("serve: reading Parquet: %w", err)
	}
	defer rr.Release()
	var pw *pqarrow.FileWriter
	for rr.Next() {
		in := rr.RecordBatch()
		out, err := s.ScoreArrow(ctx, in, &opts)
		if err != nil {
			return rows, failed, fmt.Errorf("serve: scoring Parquet rows %d to %d: %w", rows, rows+in.NumRows(), err)
		}
		if pw == nil {
			pw, err = pqarrow.NewFileWriter(out.Schema(), w, parquet.NewWriterProperties(parquet.WithAllocator(mem)), pqarrow.NewArrowWriterProperties(pqarrow.WithAllocator(mem)))
			if err != nil {
				out.Release()
				return rows, failed, fmt.Errorf("serve: writing Parquet: %w", err)
			}
		}
		errCol := out.Column(int(out.NumCols()) - 1)
		failed += int64(errCol.Len() - errCol.NullN())
		err = pw.Write(out)
		rows += out.NumRows()
		out.Release()
		if err != nil {
			pw.Close()
			return rows, failed, fmt.Errorf("serve: writing Parquet: %w", err)
		}
	}
	if err := rr.Err(); err != nil && !errors.Is(err, io.EOF) {
		if pw != nil {
			pw.Close()
		}
		return rows, failed, fmt.Errorf("serve: reading Parquet after row %d: %w", rows, err)
	}
	if pw == nil {
		return 0, 0, errors.New("serve: the Parquet file has no rows")
	}
	if err := pw.Close(); err != nil {
		return rows, failed, fmt.Errorf("serve: writing Parquet: %w", err)
	}
	return rows, failed, nil
}
