package drift

import (
	"bufio"
	"math"
	"math/rand/v2"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/loomml/loom/internal/cputime"
)

// scaleBatch is the number of rows per generated batch.
const scaleBatch = 4096

// scaleProfile streams rows×cols generated normal values (column j shifted
// by shift(j)) into one ProfileBuilder per shard of rows, the shards built
// in parallel (errgroup) and merged. Each shard generates its rows in
// column-major batches of scaleBatch rows, one column at a time, as an
// Arrow record batch would deliver them: no matrix is materialised, only
// one column of one batch per shard. keep, when not nil, receives the
// values of the first len(keep) columns (for exact checks).
func scaleProfile(rows, cols, shards int, seed uint64, shift func(j int) float64, keep [][]float64) (*Profile, time.Duration, error) {
	specs := make([]ColumnSpec, cols)
	for j := range specs {
		specs[j] = ColumnSpec{Name: "f" + strconv.Itoa(j), Kind: Numeric}
	}
	parts := make([]*Profile, shards)
	gen := make([]time.Duration, shards) // time spent generating values, per shard
	var g errgroup.Group
	for s := range shards {
		g.Go(func() error {
			lo, hi := rows*s/shards, rows*(s+1)/shards
			r := rand.New(rand.NewPCG(seed, uint64(s)))
			b := NewProfileBuilder(specs, nil)
			col := make([]float64, scaleBatch)
			for start := lo; start < hi; start += scaleBatch {
				n := min(scaleBatch, hi-start)
				for range n {
					b.AddRow()
				}
				for j := range cols {
					mu := shift(j)
					xs := col[:n]
					t0 := time.Now()
					for i := range xs {
						xs[i] = r.NormFloat64() + mu
					}
					gen[s] += time.Since(t0)
					b.AddFloats(j, xs)
					if j < len(keep) {
						copy(keep[j][start:], xs)
					}
				}
			}
			parts[s] = b.Profile()
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, 0, err
	}
	for _, p := range parts[1:] {
		if err := parts[0].Merge(p); err != nil {
			return nil, 0, err
		}
	}
	var total time.Duration
	for _, d := range gen {
		total += d
	}
	return parts[0], total, nil
}

// BenchmarkProfileBuilder adds 1,000 numeric columns row by row (AddFloat)
// or in column-major batches of 4,096 rows (AddFloats); ns/value is the
// cost per value, generation excluded.
func BenchmarkProfileBuilder(b *testing.B) {
	const cols, rows = 1000, 4096
	specs := make([]ColumnSpec, cols)
	for j := range specs {
		specs[j] = ColumnSpec{Name: "f" + strconv.Itoa(j), Kind: Numeric}
	}
	r := rand.New(rand.NewPCG(1, 2))
	data := make([]float64, cols*rows) // column-major
	for i := range data {
		data[i] = r.NormFloat64()
	}
	b.Run("AddFloat", func(b *testing.B) {
		pb := NewProfileBuilder(specs, nil)
		b.ReportAllocs()
		for b.Loop() {
			for i := range rows {
				pb.AddRow()
				for j := range cols {
					pb.AddFloat(j, data[j*rows+i])
				}
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*rows*cols), "ns/value")
	})
	b.Run("AddFloats", func(b *testing.B) {
		pb := NewProfileBuilder(specs, nil)
		b.ReportAllocs()
		for b.Loop() {
			for range rows {
				pb.AddRow()
			}
			for j := range cols {
				pb.AddFloats(j, data[j*rows:(j+1)*rows])
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*rows*cols), "ns/value")
	})
}

// peakRSS returns the process's peak resident set (VmHWM) in MiB, or NaN.
func peakRSS() float64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return math.NaN()
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64)
			if err == nil {
				return kb / 1024
			}
		}
	}
	return math.NaN()
}

