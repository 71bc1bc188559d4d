package retrain_test

import (
	"context"
	"testing"

	"github.com/loomml/loom/retrain"
)

func TestFirstRunPromotesThenChallengerMustBeatChampion(t *testing.T) {
	clock := retrain.NewManualClock(epoch)
	reg := openReg(t, t.TempDir(), clock)
	w := &world{}
	w.set(accounts(2000, 1, 0, false))
	l := retrain.New(reg, accountSpec(), w.fetch(), testOptions(clock))

	l.Trigger(retrain.Trigger{Reason: "first model"})
	r := only(t, step(t, l))
	if r.Outcome != retrain.OutcomePromoted || r.Challenger != 1 || r.Champion != 0 {
		t.Fatalf("first run: %+v", r)
	}
	if got := champion(t, reg, "champion"); got != 1 {
		t.Fatalf("champion v%d; want v1", got)
	}
	// Same world, new sample: the challenger does not beat the champion by the margin.
	clock.Advance(24 * 3600e9)
	w.set(accounts(2000, 2, 0, false))
	l.Trigger(retrain.Trigger{})
	r = only(t, step(t, l))
	if r.Outcome != retrain.OutcomeRejected || r.Challenger != 2 || r.Champion != 1 {
		t.Fatalf("second run: %+v", r)
	}
	t.Logf("reasons: %v", r.Reasons)
	if got := champion(t, reg, "champion"); got != 1 {
		t.Fatalf("champion v%d; want v1", got)
	}
	// The world shifted: the challenger wins.
	w.set(accounts(2000, 3, 1, false))
	l.Trigger(retrain.Trigger{Kind: retrain.KindDrift})
	r = only(t, step(t, l))
	if r.Outcome != retrain.OutcomePromoted || r.Challenger != 3 || r.Champion != 1 {
		t.Fatalf("third run: %+v", r)
	}
	t.Logf("diffs: %+v", r.Differences[0])
	recs, err := l.Records(context.Background())
	if err != nil || len(recs) != 3 {
		t.Fatalf("Records = %d, %v", len(recs), err)
	}
	st, _ := l.Status(context.Background())
	t.Logf("%+v", st)
}
