package source

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/loomml/loom/internal/rowmap"
)

// Schema returns the Arrow schema of T's loom-tagged fields, in struct
// order: float fields as float64, int fields as int64, string and category
// fields as utf8, bool as boolean, time.Time as timestamp[us, UTC];
// nullable when the Go field is a pointer or sql.Null type. Writers use it,
// and readers that need a schema up front (instead of inferring one from
// the data) can too.
func Schema[T any]() (*arrow.Schema, error) {
	m, err := rowmap.Of[T]()
	if err != nil {
		return nil, err
	}
	fields := make([]arrow.Field, m.Len())
	for i, f := range m.Fields() {
		var dt arrow.DataType
		switch f.Kind {
		case rowmap.KindFloat:
			dt = arrow.PrimitiveTypes.Float64
		case rowmap.KindInt:
			dt = arrow.PrimitiveTypes.Int64
		case rowmap.KindString:
			dt = arrow.BinaryTypes.String
		case rowmap.KindBool:
			dt = arrow.FixedWidthTypes.Boolean
		case rowmap.KindTime:
			dt = &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}
		}
		fields[i] = arrow.Field{Name: f.Name, Type: dt, Nullable: f.Nullable}
	}
	return arrow.NewSchema(fields, nil), nil
}

// Record builds an Arrow record batch of rows with Schema[T]'s layout,
// allocated from mem (nil means the default allocator). The caller
// releases it.
func Record[T any](mem memory.Allocator, rows []T) (arrow.RecordBatch, error) {
	schema, err := Schema[T]()
	if err != nil {
		return nil, err
	}
	if mem == nil {
		mem = memory.DefaultAllocator
	}
	m, _ := rowmap.Of[T]()
	b := array.NewRecordBuilder(mem, schema)
	defer b.Release()
	for i, f := range m.Fields() {
		fb := b.Field(i)
		fb.Reserve(len(rows))
		for j := range rows {
			p := &rows[j]
			if m.IsNull(p, i) {
				fb.AppendNull()
				continue
			}
			switch f.Kind {
			case rowmap.KindFloat:
				v, _ := m.Float(p, i)
				fb.(*array.Float64Builder).Append(v)
			case rowmap.KindInt:
				v, _ := m.Int(p, i)
				fb.(*array.Int64Builder).Append(v)
			case rowmap.KindString:
				v, _ := m.Str(p, i)
				fb.(*array.StringBuilder).Append(v)
			case rowmap.KindBool:
				v, _ := m.Bool(p, i)
				fb.(*array.BooleanBuilder).Append(v)
			case rowmap.KindTime:
				v, _ := m.Time(p, i)
				ts, err := arrow.TimestampFromTime(v.UTC(), arrow.Microsecond)
				if err != nil {
					return nil, fmt.Errorf("source: row %d, column %q: %w", j, f.Name, err)
				}
				fb.(*array.TimestampBuilder).Append(ts)
			}
		}
	}
	return b.NewRecordBatch(), nil
}
