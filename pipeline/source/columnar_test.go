package source

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/google/go-cmp/cmp"
	_ "modernc.org/sqlite"
)

func sampleRecs(n int) []rec {
	rows := make([]rec, n)
	segs := []string{"low", "mid", "high"}
	for i := range rows {
		r := &rows[i]
		r.Age = float64(i) + 0.5
		if i%3 != 0 {
			v := float64(i * 10)
			r.Income = &v
		}
		r.N = i
		r.Segment = segs[i%3]
		if i%4 != 0 {
			c := "ch" + segs[i%3]
			r.Channel = &c
		}
		r.OK = i%2 == 0
		if i%5 != 0 {
			w := time.Date(2026, 1, 1, 0, 0, i, 1000*i, time.UTC)
			r.When = &w
		}
	}
	return rows
}

func equalRecs(t *testing.T, got, want []rec) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d rows; want %d", len(got), len(want))
	}
	for i := range want {
		g, w := got[i], want[i]
		same := g.Age == w.Age && g.N == w.N && g.Segment == w.Segment && g.OK == w.OK &&
			(g.Income == nil) == (w.Income == nil) && (g.Income == nil || *g.Income == *w.Income) &&
			(g.Channel == nil) == (w.Channel == nil) && (g.Channel == nil || *g.Channel == *w.Channel) &&
			(g.When == nil) == (w.When == nil) && (g.When == nil || g.When.Equal(*w.When))
		if !same {
			t.Fatalf("row %d = %+v; want %+v", i, g, w)
		}
	}
}

