package serve

import (
	"context"
	"math"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// customerBatch builds an Arrow batch of rows, with an "id" column, and a
// null age (a required field) at row bad.
func customerBatch(t *testing.T, mem memory.Allocator, rows []customer, bad int) arrow.RecordBatch {
	t.Helper()
	f64 := func(name string) arrow.Field {
		return arrow.Field{Name: name, Type: arrow.PrimitiveTypes.Float64, Nullable: true}
	}
	str := func(name string) arrow.Field {
		return arrow.Field{Name: name, Type: arrow.BinaryTypes.String, Nullable: true}
	}
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "id", Type: arrow.PrimitiveTypes.Int64}, f64("age"), f64("income"), f64("hours_per_week"), f64("score"),
		f64("balance"), f64("tenure_years"), str("segment"), str("region"), str("channel"),
		{Name: "target", Type: arrow.PrimitiveTypes.Int64},
	}, nil)
	b := array.NewRecordBuilder(mem, schema)
	defer b.Release()
	opt := func(fb *array.Float64Builder, v *float64) {
		if v == nil {
			fb.AppendNull()
		} else {
			fb.Append(*v)
		}
	}
	for i, c := range rows {
		b.Field(0).(*array.Int64Builder).Append(int64(1000 + i))
		if i == bad {
			b.Field(1).(*array.Float64Builder).AppendNull()
		} else {
			b.Field(1).(*array.Float64Builder).Append(c.Age)
		}
		opt(b.Field(2).(*array.Float64Builder), c.Income)
		opt(b.Field(3).(*array.Float64Builder), c.HoursPerWeek)
		b.Field(4).(*array.Float64Builder).Append(c.Score)
		opt(b.Field(5).(*array.Float64Builder), c.Balance)
		opt(b.Field(6).(*array.Float64Builder), c.TenureYears)
		b.Field(7).(*array.StringBuilder).Append(c.Segment)
		b.Field(8).(*array.StringBuilder).Append(c.Region)
		if c.Channel == nil {
			b.Field(9).(*array.StringBuilder).AppendNull()
		} else {
			b.Field(9).(*array.StringBuilder).Append(*c.Channel)
		}
		b.Field(10).(*array.Int64Builder).Append(int64(c.Target))
	}
	return b.NewRecordBatch()
}

func TestScoreArrow(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rows, _ := fixture(t)
	s := newTestScorer(t, 1)
	in := customerBatch(t, mem, rows[:600], 300)
	defer in.Release()
	out, err := s.ScoreArrow(context.Background(), in, &BatchOptions{Keep: []string{"id"}, Allocator: mem})
	if err != nil {
		t.Fatal(err)
	}
	defer out.Release()
	if out.NumRows() != 600 || out.Schema().Field(0).Name != "id" || out.ColumnName(1) != "prediction" || out.ColumnName(3) != "probability_0" {
		t.Fatalf("output schema %v, %d rows", out.Schema(), out.NumRows())
	}
	ids := out.Column(0).(*array.Int64)
	pred := out.Column(1).(*array.Float64)
	p1 := out.Column(4).(*array.Float64)
	errs := out.Column(5).(*array.String)
	for i := range 600 {
		if ids.Value(i) != int64(1000+i) {
			t.Fatalf("row %d: id %d", i, ids.Value(i))
		}
		if i == 300 {
			if !pred.IsNull(i) || errs.IsNull(i) {
				t.Fatalf("bad row 300: prediction null %v, error %q", pred.IsNull(i), errs.Value(i))
			}
			continue
		}
		want, err := s.Score(context.Background(), &rows[i])
		if err != nil || errs.IsValid(i) || pred.Value(i) != want.Value || math.Abs(p1.Value(i)-want.Probabilities()[1]) != 0 {
			t.Fatalf("row %d: batch %v/%v (err %q); Score %+v, %v", i, pred.Value(i), p1.Value(i), errs.Value(i), want, err)
		}
	}
}
