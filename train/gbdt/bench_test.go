package gbdt_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"runtime"
	"runtime/metrics"
	"sync"
	"testing"
	"time"

	"gonum.org/v1/gonum/mat"

	"github.com/loomml/loom/train"
	"github.com/loomml/loom/train/gbdt"
	"github.com/loomml/loom/train/tree"
)

// synthetic returns n rows of p standard normal features (5% of the
// first five missing) with a binary target from a non-linear score.
func synthetic(n, p int, seed uint64) train.Dataset {
	rng := rand.New(rand.NewPCG(seed, 3))
	X := mat.NewDense(n, p, nil)
	y := make([]float64, n)
	for i := range n {
		row := X.RawRowView(i)
		for j := range row {
			row[j] = rng.NormFloat64()
		}
		x := func(j int) float64 { return row[j%p] }
		f := math.Sin(2*x(0)) + 0.8*math.Abs(x(1)) - 0.5*x(2)*x(3) - 0.6
		if x(4) > 0.5 {
			f += 0.7
		}
		if rng.Float64() < 1/(1+math.Exp(-f)) {
			y[i] = 1
		}
		for j := range min(5, p) {
			if rng.IntN(20) == 0 {
				row[j] = math.NaN()
			}
		}
	}
	return train.Dataset{X: X, Y: y}
}

// BenchmarkFit fits 100 iterations (early stopping off) of a binary
// classifier on synthetic rows.
func BenchmarkFit(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprintf("binary/rows=%d/features=30", n), func(b *testing.B) {
			d := synthetic(n, 30, 1)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := (gbdt.Classifier{Options: gbdt.Options{EarlyStopping: gbdt.Off}}).Fit(context.Background(), d); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkFitBench is the side-by-side case of testdata/bench_sklearn.py:
// it fits the 1,000,000 training rows of the file GBDT_BENCH_DATA names
// (skipped when unset) and reports the log loss on its test rows, and
// the growth of the heap during the fit over the heap before it
// (peak_heap_MB: live and not yet collected objects). With
// GBDT_BENCH_LIVE=1 it also collects garbage every 20 ms during the fit
// and reports the peak of the live heap (peak_live_MB): the memory the
// fit holds, which is slower to measure, so not for timing.
func BenchmarkFitBench(b *testing.B) {
	path := os.Getenv("GBDT_BENCH_DATA")
	if path == "" {
		b.Skip("GBDT_BENCH_DATA is not set")
	}
	live := os.Getenv("GBDT_BENCH_LIVE") == "1"
	tr, te := loadBench(b, path)
	var m train.Model
	b.ReportAllocs()
	runtime.GC()
	base, peak, peakLive := heapBytes(), uint64(0), uint64(0)
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		every := 5 * time.Millisecond
		if live {
			every = 20 * time.Millisecond
		}
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				peak = max(peak, heapBytes())
				if live {
					runtime.GC()
					peakLive = max(peakLive, heapBytes())
				}
			}
		}
	})
	for b.Loop() {
		var err error
		m, err = gbdt.Classifier{Options: gbdt.Options{EarlyStopping: gbdt.Off}}.Fit(context.Background(), tr)
		if err != nil {
			b.Fatal(err)
		}
	}
	close(done)
	wg.Wait()
	b.ReportMetric(float64(peak-min(base, peak))/1e6, "peak_heap_MB")
	if live {
		b.ReportMetric(float64(peakLive-min(base, peakLive))/1e6, "peak_live_MB")
	}
	nll, err := train.NegLogLoss(m, te)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(-nll, "test_logloss")
}

