package retrain_test

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/loomml/loom/registry"
	"github.com/loomml/loom/retrain"
)

// killScenario drives a loop through a canary run that promotes a
// challenger, then a breach of it in its watch window that rolls it back,
// then a second canary that fails its soak. Every step boundary of these
// is a point where a process may die.
type killScenario struct {
	t     *testing.T
	dir   string
	clock *retrain.ManualClock
	w     *world
}

func newKillScenario(t *testing.T) *killScenario {
	s := &killScenario{t: t, dir: testDir(t), clock: retrain.NewManualClock(epoch), w: &world{}}
	// A champion first, with no hook.
	s.w.set(accounts(400, 1, 0, false))
	l := s.loop("setup")
	l.Trigger(retrain.Trigger{Reason: "first model"})
	if r := only(t, step(t, l)); r.Outcome != retrain.OutcomePromoted {
		t.Fatalf("setup run: %+v", r)
	}
	return s
}

func (s *killScenario) loop(owner string) *retrain.Loop[account] {
	reg := openReg(s.t, s.dir, s.clock)
	o := testOptions(s.clock)
	o.Policy, o.Owner = retrain.PolicyCanary, owner
	o.Metrics, o.Bootstrap.Resamples = []string{"roc_auc"}, 40
	return retrain.New(reg, accountSpec(), s.w.fetch(), o)
}

// play runs the scenario's actions in order on l from action from,
// returning the index of the action that failed (a kill) or len(actions).
func (s *killScenario) actions(l func() *retrain.Loop[account]) []func() error {
	ctx := context.Background()
	stepErr := func() error { _, err := l().Step(ctx); return err }
	return []func() error{
		func() error { // a shifted world: a canary starts
			s.w.set(accounts(400, 3, 1, false))
			l().Trigger(retrain.Trigger{Kind: retrain.KindDrift, Reason: "shift"})
			return stepErr()
		},
		func() error { s.clock.Advance(25 * time.Hour); return stepErr() }, // soak over: promote
		func() error { // a live breach in the watch window: rollback
			l().Breach(0, retrain.KindPerformance, "live roc_auc 0.51 < 0.70")
			return stepErr()
		},
		func() error { // another canary, which breaches during its soak
			s.clock.Advance(time.Hour)
			l().Trigger(retrain.Trigger{Reason: "again"})
			return stepErr()
		},
		func() error {
			st, err := l().Status(ctx)
			if err != nil {
				return err
			}
			if st.Run == nil {
				return nil // not soaking (interrupted before): nothing to breach
			}
			l().Breach(st.Run.Challenger, retrain.KindDrift, "canary drifted")
			return stepErr()
		},
	}
}

