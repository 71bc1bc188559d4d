package model_test

import (
	"context"
	"testing"

	"github.com/loomml/loom/model"
	"github.com/loomml/loom/train"
)

// BenchmarkBundlePredict is one row through the bundle's serving path
// without explanation: Transform then the model's probabilities.
func BenchmarkBundlePredict(b *testing.B) {
	rows := customers(4096, 1)
	bundle, err := model.Fit(context.Background(), churnSpec(nil), rows)
	if err != nil {
		b.Fatal(err)
	}
	clf := bundle.Model().(train.Classifier)
	x := make([]float64, bundle.Features().Width())
	p := make([]float64, 2)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := bundle.Transform(&rows[i&4095], x); err != nil {
			b.Fatal(err)
		}
		clf.PredictProba(p, x)
		i++
	}
}
