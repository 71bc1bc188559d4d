package contract

import (
	"database/sql"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// eqRow covers every kind of field and of Go storage: plain, pointer and
// sql.Null fields, a float32 and an int32 that Arrow values are converted
// into, and a field (X) that the contract does not name.
type eqRow struct {
	F   float64        `loom:"f"`
	FP  *float64       `loom:"fp"`
	F32 float32        `loom:"f32"`
	I   int64          `loom:"i"`
	IP  *int32         `loom:"ip"`
	S   string         `loom:"s"`
	SP  *string        `loom:"sp"`
	SN  sql.NullString `loom:"sn"`
	B   *bool          `loom:"b"`
	T   *time.Time     `loom:"t"`
	D   *string        `loom:"d"`
	X   int8           `loom:"x"`
}

var eqWords = []string{"a", "bb", "ccc", "dddd", "", "é", "x", "y", "zz", "w1", "w2", "w3", "w4", "w5", "w6", "w7", "w8", "w9", "w10", "w11"}

var eqStart = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func eqContract() *Contract {
	return New("eq",
		FloatField("f", Range(-100, 100), Above(-50).Warn(), Below(60)),
		FloatField("fp", AtLeast(0), Below(10), NotNullRatio(0.99)),
		FloatField("f32", Range(-1, 1), Increasing(false).Warn()).Optional(),
		IntField("i", OneOf("0", "1", "2", "3", "70"), Range(0, 50), Unique().Warn()),
		IntField("ip", OneOf("-5", "7", "1000"), AtMost(100)).Optional(),
		StringField("s", OneOf("a", "bb", "ccc", ""), Length(1, 2), Match("[a-c]+")),
		StringField("sp", Length(0, 3), Unique()),
		CategoryField("sn", OneOf(eqWords[5:]...)).Optional(),
		BoolField("b", OneOf("true").Warn()),
		TimestampField("t", Increasing(true), Unique()).Optional(),
		CategoryField("d", OneOf("x", "y", "zz")).Optional(),
	).With(RowCount(10, -1), MeanWithin("f", -10, 10), StdWithin("i", 0, 5), Complete("sp", 0.9), Fresh("t", time.Hour),
		MeanWithin("f32", -1, 1).Warn(), StdWithin("fp", 0, 1))
}

// eqRows makes n random rows; nulls and failures are frequent where the
// rate p is high.
func eqRows(seed uint64, n int, p float64) []eqRow {
	rng := rand.New(rand.NewPCG(seed, 1))
	hit := func() bool { return rng.Float64() < p }
	word := func() string { return eqWords[rng.IntN(len(eqWords))] }
	rows := make([]eqRow, n)
	tm := eqStart
	for i := range rows {
		r := &rows[i]
		r.F = rng.NormFloat64() * 5
		if hit() {
			r.F = []float64{-100, 100, -50, 60, 61, -120, math.NaN(), math.Inf(1), math.Inf(-1)}[rng.IntN(9)]
		}
		if !hit() {
			r.FP = ptr(rng.Float64() * 10)
			if hit() {
				*r.FP = []float64{10, -1, 0, 9.999}[rng.IntN(4)]
			}
		}
		r.F32 = float32(rng.Float64()*2 - 1 + 0.1*float64(i%3))
		if hit() {
			r.F32 = float32(rng.NormFloat64() * 3)
		}
		r.I = int64(rng.IntN(4))
		if hit() {
			r.I = []int64{70, 50, -1, 1 << 40, math.MinInt64}[rng.IntN(5)]
		}
		if !hit() {
			r.IP = ptr([]int32{-5, 7, 1000, 0, math.MaxInt32}[rng.IntN(5)])
		}
		r.S = []string{"a", "bb"}[rng.IntN(2)]
		if hit() {
			r.S = []string{"ab", "c", "ccc", ""}[rng.IntN(4)]
		}
		if hit() {
			r.S = word()
		}
		if !hit() {
			r.SP = ptr(strconv.FormatInt(int64(i), 36))
			if hit() {
				*r.SP = word()
			}
		}
		if !hit() {
			r.SN = sql.NullString{String: word(), Valid: true}
		}
		if !hit() {
			r.B = ptr(!hit())
		}
		step := 1 + rng.IntN(2)
		if hit() {
			step = rng.IntN(3) - 1
		}
		tm = tm.Add(time.Duration(step) * time.Millisecond)
		if !hit() {
			r.T = ptr(tm)
		}
		if !hit() {
			r.D = ptr([]string{"x", "y", "zz", "q"}[rng.IntN(4)])
		}
		r.X = int8(rng.IntN(256) - 128)
	}
	return rows
}

var eqSchema = arrow.NewSchema([]arrow.Field{
	{Name: "x", Type: arrow.PrimitiveTypes.Int64}, // before the others: decoded first
	{Name: "f", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	{Name: "fp", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	{Name: "f32", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	{Name: "i", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	{Name: "ip", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	{Name: "s", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "sp", Type: arrow.BinaryTypes.LargeString, Nullable: true},
	{Name: "sn", Type: arrow.BinaryTypes.StringView, Nullable: true},
	{Name: "b", Type: arrow.FixedWidthTypes.Boolean, Nullable: true},
	{Name: "t", Type: &arrow.TimestampType{Unit: arrow.Millisecond}, Nullable: true},
	{Name: "d", Type: &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int16, ValueType: arrow.BinaryTypes.String}, Nullable: true},
}, nil)

// poison lists values that eqRow cannot hold, written into a batch in
// place of the row's own: nulls in non-pointer fields and numbers beyond
// the field's Go type.
type poison struct {
	nullF, nullI, nullS, nullF32, nullX bool
	bigIP, bigF32, bigX                 bool
	roundF32                            bool // a float64 that rounds on its way into a float32
}

func randPoison(seed uint64, n int, p float64) []poison {
	rng := rand.New(rand.NewPCG(seed, 2))
	out := make([]poison, n)
	for i := range out {
		hit := func() bool { return rng.Float64() < p }
		out[i] = poison{hit(), hit(), hit(), hit(), hit(), hit(), hit(), hit(), hit()}
	}
	return out
}

// eqRecord builds one record batch of rows (with poison, when not nil).
func eqRecord(mem memory.Allocator, rows []eqRow, bad []poison) arrow.RecordBatch {
	b := array.NewRecordBuilder(mem, eqSchema)
	defer b.Release()
	opt := func(fb array.Builder, null bool, add func()) {
		if null {
			fb.AppendNull()
		} else {
			add()
		}
	}
	for i := range rows {
		r := &rows[i]
		var pz poison
		if bad != nil {
			pz = bad[i]
		}
		xb := b.Field(0).(*array.Int64Builder)
		opt(xb, pz.nullX, func() {
			if pz.bigX {
				xb.Append(300)
			} else {
				xb.Append(int64(r.X))
			}
		})
		fb := b.Field(1).(*array.Float64Builder)
		opt(fb, pz.nullF, func() { fb.Append(r.F) })
		fpb := b.Field(2).(*array.Float64Builder)
		opt(fpb, r.FP == nil, func() { fpb.Append(*r.FP) })
		f32b := b.Field(3).(*array.Float64Builder)
		opt(f32b, pz.nullF32, func() {
			switch {
			case pz.bigF32:
				f32b.Append(1e39)
			case pz.roundF32:
				f32b.Append([]float64{1 + 1e-9, 0.1, -1 - 1e-9}[i%3])
			default:
				f32b.Append(float64(r.F32))
			}
		})
		ib := b.Field(4).(*array.Int64Builder)
		opt(ib, pz.nullI, func() { ib.Append(r.I) })
		ipb := b.Field(5).(*array.Int64Builder)
		opt(ipb, r.IP == nil && !pz.bigIP, func() {
			if pz.bigIP {
				ipb.Append(1 << 40)
			} else {
				ipb.Append(int64(*r.IP))
			}
		})
		sb := b.Field(6).(*array.StringBuilder)
		opt(sb, pz.nullS, func() { sb.Append(r.S) })
		spb := b.Field(7).(*array.LargeStringBuilder)
		opt(spb, r.SP == nil, func() { spb.Append(*r.SP) })
		snb := b.Field(8).(*array.StringViewBuilder)
		opt(snb, !r.SN.Valid, func() { snb.Append(r.SN.String) })
		bb := b.Field(9).(*array.BooleanBuilder)
		opt(bb, r.B == nil, func() { bb.Append(*r.B) })
		tb := b.Field(10).(*array.TimestampBuilder)
		opt(tb, r.T == nil, func() { tb.Append(arrow.Timestamp(r.T.UnixMilli())) })
		db := b.Field(11).(*array.BinaryDictionaryBuilder)
		if r.D == nil {
			db.AppendNull()
		} else if err := db.AppendString(*r.D); err != nil {
			panic(err)
		}
	}
	return b.NewRecordBatch()
}

// eqBatches cuts rows into batches of chunk rows; when sliced, the batches
// are slices of one record, so their arrays have offsets.
func eqBatches(mem memory.Allocator, rows []eqRow, bad []poison, chunk int, sliced bool) []arrow.RecordBatch {
	var out []arrow.RecordBatch
	if sliced {
		all := eqRecord(mem, rows, bad)
		defer all.Release()
		for lo := 0; lo < len(rows); lo += chunk {
			out = append(out, all.NewSlice(int64(lo), int64(min(lo+chunk, len(rows)))))
		}
		return out
	}
	for lo := 0; lo < len(rows); lo += chunk {
		hi := min(lo+chunk, len(rows))
		var bz []poison
		if bad != nil {
			bz = bad[lo:hi]
		}
		out = append(out, eqRecord(mem, rows[lo:hi], bz))
	}
	return out
}

func eqBound(t testing.TB, examples int, custom bool) *Bound[eqRow] {
	t.Helper()
	c := eqContract()
	var preds []Predicate[eqRow]
	if custom {
		c.Fields[3].Checks = append(c.Fields[3].Checks, Custom("small_i"))
		preds = append(preds, Pred("small_i", func(r *eqRow) bool { return r.I < 3 || r.F > 0 }))
	}
	b, err := Bind(c, preds...)
	if err != nil {
		t.Fatal(err)
	}
	return b.WithExamples(examples)
}

func fixedNow(v *Validator[eqRow]) *Validator[eqRow] {
	v.now = func() time.Time { return eqStart.Add(time.Minute) }
	return v
}

func same[V comparable](a, b *V) bool {
	return a == nil && b == nil || a != nil && b != nil && *a == *b
}

func sameFloat(a, b float64) bool { return a == b || math.IsNaN(a) && math.IsNaN(b) }

// sameRow compares rows by value (go-cmp is too slow for thousands).
func sameRow(a, b *eqRow) bool {
	return sameFloat(a.F, b.F) && (a.FP == nil) == (b.FP == nil) && (a.FP == nil || sameFloat(*a.FP, *b.FP)) &&
		sameFloat(float64(a.F32), float64(b.F32)) && a.I == b.I && same(a.IP, b.IP) && a.S == b.S && same(a.SP, b.SP) &&
		a.SN == b.SN && same(a.B, b.B) && (a.T == nil) == (b.T == nil) && (a.T == nil || a.T.Equal(*b.T)) && same(a.D, b.D) && a.X == b.X
}

func sameValid(t *testing.T, what string, got, want []eqRow) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d valid rows; want %d", what, len(got), len(want))
	}
	for i := range got {
		if !sameRow(&got[i], &want[i]) {
			t.Fatalf("%s: valid row %d differs (-got +want):\n%s", what, i, cmp.Diff(got[i], want[i]))
		}
	}
}

func sameRejected(t *testing.T, what string, got, want []Rejected[eqRow]) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d rejected rows; want %d", what, len(got), len(want))
	}
	for i := range got {
		g, w := &got[i], &want[i]
		if g.Row != w.Row || !sameRow(&g.Value, &w.Value) || !slices.Equal(g.Reasons, w.Reasons) {
			t.Fatalf("%s: rejected row %d differs (-got +want):\n%s", what, i, cmp.Diff(*g, *w, cmpopts.EquateNaNs()))
		}
	}
}

// reportDiff compares two reports, NaN observations equal.
func reportDiff(a, b *Report) string {
	return cmp.Diff(a, b, cmpopts.EquateNaNs())
}

var eqCases = []struct {
	name     string
	n        int
	p        float64 // null and failure rate
	chunk    int
	sliced   bool
	examples int
}{
	{"clean", 3000, 0, 1000, false, 5},
	{"fewFailures", 3000, 0.01, 1000, false, 5},
	{"manyFailures", 2000, 0.3, 700, false, 5},
	{"allExamples", 1500, 0.2, 1500, false, 100000},
	{"noExamples", 1500, 0.2, 333, false, 0},
	{"tinyBatches", 300, 0.25, 1, false, 20},
	{"oddBatches", 2500, 0.1, 513, false, 50},
	{"sliced", 2500, 0.15, 600, true, 50},
	{"slicedSmall", 777, 0.4, 37, true, 1000},
	{"allNull", 600, 1, 256, false, 10},
}

// The columnar Arrow path gives the Report that validating the same rows
// as []T gives, and so do the decoding path, the row-at-a-time path and
// Quarantine.
func TestColumnarMatchesSlice(t *testing.T) {
	for _, tc := range eqCases {
		for _, custom := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/custom=%v", tc.name, custom), func(t *testing.T) {
				mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
				defer mem.AssertSize(t, 0)
				bd := eqBound(t, tc.examples, custom)
				rows := eqRows(uint64(len(tc.name)), tc.n, tc.p)
				recs := eqBatches(mem, rows, nil, tc.chunk, tc.sliced)
				defer func() {
					for _, r := range recs {
						r.Release()
					}
				}()

				sv := fixedNow(bd.NewValidator())
				sv.Rows(rows)
				want := sv.Report()
				if tc.p > 0 && want.Rejected == 0 {
					t.Fatalf("test data has no rejected rows:\n%s", want)
				}

				av := fixedNow(bd.NewValidator())
				dv := fixedNow(bd.NewValidator())
				qv := fixedNow(bd.NewValidator())
				var split Split[eqRow]
				for _, rec := range recs {
					if err := av.Record(rec); err != nil {
						t.Fatal(err)
					}
					if err := dv.record(rec, nil); err != nil {
						t.Fatal(err)
					}
					if err := qv.QuarantineRecord(&split, rec); err != nil {
						t.Fatal(err)
					}
				}
				if d := reportDiff(av.Report(), want); d != "" {
					t.Errorf("Record report differs from Rows report (-arrow +slice):\n%s", d)
				}
				if d := reportDiff(dv.Report(), want); d != "" {
					t.Errorf("decoding report differs from Rows report (-decode +slice):\n%s", d)
				}
				rv := fixedNow(bd.NewValidator())
				for i := range rows {
					rv.Row(&rows[i])
				}
				if d := reportDiff(rv.Report(), want); d != "" {
					t.Errorf("Row-by-row report differs from Rows report (-row +slice):\n%s", d)
				}

				q := bd.Quarantine(rows)
				if int64(len(q.Valid)+len(q.Rejected)) != q.Report.Rows || q.Report.Rows != int64(tc.n) {
					t.Fatalf("Quarantine: %d valid + %d rejected != %d rows", len(q.Valid), len(q.Rejected), q.Report.Rows)
				}
				sameRejected(t, "QuarantineRecord", split.Rejected, q.Rejected)
				sameValid(t, "QuarantineRecord", split.Valid, q.Valid)
				// Row-by-row reasons, as QuarantineSeq gives them.
				seq := func(yield func(eqRow, error) bool) {
					for _, r := range rows {
						if !yield(r, nil) {
							return
						}
					}
				}
				qs, err := bd.QuarantineSeq(t.Context(), seq)
				if err != nil {
					t.Fatal(err)
				}
				sameRejected(t, "QuarantineSeq", qs.Rejected, q.Rejected)
				sameValid(t, "QuarantineSeq", qs.Valid, q.Valid)
			})
		}
	}
}

