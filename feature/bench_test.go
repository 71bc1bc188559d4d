package feature_test

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/loomml/loom/feature"
)

var large = flag.Bool("large", false, "also run the 100,000-row MatrixColumnar benchmark (BenchmarkMatrix always includes 1,000,000 rows)")

// benchRow is the benchmark's row type: 6 numeric fields (3 nullable) and
// 3 categorical ones (3, 7 and 12 levels, one nullable).
type benchRow struct {
	Age     float64  `loom:"age"`
	Score   float64  `loom:"score"`
	Hours   float64  `loom:"hours"`
	Income  *float64 `loom:"income"`
	Balance *float64 `loom:"balance"`
	Tenure  *float64 `loom:"tenure"`
	Segment string   `loom:"segment"`
	Region  string   `loom:"region"`
	Channel *string  `loom:"channel"`
}

var (
	segments = []string{"low", "mid", "high"}
	regions  = []string{"north", "south", "east", "west", "central", "coastal", "mountain"}
	channels = []string{"ch01", "ch02", "ch03", "ch04", "ch05", "ch06", "ch07", "ch08", "ch09", "ch10", "ch11", "ch12"}
)

func benchRows(n int, seed uint64) []benchRow {
	r := rand.New(rand.NewPCG(seed, 1))
	opt := func(x float64, p float64) *float64 {
		if r.Float64() < p {
			return nil
		}
		return &x
	}
	rows := make([]benchRow, n)
	for i := range rows {
		rows[i] = benchRow{
			Age: 18 + r.Float64()*60, Score: r.Float64(), Hours: 20 + r.NormFloat64()*8,
			Income: opt(30000+r.ExpFloat64()*20000, 0.05), Balance: opt(r.NormFloat64()*1000, 0.1), Tenure: opt(r.ExpFloat64()*5, 0.03),
			Segment: segments[r.IntN(len(segments))], Region: regions[r.IntN(len(regions))],
		}
		if r.Float64() >= 0.02 {
			rows[i].Channel = &channels[r.IntN(len(channels))]
		}
	}
	return rows
}

// benchSet is the set of the speed targets: 6 numeric features imputed and
// standardized, 3 categorical ones one-hot encoded.
func benchSet() *feature.Set[benchRow] {
	imp := func() []feature.NumTransform {
		return []feature.NumTransform{feature.Impute(feature.Mean, false), feature.Standardize()}
	}
	oh := feature.OneHot(feature.OneHotOptions{Unknown: feature.UnknownIgnore})
	return feature.NewSet[benchRow](nil).
		Num("age", func(r *benchRow) float64 { return r.Age }, imp()...).
		Num("score", func(r *benchRow) float64 { return r.Score }, imp()...).
		Num("hours", func(r *benchRow) float64 { return r.Hours }, imp()...).
		NumPtr("income", func(r *benchRow) *float64 { return r.Income }, imp()...).
		NumPtr("balance", func(r *benchRow) *float64 { return r.Balance }, imp()...).
		NumPtr("tenure", func(r *benchRow) *float64 { return r.Tenure }, imp()...).
		Cat("segment", func(r *benchRow) string { return r.Segment }, oh).
		Cat("region", func(r *benchRow) string { return r.Region }, oh).
		CatPtr("channel", func(r *benchRow) *string { return r.Channel }, oh)
}

func fittedBench(b *testing.B, n int) (*feature.Fitted[benchRow], []benchRow) {
	b.Helper()
	rows := benchRows(n, 1)
	f, err := benchSet().Fit(context.Background(), rows)
	if err != nil {
		b.Fatal(err)
	}
	return f, rows
}

// BenchmarkVector is the serving path: one row into a reused vector.
func BenchmarkVector(b *testing.B) {
	f, rows := fittedBench(b, 4096)
	dst := make([]float64, f.Width())
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		dst = f.Vector(&rows[i&4095], dst)
		i++
	}
}

// BenchmarkVectorTransform is the checked serving path.
func BenchmarkVectorTransform(b *testing.B) {
	f, rows := fittedBench(b, 4096)
	dst := make([]float64, f.Width())
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		var err error
		if dst, err = f.Transform(&rows[i&4095], dst); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkMatrix is the training path into a reused row-major buffer;
// rows=1000000 is the speed target's size (60–200 ms an iteration on the
// shared 2-core machine, 320 MB of rows and matrix). rows/s is wall-clock
// rows per second; ns/row its inverse.
func BenchmarkMatrix(b *testing.B) {
	for _, n := range []int{1000, 10000, 1000000} {
		b.Run(fmt.Sprintf("rows=%d", n), func(b *testing.B) {
			if n >= 1000000 {
				skipLongCount(b, 100)
			}
			f, rows := fittedBench(b, n)
			dst := make([]float64, n*f.Width())
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				if err := f.MatrixTo(ctx, dst, rows); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/(float64(n)*float64(b.N)), "ns/row")
		})
	}
}

// skipLongCount skips b when -benchtime asks for a fixed count above max:
// a count meant for nanosecond benchmarks (the checks pass 2000x) would
// hold the shared machine for minutes on a 1,000,000-row one. A duration
// (the default 1s) or a count up to max runs it.
func skipLongCount(b *testing.B, max int) {
	f := flag.Lookup("test.benchtime")
	if f == nil {
		return
	}
	v := f.Value.String()
	if n, err := strconv.Atoi(strings.TrimSuffix(v, "x")); err == nil && strings.HasSuffix(v, "x") && n > max {
		b.Skipf("-benchtime %s: more than %dx of %s would take minutes; use a duration or at most %dx", v, max, b.Name(), max)
	}
}

// BenchmarkFit fits the benchmark set (two passes: impute, then
// standardize).
func BenchmarkFit(b *testing.B) {
	for _, n := range []int{100000, 1000000} {
		b.Run(fmt.Sprintf("rows=%d", n), func(b *testing.B) {
			rows := benchRows(n, 1)
			set := benchSet()
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				if _, err := set.Fit(ctx, rows); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}
