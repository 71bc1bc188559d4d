package source

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	arrowcsv "github.com/apache/arrow-go/v18/arrow/csv"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/loomml/loom/internal/cputime"
)

// wide is the 12-column row of the read benchmarks.
type wide struct {
	A, B, C, D, E float64  `loom:"-"`
	F1            float64  `loom:"f1"`
	F2            float64  `loom:"f2"`
	F3            float64  `loom:"f3"`
	F4            float64  `loom:"f4"`
	F5            float64  `loom:"f5"`
	N1            *float64 `loom:"n1"`
	N2            *float64 `loom:"n2"`
	N3            *float64 `loom:"n3"`
	S1            string   `loom:"s1"`
	S2            string   `loom:"s2"`
	S3            *string  `loom:"s3"`
	I1            int64    `loom:"i1"`
}

const benchRows = 1_000_000

var (
	benchOnce sync.Once
	benchDir  string // removed by TestMain
	benchErr  error
)

// benchDirEnv names a directory where benchFiles keeps its inputs between
// runs (they are written when absent) instead of a temporary directory
// removed at exit: testdata/bench_csv.sh reads the same CSV with pandas.
const benchDirEnv = "LOOM_SOURCE_BENCH_DIR"

// benchFiles writes the 1M-row CSV and Parquet inputs once per process.
func benchFiles(b *testing.B) (csvPath, pqPath string) {
	benchOnce.Do(func() {
		if dir := os.Getenv(benchDirEnv); dir != "" {
			csvPath, pqPath := filepath.Join(dir, "wide.csv"), filepath.Join(dir, "wide.parquet")
			_, err1 := os.Stat(csvPath)
			_, err2 := os.Stat(pqPath)
			_, err3 := os.Stat(filepath.Join(dir, "wide_dict.parquet"))
			if err1 == nil && err2 == nil && err3 == nil {
				return
			}
		}
		benchErr = writeBenchFiles()
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	dir := os.Getenv(benchDirEnv)
	if dir == "" {
		dir = benchDir
	}
	return filepath.Join(dir, "wide.csv"), filepath.Join(dir, "wide.parquet")
}

// writeBenchFiles writes the inputs of benchFiles into $LOOM_SOURCE_BENCH_DIR
// or a new temporary directory.
func writeBenchFiles() (benchErr error) {
	dir := os.Getenv(benchDirEnv)
	if dir == "" {
		benchDir, benchErr = os.MkdirTemp("", "loom-source-bench")
		dir = benchDir
	}
	if benchErr != nil {
		return
	}
	rng := rand.New(rand.NewPCG(1, 1))
	words := []string{"alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta"}
	rows := make([]wide, benchRows)
	f, err := os.Create(filepath.Join(dir, "wide.csv"))
	if err != nil {
		benchErr = err
		return
	}
	w := bufio.NewWriterSize(f, 1<<20)
	w.WriteString("f1,f2,f3,f4,f5,n1,n2,n3,s1,s2,s3,i1\n")
	var buf []byte
	for i := range rows {
		r := &rows[i]
		r.F1, r.F2, r.F3, r.F4, r.F5 = rng.NormFloat64(), rng.Float64()*100, float64(rng.IntN(1000)), rng.ExpFloat64(), rng.NormFloat64()*1e4
		buf = buf[:0]
		for _, x := range []float64{r.F1, r.F2, r.F3, r.F4, r.F5} {
			buf = strconv.AppendFloat(buf, x, 'g', -1, 64)
			buf = append(buf, ',')
		}
		for _, p := range []**float64{&r.N1, &r.N2, &r.N3} {
			if rng.IntN(20) > 0 {
				v := rng.Float64()
				*p = &v
				buf = strconv.AppendFloat(buf, v, 'g', -1, 64)
			}
			buf = append(buf, ',')
		}
		r.S1, r.S2 = words[rng.IntN(7)], words[rng.IntN(7)]+"-"+strconv.Itoa(rng.IntN(100))
		buf = append(buf, r.S1...)
		buf = append(buf, ',')
		buf = append(buf, r.S2...)
		buf = append(buf, ',')
		if rng.IntN(10) > 0 {
			r.S3 = &words[rng.IntN(7)]
			buf = append(buf, *r.S3...)
		}
		buf = append(buf, ',')
		r.I1 = rng.Int64N(1 << 40)
		buf = strconv.AppendInt(buf, r.I1, 10)
		buf = append(buf, '\n')
		w.Write(buf)
	}
	if benchErr = w.Flush(); benchErr != nil {
		return
	}
	f.Close()
	pf, err := os.Create(filepath.Join(dir, "wide.parquet"))
	if err != nil {
		benchErr = err
		return
	}
	defer pf.Close()
	pw := bufio.NewWriterSize(pf, 1<<20)
	if benchErr = WriteParquet(pw, rows, nil); benchErr == nil {
		benchErr = pw.Flush()
	}
	if benchErr == nil {
		benchErr = writeDictParquet(filepath.Join(dir, "wide_dict.parquet"), rows)
	}
	return benchErr
}

// writeDictParquet writes rows as WriteParquet does but with every column
// dictionary-encoded (as pyarrow and arrow-go do by default; for unique
// floats the dictionary holds every value of a row group).
func writeDictParquet(path string, rows []wide) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	w := bufio.NewWriterSize(f, 1<<20)
	schema, err := Schema[wide]()
	if err != nil {
		return err
	}
	props := parquet.NewWriterProperties(parquet.WithCompression(compress.Codecs.Snappy))
	fw, err := pqarrow.NewFileWriter(schema, w, props, pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema()))
	if err != nil {
		return err
	}
	for lo := 0; lo < len(rows); lo += 1 << 16 {
		rec, err := Record(memory.DefaultAllocator, rows[lo:min(lo+1<<16, len(rows))])
		if err != nil {
			return err
		}
		err = fw.Write(rec)
		rec.Release()
		if err != nil {
			return err
		}
	}
	if err := fw.Close(); err != nil {
		return err
	}
	return w.Flush()
}