// BenchmarkScale3Mx1000 is the scale target of issue 21: a reference of
// 3,000,000 rows × 1,000 numeric columns and a current window of 300,000
// rows, generated as they stream in column-major batches (see
// scaleProfile; every tenth column of the current data
// shifted by 0.05 standard deviations), profiled in parallel shards and
// compared (default method: normalised Wasserstein; then KS on every
// column). It reports the wall time of each phase, the CPU time of the
// process (user + system: on a shared machine the wall time depends on the
// load, the CPU time much less), the part of the wall time spent
// generating the values (summed over shards), the peak RSS of the process
// and the live heap holding the two profiles, and checks columns 0
// (shifted) and 1 (not) against the exact statistics of the raw values.
// It takes minutes: run it alone,
//
//	go test -run '^$' -bench BenchmarkScale3Mx1000 -benchtime 1x -timeout 30m ./drift
func BenchmarkScale3Mx1000(b *testing.B) {
	if testing.Short() {
		b.Skip("scale benchmark; skipped with -short")
	}
	const refRows, curRows, cols = 3_000_000, 300_000, 1000
	shards := runtime.GOMAXPROCS(0)
	shift := func(j int) float64 {
		if j%10 == 0 {
			return 0.05
		}
		return 0
	}
	for b.Loop() {
		keepRef := [][]float64{make([]float64, refRows), make([]float64, refRows)}
		keepCur := [][]float64{make([]float64, curRows), make([]float64, curRows)}
		cpu0, t0 := cputime.Process().Seconds(), time.Now()
		ref, genRef, err := scaleProfile(refRows, cols, shards, 1, func(int) float64 { return 0 }, keepRef)
		if err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		cur, genCur, err := scaleProfile(curRows, cols, shards, 2, shift, keepCur)
		if err != nil {
			b.Fatal(err)
		}
		t2 := time.Now()
		rep, err := Compare(ref, cur, nil)
		if err != nil {
			b.Fatal(err)
		}
		t3 := time.Now()
		ks := make(map[string]Method, cols)
		for _, c := range ref.Columns {
			ks[c.Name] = KSTest
		}
		repKS, err := Compare(ref, cur, &CompareOptions{Methods: ks})
		if err != nil {
			b.Fatal(err)
		}
		t4, cpu4 := time.Now(), cputime.Process().Seconds()
		b.StopTimer()
		var ms runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&ms)
		b.ReportMetric(t1.Sub(t0).Seconds(), "s-profile-ref")
		b.ReportMetric(t2.Sub(t1).Seconds(), "s-profile-cur")
		b.ReportMetric(t3.Sub(t2).Seconds(), "s-compare")
		b.ReportMetric(t4.Sub(t3).Seconds(), "s-compare-ks")
		b.ReportMetric(t4.Sub(t0).Seconds(), "s-total")
		b.ReportMetric(cpu4-cpu0, "s-cpu")
		b.ReportMetric((genRef + genCur).Seconds(), "s-generate")
		b.ReportMetric(float64(runtime.NumCPU()), "cpus")
		b.ReportMetric(peakRSS(), "MiB-peak-RSS")
		b.ReportMetric(float64(ms.HeapAlloc)/(1<<20), "MiB-heap-profiles")
		b.ReportMetric(float64(rep.Drifted), "drifted-wasserstein")
		b.ReportMetric(float64(repKS.Drifted), "drifted-ks")
		for j, name := range []string{"f0", "f1"} {
			exact := KolmogorovSmirnov(keepRef[j], keepCur[j], KSAuto)
			got := repKS.Column(name)
			eps := ref.Column(name).sketch.Epsilon() + cur.Column(name).sketch.Epsilon()
			w := Wasserstein(keepRef[j], keepCur[j]) / ref.Column(name).Std
			b.Logf("%s: profiles D = %.5f p = %.3g, wasserstein %.5f; exact D = %.5f p = %.3g, wasserstein %.5f; |ΔD| = %.5f ≤ %.5f",
				name, got.Score, got.PValue, rep.Column(name).Score, exact.Statistic, exact.PValue, w, math.Abs(got.Score-exact.Statistic), eps)
			if math.Abs(got.Score-exact.Statistic) > eps || got.PValue < exact.PValue {
				b.Errorf("%s: sketch KS outside the stated error or more significant than the exact test", name)
			}
		}
		b.StartTimer()
	}
}
