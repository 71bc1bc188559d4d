package retrain_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/loomml/loom/drift"
	"github.com/loomml/loom/model"
	"github.com/loomml/loom/registry"
	"github.com/loomml/loom/retrain"
)

func TestFirstRunPromotesThenChallengerMustBeatChampion(t *testing.T) {
	clock := retrain.NewManualClock(epoch)
	reg := openReg(t, testDir(t), clock)
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

func newLoop(t *testing.T, policy retrain.Policy) (*retrain.Loop[account], *registry.Registry, *world, *retrain.ManualClock) {
	t.Helper()
	clock := retrain.NewManualClock(epoch)
	reg := openReg(t, testDir(t), clock)
	w := &world{}
	w.set(accounts(1000, 1, 0, false))
	o := testOptions(clock)
	o.Policy = policy
	l := retrain.New(reg, accountSpec(), w.fetch(), o)
	l.Trigger(retrain.Trigger{Reason: "first model"})
	r := only(t, step(t, l))
	if policy == retrain.PolicyApproval && r.Outcome == retrain.OutcomeAwaitingApproval {
		if err := l.Approve(context.Background(), r.Challenger, "first model"); err != nil {
			t.Fatal(err)
		}
	} else if r.Outcome != retrain.OutcomePromoted {
		t.Fatalf("first run: %+v", r)
	}
	return l, reg, w, clock
}

func versions(t *testing.T, reg *registry.Registry) int {
	t.Helper()
	vs, err := reg.Versions(context.Background(), "accounts", registry.Filter{Archived: true})
	if err != nil {
		t.Fatal(err)
	}
	return len(vs)
}

func TestInvalidDataChangesNothing(t *testing.T) {
	tests := []struct {
		name string
		rows func() []account
		want string
	}{
		{"too many rows break the contract", func() []account {
			rows := accounts(1000, 5, 1, false)
			for i := 0; i < 300; i++ {
				rows[i].Usage = -1
			}
			return rows
		}, "the contract rejected 300 of 1000 rows"},
		{"a dataset check fails", func() []account { return accounts(50, 5, 1, false) }, "row_count"},
		{"no rows", func() []account { return nil }, "no rows were fetched"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l, reg, w, _ := newLoop(t, retrain.PolicyPromote)
			before := versions(t, reg)
			w.set(tc.rows())
			l.Trigger(retrain.Trigger{})
			r := only(t, step(t, l))
			if r.Outcome != retrain.OutcomeInvalidData || r.Challenger != 0 {
				t.Fatalf("record %+v; want invalid-data and no challenger", r)
			}
			if !strings.Contains(strings.Join(r.Reasons, "; "), tc.want) {
				t.Errorf("reasons %q lack %q", r.Reasons, tc.want)
			}
			if tc.rows() != nil && r.Contract == nil {
				t.Errorf("no contract report in the record")
			}
			if got := versions(t, reg); got != before {
				t.Errorf("%d versions after the run; want %d", got, before)
			}
			if got := champion(t, reg, "champion"); got != 1 {
				t.Errorf("champion v%d; want v1", got)
			}
		})
	}
}

func TestGatesRejectCorruptedLabels(t *testing.T) {
	l, reg, w, _ := newLoop(t, retrain.PolicyPromote)
	w.set(accounts(1000, 6, 1, true)) // the shifted world, labels shuffled
	l.Trigger(retrain.Trigger{Kind: retrain.KindData, Reason: "new week"})
	r := only(t, step(t, l))
	if r.Outcome != retrain.OutcomeRejected || r.Challenger != 2 || r.Verdict == nil || r.Verdict.Pass {
		t.Fatalf("record %+v; want rejected v2", r)
	}
	if !strings.Contains(strings.Join(r.Reasons, "; "), "roc_auc >= 0.7") {
		t.Errorf("reasons %q do not name the failed gate", r.Reasons)
	}
	v, _ := reg.Get(context.Background(), "accounts", 2)
	tags := v.Metadata.Tags
	if tags[model.TagVerdict] != "fail" || tags[retrain.TagStatus] != "rejected" || tags[retrain.TagRun] != r.ID || tags[retrain.TagParent] != "1" || tags[retrain.TagTrigger] != "data" {
		t.Errorf("tags of the rejected challenger: %v", tags)
	}
	if v.Metadata.DataFingerprint != r.DataFingerprint || r.DataFingerprint == "" {
		t.Errorf("data fingerprint %q, record %q", v.Metadata.DataFingerprint, r.DataFingerprint)
	}
	if got := champion(t, reg, "champion"); got != 1 {
		t.Errorf("champion v%d; want v1", got)
	}
}

