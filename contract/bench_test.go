package contract

import (
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// benchRow has 10 fields; benchContract puts 3 checks on each.
type benchRow struct {
	Age     float64  `loom:"age"`
	Income  *float64 `loom:"income"`
	Hours   *float64 `loom:"hours"`
	Score   float64  `loom:"score"`
	Balance *float64 `loom:"balance"`
	Tenure  float64  `loom:"tenure"`
	Segment string   `loom:"segment"`
	Region  string   `loom:"region"`
	Channel *string  `loom:"channel"`
	Target  int64    `loom:"target"`
}

func benchContract() *Contract {
	num := func(name string, optional bool) Field {
		f := FloatField(name, Range(-1e6, 1e6), Above(-1e7), NotNullRatio(0.5))
		if optional {
			f.Nullable = true
		}
		return f
	}
	return New("bench",
		num("age", false), num("income", true), num("hours", true), num("score", false), num("balance", true), num("tenure", false),
		CategoryField("segment", OneOf("low", "mid", "high"), Length(1, 8), NotNullRatio(0.9)),
		CategoryField("region", OneOf("north", "south", "east", "west", "centre", "islands", "abroad"), Length(1, 10), NotNullRatio(0.9)),
		CategoryField("channel", OneOf("ch01", "ch02", "ch03", "ch04", "ch05", "ch06", "ch07", "ch08", "ch09", "ch10", "ch11", "ch12"), Length(4, 4), NotNullRatio(0.9)).Optional(),
		IntField("target", OneOf("0", "1"), Range(0, 1), NotNullRatio(1)),
	)
}

var (
	segments = []string{"low", "mid", "high"}
	regions  = []string{"north", "south", "east", "west", "centre", "islands", "abroad"}
	channels = []string{"ch01", "ch02", "ch03", "ch04", "ch05", "ch06", "ch07", "ch08", "ch09", "ch10", "ch11", "ch12"}
)

func benchRows(n int) []benchRow {
	rng := rand.New(rand.NewPCG(7, 7))
	rows := make([]benchRow, n)
	for i := range rows {
		r := &rows[i]
		r.Age, r.Score, r.Tenure = 18+rng.Float64()*60, rng.Float64(), rng.Float64()*30
		if rng.IntN(20) > 0 {
			r.Income = ptr(rng.Float64() * 1e5)
		}
		if rng.IntN(50) > 0 {
			r.Hours = ptr(rng.Float64() * 60)
		}
		if rng.IntN(10) > 0 {
			r.Balance = ptr(rng.NormFloat64() * 1000)
		}
		r.Segment, r.Region = segments[rng.IntN(3)], regions[rng.IntN(7)]
		if rng.IntN(50) > 0 {
			r.Channel = &channels[rng.IntN(12)]
		}
		r.Target = int64(rng.IntN(2))
	}
	return rows
}

func benchRecords(mem memory.Allocator, rows []benchRow, chunk int) []arrow.RecordBatch {
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "age", Type: arrow.PrimitiveTypes.Float64},
		{Name: "income", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
		{Name: "hours", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
		{Name: "score", Type: arrow.PrimitiveTypes.Float64},
		{Name: "balance", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
		{Name: "tenure", Type: arrow.PrimitiveTypes.Float64},
		{Name: "segment", Type: arrow.BinaryTypes.String},
		{Name: "region", Type: arrow.BinaryTypes.String},
		{Name: "channel", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "target", Type: arrow.PrimitiveTypes.Int64},
	}, nil)
	var out []arrow.RecordBatch
	b := array.NewRecordBuilder(mem, schema)
	defer b.Release()
	optF := func(fb array.Builder, p *float64) {
		if p == nil {
			fb.AppendNull()
		} else {
			fb.(*array.Float64Builder).Append(*p)
		}
	}
	for lo := 0; lo < len(rows); lo += chunk {
		for _, r := range rows[lo:min(lo+chunk, len(rows))] {
			b.Field(0).(*array.Float64Builder).Append(r.Age)
			optF(b.Field(1), r.Income)
			optF(b.Field(2), r.Hours)
			b.Field(3).(*array.Float64Builder).Append(r.Score)
			optF(b.Field(4), r.Balance)
			b.Field(5).(*array.Float64Builder).Append(r.Tenure)
			b.Field(6).(*array.StringBuilder).Append(r.Segment)
			b.Field(7).(*array.StringBuilder).Append(r.Region)
			if r.Channel == nil {
				b.Field(8).AppendNull()
			} else {
				b.Field(8).(*array.StringBuilder).Append(*r.Channel)
			}
			b.Field(9).(*array.Int64Builder).Append(r.Target)
		}
		out = append(out, b.NewRecordBatch())
	}
	return out
}

const benchTotal, benchChunk = 1_000_000, 10_000

// BenchmarkValidate validates a 1,000,000-row data set of 10 fields with 3
// checks each (range, second range or length, not-null ratio; sets on the
// categorical fields), 10,000 rows per operation, cycling through the data
// set, as []T (Slice) and as Arrow record batches of 10,000 rows (Arrow,
// validated by columns). It runs on one core (GOMAXPROCS 1, whatever -cpu
// says); rows/s is the throughput.
func BenchmarkValidate(b *testing.B) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	bd := MustBind[benchRow](benchContract())
	rows := benchRows(benchTotal)
	b.Run("Slice/rows=1M", func(b *testing.B) {
		b.ReportAllocs()
		v := bd.NewValidator()
		k := 0
		for b.Loop() {
			v.Rows(rows[k : k+benchChunk])
			k = (k + benchChunk) % benchTotal
		}
		if v.Report().Rejected != 0 {
			b.Fatal("bench rows rejected")
		}
		b.ReportMetric(float64(b.N)*benchChunk/b.Elapsed().Seconds(), "rows/s")
	})
	b.Run("Arrow/rows=1M", func(b *testing.B) {
		b.ReportAllocs()
		recs := benchRecords(memory.DefaultAllocator, rows, benchChunk)
		defer func() {
			for _, r := range recs {
				r.Release()
			}
		}()
		v := bd.NewValidator()
		k := 0
		for b.Loop() {
			if err := v.Record(recs[k]); err != nil {
				b.Fatal(err)
			}
			k = (k + 1) % len(recs)
		}
		if v.Report().Rejected != 0 {
			b.Fatal("bench rows rejected")
		}
		b.ReportMetric(float64(b.N)*benchChunk/b.Elapsed().Seconds(), "rows/s")
	})
}

// BenchmarkValidateCheckRow is the serving path: one valid row, all 30
// checks that CheckRow applies.
func BenchmarkValidateCheckRow(b *testing.B) {
	bd := MustBind[benchRow](benchContract())
	rows := benchRows(1024)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if err := bd.CheckRow(&rows[i&1023]); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkCheckRows is the serving path for many rows: CheckRows over
// blocks of 256 valid rows (the blocks of serve's ScoreBatch), all 30
// checks that CheckRow applies; ns/row compares with
// BenchmarkValidateCheckRow's ns/op.
func BenchmarkCheckRows(b *testing.B) {
	const block = 256
	bd := MustBind[benchRow](benchContract())
	rows := benchRows(block * 64)
	errs := make([]error, block)
	b.ReportAllocs()
	k := 0
	for b.Loop() {
		if bd.CheckRows(rows[k:k+block], errs) != 0 {
			b.Fatal(errs)
		}
		k = (k + block) % len(rows)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*block), "ns/row")
}
