package rowmap

import (
	"errors"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// checkRow has one field per kind of column TestDecodeInvalidArrays
// damages, each in the representations whose decoding differs.
type checkRow struct {
	S  string   `loom:"s"`
	SP *string  `loom:"sp"`
	F  float64  `loom:"f"`
	FP *float64 `loom:"fp"`
	B  bool     `loom:"b"`
	D  string   `loom:"d"`
}

// TestDecodeInvalidArrays decodes batches whose columns have buffers that
// contradict their length, as arrays read from a damaged IPC file can
// (arrow-go checks some of this when it builds an array, not all): each
// must be an *Error with Row -1 naming the column and wrapping
// ErrInvalidArray, never a panic, and nothing is decoded.
func TestDecodeInvalidArrays(t *testing.T) {
	buf := func(b []byte) *memory.Buffer { return memory.NewBufferBytes(b) }
	i32 := func(v ...int32) *memory.Buffer { return buf(arrow.Int32Traits.CastToBytes(v)) }
	f64 := func(v ...float64) *memory.Buffer { return buf(arrow.Float64Traits.CastToBytes(v)) }
	str := arrow.BinaryTypes.String
	good := map[string]arrow.ArrayData{
		"s":  array.NewData(str, 3, []*memory.Buffer{nil, i32(0, 1, 2, 3), buf([]byte("abc"))}, nil, 0, 0),
		"sp": array.NewData(str, 3, []*memory.Buffer{nil, i32(0, 1, 2, 3), buf([]byte("abc"))}, nil, 0, 0),
		"f":  array.NewData(arrow.PrimitiveTypes.Float64, 3, []*memory.Buffer{nil, f64(1, 2, 3)}, nil, 0, 0),
		"fp": array.NewData(arrow.PrimitiveTypes.Float64, 3, []*memory.Buffer{nil, f64(1, 2, 3)}, nil, 0, 0),
		"b":  array.NewData(arrow.FixedWidthTypes.Boolean, 3, []*memory.Buffer{nil, buf([]byte{5})}, nil, 0, 0),
	}
	dictType := &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: str}
	words := array.NewData(str, 2, []*memory.Buffer{nil, i32(0, 1, 2), buf([]byte("xy"))}, nil, 0, 0)
	dict := func(idx ...int32) arrow.ArrayData {
		d := array.NewData(dictType, len(idx), []*memory.Buffer{nil, i32(idx...)}, nil, 0, 0)
		d.SetDictionary(words)
		return d
	}
	good["d"] = dict(0, 1, 0)
	tests := []struct {
		name, col string
		data      arrow.ArrayData
	}{
		{"decreasing offsets", "s", array.NewData(str, 3, []*memory.Buffer{nil, i32(0, 2, 1, 3), buf([]byte("abc"))}, nil, 0, 0)},
		{"decreasing offsets, pointer field", "sp", array.NewData(str, 3, []*memory.Buffer{nil, i32(0, 3, 0, 3), buf([]byte("abc"))}, nil, 0, 0)},
		{"negative first offset", "s", array.NewData(str, 3, []*memory.Buffer{nil, i32(-5, 1, 2, 3), buf([]byte("abc"))}, nil, 0, 0)},
		{"first offset past the data", "s", array.NewData(str, 3, []*memory.Buffer{nil, i32(9, 1, 2, 3), buf([]byte("abc"))}, nil, 0, 0)},
		{"nulls without a bitmap", "sp", array.NewData(str, 3, []*memory.Buffer{nil, i32(0, 1, 2, 3), buf([]byte("abc"))}, nil, 2, 0)},
		{"bitmap too short", "fp", array.NewData(arrow.PrimitiveTypes.Float64, 9, []*memory.Buffer{buf([]byte{0xff}), f64(1, 2, 3, 4, 5, 6, 7, 8, 9)}, nil, 1, 0)},
		{"null count to be counted without a bitmap", "f", array.NewData(arrow.PrimitiveTypes.Float64, 3, []*memory.Buffer{nil, f64(1, 2, 3)}, nil, -1, 0)},
		{"more nulls than values", "fp", array.NewData(arrow.PrimitiveTypes.Float64, 3, []*memory.Buffer{buf([]byte{0xff}), f64(1, 2, 3)}, nil, 7, 0)},
		{"boolean values too short", "b", array.NewData(arrow.FixedWidthTypes.Boolean, 3, []*memory.Buffer{nil, buf(nil)}, nil, 0, 0)},
		{"dictionary index past the dictionary", "d", dict(0, 7, 1)},
		{"column shorter than the batch", "", nil},
	}
	m := MustOf[checkRow]()
	names := []string{"s", "sp", "f", "fp", "b", "d"}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var fields []arrow.Field
			var cols []arrow.Array
			for _, n := range names {
				d := good[n]
				if n == tc.col {
					d = tc.data
				}
				fields = append(fields, arrow.Field{Name: n, Type: d.DataType(), Nullable: true})
				cols = append(cols, array.MakeFromData(d))
			}
			var rec arrow.RecordBatch = array.NewRecordBatch(arrow.NewSchema(fields, nil), cols, 3)
			want := tc.col
			if tc.data == nil {
				rec, want = longBatch{rec}, "s"
			}
			pl, err := m.Plan(rec.Schema())
			if err != nil {
				t.Fatal(err)
			}
			dst := []checkRow{{S: "kept"}}
			got, err := pl.Decode(dst, rec, 100)
			var e *Error
			if !errors.As(err, &e) || e.Row != -1 || e.Column != want || !errors.Is(err, ErrInvalidArray) {
				t.Fatalf("Decode() = %v; want an *Error for column %q, row -1, wrapping ErrInvalidArray", err, want)
			}
			if len(got) != 1 || got[0].S != "kept" {
				t.Fatalf("Decode() changed dst to %+v", got)
			}
		})
	}
	t.Run("null count below the bitmap's", func(t *testing.T) {
		// The file says one null, the bitmap has none: the bitmap decides,
		// and the pointees' slab is sized by it.
		d := array.NewData(arrow.PrimitiveTypes.Float64, 3, []*memory.Buffer{buf([]byte{0xff}), f64(1, 2, 3)}, nil, 1, 0)
		rec := array.NewRecordBatch(arrow.NewSchema([]arrow.Field{{Name: "fp", Type: d.DataType(), Nullable: true}}, nil), []arrow.Array{array.MakeFromData(d)}, 3)
		pl, err := MustOf[struct {
			FP *float64 `loom:"fp"`
		}]().Plan(rec.Schema())
		if err != nil {
			t.Fatal(err)
		}
		got, err := pl.Decode(nil, rec, 0)
		if err != nil || len(got) != 3 || got[2].FP == nil || *got[2].FP != 3 {
			t.Fatalf("Decode() = %+v, %v; want 3 values", got, err)
		}
	})
	t.Run("valid", func(t *testing.T) {
		var fields []arrow.Field
		var cols []arrow.Array
		for _, n := range names {
			fields = append(fields, arrow.Field{Name: n, Type: good[n].DataType(), Nullable: true})
			cols = append(cols, array.MakeFromData(good[n]))
		}
		rec := array.NewRecordBatch(arrow.NewSchema(fields, nil), cols, 3)
		pl, err := m.Plan(rec.Schema())
		if err != nil {
			t.Fatal(err)
		}
		got, err := pl.Decode(nil, rec, 0)
		if err != nil || len(got) != 3 || got[2].S != "c" || *got[1].SP != "b" || got[2].F != 3 || !got[2].B || got[1].D != "y" {
			t.Fatalf("Decode() = %+v, %v", got, err)
		}
	})
}

// longBatch claims one row more than its columns hold, as only a batch
// built outside arrow-go (which checks) can.
type longBatch struct{ arrow.RecordBatch }

func (b longBatch) NumRows() int64 { return b.RecordBatch.NumRows() + 1 }