func TestCanary(t *testing.T) {
	for _, breach := range []bool{false, true} {
		t.Run(map[bool]string{false: "soak holds", true: "canary breaches"}[breach], func(t *testing.T) {
			ctx := context.Background()
			l, reg, w, clock := newLoop(t, retrain.PolicyCanary)
			if c := champion(t, reg, "canary"); c != 1 {
				t.Fatalf("with no canary running, the canary alias is at v%d; want the champion v1", c)
			}
			w.set(accounts(1000, 7, 1, false))
			l.Trigger(retrain.Trigger{Kind: retrain.KindDrift})
			r := only(t, step(t, l))
			if r.Outcome != retrain.OutcomeCanary || r.CanaryPercent != 10 || !r.SoakUntil.Equal(clock.Now().Add(24*time.Hour)) {
				t.Fatalf("record %+v; want a canary soaking a day", r)
			}
			if c := champion(t, reg, "canary"); c != 2 {
				t.Fatalf("canary alias at v%d; want v2", c)
			}
			v, _ := reg.Get(ctx, "accounts", 2)
			if p := v.Metadata.Tags[retrain.TagCanaryPercent]; p != "10" {
				t.Errorf("canary share tag %q; want 10", p)
			}
			// Triggers during the soak wait for it.
			l.Trigger(retrain.Trigger{Reason: "during the soak"})
			clock.Advance(time.Hour)
			if recs := step(t, l); len(recs) != 0 {
				t.Fatalf("records during the soak: %+v", recs)
			}
			if breach {
				l.Breach(2, retrain.KindPerformance, "canary roc_auc 0.55 below 0.70")
			} else {
				clock.Advance(24 * time.Hour)
			}
			recs := step(t, l)
			if len(recs) != 2 {
				t.Fatalf("after the soak: %d records; want the canary's and the waiting trigger's: %+v", len(recs), recs)
			}
			want, champ := retrain.OutcomePromoted, 2
			if breach {
				want, champ = retrain.OutcomeCanaryFailed, 1
			}
			if recs[0].Outcome != want || recs[0].ID != r.ID {
				t.Fatalf("canary record %+v; want %s", recs[0], want)
			}
			if got := champion(t, reg, "champion"); got != champ {
				t.Errorf("champion v%d; want v%d", got, champ)
			}
			if got := champion(t, reg, "canary"); got == 2 && breach {
				t.Errorf("canary alias still at the failed canary v%d", got)
			}
			if recs[1].Trigger.Reason != "during the soak" {
				t.Errorf("second record's trigger %v", recs[1].Trigger)
			}
		})
	}
}

func TestApproval(t *testing.T) {
	ctx := context.Background()
	l, reg, w, _ := newLoop(t, retrain.PolicyApproval)
	if err := l.Approve(ctx, 1, "ok"); !errors.Is(err, retrain.ErrNotAwaiting) {
		t.Fatalf("Approve(v1) = %v; want ErrNotAwaiting", err)
	}
	w.set(accounts(1000, 8, 1, false))
	l.Trigger(retrain.Trigger{})
	r := only(t, step(t, l))
	if r.Outcome != retrain.OutcomeAwaitingApproval || champion(t, reg, "champion") != 1 {
		t.Fatalf("record %+v; champion v%d", r, champion(t, reg, "champion"))
	}
	if err := l.Approve(ctx, r.Challenger, "reviewed by ana"); err != nil {
		t.Fatal(err)
	}
	if got := champion(t, reg, "champion"); got != r.Challenger {
		t.Fatalf("champion v%d after approval; want v%d", got, r.Challenger)
	}
	st, _ := l.Status(ctx)
	if st.Watching != r.Challenger || st.Previous != 1 {
		t.Errorf("status %+v; want watching the approved version", st)
	}
}