// peak samples the live heap every 65,536 rows.
type peak struct {
	base, max uint64
	ms        runtime.MemStats
}

func newPeak() *peak {
	runtime.GC()
	p := &peak{}
	runtime.ReadMemStats(&p.ms)
	p.base = p.ms.HeapAlloc
	return p
}

func (p *peak) sample(n int) {
	if n&0xFFFF == 0 {
		runtime.ReadMemStats(&p.ms)
		p.max = max(p.max, p.ms.HeapAlloc-min(p.base, p.ms.HeapAlloc))
	}
}

func (p *peak) report(b *testing.B, rows int) {
	b.ReportMetric(float64(p.max)/(1<<20), "peak-heap-MiB")
	b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
}

func drain[T any](b *testing.B, seq func(func(T, error) bool), p *peak) int {
	n := 0
	for _, err := range seq {
		if err != nil {
			b.Fatal(err)
		}
		n++
		p.sample(n)
	}
	if n != benchRows {
		b.Fatalf("read %d rows; want %d", n, benchRows)
	}
	return n
}

// BenchmarkReadCSV reads a 1,000,000-row CSV of 12 columns (5 float, 3
// nullable float, 2 string, 1 nullable string, 1 int) into T: with ReadCSV
// (its own scanner, decoding in parallel; streamed, collected into []T by
// append, and read by ReadCSVFileAll),
// with the encoding/csv reader it uses for non-ASCII delimiters, and with
// arrow-go's CSV reader given the schema, its batches decoded into T.
func BenchmarkReadCSV(b *testing.B) {
	csvPath, _ := benchFiles(b)
	ctx := context.Background()
	b.Run("scan/stream/rows=1M", func(b *testing.B) {
		b.ReportAllocs()
		rows := 0
		p := newPeak()
		for b.Loop() {
			rows += drain(b, ReadCSVFile[wide](ctx, csvPath, nil), p)
		}
		p.report(b, rows)
	})
	b.Run("scan/slice/rows=1M", func(b *testing.B) {
		b.ReportAllocs()
		rows := 0
		for b.Loop() {
			out := make([]wide, 0, 1024)
			for r, err := range ReadCSVFile[wide](ctx, csvPath, nil) {
				if err != nil {
					b.Fatal(err)
				}
				out = append(out, r)
			}
			rows += len(out)
		}
		b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
	})
	b.Run("scan/all/rows=1M", func(b *testing.B) {
		b.ReportAllocs()
		rows := 0
		cpu0 := cputime.Process()
		for b.Loop() {
			out, err := ReadCSVFileAll[wide](ctx, csvPath, nil)
			if err != nil {
				b.Fatal(err)
			}
			rows += len(out)
		}
		b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
		b.ReportMetric((cputime.Process()-cpu0).Seconds()/float64(b.N), "cpu-s/op")
	})
	b.Run("encoding_csv/stream/rows=1M", func(b *testing.B) {
		b.ReportAllocs()
		rows := 0
		p := newPeak()
		for b.Loop() {
			f, err := os.Open(csvPath)
			if err != nil {
				b.Fatal(err)
			}
			rows += drain(b, readCSVStd[wide](ctx, f, (&CSVOptions{Name: csvPath}).norm()), p)
			f.Close()
		}
		p.report(b, rows)
	})
	b.Run("arrow_csv/stream/rows=1M", func(b *testing.B) {
		b.ReportAllocs()
		schema, err := Schema[wide]()
		if err != nil {
			b.Fatal(err)
		}
		rows := 0
		p := newPeak()
		for b.Loop() {
			f, err := os.Open(csvPath)
			if err != nil {
				b.Fatal(err)
			}
			r := arrowcsv.NewReader(f, schema, arrowcsv.WithHeader(true), arrowcsv.WithChunk(1<<16), arrowcsv.WithNullReader(true, ""))
			recs := func(yield func(arrow.RecordBatch, error) bool) {
				for r.Next() {
					if !yield(r.RecordBatch(), nil) {
						return
					}
				}
				if err := r.Err(); err != nil {
					yield(nil, err)
				}
			}
			rows += drain(b, Rows[wide]("wide.csv", recs), p)
			r.Release()
			f.Close()
		}
		p.report(b, rows)
	})
}

