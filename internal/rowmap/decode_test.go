package rowmap

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

type arow struct {
	Age     float64    `loom:"age"`
	Income  *float64   `loom:"income"`
	N       int        `loom:"n"`
	Seg     string     `loom:"seg"`
	Channel *string    `loom:"channel"`
	OK      bool       `loom:"ok"`
	When    *time.Time `loom:"when"`
}

func buildBatch(t *testing.T, mem memory.Allocator) arrow.RecordBatch {
	t.Helper()
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "age", Type: arrow.PrimitiveTypes.Float64},
		{Name: "income", Type: arrow.PrimitiveTypes.Float32, Nullable: true},
		{Name: "n", Type: arrow.PrimitiveTypes.Int32},
		{Name: "seg", Type: &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int8, ValueType: arrow.BinaryTypes.String}},
		{Name: "channel", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "ok", Type: arrow.FixedWidthTypes.Boolean},
		{Name: "when", Type: &arrow.TimestampType{Unit: arrow.Millisecond}, Nullable: true},
		{Name: "extra", Type: arrow.BinaryTypes.String},
	}, nil)
	b := array.NewRecordBuilder(mem, schema)
	defer b.Release()
	b.Field(0).(*array.Float64Builder).AppendValues([]float64{1.5, 2.5, 3.5}, nil)
	b.Field(1).(*array.Float32Builder).AppendValues([]float32{10, 0, 30}, []bool{true, false, true})
	b.Field(2).(*array.Int32Builder).AppendValues([]int32{1, 2, 3}, nil)
	db := b.Field(3).(*array.BinaryDictionaryBuilder)
	for _, s := range []string{"low", "high", "low"} {
		if err := db.AppendString(s); err != nil {
			t.Fatal(err)
		}
	}
	b.Field(4).(*array.StringBuilder).AppendValues([]string{"a", "", "c"}, []bool{true, false, true})
	b.Field(5).(*array.BooleanBuilder).AppendValues([]bool{true, false, true}, nil)
	b.Field(6).(*array.TimestampBuilder).AppendValues([]arrow.Timestamp{0, 86_400_000, 0}, []bool{false, true, true})
	b.Field(7).(*array.StringBuilder).AppendValues([]string{"x", "y", "z"}, nil)
	return b.NewRecordBatch()
}

func TestDecode(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rec := buildBatch(t, mem)
	defer rec.Release()
	m := MustOf[arow]()
	pl, err := m.Plan(rec.Schema())
	if err != nil {
		t.Fatal(err)
	}
	dst := []arow{{Age: -1}}
	dst, err = pl.Decode(dst, rec, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(dst) != 4 || dst[0].Age != -1 {
		t.Fatalf("Decode appended wrongly: %d rows", len(dst))
	}
	got := dst[1:]
	if got[0].Age != 1.5 || *got[0].Income != 10 || got[1].Income != nil || got[2].N != 3 || got[1].Seg != "high" ||
		*got[0].Channel != "a" || got[1].Channel != nil || !got[0].OK || got[1].OK || got[0].When != nil ||
		!got[1].When.Equal(time.Unix(86400, 0)) {
		t.Fatalf("Decode gave %+v", got)
	}
}

func TestDecodeErrors(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	type strict struct {
		Income float64 `loom:"income"` // not nullable, column has a null in row 1
		N      int8    `loom:"n"`
	}
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "income", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
		{Name: "n", Type: arrow.PrimitiveTypes.Int64},
	}, nil)
	b := array.NewRecordBuilder(mem, schema)
	b.Field(0).(*array.Float64Builder).AppendValues([]float64{1, 0, 3, 4}, []bool{true, false, true, true})
	b.Field(1).(*array.Int64Builder).AppendValues([]int64{1, 2, 3, 1000}, nil)
	rec := b.NewRecordBatch()
	b.Release()
	defer rec.Release()
	pl, err := MustOf[strict]().Plan(schema)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := pl.Decode(nil, rec, 100)
	var e *Error
	if !errors.As(err, &e) || e.Row != 101 || e.Column != "income" || !errors.Is(err, ErrNull) || len(rows) != 1 {
		t.Fatalf("Decode = %d rows, %v; want 1 row and a null error at row 101", len(rows), err)
	}
	// Resume after the bad row: row 3 has n = 1000, out of int8 range.
	rest := rec.NewSlice(2, 4)
	defer rest.Release()
	rows, err = pl.Decode(rows, rest, 102)
	if !errors.As(err, &e) || e.Row != 103 || e.Column != "n" || e.Value != "1000" || !errors.Is(err, ErrRange) || len(rows) != 2 {
		t.Fatalf("Decode = %d rows, %v; want 2 rows and a range error at row 103", len(rows), err)
	}
	if !strings.Contains(err.Error(), `row 103, column "n", value "1000"`) {
		t.Errorf("error text %q does not say where", err)
	}
}

