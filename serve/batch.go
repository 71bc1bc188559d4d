package serve

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/loomml/loom/stage"
)

// BatchOptions configures ScoreArrow and package scorefile's Parquet. A nil *BatchOptions
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
