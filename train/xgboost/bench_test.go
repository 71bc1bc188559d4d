package xgboost_test

import (
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/loomml/loom/train"
	"github.com/loomml/loom/train/tree"
)

// benchRows is the number of rows BenchmarkBatch scores: the 143 test
// rows of bc_100trees tiled, as testdata/bench_compare.py tiles them for
// XGBoost.
const benchRows = 100_000

// benchModel is the 100-tree fixture (breast_cancer, depth up to 6, 14
// leaves a tree on average) and its test rows.
func benchModel(tb testing.TB) (*tree.Ensemble, [][]float64) {
	b := readModel(tb, "bc_100trees.json")
	return b.Ensemble(), loadFixture(tb, "bc_100trees").X
}

// BenchmarkPredictRow is the serving hot path of an imported model: one
// row of 30 features through 100 trees, the probability of class 1.
func BenchmarkPredictRow(b *testing.B) {
	e, xs := benchModel(b)
	m := e.Model().(train.Classifier)
	dst := make([]float64, 2)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		m.PredictProba(dst, xs[i%len(xs)])
		i++
	}
}

// TestPredictRowAllocs enforces that scoring one row does not allocate.
func TestPredictRowAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are not meaningful under -race")
	}
	e, xs := benchModel(t)
	m := e.Model().(train.Classifier)
	dst := make([]float64, 2)
	if n := testing.AllocsPerRun(100, func() { m.PredictProba(dst, xs[7]) }); n != 0 {
		t.Errorf("PredictProba allocates %v times per row; want 0", n)
	}
	lin := readModel(t, "iris_gblinear.json")
	lm, _ := lin.Model("")
	x := []float64{5, 3, 1.5, 0.2}
	dst3 := make([]float64, 3)
	if n := testing.AllocsPerRun(100, func() { lm.(train.Classifier).PredictProba(dst3, x); lm.Predict(x) }); n != 0 {
		t.Errorf("gblinear scoring allocates %v times per row; want 0", n)
	}
}

// BenchmarkBatch scores 100,000 rows with the 100-tree model into a
// reused matrix of probabilities (train/tree's PredictProbaBatch, on
// GOMAXPROCS goroutines: run with -cpu 1,2). testdata/bench_compare.py
// runs it beside XGBoost's own predict on the same model and rows.
func BenchmarkBatch(b *testing.B) {
	e, xs := benchModel(b)
	X := mat.NewDense(benchRows, len(xs[0]), nil)
	for i := range benchRows {
		X.SetRow(i, xs[i%len(xs)])
	}
	dst := mat.NewDense(benchRows, 2, nil)
	b.ReportAllocs()
	for b.Loop() {
		e.PredictProbaBatch(dst, X)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/benchRows, "ns/row")
}