// BenchmarkReadParquet reads the same 1,000,000 rows from Parquet as
// WriteParquet writes it (Snappy, 16 row groups of 65,536 rows, floats
// plain, strings with dictionaries), into T, in batches of 8,192 (the
// default) and 16,384 rows, columns decoded in parallel or serially:
// streamed, collected into []T by append and read by ReadParquetFileAll;
// and streamed from a file with every
// column dictionary-encoded, as pyarrow writes by default.
func BenchmarkReadParquet(b *testing.B) {
	_, pqPath := benchFiles(b)
	ctx := context.Background()
	for _, batch := range []int{8192, 16384} {
		for _, serial := range []bool{false, true} {
			b.Run(fmt.Sprintf("batch=%d/serial=%v/rows=1M", batch, serial), func(b *testing.B) {
				b.ReportAllocs()
				rows := 0
				p := newPeak()
				for b.Loop() {
					rows += drain(b, ReadParquetFile[wide](ctx, pqPath, &ParquetOptions{Serial: serial, BatchRows: batch}), p)
				}
				p.report(b, rows)
			})
		}
	}
	b.Run("dictionary_floats/rows=1M", func(b *testing.B) {
		b.ReportAllocs()
		path := filepath.Join(filepath.Dir(pqPath), "wide_dict.parquet")
		rows := 0
		p := newPeak()
		for b.Loop() {
			rows += drain(b, ReadParquetFile[wide](ctx, path, nil), p)
		}
		p.report(b, rows)
	})
	b.Run("all/rows=1M", func(b *testing.B) {
		b.ReportAllocs()
		rows := 0
		for b.Loop() {
			out, err := ReadParquetFileAll[wide](ctx, pqPath, nil)
			if err != nil {
				b.Fatal(err)
			}
			rows += len(out)
		}
		b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
	})
	b.Run("slice/rows=1M", func(b *testing.B) {
		b.ReportAllocs()
		rows := 0
		for b.Loop() {
			out := make([]wide, 0, 1024)
			for r, err := range ReadParquetFile[wide](ctx, pqPath, nil) {
				if err != nil {
					b.Fatal(err)
				}
				out = append(out, r)
			}
			rows += len(out)
		}
		b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
	})
}
