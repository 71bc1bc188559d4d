package feature_test

import (
	"context"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// Batch scoring from Arrow: columns are matched to the row type's loom
// tags, decoded into rows, and computed with the same feature code.
func ExampleFitted_MatrixArrow() {
	ctx := context.Background()
	fitted, err := customerFeatures().Fit(ctx, customers())
	if err != nil {
		panic(err)
	}
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "age", Type: arrow.PrimitiveTypes.Float64},
		{Name: "income", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
		{Name: "segment", Type: arrow.BinaryTypes.String},
	}, nil) // no channel column: a nullable field, so missing
	b := array.NewRecordBuilder(memory.NewGoAllocator(), schema)
	defer b.Release()
	b.Field(0).(*array.Float64Builder).AppendValues([]float64{30, 60}, nil)
	b.Field(1).(*array.Float64Builder).AppendValues([]float64{45000, 0}, []bool{true, false})
	b.Field(2).(*array.StringBuilder).AppendValues([]string{"low", "high"}, nil)
	rec := b.NewRecordBatch()
	defer rec.Release()

	m, err := fitted.MatrixArrow(ctx, rec)
	if err != nil {
		panic(err)
	}
	fmt.Printf("%.3g\n", m.RawRowView(0))
	fmt.Printf("%.3g\n", m.RawRowView(1))
	// Output:
	// [-0.894 0.25 0 0 1 0 0]
	// [1.79 0.5 1 1 0 0 0]
}
