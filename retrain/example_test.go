package retrain_test

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/loomml/loom/evaluate"
	"github.com/loomml/loom/model"
	"github.com/loomml/loom/registry"
	"github.com/loomml/loom/retrain"
)

// The loop over simulated days: a first model, a retrain on a shifted
// world through a canary, and a rollback when the new champion's live
// performance drops within its watch window.
func Example() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "retrain-example")
	defer os.RemoveAll(dir)
	clock := retrain.NewManualClock(time.Date(2026, 1, 5, 3, 0, 0, 0, time.UTC))
	reg, _ := registry.Open(dir, registry.WithClock(clock.Now))
	defer reg.Close()

	week := accounts(1000, 1, 0, false) // what the fetch function serves
	fetch := retrain.FetchSlice(func(ctx context.Context, t retrain.Trigger) ([]account, error) { return week, nil })
	loop := retrain.New(reg, accountSpec(), fetch, &retrain.Options{
		Clock:  clock,
		Policy: retrain.PolicyCanary, CanaryPercent: 10, Soak: 24 * time.Hour, Watch: 3 * 24 * time.Hour,
		Gates: []evaluate.Gate{{Metric: "roc_auc", Kind: evaluate.Absolute, Op: ">=", Value: 0.7}},
		Beat:  []retrain.Margin{{Metric: "roc_auc", By: 0.01}},
	})
	show := func(recs []retrain.Record, err error) {
		if err != nil {
			fmt.Println("error:", err)
		}
		for _, r := range recs {
			fmt.Printf("%s %s: trigger %s, challenger v%d vs champion v%d: %s\n",
				clock.Now().Format("Mon 02 Jan"), r.ID, r.Trigger.Kind, r.Challenger, r.Champion, r.Outcome)
		}
	}

	loop.Trigger(retrain.Trigger{Reason: "first model"})
	show(loop.Step(ctx))

	clock.Advance(7 * 24 * time.Hour)
	week = accounts(1000, 2, 1, false) // the world shifted; the champion's drift check says so
	champ, _ := model.LoadAlias(ctx, reg, "champion", accountSpec())
	if rep, _ := champ.CompareDrift(week); rep.DatasetDrift {
		loop.OnDrift(0)(rep) // what drift.MonitorOptions.Retrain calls
	}
	show(loop.Step(ctx))

	clock.Advance(25 * time.Hour) // the canary held through its soak
	show(loop.Step(ctx))

	clock.Advance(24 * time.Hour) // live labels: the new champion drops
	loop.Breach(0, retrain.KindPerformance, "live roc_auc 0.58, limit 0.70")
	show(loop.Step(ctx))
	v, _ := reg.Resolve(ctx, "accounts", "champion")
	fmt.Println("champion: v", v.Number)
	// Output:
	// Mon 05 Jan run-1: trigger manual, challenger v1 vs champion v0: promoted
	// Mon 12 Jan run-2: trigger drift, challenger v2 vs champion v1: canary
	// Tue 13 Jan run-2: trigger drift, challenger v2 vs champion v1: promoted
	// Wed 14 Jan rollback-3: trigger performance, challenger v2 vs champion v1: rolled-back
	// champion: v 1
}

// A policy that stops at "registered, awaiting approval".
func ExampleLoop_Approve() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "retrain-example")
	defer os.RemoveAll(dir)
	reg, _ := registry.Open(dir)
	defer reg.Close()
	fetch := retrain.FetchSlice(func(ctx context.Context, t retrain.Trigger) ([]account, error) {
		return accounts(1000, 1, 0, false), nil
	})
	loop := retrain.New(reg, accountSpec(), fetch, &retrain.Options{Policy: retrain.PolicyApproval})
	loop.Trigger(retrain.Trigger{})
	recs, _ := loop.Step(ctx)
	fmt.Println(recs[0].Outcome, "v", recs[0].Challenger)
	if err := loop.Approve(ctx, recs[0].Challenger, "reviewed the report"); err != nil {
		fmt.Println(err)
	}
	champ, _ := reg.Resolve(ctx, "accounts", "champion")
	fmt.Println("champion: v", champ.Number, champ.Metadata.Tags[retrain.TagStatus])
	// Output:
	// awaiting-approval v 1
	// champion: v 1 promoted
}

func ExampleCalendar() {
	weekly := retrain.Calendar{Weekdays: []time.Weekday{time.Monday}, Hour: 3}
	t := time.Date(2026, 1, 7, 12, 0, 0, 0, time.UTC) // a Wednesday
	for range 2 {
		t = weekly.Next(t)
		fmt.Println(t.Format(time.RFC1123))
	}
	// Output:
	// Mon, 12 Jan 2026 03:00:00 UTC
	// Mon, 19 Jan 2026 03:00:00 UTC
}
