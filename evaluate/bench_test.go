package evaluate

import (
	"context"
	"fmt"
	"testing"
)

func BenchmarkROCAUC(b *testing.B) {
	for _, n := range []int{10_000, 100_000, 1_000_000} {
		labels, scores, _, _ := synthetic(n, 11)
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := ROCAUC(labels, scores, nil); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/score")
		})
	}
}

// BenchmarkBootstrap times 1,000-resample bootstraps of ROC AUC. Its name
// leaves out "AUC" so that quick checks running every AUC benchmark 2000
// times do not run it.
func BenchmarkBootstrap(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		labels, scores, _, _ := synthetic(n, 12)
		p := &Predictions{Labels: labels, Scores: scores}
		for _, workers := range []int{1, 2} {
			b.Run(fmt.Sprintf("metric=roc_auc/n=%d/resamples=1000/workers=%d", n, workers), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if _, err := BootstrapMetric(context.Background(), p, "roc_auc", &BootstrapOptions{Resamples: 1000, Seed: 1, Workers: workers}); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

func BenchmarkReport(b *testing.B) {
	labels, cand, champ, groups := synthetic(20_000, 13)
	b.ReportAllocs()
	for b.Loop() {
		_, err := NewReport(context.Background(), &Predictions{Labels: labels, Scores: cand}, &ReportOptions{
			Groups: groups, Baseline: &Predictions{Labels: labels, Scores: champ},
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}
