package retrain_test

import (
	"context"
	"testing"

	"github.com/loomml/loom/evaluate"
	"github.com/loomml/loom/model"
	"github.com/loomml/loom/retrain"
	"github.com/loomml/loom/train"
)

// BenchmarkRun measures one whole run of the loop (fetch, contract,
// fit, champion and challenger on the same holdout with bootstrap
// intervals, registration, record, and the state commits around them),
// on 1,000 rows, with the registry on tmpfs ("shm") or on the disk
// ("disk", fsync on every commit).
func BenchmarkRun(b *testing.B) {
	for _, where := range []string{"shm", "disk"} {
		b.Run(where, func(b *testing.B) {
			dir := b.TempDir()
			if where == "shm" {
				dir = testDir(b)
			}
			clock := retrain.NewManualClock(epoch)
			w := &world{}
			w.set(accounts(1000, 1, 0, false))
			o := testOptions(clock)
			o.Bootstrap.Workers = 0
			l := retrain.New(openReg(b, dir, clock), accountSpec(), w.fetch(), o)
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				l.Trigger(retrain.Trigger{})
				if _, err := l.Step(ctx); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkFitEvaluate is the work of a run without the loop: split, fit
// and evaluate with the champion's predictions on the same holdout, as
// the baseline of BenchmarkRun.
func BenchmarkFitEvaluate(b *testing.B) {
	ctx := context.Background()
	spec := accountSpec()
	rows := accounts(1000, 1, 0, false)
	champ, err := model.Fit(ctx, spec, rows)
	if err != nil {
		b.Fatal(err)
	}
	o := testOptions(nil)
	b.ReportAllocs()
	for b.Loop() {
		valid := spec.Bind().Quarantine(rows).Valid
		tr, te, err := model.Split(spec, valid, train.Holdout{Stratify: true, Seed: 1})
		if err != nil {
			b.Fatal(err)
		}
		c, err := model.Fit(ctx, spec, tr)
		if err != nil {
			b.Fatal(err)
		}
		base, err := model.Predictions(ctx, champ, te)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := model.Evaluate(ctx, c, te, &evaluate.ReportOptions{Metrics: []string{"roc_auc", "accuracy", "log_loss", "brier"},
			Bootstrap: &evaluate.BootstrapOptions{Resamples: o.Bootstrap.Resamples, Seed: 3}, Baseline: base, Gates: o.Gates}); err != nil {
			b.Fatal(err)
		}
	}
}