func TestRollbackWithinWatchWindow(t *testing.T) {
	ctx := context.Background()
	l, reg, w, clock := newLoop(t, retrain.PolicyPromote)
	w.set(accounts(1000, 9, 1, false))
	l.Trigger(retrain.Trigger{})
	if r := only(t, step(t, l)); r.Outcome != retrain.OutcomePromoted || r.Challenger != 2 {
		t.Fatalf("record %+v", r)
	}
	clock.Advance(time.Hour)
	l.OnPerformance(0)(&drift.PerformanceResult{Metric: drift.ROCAUC, Value: 0.52, Limit: 0.7, Reference: 0.8, Drifted: true})
	recs := step(t, l)
	var rb *retrain.Record
	for i := range recs {
		if recs[i].Outcome == retrain.OutcomeRolledBack {
			rb = &recs[i]
		}
	}
	if rb == nil || rb.Challenger != 2 || rb.Champion != 1 || rb.Trigger.Kind != retrain.KindPerformance {
		t.Fatalf("records %+v; want a rollback of v2 to v1", recs)
	}
	if got := champion(t, reg, "champion"); got != 1 {
		t.Fatalf("champion v%d after the rollback; want v1", got)
	}
	audit, err := reg.Audit(ctx, "accounts")
	if err != nil {
		t.Fatal(err)
	}
	last := audit[len(audit)-1]
	for _, e := range audit {
		if e.Action == registry.ActionRollback {
			last = e
		}
	}
	if last.Action != registry.ActionRollback || !strings.Contains(last.Reason, "live roc_auc 0.5200 is worse than its limit 0.7000") {
		t.Errorf("audit entry %+v; want the rollback with the breach as reason", last)
	}
	// A breach of a version that is neither watched nor a canary
	// triggers a retrain.
	l.Breach(7, retrain.KindDrift, "not ours")
	r := only(t, step(t, l))
	if r.Trigger.Kind != retrain.KindDrift || r.Trigger.Reason != "not ours" || r.Outcome != retrain.OutcomePromoted {
		t.Fatalf("record %+v; want a drift-triggered run that promotes", r)
	}
	// After the watch window, a breach triggers a retrain instead.
	clock.Advance(73 * time.Hour)
	if st, _ := l.Status(ctx); st.Watching != 0 {
		// The window is closed at the next step; the breach comes first.
		l.Breach(0, retrain.KindDrift, "late drift")
	}
	r = only(t, step(t, l))
	if r.Trigger.Kind != retrain.KindDrift || r.Outcome == retrain.OutcomeRolledBack {
		t.Errorf("late breach gave %+v; want a drift-triggered run", r)
	}
	if got := champion(t, reg, "champion"); got < 3 {
		t.Errorf("champion v%d; the late breach must not roll back", got)
	}
}

func TestApprovalKilledAfterThePromotion(t *testing.T) {
	ctx := context.Background()
	l, reg, w, _ := newLoop(t, retrain.PolicyApproval)
	w.set(accounts(1000, 8, 1, false))
	l.Trigger(retrain.Trigger{})
	r := only(t, step(t, l))
	retrain.SetHook(l, func(p string) error {
		if p == "approved" {
			return retrain.ErrKilled
		}
		return nil
	})
	if err := l.Approve(ctx, r.Challenger, "reviewed"); !errors.Is(err, retrain.ErrKilled) {
		t.Fatalf("Approve = %v; want the kill", err)
	}
	retrain.SetHook(l, nil)
	step(t, l) // any replica's next step finishes the approval
	v, _ := reg.Get(ctx, "accounts", r.Challenger)
	st, _ := l.Status(ctx)
	if champion(t, reg, "champion") != r.Challenger || v.Metadata.Tags[retrain.TagStatus] != "promoted" || st.Watching != r.Challenger || st.Previous != 1 {
		t.Fatalf("after the resumed approval: champion v%d, tags %v, status %+v", champion(t, reg, "champion"), v.Metadata.Tags, st)
	}
}