// BenchmarkPredictBench is the prediction case of
// testdata/bench_sklearn.py: a model fitted on the first 100,000 training
// rows of GBDT_BENCH_DATA (100 trees, early stopping off) scores the
// 200,000 test rows with PredictProbaBatch on GOMAXPROCS goroutines.
func BenchmarkPredictBench(b *testing.B) {
	path := os.Getenv("GBDT_BENCH_DATA")
	if path == "" {
		b.Skip("GBDT_BENCH_DATA is not set")
	}
	tr, te := loadBench(b, path)
	_, p := tr.Dims()
	small := train.Dataset{X: mat.NewDense(100_000, p, tr.X.RawMatrix().Data[:100_000*p]), Y: tr.Y[:100_000]}
	m, err := gbdt.Classifier{Options: gbdt.Options{EarlyStopping: gbdt.Off}}.Fit(context.Background(), small)
	if err != nil {
		b.Fatal(err)
	}
	e := m.(*tree.Classifier)
	n, _ := te.Dims()
	dst := mat.NewDense(n, 2, nil)
	b.ReportAllocs()
	for b.Loop() {
		e.PredictProbaBatch(dst, te.X)
	}
}

// heapBytes returns the bytes of live and not yet swept heap objects.
func heapBytes() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

func loadBench(b *testing.B, path string) (tr, te train.Dataset) {
	raw, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	le := binary.LittleEndian
	ntr, nte, p := int(le.Uint64(raw)), int(le.Uint64(raw[8:])), int(le.Uint64(raw[16:]))
	n := ntr + nte
	body := raw[24:]
	if len(body) != 8*(n*p+n) {
		b.Fatalf("%s: %d bytes for %d rows of %d", path, len(body), n, p)
	}
	vals := make([]float64, n*p+n)
	for i := range vals {
		vals[i] = math.Float64frombits(le.Uint64(body[8*i:]))
	}
	X, y := vals[:n*p], vals[n*p:]
	tr = train.Dataset{X: mat.NewDense(ntr, p, X[:ntr*p]), Y: y[:ntr]}
	te = train.Dataset{X: mat.NewDense(nte, p, X[ntr*p:]), Y: y[ntr:]}
	return tr, te
}

var update = flag.Bool("update", false, "rewrite testdata/bench_100x31.model")

// benchModelFile holds a binary model of 100 trees of 31 leaves over 30
// features, fitted by TestBenchModel, so that the prediction benchmarks
// start without fitting.
const benchModelFile = "testdata/bench_100x31.model"

func benchModelData() train.Dataset { return synthetic(20_000, 30, 7) }

// TestBenchModel checks that the model in testdata is what the fit gives
// today (rewrite it with -update).
func TestBenchModel(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("a fit of 20,000 rows")
	}
	m, err := gbdt.Classifier{Options: gbdt.Options{EarlyStopping: gbdt.Off}}.Fit(context.Background(), benchModelData())
	if err != nil {
		t.Fatal(err)
	}
	b := encode(t, m)
	if *update {
		if err := os.WriteFile(benchModelFile, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(benchModelFile)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b, want) {
		t.Errorf("the fit differs from %s (run go test -run TestBenchModel -update after a deliberate change)", benchModelFile)
	}
}

func fittedModel(b *testing.B) (train.Classifier, train.Dataset) {
	b.Helper()
	raw, err := os.ReadFile(benchModelFile)
	if err != nil {
		b.Fatal(err)
	}
	m, err := train.Decode(raw)
	if err != nil {
		b.Fatal(err)
	}
	return m.(train.Classifier), benchModelData()
}

// BenchmarkPredict is the serving path: one row through 100 trees of 31
// leaves.
func BenchmarkPredict(b *testing.B) {
	m, d := fittedModel(b)
	rows := firstRows(d, 256)
	b.Run("label/trees=100/leaves=31", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			m.Predict(rows[i&255])
			i++
		}
	})
	b.Run("proba/trees=100/leaves=31", func(b *testing.B) {
		dst := make([]float64, 2)
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			m.PredictProba(dst, rows[i&255])
			i++
		}
	})
}

// BenchmarkPredictProbaBatch scores 20,000 rows on all cores.
func BenchmarkPredictProbaBatch(b *testing.B) {
	m, d := fittedModel(b)
	e := m.(*tree.Classifier)
	n, _ := d.Dims()
	dst := mat.NewDense(n, 2, nil)
	b.ReportAllocs()
	for b.Loop() {
		e.PredictProbaBatch(dst, d.X)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/row")
}
