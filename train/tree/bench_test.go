package tree_test

import (
	"fmt"
	"slices"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/loomml/loom/train"
	"github.com/loomml/loom/train/tree"
)

// BenchmarkPredict is the serving hot path: one row of 30 features
// through 100 trees of 31 leaves.
func BenchmarkPredict(b *testing.B) {
	for _, c := range []struct {
		name    string
		link    tree.Link
		classes []float64
	}{{"regression", tree.Identity, nil}, {"binary", tree.Logistic, []float64{0, 1}}} {
		b.Run(fmt.Sprintf("%s/trees=100/leaves=31", c.name), func(b *testing.B) {
			e := random(1, 100, 31, 30, c.link, c.classes)
			xs := rows(2, 64, 30)
			m := e.Model()
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				m.Predict(xs[i&63])
				i++
			}
		})
	}
	b.Run("proba/binary/trees=100/leaves=31", func(b *testing.B) {
		e := random(1, 100, 31, 30, tree.Logistic, []float64{0, 1})
		xs := rows(2, 64, 30)
		m := e.Model().(train.Classifier)
		dst := make([]float64, 2)
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			m.PredictProba(dst, xs[i&63])
			i++
		}
	})
}

// BenchmarkPredictProbaBatch scores a matrix on all cores.
func BenchmarkPredictProbaBatch(b *testing.B) {
	e := random(1, 100, 31, 30, tree.Logistic, []float64{0, 1})
	xs := rows(2, 100000, 30)
	X := mat.NewDense(len(xs), 30, slices.Concat(xs...))
	dst := mat.NewDense(len(xs), 2, nil)
	b.ReportAllocs()
	for b.Loop() {
		e.PredictProbaBatch(dst, X)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(xs)), "ns/row")
}
