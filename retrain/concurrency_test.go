package retrain_test

import (
	"context"
	"iter"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/loomml/loom/retrain"
)

// gate is a fetch function that blocks each call until released, and
// counts the calls in flight.
type gate struct {
	rows             []account
	entered, release chan struct{}
	inflight, most   atomic.Int32
	calls            atomic.Int32
}

func newGate() *gate {
	return &gate{rows: accounts(600, 1, 0, false), entered: make(chan struct{}, 16), release: make(chan struct{})}
}

func (g *gate) fetch(ctx context.Context, _ retrain.Trigger) iter.Seq2[account, error] {
	return func(yield func(account, error) bool) {
		n := g.inflight.Add(1)
		defer g.inflight.Add(-1)
		if m := g.most.Load(); n > m {
			g.most.CompareAndSwap(m, n)
		}
		g.calls.Add(1)
		g.entered <- struct{}{}
		select {
		case <-g.release:
		case <-ctx.Done():
			yield(account{}, ctx.Err())
			return
		}
		for _, r := range g.rows {
			if !yield(r, nil) {
				return
			}
		}
	}
}

func TestRunCoalescesTriggers(t *testing.T) {
	clock := retrain.NewManualClock(epoch)
	reg := openReg(t, testDir(t), clock)
	g := newGate()
	records := make(chan retrain.Record, 8)
	o := testOptions(clock)
	o.OnRecord = func(r retrain.Record) { records <- r }
	l := retrain.New(reg, accountSpec(), g.fetch, o)

	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { l.Run(ctx) })
	defer func() { cancel(); wg.Wait() }()

	l.Trigger(retrain.Trigger{Reason: "first"})
	<-g.entered
	for i := range 5 {
		kind := []retrain.Kind{retrain.KindDrift, retrain.KindPerformance, retrain.KindManual, retrain.KindDrift, retrain.KindData}[i]
		l.Trigger(retrain.Trigger{Kind: kind, Reason: "burst"})
	}
	g.release <- struct{}{}
	first := <-records
	<-g.entered // the coalesced run
	g.release <- struct{}{}
	second := <-records
	if first.Trigger.Reason != "first" || first.Coalesced != 0 {
		t.Errorf("first run %+v", first)
	}
	if second.Trigger.Kind != retrain.KindDrift || second.Coalesced != 4 {
		t.Errorf("second run: trigger %v, coalesced %d; want the burst's first (drift) and 4 more folded in", second.Trigger, second.Coalesced)
	}
	cancel()
	wg.Wait()
	if n := g.calls.Load(); n != 2 {
		t.Errorf("%d runs fetched; want 2", n)
	}
	if m := g.most.Load(); m != 1 {
		t.Errorf("%d runs at once; want 1", m)
	}
}

func TestRunStopsWithContextMidRun(t *testing.T) {
	clock := retrain.NewManualClock(epoch)
	reg := openReg(t, testDir(t), clock)
	g := newGate()
	l := retrain.New(reg, accountSpec(), g.fetch, testOptions(clock))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- l.Run(ctx) }()
	l.Trigger(retrain.Trigger{})
	<-g.entered
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run = %v; want nil when its context is done", err)
	}
	// The interrupted run is left in flight for a resume; another step
	// abandons it and runs its trigger again.
	st, _ := l.Status(context.Background())
	if st.Run == nil {
		t.Fatal("no run in flight after a cancelled run")
	}
	close(g.release)
	recs := step(t, l)
	if len(recs) != 2 || recs[0].Outcome != retrain.OutcomeAbandoned || recs[1].Trigger.Kind != retrain.KindResume || recs[1].Outcome != retrain.OutcomePromoted {
		t.Fatalf("records after the restart: %+v", recs)
	}
}