// Batches holding what T cannot (nulls in non-pointer fields, numbers
// beyond a field's Go type) give the same Report by columns as by decoding
// into T, and QuarantineRecord keeps rows in = valid + rejected with a
// reason for every rejected row.
func TestColumnarUndecodable(t *testing.T) {
	for _, tc := range eqCases {
		t.Run(tc.name, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			bd := eqBound(t, tc.examples, false)
			rows := eqRows(uint64(len(tc.name))+100, tc.n, tc.p)
			bad := randPoison(uint64(tc.n), tc.n, tc.p/3)
			recs := eqBatches(mem, rows, bad, tc.chunk, tc.sliced)
			defer func() {
				for _, r := range recs {
					r.Release()
				}
			}()
			av := fixedNow(bd.NewValidator())
			dv := fixedNow(bd.NewValidator())
			qv := fixedNow(bd.NewValidator())
			var split Split[eqRow]
			for _, rec := range recs {
				if err := av.Record(rec); err != nil {
					t.Fatal(err)
				}
				if err := dv.record(rec, nil); err != nil {
					t.Fatal(err)
				}
				if err := qv.QuarantineRecord(&split, rec); err != nil {
					t.Fatal(err)
				}
			}
			got, want := av.Report(), dv.Report()
			if d := reportDiff(got, want); d != "" {
				t.Errorf("columnar report differs from decoding report (-columnar +decode):\n%s", d)
			}
			if d := reportDiff(split.Report, want); d != "" {
				t.Errorf("QuarantineRecord report differs from decoding report (-quarantine +decode):\n%s", d)
			}
			if int64(len(split.Valid)+len(split.Rejected)) != int64(tc.n) || got.Rows != int64(tc.n) || got.Valid+got.Rejected != got.Rows {
				t.Fatalf("rows in %d; valid %d + rejected %d; report %d = %d + %d", tc.n, len(split.Valid), len(split.Rejected), got.Rows, got.Valid, got.Rejected)
			}
			if int64(len(split.Rejected)) != got.Rejected {
				t.Errorf("QuarantineRecord rejected %d rows; report says %d", len(split.Rejected), got.Rejected)
			}
			undecodable := 0
			for _, r := range split.Rejected {
				if len(r.Reasons) == 0 {
					t.Fatalf("rejected row %d has no reason", r.Row)
				}
				if r.Reasons[0].Check == "decodable" || (len(r.Reasons) == 1 && r.Reasons[0].Check == "not null") {
					undecodable++
				}
			}
			if tc.p > 0 && tc.p < 1 && undecodable == 0 {
				t.Errorf("no undecodable row among %d rejected", len(split.Rejected))
			}
		})
	}
}