func TestPlanErrors(t *testing.T) {
	type need struct {
		A float64 `loom:"a"`
		B *string `loom:"b"`
		C int     `loom:"c"`
	}
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "c", Type: arrow.PrimitiveTypes.Float64},
	}, nil)
	_, err := MustOf[need]().Plan(schema)
	if !errors.Is(err, ErrMissingColumn) || !errors.Is(err, ErrType) {
		t.Fatalf("Plan = %v; want missing column a and type error for c", err)
	}
	if strings.Contains(err.Error(), `"b"`) {
		t.Errorf("Plan complains about nullable column b: %v", err)
	}
}

func TestDecodeJSON(t *testing.T) {
	m := MustOf[row]()
	tests := []struct {
		in   string
		errs []error
		want func(r *row) bool
	}{
		{`{"id":1,"age":30,"count":2,"segment":"a","ok":true,"when":"2026-01-02T00:00:00Z","income":null,"score":1.5}`, nil,
			func(r *row) bool { return r.Age == 30 && r.Income == nil && r.Score.Float64 == 1.5 && r.Channel == nil }},
		{`{"id":1.5,"age":30,"count":2,"segment":"a","ok":true,"when":"2026-01-02"}`, []error{ErrType}, nil},
		{`{"id":1,"age":"x","count":2,"segment":"a","ok":true,"when":"2026-01-02","zzz":1}`, []error{ErrType, ErrUnknownField}, nil},
		{`{"id":1,"age":3,"segment":"a","ok":true,"when":"2026-01-02"}`, []error{ErrMissingField}, nil},
		{`{"id":1,"age":3,"count":null,"segment":{"x":[1]},"ok":true,"when":"2026-01-02"}`, []error{ErrNull, ErrType}, nil},
	}
	for _, tt := range tests {
		var r row
		err := m.DecodeJSON([]byte(tt.in), &r)
		if len(tt.errs) == 0 && err != nil {
			t.Errorf("DecodeJSON(%s) = %v", tt.in, err)
		}
		for _, w := range tt.errs {
			if !errors.Is(err, w) {
				t.Errorf("DecodeJSON(%s) = %v; want %v", tt.in, err, w)
			}
		}
		if tt.want != nil && !tt.want(&r) {
			t.Errorf("DecodeJSON(%s) gave %+v", tt.in, r)
		}
	}
	for _, bad := range []string{``, `[1]`, `{"id":1`, `{"id":1} x`} {
		var r row
		if err := m.DecodeJSON([]byte(bad), &r); err == nil {
			t.Errorf("DecodeJSON(%q) = nil; want an error", bad)
		}
	}
}

func FuzzDecodeJSON(f *testing.F) {
	f.Add(`{"id":1,"age":30,"count":2,"segment":"a","ok":true,"when":"2026-01-02T00:00:00Z"}`)
	f.Add(`{"id":1e3,"age":-0,"gen":null,"name":"\u00e9"}`)
	f.Add(`{"small":999,"count":[{}]}`)
	m := MustOf[row]()
	f.Fuzz(func(t *testing.T, s string) {
		var r row
		_ = m.DecodeJSON([]byte(s), &r)
	})
}
