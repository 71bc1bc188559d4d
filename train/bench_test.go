package train_test

import (
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/loomml/loom/internal/cputime"
	"github.com/loomml/loom/train"
)

func fitted(b *testing.B, k, p int) (*train.LogisticModel, []float64) {
	b.Helper()
	d := synthetic(2000, p, k, 1)
	m, err := train.LogisticRegression{MaxIter: 1000}.Fit(context.Background(), d)
	if err != nil {
		b.Fatal(err)
	}
	return m.(*train.LogisticModel), d.X.RawRowView(3)
}

// BenchmarkPredict is the serving hot path: one row, 30 features.
func BenchmarkPredict(b *testing.B) {
	for _, k := range []int{2, 3} {
		b.Run(fmt.Sprintf("logistic/classes=%d/features=30", k), func(b *testing.B) {
			m, x := fitted(b, k, 30)
			b.ReportAllocs()
			for b.Loop() {
				m.Predict(x)
			}
		})
	}
	b.Run("linear/features=30", func(b *testing.B) {
		d := synthetic(2000, 30, 2, 1)
		m, err := train.LinearRegression{}.Fit(context.Background(), d)
		if err != nil {
			b.Fatal(err)
		}
		x := d.X.RawRowView(3)
		b.ReportAllocs()
		for b.Loop() {
			m.Predict(x)
		}
	})
}

func BenchmarkPredictProba(b *testing.B) {
	for _, k := range []int{2, 3} {
		b.Run(fmt.Sprintf("classes=%d/features=30", k), func(b *testing.B) {
			m, x := fitted(b, k, 30)
			dst := make([]float64, k)
			b.ReportAllocs()
			for b.Loop() {
				m.PredictProba(dst, x)
			}
		})
	}
}

func BenchmarkPredictBatch(b *testing.B) {
	m, _ := fitted(b, 2, 30)
	for _, n := range []int{1000, 10000} {
		b.Run(fmt.Sprintf("rows=%d", n), func(b *testing.B) {
			X := synthetic(n, 30, 2, 2).X
			dst := make([]float64, n)
			b.ReportAllocs()
			for b.Loop() {
				train.PredictBatch(dst, m, X)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/row")
		})
	}
}

// loadBenchData reads the file written by testdata/bench_sklearn.py.
func loadBenchData(b *testing.B, path string) train.Dataset {
	raw, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	n, p := int(binary.LittleEndian.Uint64(raw)), int(binary.LittleEndian.Uint64(raw[8:]))
	if len(raw) != 16+8*(n*p+n) {
		b.Fatalf("%s: %d bytes for %d × %d", path, len(raw), n, p)
	}
	vals := make([]float64, n*p+n)
	for i := range vals {
		vals[i] = math.Float64frombits(binary.LittleEndian.Uint64(raw[16+8*i:]))
	}
	return train.Dataset{X: mat.NewDense(n, p, vals[:n*p]), Y: vals[n*p:]}
}

// BenchmarkLogisticFit fits scikit-learn's default logistic regression.
// The 1,000,000-row case runs only when TRAIN_BENCH_DATA names the data
// file of testdata/bench_sklearn.py, so that both sides fit the same rows.
func BenchmarkLogisticFit(b *testing.B) {
	sizes := []int{1000, 10000}
	for _, n := range sizes {
		b.Run(fmt.Sprintf("rows=%d/features=30", n), func(b *testing.B) {
			d := synthetic(n, 30, 2, 4)
			benchFit(b, d)
		})
	}
	if path := os.Getenv("TRAIN_BENCH_DATA"); path != "" {
		d := loadBenchData(b, path)
		n, p := d.Dims()
		b.Run(fmt.Sprintf("rows=%d/features=%d", n, p), func(b *testing.B) { benchFit(b, d) })
	}
}

func benchFit(b *testing.B, d train.Dataset) {
	b.ReportAllocs()
	iters := 0
	cpu := cputime.Process()
	for b.Loop() {
		m, err := train.LogisticRegression{}.Fit(context.Background(), d)
		if err != nil {
			b.Fatal(err)
		}
		iters = m.(*train.LogisticModel).Iterations()
	}
	b.ReportMetric(float64(iters), "iterations")
	b.ReportMetric((cputime.Process()-cpu).Seconds()/float64(b.N), "cpu-s/op")
}

func BenchmarkRidgeFit(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		b.Run(fmt.Sprintf("rows=%d/features=30", n), func(b *testing.B) {
			d := synthetic(n, 30, 2, 4)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := (train.Ridge{}).Fit(context.Background(), d); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkPredictProbaBatch is the predict step of batch scoring: class
// probabilities of a binary logistic model with 30 features through
// PredictProbaBatch. Up to 16,384 rows it runs on the calling goroutine and
// allocates nothing. The 1,000,000-row case (blocks on GOMAXPROCS
// goroutines, a few allocations a call) runs only when TRAIN_BENCH_DATA
// names the data file of testdata/bench_sklearn.py, whose --what predict
// scores the same rows with NumPy; "rowwise" is PredictProba row by row on
// one goroutine, for comparison.
func BenchmarkPredictProbaBatch(b *testing.B) {
	m, _ := fitted(b, 2, 30)
	for _, n := range []int{1000, 10000} {
		X := synthetic(n, 30, 2, 2).X
		b.Run(fmt.Sprintf("rows=%d", n), func(b *testing.B) { benchProba(b, m, X) })
	}
	path := os.Getenv("TRAIN_BENCH_DATA")
	if path == "" {
		return
	}
	X := loadBenchData(b, path).X
	n, _ := X.Dims()
	b.Run(fmt.Sprintf("rows=%d/batch", n), func(b *testing.B) { benchProba(b, m, X) })
	b.Run(fmt.Sprintf("rows=%d/rowwise", n), func(b *testing.B) {
		dst := make([]float64, 2*n)
		b.ReportAllocs()
		cpu := cputime.Process()
		for b.Loop() {
			for i := range n {
				m.PredictProba(dst[2*i:2*i+2], X.RawRowView(i))
			}
		}
		b.ReportMetric((cputime.Process()-cpu).Seconds()/float64(b.N), "cpu-s/op")
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/row")
	})
}

func benchProba(b *testing.B, m train.Classifier, X *mat.Dense) {
	n, _ := X.Dims()
	dst := mat.NewDense(n, 2, nil)
	b.ReportAllocs()
	cpu := cputime.Process()
	for b.Loop() {
		train.PredictProbaBatch(dst, m, X)
	}
	b.ReportMetric((cputime.Process()-cpu).Seconds()/float64(b.N), "cpu-s/op")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/row")
}