func TestKillAtEveryStepBoundary(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the scenario once per boundary")
	}
	// A full scenario records the boundaries it passes.
	full := newKillScenario(t)
	var points []string
	l := full.loop("recorder")
	retrain.SetHook(l, func(p string) error { points = append(points, p); return nil })
	for i, a := range full.actions(func() *retrain.Loop[account] { return l }) {
		if err := a(); err != nil {
			t.Fatalf("action %d: %v", i, err)
		}
	}
	for _, want := range []string{"start", "fetch", "validate", "fit", "evaluate", "evaluated", "registered", "canaried", "promoted", "recorded", "rollback", "rolled-back", "canary-parked"} {
		if !slices.Contains(points, want) {
			t.Fatalf("the scenario never passes %q: %v", want, points)
		}
	}
	full.check(t, "full")

	seen := map[string]int{}
	for _, p := range points {
		seen[p]++
		occurrence := seen[p]
		if occurrence > 1 && raceEnabled {
			continue // the same boundary in a later run: only without -race
		}
		name := p + "#" + strconv.Itoa(occurrence)
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s := newKillScenario(t)
			victim := s.loop("victim")
			n := 0
			killed := false
			retrain.SetHook(victim, func(q string) error {
				if q == p {
					n++
					if n == occurrence {
						killed = true
						return retrain.ErrKilled
					}
				}
				return nil
			})
			cur := victim
			acts := s.actions(func() *retrain.Loop[account] { return cur })
			i := 0
			for ; i < len(acts); i++ {
				err := acts[i]()
				if killed {
					if !errors.Is(err, retrain.ErrKilled) {
						t.Fatalf("killed at %s: Step returned %v", name, err)
					}
					break
				}
				if err != nil {
					t.Fatalf("action %d: %v", i, err)
				}
			}
			if !killed {
				t.Fatalf("never reached %s", name)
			}
			// The process is gone. A restarted replica, on its own
			// registry over the same directory, must not take over a
			// run under a live lease, and takes over once it expired.
			cur = s.loop("restarted")
			if st, _ := cur.Status(context.Background()); st.Run != nil && st.LeaseOwner == "victim" {
				step(t, cur)
				if st2, _ := cur.Status(context.Background()); st2.Run == nil || st2.Run.ID != st.Run.ID || st2.LeaseOwner != "victim" {
					t.Fatalf("took over a run under a live lease: %+v", st2)
				}
			}
			s.clock.Advance(2 * time.Minute)
			step(t, cur) // resume or abandon
			for i++; i < len(acts); i++ {
				if err := acts[i](); err != nil {
					t.Fatalf("action %d after the restart: %v", i, err)
				}
			}
			// Let whatever is still in flight finish.
			for range 3 {
				s.clock.Advance(25 * time.Hour)
				step(t, cur)
			}
			s.check(t, name)
		})
	}
}

// check asserts the invariants of a store after the scenario: no run in
// flight, the canary alias parked on the champion, every version a run registered tagged
// with an outcome and its run's record stored, the champion a promoted
// version or the first, the audit chain intact.
func (s *killScenario) check(t *testing.T, name string) {
	t.Helper()
	ctx := context.Background()
	reg := openReg(t, s.dir, s.clock)
	l := retrain.New(reg, accountSpec(), s.w.fetch(), testOptions(s.clock))
	st, err := l.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Run != nil {
		t.Errorf("%s: a run is still in flight: %+v (phase %s)", name, st.Run, st.Phase)
	}
	if c, ch := champion(t, reg, "canary"), champion(t, reg, "champion"); c != ch {
		t.Errorf("%s: no canary runs, yet the canary alias is at v%d, the champion at v%d", name, c, ch)
	}
	recs, err := l.Records(ctx)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]retrain.Record{}
	for _, r := range recs {
		if _, dup := byID[r.ID]; dup {
			t.Errorf("%s: two records of %s", name, r.ID)
		}
		byID[r.ID] = r
	}
	vs, err := reg.Versions(ctx, "accounts", registry.Filter{Archived: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range vs {
		run := v.Metadata.Tags[retrain.TagRun]
		r, ok := byID[run]
		if !ok {
			t.Errorf("%s: v%d (run %q) has no record; records %v", name, v.Number, run, recs)
			continue
		}
		if status := v.Metadata.Tags[retrain.TagStatus]; status == "" || status == string(retrain.OutcomeCanary) {
			t.Errorf("%s: v%d has status %q (record %s: %s)", name, v.Number, status, r.ID, r.Outcome)
		}
	}
	champ := champion(t, reg, "champion")
	cv, _ := reg.Get(ctx, "accounts", champ)
	if s := cv.Metadata.Tags[retrain.TagStatus]; s != string(retrain.OutcomePromoted) {
		t.Errorf("%s: the champion v%d has status %q", name, champ, s)
	}
	for _, m := range []string{"accounts", "accounts.retrain"} {
		if _, err := reg.Audit(ctx, m); err != nil {
			t.Errorf("%s: audit of %s: %v", name, m, err)
		}
	}
	if t.Failed() {
		for _, r := range recs {
			t.Logf("record %s: %s %v challenger v%d champion v%d", r.ID, r.Outcome, r.Reasons, r.Challenger, r.Champion)
		}
	}
}
