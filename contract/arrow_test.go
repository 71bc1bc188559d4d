package contract

import (
	"context"
	"encoding/json"
	"errors"
	"iter"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

func TestValidateRecords(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rows := benchRows(2500)
	rows[7].Age = -5e6 // range
	rows[2000].Segment = "vip"
	recs := benchRecords(mem, rows, 1000)
	defer func() {
		for _, r := range recs {
			r.Release()
		}
	}()
	bd := MustBind[benchRow](benchContract())
	seq := func(yield func(arrow.RecordBatch, error) bool) {
		for _, r := range recs {
			if !yield(r, nil) {
				return
			}
		}
	}
	rep, err := bd.ValidateRecords(context.Background(), seq)
	if err != nil {
		t.Fatal(err)
	}
	want := bd.Validate(rows)
	if rep.Rows != 2500 || rep.Rejected != 2 {
		t.Fatalf("ValidateRecords: %d rows, %d rejected; want 2500, 2\n%s", rep.Rows, rep.Rejected, rep)
	}
	a, _ := json.Marshal(rep)
	b, _ := json.Marshal(want)
	if string(a) != string(b) {
		t.Errorf("Arrow report differs from []T report:\n%s\n%s", a, b)
	}
	var back Report
	if err := json.Unmarshal(a, &back); err != nil || back.Rows != 2500 || back.Verdict != Fail {
		t.Errorf("report JSON does not decode: %v", err)
	}
}

// A null in a column whose field is not nullable rejects that row only.
func TestQuarantineRecordNulls(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	type r2 struct {
		A float64 `loom:"a"`
		S string  `loom:"s"`
	}
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "a", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
		{Name: "s", Type: arrow.BinaryTypes.String, Nullable: true},
	}, nil)
	b := array.NewRecordBuilder(mem, schema)
	b.Field(0).(*array.Float64Builder).AppendValues([]float64{1, 0, 3, 4, 5}, []bool{true, false, true, true, true})
	b.Field(1).(*array.StringBuilder).AppendValues([]string{"x", "y", "", "z", "bad"}, []bool{true, true, false, true, true})
	rec := b.NewRecordBatch()
	b.Release()
	defer rec.Release()
	bd := MustBind[r2](New("r2", FloatField("a"), StringField("s", OneOf("x", "y", "z"))))
	v := bd.NewValidator()
	var s Split[r2]
	if err := v.QuarantineRecord(&s, rec); err != nil {
		t.Fatal(err)
	}
	if len(s.Valid) != 2 || len(s.Rejected) != 3 || s.Report.Rows != 5 || s.Report.Rejected != 3 {
		t.Fatalf("QuarantineRecord: %d valid, %+v", len(s.Valid), s.Rejected)
	}
	for i, want := range []int64{1, 2, 4} {
		if s.Rejected[i].Row != want {
			t.Errorf("rejected[%d].Row = %d; want %d", i, s.Rejected[i].Row, want)
		}
	}
	if s.Rejected[0].Reasons[0].Check != "not null" || s.Rejected[0].Reasons[0].Field != "a" {
		t.Errorf("null reason %+v", s.Rejected[0].Reasons)
	}
	// A schema that cannot fill the row type is an error.
	bad := arrow.NewSchema([]arrow.Field{{Name: "s", Type: arrow.BinaryTypes.String}}, nil)
	bb := array.NewRecordBuilder(mem, bad)
	bb.Field(0).(*array.StringBuilder).Append("x")
	rec2 := bb.NewRecordBatch()
	bb.Release()
	defer rec2.Release()
	if err := v.Record(rec2); !errors.Is(err, ErrBind) {
		t.Errorf("Record(missing column) = %v; want ErrBind", err)
	}
	var stream iter.Seq2[arrow.RecordBatch, error] = func(yield func(arrow.RecordBatch, error) bool) { yield(nil, errors.New("boom")) }
	if _, err := bd.ValidateRecords(context.Background(), stream); err == nil {
		t.Error("ValidateRecords ignored a stream error")
	}
}
