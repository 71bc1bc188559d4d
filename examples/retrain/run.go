package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/loomml/loom/drift"
	"github.com/loomml/loom/evaluate"
	"github.com/loomml/loom/examples/internal/customers"
	"github.com/loomml/loom/examples/internal/outdir"
	"github.com/loomml/loom/model"
	"github.com/loomml/loom/registry"
	"github.com/loomml/loom/retrain"
)

// timeline prints events at the simulated time.
type timeline struct {
	w     io.Writer
	clock *retrain.ManualClock
}

func (t timeline) event(who, format string, args ...any) {
	fmt.Fprintf(t.w, "%s  %-11s %s\n", t.clock.Now().Format("Mon Jan 02 15:04"), who, fmt.Sprintf(format, args...))
}

// record prints what a run did.
func (t timeline) record(r retrain.Record) {
	if r.Outcome == retrain.OutcomeRolledBack {
		t.event(r.ID, "rolled back v%d: the champion is v%d again", r.Challenger, r.Champion)
		return
	}
	if r.Outcome != retrain.OutcomePromoted || r.CanaryPercent == 0 { // a canary's promotion was introduced at its start
		line := fmt.Sprintf("trigger %s; %d rows, %d valid", r.Trigger, r.Rows, r.Valid)
		if auc, ok := r.Metrics["roc_auc"]; ok {
			line += fmt.Sprintf("; challenger v%d roc_auc %.3f", r.Challenger, auc)
			if r.Champion != 0 {
				line += fmt.Sprintf(", champion v%d %.3f on the same holdout", r.Champion, r.ChampionMetrics["roc_auc"])
			}
		}
		t.event(r.ID, "%s", line)
	}
	switch r.Outcome {
	case retrain.OutcomeCanary:
		t.event(r.ID, "canary: v%d takes %g%% of the traffic until %s", r.Challenger, r.CanaryPercent, r.SoakUntil.Format("Mon Jan 02 15:04"))
	case retrain.OutcomePromoted:
		if r.CanaryPercent > 0 {
			t.event(r.ID, "promoted v%d: its canary held through the soak", r.Challenger)
		} else {
			t.event(r.ID, "promoted v%d", r.Challenger)
		}
	default:
		t.event(r.ID, "%s v%d: %s", r.Outcome, r.Challenger, strings.Join(r.Reasons, "; "))
	}
}

// gates every challenger must pass, besides beating the champion.
var gates = []evaluate.Gate{{Metric: "roc_auc", Kind: evaluate.Absolute, Op: ">=", Value: 0.70}}

func run(ctx context.Context, w io.Writer, outDir string) error {
	if err := outdir.Prepare(outDir, "retrain", "registry"); err != nil {
		return err
	}
	data, err := weeks(ctx, 8)
	if err != nil {
		return err
	}
	clock := retrain.NewManualClock(time.Date(2026, 1, 5, 3, 0, 0, 0, time.UTC)) // a Monday
	reg, err := registry.Open(filepath.Join(outDir, "registry"), registry.WithClock(clock.Now))
	if err != nil {
		return err
	}
	defer reg.Close()
	ctx = registry.WithPrincipal(ctx, "retrain-example")
	tl := timeline{w: w, clock: clock}
	spec := customers.Spec()

	var fresh []Customer // what the data warehouse holds for the last week
	fetch := retrain.FetchSlice(func(ctx context.Context, t retrain.Trigger) ([]Customer, error) { return fresh, nil })
	loop := retrain.New(reg, spec, fetch, &retrain.Options{
		Clock:    clock,
		Policy:   retrain.PolicyCanary,
		Soak:     48 * time.Hour,
		Watch:    7 * 24 * time.Hour,
		Gates:    gates,
		Beat:     []retrain.Margin{{Metric: "roc_auc", By: 0.01}},
		Schedule: retrain.Calendar{Weekdays: []time.Weekday{time.Monday}, Hour: 3},
		OnRecord: tl.record,
	})
	step := func() error {
		_, err := loop.Step(ctx)
		return err
	}

	fmt.Fprintf(w, "Four weeks of the churn model under the retraining loop (%d customers a week)\n\n", len(data[0]))
	// Week 1: the first model.
	fresh = data[0]
	loop.Trigger(retrain.Trigger{Reason: "first model"})
	if err := step(); err != nil {
		return err
	}

	// Week 2: the weekly schedule.
	clock.Set(time.Date(2026, 1, 12, 3, 0, 0, 0, time.UTC))
	fresh = data[1]
	if err := step(); err != nil {
		return err
	}

	// Week 3: the campaign starts; the champion's drift monitor sees it.
	clock.Set(time.Date(2026, 1, 14, 9, 0, 0, 0, time.UTC))
	tl.event("service", "a marketing campaign starts: new kinds of customers arrive")
	live := campaign(data[2])
	if err := watchDrift(ctx, reg, spec, loop, tl, live); err != nil {
		return err
	}
	fresh = live
	if err := step(); err != nil {
		return err
	}
	// The canary serves its share; delayed labels say how it does.
	clock.Set(time.Date(2026, 1, 15, 9, 0, 0, 0, time.UTC))
	if err := livePerformance(ctx, reg, spec, loop, tl, "canary", campaign(data[3]), 10); err != nil {
		return err
	}
	clock.Set(time.Date(2026, 1, 16, 10, 0, 0, 0, time.UTC)) // the soak is over
	if err := step(); err != nil {
		return err
	}

	// Week 4: a week of corrupted labels, then the campaign ends.
	clock.Set(time.Date(2026, 1, 19, 3, 0, 0, 0, time.UTC))
	tl.event("warehouse", "an upstream bug shuffled the labels of last week's data")
	fresh = corrupt(campaign(data[4]))
	if err := step(); err != nil {
		return err
	}
	clock.Set(time.Date(2026, 1, 20, 9, 0, 0, 0, time.UTC))
	tl.event("service", "the campaign ended: customers are as before it")
	if err := livePerformance(ctx, reg, spec, loop, tl, "champion", data[5], 100); err != nil {
		return err
	}
	if err := step(); err != nil {
		return err
	}

	return summary(ctx, w, reg, loop)
}

