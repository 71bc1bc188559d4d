package model_test

import (
	"context"
	"testing"

	"github.com/loomml/loom/model"
)

// BenchmarkExplain is one explained prediction of the churn spec's
// logistic model (9 features, 5 declared columns, top 3), into a reused
// Explanation and buffer; BenchmarkBundlePredict beside it is the
// prediction without explanation.
func BenchmarkExplain(b *testing.B) {
	rows := customers(4096, 1)
	bundle, err := model.Fit(context.Background(), churnSpec(nil), rows)
	if err != nil {
		b.Fatal(err)
	}
	x, err := bundle.Explainer()
	if err != nil {
		b.Fatal(err)
	}
	var e model.Explanation
	var buf model.ExplainBuffer
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if err := x.ExplainTo(&e, &rows[i&4095], 3, &buf); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
