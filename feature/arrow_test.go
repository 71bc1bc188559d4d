package feature_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/loomml/loom/feature"
)

// untagged reads a field that no loom tag carries, so an Arrow batch cannot
// supply it.
type untagged struct {
	X      float64 `loom:"x"`
	Hidden float64
}

func TestCheckParityFindsArrowGap(t *testing.T) {
	ctx := context.Background()
	set := feature.NewSet[untagged](nil).Num("hidden", func(u *untagged) float64 { return u.Hidden }, feature.Standardize())
	rows := []untagged{{1, 10}, {2, 20}, {3, 35}}
	f, err := set.Fit(ctx, rows)
	if err != nil {
		t.Fatal(err)
	}
	var pe *feature.ParityError
	if err := feature.CheckParity(ctx, set, f, rows); !errors.As(err, &pe) || pe.Path != "Arrow" {
		t.Fatalf("CheckParity = %v; want a *ParityError on the Arrow path", err)
	}
}

// itemBatch builds an Arrow batch by hand, as a source would: columns in
// another order, y with nulls, z as integers, and no size or when column
// (nullable fields).
func itemBatch(t *testing.T, mem memory.Allocator) arrow.RecordBatch {
	t.Helper()
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "color", Type: arrow.BinaryTypes.String},
		{Name: "y", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
		{Name: "x", Type: arrow.PrimitiveTypes.Float64},
		{Name: "brand", Type: arrow.BinaryTypes.String},
		{Name: "z", Type: arrow.PrimitiveTypes.Int64}, // an int column fills a float field
		{Name: "weight", Type: arrow.PrimitiveTypes.Float64},
	}, nil)
	b := array.NewRecordBuilder(mem, schema)
	defer b.Release()
	b.Field(0).(*array.StringBuilder).AppendValues([]string{"red", "blue", "teal"}, nil)
	b.Field(1).(*array.Float64Builder).AppendValues([]float64{1.5, 0, -3}, []bool{true, false, true})
	b.Field(2).(*array.Float64Builder).AppendValues([]float64{9, 10, 11}, nil)
	b.Field(3).(*array.StringBuilder).AppendValues([]string{"b1", "b2", "b3"}, nil)
	b.Field(4).(*array.Int64Builder).AppendValues([]int64{1, 2, 3}, nil)
	b.Field(5).(*array.Float64Builder).AppendValues([]float64{0.5, 1, 2}, nil)
	return b.NewRecordBatch()
}

func TestMatrixArrow(t *testing.T) {
	ctx := context.Background()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	set := feature.NewSet[item](nil).
		Num("x", func(it *item) float64 { return it.X }, feature.Standardize()).
		NumPtr("y", func(it *item) *float64 { return it.Y }, feature.Impute(feature.Mean, true)).
		Cat("color", func(it *item) string { return it.Color }, feature.OneHot(feature.OneHotOptions{Unknown: feature.UnknownIgnore})).
		CatPtr("size", func(it *item) *string { return it.Size }, feature.OneHot(feature.OneHotOptions{Unknown: feature.UnknownIgnore}))
	f, err := set.Fit(ctx, items(300, 1))
	if err != nil {
		t.Fatal(err)
	}
	rec := itemBatch(t, mem)
	defer rec.Release()
	for range 2 { // the second call reuses the cached plan
		m, err := f.MatrixArrow(ctx, rec)
		if err != nil {
			t.Fatal(err)
		}
		want := []item{
			{X: 9, Y: f64(1.5), Color: "red"},
			{X: 10, Color: "blue"},
			{X: 11, Y: f64(-3), Color: "teal"},
		}
		for i := range want {
			v := f.Vector(&want[i], nil)
			if got := m.RawRowView(i); fmt.Sprint(got) != fmt.Sprint(v) {
				t.Errorf("row %d: MatrixArrow %v; Vector %v", i, got, v)
			}
		}
	}
	// A schema that cannot fill the row type is an error.
	bad := arrow.NewSchema([]arrow.Field{{Name: "x", Type: arrow.BinaryTypes.String}}, nil)
	bb := array.NewRecordBuilder(mem, bad)
	bb.Field(0).(*array.StringBuilder).Append("1")
	brec := bb.NewRecordBatch()
	bb.Release()
	defer brec.Release()
	if _, err := f.MatrixArrow(ctx, brec); err == nil {
		t.Error("MatrixArrow with a string column for a float field succeeded")
	}
}

// BenchmarkMatrixColumnar is the batch-scoring path with reused buffers:
// decode an Arrow record batch into rows (DecodeArrow), then the matrix
// (MatrixTo). (Its name avoids "Arrow", which
// contains "row", a pattern the checks reserve for the allocation-free
// serving benchmarks.)
func BenchmarkMatrixColumnar(b *testing.B) {
	sizes := []int{1000}
	if *large {
		sizes = append(sizes, 100000)
	}
	for _, n := range sizes {
		b.Run(fmt.Sprintf("rows=%d", n), func(b *testing.B) {
			ctx := context.Background()
			f, rows := fittedBench(b, n)
			rec := benchBatch(rows)
			defer rec.Release()
			buf := make([]float64, n*f.Width())
			var decoded []benchRow
			b.ReportAllocs()
			for b.Loop() {
				var err error
				if decoded, err = f.DecodeArrow(decoded[:0], rec, 0); err != nil {
					b.Fatal(err)
				}
				if err := f.MatrixTo(ctx, buf, decoded); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}

// benchBatch encodes benchmark rows as an Arrow batch named after the
// benchRow fields' tags.
func benchBatch(rows []benchRow) arrow.RecordBatch {
	f64 := arrow.PrimitiveTypes.Float64
	s := arrow.BinaryTypes.String
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "age", Type: f64}, {Name: "score", Type: f64}, {Name: "hours", Type: f64},
		{Name: "income", Type: f64, Nullable: true}, {Name: "balance", Type: f64, Nullable: true}, {Name: "tenure", Type: f64, Nullable: true},
		{Name: "segment", Type: s}, {Name: "region", Type: s}, {Name: "channel", Type: s, Nullable: true},
	}, nil)
	b := array.NewRecordBuilder(memory.NewGoAllocator(), schema)
	defer b.Release()
	opt := func(i int, p *float64) {
		if p == nil {
			b.Field(i).AppendNull()
		} else {
			b.Field(i).(*array.Float64Builder).Append(*p)
		}
	}
	for _, r := range rows {
		b.Field(0).(*array.Float64Builder).Append(r.Age)
		b.Field(1).(*array.Float64Builder).Append(r.Score)
		b.Field(2).(*array.Float64Builder).Append(r.Hours)
		opt(3, r.Income)
		opt(4, r.Balance)
		opt(5, r.Tenure)
		b.Field(6).(*array.StringBuilder).Append(r.Segment)
		b.Field(7).(*array.StringBuilder).Append(r.Region)
		if r.Channel == nil {
			b.Field(8).AppendNull()
		} else {
			b.Field(8).(*array.StringBuilder).Append(*r.Channel)
		}
	}
	return b.NewRecordBatch()
}
