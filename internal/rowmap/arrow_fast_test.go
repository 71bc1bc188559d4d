package rowmap

import (
	"database/sql"
	"errors"
	"math/rand/v2"
	"testing"
	"time"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/google/go-cmp/cmp"
)

// fastRow has every field kind the column fast paths handle, in each null
// representation.
type fastRow struct {
	F   float64             `loom:"f"`
	FP  *float64            `loom:"fp"`
	FS  sql.NullFloat64     `loom:"fs"`
	I   int64               `loom:"i"`
	IN  int                 `loom:"in"`
	IP  *int64              `loom:"ip"`
	IS  sql.NullInt64       `loom:"is"`
	S   string              `loom:"s"`
	SP  *string             `loom:"sp"`
	SS  sql.NullString      `loom:"ss"`
	B   bool                `loom:"b"`
	BP  *bool               `loom:"bp"`
	T   time.Time           `loom:"t"`
	TP  *time.Time          `loom:"tp"`
	TS  sql.Null[time.Time] `loom:"ts"`
	Pad [3]byte
}

// randomFastBatch builds a batch of n rows for fastRow whose nullable
// columns have nulls with probability pNull; with nullsEverywhere the
// non-nullable columns get nulls too.
func randomFastBatch(rng *rand.Rand, mem memory.Allocator, n int, pNull float64, nullsEverywhere bool) arrow.RecordBatch {
	ts := &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}
	m := MustOf[fastRow]()
	var fields []arrow.Field
	for _, f := range m.Fields() {
		var dt arrow.DataType
		switch f.Kind {
		case KindFloat:
			dt = arrow.PrimitiveTypes.Float64
		case KindInt:
			dt = arrow.PrimitiveTypes.Int64
		case KindString:
			dt = arrow.BinaryTypes.String
		case KindBool:
			dt = arrow.FixedWidthTypes.Boolean
		case KindTime:
			dt = ts
		}
		fields = append(fields, arrow.Field{Name: f.Name, Type: dt, Nullable: true})
	}
	b := array.NewRecordBuilder(mem, arrow.NewSchema(fields, nil))
	defer b.Release()
	for i, f := range m.Fields() {
		fb := b.Field(i)
		for range n {
			if (f.Nullable || nullsEverywhere) && rng.Float64() < pNull {
				fb.AppendNull()
				continue
			}
			switch x := fb.(type) {
			case *array.Float64Builder:
				x.Append(rng.NormFloat64())
			case *array.Int64Builder:
				x.Append(rng.Int64() - rng.Int64())
			case *array.StringBuilder:
				x.Append(string(rune('a' + rng.IntN(26)))[:1] + "xyz"[:rng.IntN(4)])
			case *array.BooleanBuilder:
				x.Append(rng.IntN(2) == 1)
			case *array.TimestampBuilder:
				x.Append(arrow.Timestamp(rng.Int64N(1 << 50)))
			}
		}
	}
	return b.NewRecordBatch()
}

// TestFastColumnMatchesGeneric decodes random batches, whole and sliced,
// through the column fast paths and through the generic per-value path,
// and requires the same rows and the same first bad row.
func TestFastColumnMatchesGeneric(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	m := MustOf[fastRow]()
	rng := rand.New(rand.NewPCG(3, 4))
	for iter := range 60 {
		n := 1 + rng.IntN(300)
		rec := randomFastBatch(rng, mem, n, []float64{0, 0.1, 0.9}[iter%3], iter%4 == 3)
		lo := rng.IntN(n)
		for _, r := range []arrow.RecordBatch{rec, rec.NewSlice(int64(lo), int64(n))} {
			rows := int(r.NumRows())
			limit := rows - rng.IntN(rows+1)/3
			fast := make([]fastRow, rows)
			slow := make([]fastRow, rows)
			base := func(s []fastRow) unsafe.Pointer { return unsafe.Pointer(unsafe.SliceData(s)) }
			size := unsafe.Sizeof(fastRow{})
			for i := range m.Fields() {
				f := m.Field(i)
				col := r.Column(i)
				ok, fbad, ferr := fastColumn(f, col, base(fast), size, limit)
				if !ok {
					t.Fatalf("field %s: no fast path", f.Name)
				}
				sbad, serr := decodeColumn(f, col, base(slow), size, limit, nil)
				if fbad != sbad || !errors.Is(ferr, ErrNull) != !errors.Is(serr, ErrNull) || (ferr == nil) != (serr == nil) {
					t.Fatalf("iteration %d field %s: fast stopped at %d (%v), generic at %d (%v)", iter, f.Name, fbad, ferr, sbad, serr)
				}
			}
			if d := cmp.Diff(slow, fast); d != "" {
				t.Fatalf("iteration %d: fast decode differs from generic (-generic +fast):\n%s", iter, d)
			}
			if r != rec {
				r.Release()
			}
		}
		rec.Release()
	}
}

// TestFastColumnPointeesDistinct checks that pointer fields of different
// rows point at different values.
func TestFastColumnPointeesDistinct(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	rec := randomFastBatch(rng, memory.NewGoAllocator(), 50, 0.2, false)
	defer rec.Release()
	pl, err := MustOf[fastRow]().Plan(rec.Schema())
	if err != nil {
		t.Fatal(err)
	}
	rows, err := pl.Decode(nil, rec, 0)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[*float64]bool{}
	for _, r := range rows {
		if r.FP != nil {
			if seen[r.FP] {
				t.Fatalf("pointee %p shared by two rows", r.FP)
			}
			seen[r.FP] = true
		}
	}
	if len(seen) == 0 {
		t.Fatal("no present values in fp")
	}
}
