package model_test

import (
	"context"
	"testing"

	"github.com/loomml/loom/feature"
	"github.com/loomml/loom/model"
)

// closureSet is churnSpec's feature set written by hand with closures, the
// way a user wrote it before package model: the baseline of the accessors
// that Spec derives from the struct tags.
func closureSet() *feature.Set[customer] {
	return feature.NewSet[customer](nil).
		Num("age", func(c *customer) float64 { return c.Age }, feature.Standardize()).
		NumPtr("income", func(c *customer) *float64 { return c.Income }, feature.Impute(feature.Median, true), feature.Standardize()).
		Num("visits", func(c *customer) float64 { return float64(c.Visits) }, feature.Standardize()).
		Cat("plan", func(c *customer) string { return c.Plan }, feature.OneHot(feature.OneHotOptions{Unknown: feature.UnknownIgnore})).
		CatPtr("region", func(c *customer) *string { return c.Region }, feature.CatImpute(feature.MostFrequent), feature.OneHot(feature.OneHotOptions{Unknown: feature.UnknownIgnore}))
}

// benchFeatures returns the hand-written and the spec-derived fitted
// features of the same rows.
func benchFeatures(b *testing.B, rows []customer) map[string]*feature.Fitted[customer] {
	ctx := context.Background()
	hand, err := closureSet().Fit(ctx, rows)
	if err != nil {
		b.Fatal(err)
	}
	bundle, err := model.Fit(ctx, churnSpec(nil), rows)
	if err != nil {
		b.Fatal(err)
	}
	if hand.Width() != bundle.Features().Width() {
		b.Fatalf("widths %d and %d", hand.Width(), bundle.Features().Width())
	}
	return map[string]*feature.Fitted[customer]{"closures": hand, "spec": bundle.Features()}
}

// BenchmarkTransform is one serving vector: accessors from the tags
// (spec) against hand-written closures.
func BenchmarkTransform(b *testing.B) {
	rows := customers(4096, 1)
	for _, name := range []string{"closures", "spec"} {
		f := benchFeatures(b, rows)[name]
		b.Run(name, func(b *testing.B) {
			dst := make([]float64, f.Width())
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				if _, err := f.Transform(&rows[i&4095], dst); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}

// BenchmarkMatrix is a training matrix of 100,000 rows on all cores, in
// rows per second.
func BenchmarkMatrix(b *testing.B) {
	rows := customers(100000, 2)
	ctx := context.Background()
	for _, name := range []string{"closures", "spec"} {
		f := benchFeatures(b, rows)[name]
		b.Run(name, func(b *testing.B) {
			dst := make([]float64, len(rows)*f.Width())
			b.ReportAllocs()
			for b.Loop() {
				if err := f.MatrixTo(ctx, dst, rows); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(rows)*b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}

// BenchmarkFit is the whole Fit of 20,000 rows: contract, features,
// matrix, logistic regression, profile, fingerprint.
func BenchmarkFit(b *testing.B) {
	rows := customers(20000, 3)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := model.Fit(ctx, churnSpec(nil), rows); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(rows)*b.N)/b.Elapsed().Seconds(), "rows/s")
}
