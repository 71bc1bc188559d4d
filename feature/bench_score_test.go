package feature_test

import (
	"context"
	"fmt"
	"testing"

	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"

	"github.com/loomml/loom/feature"
	"github.com/loomml/loom/train"
)

// treeBenchSet is the benchmark rows for tree learners: the numeric
// fields raw (missing values as NaN), the categories ordinal codes.
func treeBenchSet() *feature.Set[benchRow] {
	ord := func() feature.CatTransform { return feature.Ordinal(feature.OrdinalOptions{}) }
	return feature.NewSet[benchRow](nil).
		Num("age", func(r *benchRow) float64 { return r.Age }).
		Num("score", func(r *benchRow) float64 { return r.Score }).
		Num("hours", func(r *benchRow) float64 { return r.Hours }).
		NumPtr("income", func(r *benchRow) *float64 { return r.Income }).
		NumPtr("balance", func(r *benchRow) *float64 { return r.Balance }).
		NumPtr("tenure", func(r *benchRow) *float64 { return r.Tenure }).
		Cat("segment", func(r *benchRow) string { return r.Segment }, ord()).
		Cat("region", func(r *benchRow) string { return r.Region }, ord()).
		CatPtr("channel", func(r *benchRow) *string { return r.Channel }, ord())
}

// BenchmarkTreeMatrix is TreeMatrix (into a new matrix, as it returns one).
func BenchmarkTreeMatrix(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		b.Run(fmt.Sprintf("rows=%d", n), func(b *testing.B) {
			rows := benchRows(n, 1)
			f, err := treeBenchSet().Fit(context.Background(), rows)
			if err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				if _, err := f.TreeMatrix(ctx, rows); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}

// BenchmarkMatrixPredict is batch scoring through the matrix path, the
// first line of issue 18: the benchmark rows' feature matrix (6 numeric
// features imputed and standardized, 3 categorical ones one-hot, 29
// columns), then the class probabilities of a binary logistic model, for
// 1,000,000 rows on GOMAXPROCS goroutines. "reused" writes into buffers
// kept across calls (MatrixTo, PredictProbaBatch into dst), "fresh"
// allocates the matrix and the probabilities each time (Matrix,
// PredictProbaBatch(nil, ...)). testdata/bench_sklearn_score.py is the
// scikit-learn side.
func BenchmarkMatrixPredict(b *testing.B) {
	const n = 1000000
	skipLongCount(b, 100)
	f, rows := fittedBench(b, n)
	ctx := context.Background()
	model := benchModel(b, f, rows[:20000])
	w := f.Width()
	data := make([]float64, n*w)
	proba := mat.NewDense(n, 2, nil)
	b.Run(fmt.Sprintf("rows=%d/reused", n), func(b *testing.B) {
		// One untimed call first: the buffers are reused across calls, so
		// the steady state, not the first touch of 240 MB of fresh pages,
		// is what a caller that keeps them sees.
		if err := f.MatrixTo(ctx, data, rows); err != nil {
			b.Fatal(err)
		}
		train.PredictProbaBatch(proba, model, mat.NewDense(n, w, data))
		b.ReportAllocs()
		for b.Loop() {
			if err := f.MatrixTo(ctx, data, rows); err != nil {
				b.Fatal(err)
			}
			train.PredictProbaBatch(proba, model, mat.NewDense(n, w, data))
		}
		b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	})
	b.Run(fmt.Sprintf("rows=%d/blocks", n), func(b *testing.B) {
		// The fused path (model.Bundle's Predict and PredictProba): each
		// block's features are predicted while they are in the cache.
		raw := proba.RawMatrix().Data
		score := func(lo int, X *mat.Dense) {
			rows, _ := X.Dims()
			var P mat.Dense
			P.SetRawMatrix(blas64.General{Rows: rows, Cols: 2, Stride: 2, Data: raw[2*lo : 2*(lo+rows)]})
			train.PredictProbaBatch(&P, model, X)
		}
		if err := f.MatrixBlocks(ctx, rows, score); err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			if err := f.MatrixBlocks(ctx, rows, score); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	})
	b.Run(fmt.Sprintf("rows=%d/fresh", n), func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			X, err := f.Matrix(ctx, rows)
			if err != nil {
				b.Fatal(err)
			}
			train.PredictProbaBatch(nil, model, X)
		}
		b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	})
}

// benchModel fits a logistic regression to the feature matrix of rows with
// a label that depends on age, score and the segment.
func benchModel(b *testing.B, f *feature.Fitted[benchRow], rows []benchRow) train.Classifier {
	b.Helper()
	X, err := f.Matrix(context.Background(), rows)
	if err != nil {
		b.Fatal(err)
	}
	y := make([]float64, len(rows))
	for i, r := range rows {
		if r.Age/78+r.Score > 1 || r.Segment == "high" {
			y[i] = 1
		}
	}
	m, err := train.LogisticRegression{}.Fit(context.Background(), train.Dataset{X: X, Y: y})
	if err != nil {
		b.Fatal(err)
	}
	return m.(train.Classifier)
}