func TestParquetRoundTrip(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rows := sampleRecs(2500)
	path := filepath.Join(t.TempDir(), "rows.parquet")
	var buf bytes.Buffer
	if err := WriteParquet(&buf, rows, &ParquetOptions{BatchRows: 1000, Allocator: mem}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, serial := range []bool{false, true} {
		got, errs := collect(ReadParquetFile[rec](context.Background(), path, &ParquetOptions{BatchRows: 700, Allocator: mem, Serial: serial}))
		if len(errs) != 0 {
			t.Fatal(errs)
		}
		equalRecs(t, got, rows)
	}
	// Early stop releases everything (checked by the allocator).
	n := 0
	for _, err := range ReadParquet[rec](context.Background(), bytes.NewReader(buf.Bytes()), &ParquetOptions{Allocator: mem}) {
		if err != nil {
			t.Fatal(err)
		}
		if n++; n == 5 {
			break
		}
	}
}

func TestParquetTruncated(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	var buf bytes.Buffer
	if err := WriteParquet(&buf, sampleRecs(300), &ParquetOptions{Allocator: mem}); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	for _, cut := range []int{0, 4, len(data) / 2, len(data) - 9, len(data) - 1} {
		_, errs := collect(ReadParquet[rec](context.Background(), bytes.NewReader(data[:cut]), &ParquetOptions{Name: "cut.parquet", Allocator: mem}))
		if len(errs) == 0 || !errors.Is(errs[0], ErrSyntax) || !strings.Contains(errs[0].Error(), "cut.parquet") {
			t.Errorf("truncated at %d: errors %v; want ErrSyntax naming the file", cut, errs)
		}
	}
}

func TestParquetWrongTypes(t *testing.T) {
	type wrong struct {
		Age     string `loom:"age"` // float64 in the file
		Segment string `loom:"segment"`
	}
	type missing struct {
		Age   float64 `loom:"age"`
		Other int     `loom:"other"`
	}
	var buf bytes.Buffer
	if err := WriteParquet(&buf, sampleRecs(10), nil); err != nil {
		t.Fatal(err)
	}
	_, errs := collect(ReadParquet[wrong](context.Background(), bytes.NewReader(buf.Bytes()), &ParquetOptions{Name: "w.parquet"}))
	var e *Error
	if len(errs) != 1 || !errors.As(errs[0], &e) || e.Column != "age" || !errors.Is(errs[0], ErrType) {
		t.Errorf("wrong type: %v", errs)
	}
	_, errs = collect(ReadParquet[missing](context.Background(), bytes.NewReader(buf.Bytes()), nil))
	if len(errs) != 1 || !errors.Is(errs[0], ErrMissingColumn) || !strings.Contains(errs[0].Error(), `"other"`) {
		t.Errorf("missing column: %v", errs)
	}
}

// A null in a non-nullable field costs its row only: earlier and later
// rows are kept.
func TestRowsResumeAfterBadRow(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	type strict struct {
		Income float64 `loom:"income"`
	}
	schema := arrow.NewSchema([]arrow.Field{{Name: "income", Type: arrow.PrimitiveTypes.Float64, Nullable: true}}, nil)
	b := array.NewRecordBuilder(mem, schema)
	b.Field(0).(*array.Float64Builder).AppendValues([]float64{1, 0, 3, 0, 5}, []bool{true, false, true, false, true})
	r := b.NewRecordBatch()
	b.Release()
	defer r.Release()
	seq := func(yield func(arrow.RecordBatch, error) bool) { yield(r, nil) }
	rows, errs := collect(Rows[strict]("mem", seq))
	if len(rows) != 3 || rows[2].Income != 5 || len(errs) != 2 {
		t.Fatalf("rows %+v errs %v", rows, errs)
	}
	var e *Error
	if !errors.As(errs[1], &e) || e.Row != 3 || e.RowNumber() != 3 || !errors.Is(e, ErrNull) {
		t.Errorf("second error %v; want row 3 null", errs[1])
	}
}

func TestIPCRoundTrip(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rows := sampleRecs(1200)
	var file, stream bytes.Buffer
	schema, err := Schema[rec]()
	if err != nil {
		t.Fatal(err)
	}
	fw, err := ipc.NewFileWriter(&file, ipc.WithSchema(schema), ipc.WithAllocator(mem))
	if err != nil {
		t.Fatal(err)
	}
	sw := ipc.NewWriter(&stream, ipc.WithSchema(schema), ipc.WithAllocator(mem))
	for lo := 0; lo < len(rows); lo += 500 {
		r, err := Record(mem, rows[lo:min(lo+500, len(rows))])
		if err != nil {
			t.Fatal(err)
		}
		if err := fw.Write(r); err != nil {
			t.Fatal(err)
		}
		if err := sw.Write(r); err != nil {
			t.Fatal(err)
		}
		r.Release()
	}
	if err := fw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := sw.Close(); err != nil {
		t.Fatal(err)
	}
	got, errs := collect(ReadIPCFile[rec](context.Background(), "f.arrow", bytes.NewReader(file.Bytes()), mem))
	if len(errs) != 0 {
		t.Fatal(errs)
	}
	equalRecs(t, got, rows)
	got, errs = collect(ReadIPCStream[rec](context.Background(), "s.arrows", bytes.NewReader(stream.Bytes()), mem))
	if len(errs) != 0 {
		t.Fatal(errs)
	}
	equalRecs(t, got, rows)
	_, errs = collect(ReadIPCFile[rec](context.Background(), "bad.arrow", bytes.NewReader([]byte("not arrow")), mem))
	if len(errs) != 1 || !errors.Is(errs[0], ErrSyntax) {
		t.Errorf("bad IPC file: %v", errs)
	}
	_, errs = collect(ReadIPCStream[rec](context.Background(), "bad.arrows", bytes.NewReader(stream.Bytes()[:stream.Len()/2]), mem))
	if len(errs) == 0 || !errors.Is(errs[len(errs)-1], ErrSyntax) {
		t.Errorf("truncated IPC stream: %v", errs)
	}
}

func TestQuerySQLite(t *testing.T) {
	db, err := sql.Open("sqlite", filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	if _, err := db.ExecContext(ctx, `CREATE TABLE c (age REAL, income REAL, n INTEGER, segment TEXT, channel TEXT, ok INTEGER, "when" TEXT, extra TEXT);
		INSERT INTO c VALUES (41.5, 1000, 3, 'mid', 'web', 1, '2026-01-02T03:04:05Z', 'x');
		INSERT INTO c VALUES (22, NULL, 4, 'high', NULL, 0, NULL, 'y');
		INSERT INTO c VALUES (23, 5, 4.5, 'low', NULL, 0, NULL, 'y');
		INSERT INTO c VALUES (NULL, 5, 4, 'low', NULL, 0, NULL, 'y');
		INSERT INTO c VALUES (25, 5, 4, 'low', NULL, 0, NULL, 'z');`); err != nil {
		t.Fatal(err)
	}
	rows, errs := collect(Query[rec](ctx, db, `SELECT * FROM c ORDER BY rowid`))
	if len(rows) != 3 || len(errs) != 2 {
		t.Fatalf("rows %+v errs %v", rows, errs)
	}
	if rows[0].Age != 41.5 || *rows[0].Income != 1000 || rows[0].N != 3 || !rows[0].OK || !rows[0].When.Equal(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)) ||
		rows[1].Income != nil || rows[1].Channel != nil || rows[2].Age != 25 {
		t.Errorf("rows %+v", rows)
	}
	var e *Error
	if !errors.As(errs[0], &e) || e.Row != 2 || e.Column != "n" || e.Value != "4.5" || !errors.Is(errs[0], ErrType) {
		t.Errorf("error 0 = %v", errs[0])
	}
	if !errors.As(errs[1], &e) || e.Row != 3 || e.Column != "age" || !errors.Is(errs[1], ErrNull) {
		t.Errorf("error 1 = %v", errs[1])
	}
	_, errs = collect(Query[rec](ctx, db, `SELECT segment FROM c`))
	if len(errs) != 1 || !errors.Is(errs[0], ErrMissingColumn) {
		t.Errorf("missing column: %v", errs)
	}
	_, errs = collect(Query[rec](ctx, db, `SELECT nonsense FROM`))
	if len(errs) != 1 {
		t.Errorf("bad query: %v", errs)
	}
}

// TestParquetPooledBuffers reads a multi-row-group file with nulls,
// strings and small batches through the recycling allocator and through
// Go's, and requires the same rows: no batch's buffers are reused while
// still in use.
func TestParquetPooledBuffers(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	words := []string{"a", "bb", "ccc", "dddd", ""}
	rows := make([]wide, 20000)
	for i := range rows {
		r := &rows[i]
		r.F1, r.F2, r.F3, r.F4, r.F5 = rng.NormFloat64(), float64(i), rng.Float64(), -1, 1e300
		if i%3 > 0 {
			v := rng.Float64()
			r.N1 = &v
		}
		if i%7 == 0 {
			v := float64(i)
			r.N3 = &v
		}
		r.S1, r.S2 = words[i%5], strings.Repeat("x", i%50)
		if i%4 > 0 {
			r.S3 = &words[rng.IntN(5)]
		}
		r.I1 = int64(i) * 7919
	}
	var buf bytes.Buffer
	if err := WriteParquet(&buf, rows, &ParquetOptions{BatchRows: 3000}); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, o := range []*ParquetOptions{nil, {BatchRows: 1000}, {BatchRows: 777, Serial: true}} {
		pooled, errs := collect(ReadParquet[wide](ctx, bytes.NewReader(buf.Bytes()), o))
		if len(errs) != 0 {
			t.Fatal(errs)
		}
		var plain ParquetOptions
		if o != nil {
			plain = *o
		}
		plain.Allocator = memory.NewGoAllocator()
		want, errs := collect(ReadParquet[wide](ctx, bytes.NewReader(buf.Bytes()), &plain))
		if len(errs) != 0 {
			t.Fatal(errs)
		}
		if d := cmp.Diff(rows, pooled); d != "" {
			t.Fatalf("options %+v: pooled read differs from the written rows:\n%s", o, d)
		}
		if d := cmp.Diff(want, pooled); d != "" {
			t.Fatalf("options %+v: pooled read differs from a Go-allocator read:\n%s", o, d)
		}
	}
}

func TestPoolAllocator(t *testing.T) {
	var a poolAllocator
	b := a.Allocate(100)
	if len(b) != 100 || cap(b) != 128 {
		t.Fatalf("Allocate(100): len %d cap %d", len(b), cap(b))
	}
	for i := range b {
		b[i] = 0xAA
	}
	b = a.Reallocate(120, b)
	if len(b) != 120 || b[99] != 0xAA || b[100] != 0 || b[119] != 0 {
		t.Fatalf("Reallocate kept %x, extended with %x %x", b[99], b[100], b[119])
	}
	b = a.Reallocate(1000, b)
	if len(b) != 1000 || b[0] != 0xAA || b[500] != 0 {
		t.Fatal("Reallocate to a larger class lost or dirtied bytes")
	}
	a.Free(b)
	c := a.Allocate(1000)
	for i, x := range c {
		if x != 0 {
			t.Fatalf("reused buffer not zeroed at %d", i)
		}
	}
	if uintptr(unsafe.Pointer(unsafe.SliceData(c)))%64 != 0 {
		t.Fatal("buffer not 64-byte aligned")
	}
}

// TestWriteParquetDictionaryFallback checks that WriteParquet keeps a
// dictionary for a repetitive string column and writes unique floats plain.
func TestWriteParquetDictionaryFallback(t *testing.T) {
	rows := make([]small, 5000)
	for i := range rows {
		rows[i] = small{Age: float64(i) * 1.37, N: i % 3, Segment: []string{"low", "mid", "high"}[i%3]}
	}
	var buf bytes.Buffer
	if err := WriteParquet(&buf, rows, nil); err != nil {
		t.Fatal(err)
	}
	pf, err := file.NewParquetReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer pf.Close()
	rg := pf.MetaData().RowGroup(0)
	for i, want := range map[int]bool{0: false, 2: true} { // age, segment
		cc, err := rg.ColumnChunk(i)
		if err != nil {
			t.Fatal(err)
		}
		if got := cc.HasDictionaryPage(); got != want {
			t.Errorf("column %s: dictionary page %v; want %v", cc.PathInSchema(), got, want)
		}
	}
	back, errs := collect(ReadParquet[small](context.Background(), bytes.NewReader(buf.Bytes()), nil))
	if len(errs) != 0 || len(back) != len(rows) || back[4999] != rows[4999] {
		t.Fatalf("read back %d rows, %v", len(back), errs)
	}
}

// TestReadParquetAll checks that the slice reader gives the rows the
// streaming reader gives, leaves out bad rows with an error each, and
// reports a missing file.
func TestReadParquetAll(t *testing.T) {
	rows := make([]small, 30000)
	for i := range rows {
		rows[i] = small{Age: float64(i), N: i, Segment: []string{"a", "b"}[i%2]}
		if i%1000 != 7 {
			v := float64(i) / 2
			rows[i].Income = &v
		}
	}
	var buf bytes.Buffer
	if err := WriteParquet(&buf, rows, &ParquetOptions{BatchRows: 4096}); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	all, err := ReadParquetAll[small](ctx, bytes.NewReader(buf.Bytes()), &ParquetOptions{BatchRows: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(rows, all); d != "" {
		t.Fatalf("ReadParquetAll differs from the written rows:\n%s", d)
	}
	type strict struct {
		N      int     `loom:"n"`
		Income float64 `loom:"income"`
	}
	got, err := ReadParquetAll[strict](ctx, bytes.NewReader(buf.Bytes()), &ParquetOptions{Name: "s.parquet", BatchRows: 1000})
	want, werrs := collect(ReadParquet[strict](ctx, bytes.NewReader(buf.Bytes()), &ParquetOptions{Name: "s.parquet", BatchRows: 1000}))
	if d := cmp.Diff(want, got); d != "" || len(got) != 30000-30 {
		t.Fatalf("%d rows; want %d as streamed:\n%s", len(got), len(want), d)
	}
	var errs []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	}
	if len(errs) != 30 || len(werrs) != 30 {
		t.Fatalf("%d errors (streamed %d); want 30", len(errs), len(werrs))
	}
	for i := range errs {
		var e *Error
		if !errors.As(errs[i], &e) || e.Row != int64(i*1000+7) || e.File != "s.parquet" || !errors.Is(e, ErrNull) || errs[i].Error() != werrs[i].Error() {
			t.Fatalf("error %d = %v; want row %d null as streamed (%v)", i, errs[i], i*1000+7, werrs[i])
		}
	}
	if _, err := ReadParquetFileAll[small](ctx, filepath.Join(t.TempDir(), "nope.parquet"), nil); err == nil {
		t.Fatal("no error for a missing file")
	}
	if _, err := ReadParquetAll[small](ctx, bytes.NewReader(buf.Bytes()[:buf.Len()/2]), nil); !errors.Is(err, ErrSyntax) {
		t.Fatalf("truncated file: %v; want ErrSyntax", err)
	}
}

// closeCounter is a Parquet file that records being closed.
type closeCounter struct {
	*bytes.Reader
	closed int
}

func (c *closeCounter) Close() error { c.closed++; return nil }

// TestParquetLeavesReaderOpen: the reader belongs to the caller, so neither
// reading to the end nor stopping early closes it.
func TestParquetLeavesReaderOpen(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteParquet(&buf, sampleRecs(100), nil); err != nil {
		t.Fatal(err)
	}
	r := &closeCounter{Reader: bytes.NewReader(buf.Bytes())}
	got, errs := collect(ReadParquet[rec](context.Background(), r, nil))
	if len(errs) != 0 || len(got) != 100 {
		t.Fatalf("read %d rows, errors %v; want 100, none", len(got), errs)
	}
	for _, err := range ReadParquet[rec](context.Background(), r, nil) {
		if err != nil {
			t.Fatal(err)
		}
		break
	}
	if _, err := ReadParquetAll[rec](context.Background(), r, nil); err != nil {
		t.Fatal(err)
	}
	if r.closed != 0 {
		t.Errorf("the caller's reader was closed %d times; want 0", r.closed)
	}
}