// watchDrift feeds live rows to the champion's drift monitor, which
// reports dataset drift to the loop (drift.MonitorOptions.Retrain).
func watchDrift(ctx context.Context, reg *registry.Registry, spec *model.Spec[Customer], loop *retrain.Loop[Customer], tl timeline, rows []Customer) error {
	champ, err := model.LoadAlias(ctx, reg, "champion", spec)
	if err != nil {
		return err
	}
	v := champ.Version().Number
	onDrift := loop.OnDrift(v)
	mon, err := champ.NewMonitor(&drift.MonitorOptions{Window: drift.Window{Rows: 1000}, Now: tl.clock.Now,
		Retrain: func(rep *drift.Report) {
			var cols []string
			for _, c := range rep.Columns {
				if c.Drifted {
					cols = append(cols, c.Column)
				}
			}
			tl.event("monitor", "drift in the live rows of champion v%d: %d of %d columns (%s)", v, rep.Drifted, rep.Tested, strings.Join(cols, ", "))
			onDrift(rep)
		}})
	if err != nil {
		return err
	}
	for i := range rows {
		mon.Observe(&rows[i])
	}
	return nil
}

// livePerformance scores rows with the version alias points at, as the
// service does for the requests the alias answers (share percent of
// them), and joins the labels that arrive later in a performance monitor
// that reports drops to the loop (drift.PerformanceOptions.Retrain).
func livePerformance(ctx context.Context, reg *registry.Registry, spec *model.Spec[Customer], loop *retrain.Loop[Customer], tl timeline, alias string, rows []Customer, share int) error {
	b, err := model.LoadAlias(ctx, reg, alias, spec)
	if err != nil {
		return err
	}
	v := b.Version()
	onDrop := loop.OnPerformance(v.Number)
	perf, err := drift.NewPerformanceMonitor(&drift.PerformanceOptions{
		Name: fmt.Sprintf("%s-v%d", alias, v.Number), Metric: drift.ROCAUC, Reference: v.Metadata.Metrics["roc_auc"],
		MaxDegradation: 0.05, Window: 200, Now: tl.clock.Now,
		Retrain: func(r *drift.PerformanceResult) {
			tl.event("monitor", "%s v%d: live roc_auc %.3f on %d labelled predictions, below its limit %.3f", alias, v.Number, r.Value, r.Window.Rows, r.Limit)
			onDrop(r)
		},
	})
	if err != nil {
		return err
	}
	var served []Customer
	for i := range rows {
		if i%100 < share { // the requests this alias answers
			served = append(served, rows[i])
		}
	}
	valid := spec.Bind().Quarantine(served).Valid
	probs, err := b.PredictProba(ctx, valid)
	if err != nil {
		return err
	}
	for i := range valid {
		id := fmt.Sprintf("req-%d", i)
		if err := perf.Predict(id, probs.At(i, 1)); err != nil {
			return err
		}
	}
	for i, c := range valid { // the labels, days later
		perf.Label(fmt.Sprintf("req-%d", i), float64(c.Target))
	}
	if last := perf.Last(); last != nil && !last.Drifted {
		tl.event("monitor", "%s v%d: live roc_auc %.3f on %d labelled predictions (limit %.3f): holds", alias, v.Number, last.Value, last.Window.Rows, last.Limit)
	}
	return nil
}

// summary prints the records, the aliases and the audit trail.
func summary(ctx context.Context, w io.Writer, reg *registry.Registry, loop *retrain.Loop[Customer]) error {
	recs, err := loop.Records(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\nRun records (stored in the registry as versions of %q):\n", loop.Companion())
	for _, r := range recs {
		fmt.Fprintf(w, "  %-11s %-12s %-12s challenger v%d, champion v%d\n", r.ID, r.Trigger.Kind, r.Outcome, r.Challenger, r.Champion)
	}
	aliases, err := reg.Aliases(ctx, "churn")
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\nAliases: champion -> v%d", aliases["champion"])
	if c, ok := aliases["canary"]; ok {
		fmt.Fprintf(w, ", canary -> v%d", c)
	}
	fmt.Fprintln(w)
	audit, err := reg.Audit(ctx, "churn")
	if err != nil {
		return err
	}
	fmt.Fprintln(w, "\nAlias moves in the audit log of \"churn\":")
	for _, e := range audit {
		switch e.Action {
		case registry.ActionPromote, registry.ActionRollback, registry.ActionDeleteAlias:
			fmt.Fprintf(w, "  %s %-12s %-8s %2s -> %-2s %s\n", e.Time.Format("Jan 02 15:04"), e.Action, e.Alias, e.Before, e.After, e.Reason)
		}
	}
	return nil
}