func TestLeaseTwoRegistriesOneDirectory(t *testing.T) {
	clock := retrain.NewManualClock(epoch)
	dir := testDir(t)
	g := newGate()
	oa, ob := testOptions(clock), testOptions(clock)
	oa.Owner, ob.Owner = "replica-a", "replica-b"
	a := retrain.New(openReg(t, dir, clock), accountSpec(), g.fetch, oa)
	bw := &world{}
	bw.set(accounts(600, 2, 0, false))
	b := retrain.New(openReg(t, dir, clock), accountSpec(), bw.fetch(), ob)

	a.Trigger(retrain.Trigger{Reason: "a"})
	var wg sync.WaitGroup
	var recsA []retrain.Record
	wg.Go(func() { recsA = step(t, a) })
	<-g.entered // a holds the lease and is fetching

	b.Trigger(retrain.Trigger{Reason: "b"})
	if recs := step(t, b); len(recs) != 0 {
		t.Fatalf("b ran while a held the lease: %+v", recs)
	}
	st, _ := b.Status(context.Background())
	if st.LeaseOwner != "replica-a" || st.Run == nil {
		t.Fatalf("status seen by b: %+v", st)
	}
	close(g.release)
	wg.Wait()
	if len(recsA) != 1 || recsA[0].Outcome != retrain.OutcomePromoted {
		t.Fatalf("a's records: %+v", recsA)
	}
	if bw.fetches != 0 {
		t.Fatalf("b fetched %d times; its trigger was to be coalesced into a's run", bw.fetches)
	}
	// Now b may run.
	b.Trigger(retrain.Trigger{Reason: "b again"})
	if r := only(t, step(t, b)); r.Owner != "replica-b" || r.Champion != 1 {
		t.Fatalf("b's run: %+v", r)
	}
}

func TestBudget(t *testing.T) {
	clock := retrain.NewManualClock(epoch)
	reg := openReg(t, testDir(t), clock)
	g := newGate()
	o := testOptions(clock)
	o.Budget = 20 * time.Millisecond
	l := retrain.New(reg, accountSpec(), g.fetch, o)
	l.Trigger(retrain.Trigger{})
	r := only(t, step(t, l)) // the fetch waits for the budget to pass
	if r.Outcome != retrain.OutcomeFailed || len(r.Reasons) == 0 || r.Challenger != 0 {
		t.Fatalf("record %+v; want failed over budget", r)
	}
	if want := "over its budget of 20ms"; !strings.Contains(r.Reasons[0], want) {
		t.Errorf("reason %q lacks %q", r.Reasons[0], want)
	}
}

func TestSoakFinishedByAnotherReplica(t *testing.T) {
	clock := retrain.NewManualClock(epoch)
	dir := testDir(t)
	w := &world{}
	w.set(accounts(600, 1, 0, false))
	oa, ob := testOptions(clock), testOptions(clock)
	oa.Owner, ob.Owner = "replica-a", "replica-b"
	oa.Policy, ob.Policy = retrain.PolicyCanary, retrain.PolicyCanary
	a := retrain.New(openReg(t, dir, clock), accountSpec(), w.fetch(), oa)
	b := retrain.New(openReg(t, dir, clock), accountSpec(), w.fetch(), ob)
	a.Trigger(retrain.Trigger{})
	step(t, a)
	w.set(accounts(1000, 2, 1, false))
	a.Trigger(retrain.Trigger{Kind: retrain.KindDrift})
	if r := only(t, step(t, a)); r.Outcome != retrain.OutcomeCanary {
		t.Fatalf("a's run %+v", r)
	}
	st, _ := b.Status(context.Background())
	if st.LeaseOwner != "" || st.Phase != retrain.PhaseSoak {
		t.Fatalf("status while soaking %+v; want the lease released", st)
	}
	clock.Advance(25 * time.Hour) // replica a is gone; b steps
	r := only(t, step(t, b))
	if r.Outcome != retrain.OutcomePromoted || r.Owner != "replica-b" || r.Challenger != 2 {
		t.Fatalf("b's record %+v; want b promoting a's canary", r)
	}
}
