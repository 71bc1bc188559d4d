package feature

import (
	"context"
	"fmt"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"gonum.org/v1/gonum/mat"

	"github.com/loomml/loom/internal/rowmap"
)

// arrowState caches the struct-tag mapping of T and the decoding plan of the
// last schema seen, so that batches of one schema build their plan once.
type arrowState[T any] struct {
	mu     sync.Mutex
	schema *arrow.Schema
	plan   *rowmap.Plan[T]
}

func (f *Fitted[T]) planFor(schema *arrow.Schema) (*rowmap.Plan[T], error) {
	f.arrow.mu.Lock()
	defer f.arrow.mu.Unlock()
	if f.arrow.plan != nil && f.arrow.schema.Equal(schema) {
		return f.arrow.plan, nil
	}
	m, err := rowmap.Of[T]()
	if err != nil {
		return nil, fmt.Errorf("feature: Arrow batches need loom struct tags on the row type: %w", err)
	}
	pl, err := m.Plan(schema)
	if err != nil {
		return nil, fmt.Errorf("feature: Arrow schema does not fit the row type: %w", err)
	}
	f.arrow.schema, f.arrow.plan = schema, pl
	return pl, nil
}

// DecodeArrow decodes the rows of an Arrow record batch into T, appending
// them to dst: columns are matched to T's `loom:"name"` struct tags through
// the same mapping that contracts and sources use (a null fills a pointer
// or sql.Null field with missing; a timestamp column gives UTC times). A
// value that cannot be decoded is an error naming its row (firstRow plus
// its index in rec), column and value; dst then holds the rows before it.
func (f *Fitted[T]) DecodeArrow(dst []T, rec arrow.RecordBatch, firstRow int64) ([]T, error) {
	pl, err := f.planFor(rec.Schema())
	if err != nil {
		return dst, err
	}
	return pl.Decode(dst, rec, firstRow)
}

// MatrixArrow is the batch-scoring path: it decodes rec into rows of T
// (DecodeArrow) and computes their matrix with Matrix, so every feature is
// defined once, over T. It does not retain rec. To reuse buffers across
// batches, call DecodeArrow with the previous rows[:0] and then MatrixTo.
func (f *Fitted[T]) MatrixArrow(ctx context.Context, rec arrow.RecordBatch) (*mat.Dense, error) {
	rows, err := f.DecodeArrow(nil, rec, 0)
	if err != nil {
		return nil, err
	}
	return f.Matrix(ctx, rows)
}

// arrowOf encodes rows as an Arrow record batch with one column per tagged
// field of T (float64, int64, string, bool, or timestamp[ns, UTC]; nil
// pointers and invalid sql.Null values as nulls), for the parity check. The
// caller releases it.
func arrowOf[T any](rows []T) (arrow.RecordBatch, error) {
	m, err := rowmap.Of[T]()
	if err != nil {
		return nil, err
	}
	fields := m.Fields()
	afs := make([]arrow.Field, len(fields))
	for i, fd := range fields {
		var dt arrow.DataType
		switch fd.Kind {
		case rowmap.KindFloat:
			dt = arrow.PrimitiveTypes.Float64
		case rowmap.KindInt:
			dt = arrow.PrimitiveTypes.Int64
		case rowmap.KindString:
			dt = arrow.BinaryTypes.String
		case rowmap.KindBool:
			dt = arrow.FixedWidthTypes.Boolean
		case rowmap.KindTime:
			dt = arrow.FixedWidthTypes.Timestamp_ns
		default:
			return nil, fmt.Errorf("feature: field %s has unknown storage kind %d", fd.Name, fd.Kind)
		}
		afs[i] = arrow.Field{Name: fd.Name, Type: dt, Nullable: fd.Nullable}
	}
	b := array.NewRecordBuilder(memory.NewGoAllocator(), arrow.NewSchema(afs, nil))
	defer b.Release()
	for r := range rows {
		p := &rows[r]
		for i, fd := range fields {
			if m.IsNull(p, i) {
				b.Field(i).AppendNull()
				continue
			}
			switch fd.Kind {
			case rowmap.KindFloat:
				v, _ := m.Float(p, i)
				b.Field(i).(*array.Float64Builder).Append(v)
			case rowmap.KindInt:
				v, _ := m.Int(p, i)
				b.Field(i).(*array.Int64Builder).Append(v)
			case rowmap.KindString:
				v, _ := m.Str(p, i)
				b.Field(i).(*array.StringBuilder).Append(v)
			case rowmap.KindBool:
				v, _ := m.Bool(p, i)
				b.Field(i).(*array.BooleanBuilder).Append(v)
			case rowmap.KindTime:
				v, _ := m.Time(p, i)
				b.Field(i).(*array.TimestampBuilder).Append(arrow.Timestamp(v.UnixNano()))
			}
		}
	}
	return b.NewRecordBatch(), nil
}
