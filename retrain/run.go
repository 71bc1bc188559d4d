package retrain

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"go.opentelemetry.io/otel/metric"

	"github.com/loomml/loom/contract"
	"github.com/loomml/loom/evaluate"
	"github.com/loomml/loom/model"
	"github.com/loomml/loom/registry"
)

// errBusy reports a run started by another replica meanwhile.
var errBusy = errors.New("retrain: a run is in flight")

// ErrNotAwaiting reports an Approve of a version that is not awaiting
// approval.
var ErrNotAwaiting = errors.New("retrain: version is not awaiting approval")

// memory is what a run holds only in the memory of the process that
// computed it: lost with the process, which is why a run interrupted
// before registering is run again.
type memory[T any] struct {
	bundle *model.Bundle[T]
	report *evaluate.Report
}

// at calls the test hook at a step boundary; an error stops the run
// there, as a kill would.
func (l *Loop[T]) at(point string) error {
	if l.hook == nil {
		return nil
	}
	return l.hook(point)
}

// runUpdate changes the state of run id, which this replica must be
// allowed to drive; it renews the lease.
func (l *Loop[T]) runUpdate(ctx context.Context, id, reason string, fn func(rs *runState) error) (state, error) {
	return l.store.update(ctx, id+": "+reason, func(st *state) error {
		now := l.clock.Now()
		if !st.Lease.held(l.o.Owner, now) {
			return fmt.Errorf("%w (%s until %s)", errLeaseLost, st.Lease.Owner, st.Lease.Until.Format(time.RFC3339))
		}
		if st.Run == nil || st.Run.Record.ID != id {
			return fmt.Errorf("%w: run %s is no longer in flight", errLeaseLost, id)
		}
		st.Lease = lease{Owner: l.o.Owner, Until: now.Add(l.o.LeaseTTL)}
		st.Run.Record.Owner = l.o.Owner
		return fn(st.Run)
	})
}

// start records a new run of t and drives it.
func (l *Loop[T]) start(ctx context.Context, t Trigger, coalesced int) (*Record, *Trigger, error) {
	now := l.clock.Now()
	var id string
	_, err := l.store.update(ctx, "run starts: "+t.String(), func(st *state) error {
		if !st.Lease.held(l.o.Owner, now) {
			return errLeaseLost
		}
		if st.Run != nil {
			return errBusy
		}
		st.Seq++
		id = "run-" + strconv.Itoa(st.Seq)
		st.Lease = lease{Owner: l.o.Owner, Until: now.Add(l.o.LeaseTTL)}
		st.Run = &runState{Phase: PhaseStart, Record: Record{ID: id, Model: l.spec.Name(), Trigger: t, Coalesced: coalesced, Owner: l.o.Owner, Start: now}}
		if l.o.Schedule != nil {
			st.LastSchedule = now
		}
		if t.DataVersion != "" {
			st.DataVersion = t.DataVersion
		}
		return nil
	})
	if errors.Is(err, errLeaseLost) || errors.Is(err, errBusy) {
		// Another replica runs: this trigger is coalesced into its run.
		l.tel.coalesce(ctx, t.Kind, 1+coalesced)
		return nil, nil, nil
	}
	if err != nil {
		return nil, &t, err
	}
	if err := l.at("start"); err != nil {
		return nil, nil, err
	}
	return l.drive(ctx, id, true)
}

// resume drives the run in flight in the store, which this replica may
// take over (its lease is free, expired or ours).
func (l *Loop[T]) resume(ctx context.Context) (*Record, *Trigger, error) {
	st, _, err := l.store.load(ctx)
	if err != nil || st.Run == nil {
		return nil, nil, err
	}
	return l.drive(ctx, st.Run.Record.ID, false)
}

// drive moves run id through its phases until it is finished or soaking.
// fresh is set for a run just started by this replica, which trains it;
// a run resumed from the store has lost what it held in memory.
func (l *Loop[T]) drive(ctx context.Context, id string, fresh bool) (*Record, *Trigger, error) {
	var mem *memory[T]
	ctx, span := l.tel.start(ctx, "run", attrRun.String(id))
	var (
		rec     *Record
		requeue *Trigger
		err     error
	)
	defer func() {
		if rec != nil {
			span.SetAttributes(attrOutcome.String(string(rec.Outcome)), attrTrigger.String(string(rec.Trigger.Kind)), attrVersion.Int(rec.Challenger))
		}
		endSpan(span, err)
	}()
	for {
		st, _, lerr := l.store.load(ctx)
		if lerr != nil {
			return nil, nil, lerr
		}
		if st.Run == nil || st.Run.Record.ID != id {
			return rec, requeue, nil // finished
		}
		rs := st.Run
		var done bool
		switch rs.Phase {
		case PhaseStart:
			if fresh {
				fresh = false
				mem, err = l.train(ctx, id)
			} else {
				err = l.abandon(ctx, id, "interrupted before its challenger was registered")
				requeue = &Trigger{Kind: KindResume, Time: l.clock.Now(), Reason: fmt.Sprintf("%s, interrupted (trigger %s)", id, rs.Record.Trigger)}
			}
		case PhaseRegister:
			err = l.register(ctx, rs, mem)
			if errors.Is(err, errLost) {
				err = l.abandon(ctx, id, "interrupted while its challenger was registered, which it was not")
				requeue = &Trigger{Kind: KindResume, Time: l.clock.Now(), Reason: fmt.Sprintf("%s, interrupted (trigger %s)", id, rs.Record.Trigger)}
			}
		case PhaseCanary:
			var r *Record
			r, err = l.canary(ctx, rs)
			if err == nil {
				rec, done = r, true
			}
		case PhaseSoak:
			done, err = l.soak(ctx, rs)
		case PhaseAbort:
			err = l.abort(ctx, rs)
		case PhasePromote:
			err = l.promote(ctx, rs)
		case PhaseFinish:
			rec, err = l.finish(ctx, rs)
		default:
			err = fmt.Errorf("retrain: run %s is in unknown phase %q", id, rs.Phase)
		}
		if err != nil || done {
			return rec, requeue, err
		}
	}
}

// errLost reports a registration that did not happen before a kill.
var errLost = errors.New("retrain: challenger not registered")

// train fetches, validates, fits and evaluates in memory, then records the
// evaluation and moves to PhaseRegister (or PhaseFinish when the data or
// the fit failed).
func (l *Loop[T]) train(ctx context.Context, id string) (*memory[T], error) {
	st, _, err := l.store.load(ctx)
	if err != nil {
		return nil, err
	}
	rec := cloneRecord(st.Run.Record)
	wctx, release := l.keepLease(ctx, id)
	defer release()
	if l.o.Budget > 0 {
		var cancel context.CancelFunc
		wctx, cancel = context.WithTimeout(wctx, l.o.Budget)
		defer cancel()
	}
	mem, outcome, reasons, err := l.compute(wctx, &rec)
	if err != nil {
		if ctx.Err() != nil || errors.Is(context.Cause(wctx), errLeaseLost) || errors.Is(err, errKilled) {
			return nil, err // interrupted: the run stays in flight, for a resume
		}
		outcome, reasons = OutcomeFailed, []string{err.Error()}
		if errors.Is(wctx.Err(), context.DeadlineExceeded) {
			reasons = []string{fmt.Sprintf("over its budget of %v: %v", l.o.Budget, err)}
		}
		rec.Error = err.Error()
	}
	if outcome != "" {
		_, err := l.runUpdate(ctx, id, "run ends: "+string(outcome), func(rs *runState) error {
			rec.Outcome, rec.Reasons, rec.End = outcome, append(rec.Reasons, reasons...), l.clock.Now()
			rs.Record, rs.Phase = rec, PhaseFinish
			return nil
		})
		return nil, err
	}
	latest, err := l.latest(ctx)
	if err != nil {
		return nil, err
	}
	_, err = l.runUpdate(ctx, id, "evaluated", func(rs *runState) error {
		rs.Record, rs.Phase, rs.LatestBefore = rec, PhaseRegister, latest
		return nil
	})
	if err != nil {
		return nil, err
	}
	return mem, l.at("evaluated")
}

// errKilled is what the test hook returns to stop a run as a kill would.
var errKilled = errors.New("retrain: killed at a step boundary")

// keepLease renews the lease of run id every LeaseTTL/3 until the
// returned function is called, which waits for the renewing goroutine.
// The returned context is cancelled if the lease is lost.
func (l *Loop[T]) keepLease(ctx context.Context, id string) (context.Context, func()) {
	ctx, cancel := context.WithCancelCause(ctx)
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			select {
			case <-ctx.Done():
				return
			case <-l.clock.After(l.o.LeaseTTL / 3):
			}
			if _, err := l.runUpdate(ctx, id, "lease renewed", func(*runState) error { return nil }); err != nil {
				if ctx.Err() == nil {
					cancel(fmt.Errorf("%w: %w", errLeaseLost, err))
				}
				return
			}
		}
	})
	return ctx, func() { cancel(nil); wg.Wait() }
}

// compute runs fetch, validate, fit and evaluate. A non-empty outcome
// ends the run (invalid data); an error fails it.
func (l *Loop[T]) compute(ctx context.Context, rec *Record) (*memory[T], Outcome, []string, error) {
	timed := func(name string, fn func(ctx context.Context) error) error {
		if err := l.at(name); err != nil {
			return err
		}
		sctx, span := l.tel.start(ctx, name, attrRun.String(rec.ID))
		t := time.Now()
		err := fn(sctx)
		d := time.Since(t)
		rec.step(name, d)
		l.tel.step.Record(ctx, d.Seconds(), metric.WithAttributes(attrModel.String(l.spec.Name()), attrStep.String(name)))
		endSpan(span, err)
		return err
	}
	var rows []T
	if err := timed("fetch", func(ctx context.Context) error {
		for r, err := range l.fetch(ctx, rec.Trigger) {
			if err != nil {
				return fmt.Errorf("retrain: fetching the rows of %q: %w", l.spec.Name(), err)
			}
			rows = append(rows, r)
			if len(rows)%8192 == 0 && ctx.Err() != nil {
				return ctx.Err()
			}
		}
		return ctx.Err()
	}); err != nil {
		return nil, "", nil, err
	}
	rec.Rows = len(rows)

	var split contract.Split[T]
	var reasons []string
	if err := timed("validate", func(ctx context.Context) error {
		if len(rows) == 0 {
			reasons = []string{"no rows were fetched"}
			return nil
		}
		split = l.bound.Quarantine(rows)
		rec.Valid = len(split.Valid)
		share := float64(len(split.Rejected)) / float64(len(rows))
		if share > l.o.MaxQuarantined {
			reasons = append(reasons, fmt.Sprintf("the contract rejected %d of %d rows (%.1f%%, at most %.1f%% allowed)",
				len(split.Rejected), len(rows), 100*share, 100*l.o.MaxQuarantined))
		}
		for _, d := range split.Report.Dataset {
			if !d.OK && d.Severity == contract.Error {
				reasons = append(reasons, fmt.Sprintf("dataset check %s %s: %s", d.Check, d.Field, d.Detail))
			}
		}
		return ctx.Err()
	}); err != nil {
		return nil, "", nil, err
	}
	if len(reasons) > 0 {
		rec.Contract = split.Report
		return nil, OutcomeInvalidData, reasons, nil
	}

	mem := &memory[T]{}
	var test []T
	var invalid *model.ContractError
	if err := timed("fit", func(ctx context.Context) error {
		trainRows, testRows, err := model.Split(l.spec, split.Valid, l.o.Holdout)
		if err != nil {
			return err
		}
		test = testRows
		mem.bundle, err = model.Fit(ctx, l.spec, trainRows)
		if err != nil {
			return err
		}
		rec.DataFingerprint = mem.bundle.Lineage().DataFingerprint
		return nil
	}); err != nil {
		if errors.As(err, &invalid) {
			rec.Contract = invalid.Report
			return nil, OutcomeInvalidData, []string{fmt.Sprintf("the training rows break the contract: %d of %d rows rejected", invalid.Report.Rejected, invalid.Report.Rows)}, nil
		}
		return nil, "", nil, err
	}

	if err := timed("evaluate", func(ctx context.Context) error {
		return l.evaluate(ctx, rec, mem, test)
	}); err != nil {
		return nil, "", nil, err
	}
	return mem, "", nil, nil
}

// evaluate scores the challenger and the champion on the same holdout and
// checks the gates and margins into mem.report's Verdict.
func (l *Loop[T]) evaluate(ctx context.Context, rec *Record, mem *memory[T], test []T) error {
	champ, err := model.LoadAlias(ctx, l.reg, l.o.Alias, l.spec)
	if err != nil && !errors.Is(err, registry.ErrNotFound) {
		return fmt.Errorf("retrain: loading the champion: %w", err)
	}
	gates := l.o.Gates
	opts := &evaluate.ReportOptions{Title: rec.ID, Model: "challenger", Metrics: l.o.Metrics, Bootstrap: l.o.Bootstrap}
	if champ != nil {
		rec.Champion = champ.Version().Number
		if opts.Baseline, err = model.Predictions(ctx, champ, test); err != nil {
			return fmt.Errorf("retrain: scoring the holdout with the champion v%d: %w", rec.Champion, err)
		}
	} else {
		gates = nil
		for _, g := range l.o.Gates {
			if g.Kind != evaluate.Relative {
				gates = append(gates, g)
			}
		}
	}
	if len(gates) > 0 || (champ != nil && len(l.o.Beat) > 0) {
		opts.Gates = gates
		if opts.Gates == nil {
			opts.Gates = []evaluate.Gate{}
		}
	}
	rep, err := model.Evaluate(ctx, mem.bundle, test, opts)
	if err != nil {
		return err
	}
	rec.Metrics = map[string]float64{}
	for _, mv := range rep.Metrics {
		if mv.Defined() {
			rec.Metrics[mv.Metric] = mv.Value
		}
	}
	if rep.Comparison != nil {
		rec.Differences = rep.Comparison.Differences
		rec.ChampionMetrics = map[string]float64{}
		for _, d := range rep.Comparison.Differences {
			if d.Champion.Defined() {
				rec.ChampionMetrics[d.Metric] = d.Champion.Value
			}
		}
		for _, m := range l.o.Beat {
			if ok, why := beats(rep.Comparison, m); !ok {
				rep.Verdict.Pass = false
				rep.Verdict.Reasons = append(rep.Verdict.Reasons, why)
			}
		}
	}
	if rep.Verdict != nil {
		v := *rep.Verdict
		rec.Verdict = &v
		rec.Reasons = append(rec.Reasons, v.Reasons...)
	}
	mem.report = rep
	return nil
}

// beats checks a margin on a comparison.
func beats(c *evaluate.Comparison, m Margin) (bool, string) {
	d := c.Difference(m.Metric)
	if d == nil || d.Interval == nil {
		return false, fmt.Sprintf("%s: no confidence interval of the difference", m)
	}
	info, _ := evaluate.Metric(m.Metric)
	higher := info.HigherIsBetter
	gain := d.Interval.Lower // the improvement we are confident of
	if !higher {
		gain = -d.Interval.Upper
	}
	if gain >= m.By {
		return true, ""
	}
	return false, fmt.Sprintf("%s: challenger %.4f vs champion %.4f, improvement %.4f, lower bound of its %.0f%% interval %.4f",
		m, d.Challenger.Value, d.Champion.Value, signed(d.Delta, higher), 100*d.Interval.Level, gain)
}

func signed(delta float64, higher bool) float64 {
	if higher {
		return delta
	}
	return -delta
}

// latest returns the highest version number of the model, archived ones
// included, or 0.
func (l *Loop[T]) latest(ctx context.Context) (int, error) {
	vs, err := l.reg.Versions(ctx, l.spec.Name(), registry.Filter{Archived: true})
	if errors.Is(err, registry.ErrNotFound) || len(vs) == 0 {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	return vs[len(vs)-1].Number, nil
}

// register stores the challenger with its lineage, or, resumed, finds the
// version registered before the interruption.
func (l *Loop[T]) register(ctx context.Context, rs *runState, mem *memory[T]) error {
	rec := rs.Record
	var n int
	var took time.Duration
	if mem != nil {
		ctx, span := l.tel.start(ctx, "register", attrRun.String(rec.ID))
		t := time.Now()
		v, err := model.Register(ctx, l.reg, mem.bundle, mem.report)
		endSpan(span, err)
		if err != nil {
			return err
		}
		took = time.Since(t)
		l.tel.step.Record(ctx, took.Seconds(), metric.WithAttributes(attrModel.String(l.spec.Name()), attrStep.String("register")))
		n = v.Number
		if err := l.at("registered"); err != nil {
			return err
		}
	} else {
		vs, err := l.reg.Versions(ctx, l.spec.Name(), registry.Filter{Archived: true})
		if err != nil && !errors.Is(err, registry.ErrNotFound) {
			return err
		}
		for _, v := range vs {
			if v.Number > rs.LatestBefore && v.Metadata.DataFingerprint == rec.DataFingerprint &&
				(v.Metadata.Tags[TagRun] == "" || v.Metadata.Tags[TagRun] == rec.ID) {
				n = v.Number
				break
			}
		}
		if n == 0 {
			return errLost
		}
	}
	// The lineage beyond the bundle's: which run, which trigger, which parent.
	for _, kv := range [][2]string{{TagRun, rec.ID}, {TagTrigger, string(rec.Trigger.Kind)}, {TagParent, strconv.Itoa(rec.Champion)}} {
		if err := l.reg.SetTag(ctx, l.spec.Name(), n, kv[0], kv[1], rec.ID+": "+rec.Trigger.String()); err != nil {
			return err
		}
	}
	_, err := l.runUpdate(ctx, rec.ID, fmt.Sprintf("registered v%d", n), func(rs *runState) error {
		rs.Record.Challenger = n
		if took > 0 {
			rs.Record.step("register", took)
		}
		var outcome Outcome
		rs.Phase, outcome = l.decision(&rs.Record)
		if outcome != "" {
			rs.Record.Outcome, rs.Record.End = outcome, l.clock.Now()
		}
		return nil
	})
	return err
}

// decision applies the policy to a registered challenger: the next phase
// and, when the run ends there, its outcome.
func (l *Loop[T]) decision(rec *Record) (Phase, Outcome) {
	switch {
	case rec.Verdict != nil && !rec.Verdict.Pass:
		return PhaseFinish, OutcomeRejected
	case l.o.Policy == PolicyApproval:
		return PhaseFinish, OutcomeAwaitingApproval
	case l.o.Policy == PolicyCanary && rec.Champion != 0:
		return PhaseCanary, ""
	}
	return PhasePromote, ""
}

// canary moves the canary alias to the challenger and starts the soak;
// the lease is released while it soaks.
func (l *Loop[T]) canary(ctx context.Context, rs *runState) (*Record, error) {
	rec := rs.Record
	name := l.spec.Name()
	if cur, err := l.reg.Resolve(ctx, name, l.o.CanaryAlias); err != nil || cur.Number != rec.Challenger {
		if err != nil && !errors.Is(err, registry.ErrNotFound) {
			return nil, err
		}
		pct := strconv.FormatFloat(l.o.CanaryPercent, 'f', -1, 64)
		if err := l.reg.SetTag(ctx, name, rec.Challenger, TagCanaryPercent, pct, rec.ID+": canary share"); err != nil {
			return nil, err
		}
		if err := l.reg.Promote(ctx, name, l.o.CanaryAlias, rec.Challenger,
			fmt.Sprintf("retrain %s: canary with %s%% of the traffic for %v", rec.ID, pct, l.o.Soak), nil); err != nil {
			return nil, err
		}
	}
	if err := l.at("canaried"); err != nil {
		return nil, err
	}
	if err := l.reg.SetTag(ctx, name, rec.Challenger, TagStatus, string(OutcomeCanary), rec.ID+": soaking"); err != nil {
		return nil, err
	}
	var out Record
	_, err := l.store.update(ctx, rec.ID+": canary soaks, lease released", func(st *state) error {
		if !st.Lease.held(l.o.Owner, l.clock.Now()) || st.Run == nil || st.Run.Record.ID != rec.ID {
			return errLeaseLost
		}
		// Release the lease: any replica may finish the soak when it ends.
		st.Lease = lease{}
		rs := st.Run
		rs.Phase = PhaseSoak
		rs.Record.Outcome, rs.Record.CanaryPercent, rs.Record.SoakUntil = OutcomeCanary, l.o.CanaryPercent, l.clock.Now().Add(l.o.Soak)
		out = cloneRecord(rs.Record)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// soak ends the soak when it is due or the canary breached.
func (l *Loop[T]) soak(ctx context.Context, rs *runState) (bool, error) {
	next := PhasePromote
	switch {
	case rs.Breach != "":
		next = PhaseAbort
	case l.clock.Now().Before(rs.Record.SoakUntil):
		return true, nil // still soaking
	}
	_, err := l.runUpdate(ctx, rs.Record.ID, "soak ends: "+string(next), func(rs *runState) error {
		rs.Phase = next
		return nil
	})
	return false, err
}

// parkCanary points the canary alias at the champion when no canary
// runs (PolicyCanary only): a service that follows the canary alias
// (serve.Follow) then sends the canary's share to the champion, and never
// keeps serving a canary that failed or a champion rolled back.
func (l *Loop[T]) parkCanary(ctx context.Context, reason string) error {
	if l.o.Policy != PolicyCanary {
		return nil
	}
	name := l.spec.Name()
	champ, err := l.reg.Resolve(ctx, name, l.o.Alias)
	if errors.Is(err, registry.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	cur, err := l.reg.Resolve(ctx, name, l.o.CanaryAlias)
	if err != nil && !errors.Is(err, registry.ErrNotFound) {
		return err
	}
	if err == nil && cur.Number == champ.Number {
		return nil
	}
	return l.reg.Promote(ctx, name, l.o.CanaryAlias, champ.Number, reason+"; no canary runs: the canary alias follows the champion", nil)
}

// abort takes the canary share from a canary that breached.
func (l *Loop[T]) abort(ctx context.Context, rs *runState) error {
	rec := rs.Record
	if err := l.parkCanary(ctx, fmt.Sprintf("retrain %s: canary v%d failed: %s", rec.ID, rec.Challenger, rs.Breach)); err != nil {
		return err
	}
	if err := l.at("canary-parked"); err != nil {
		return err
	}
	_, err := l.runUpdate(ctx, rec.ID, "canary failed", func(rs *runState) error {
		rs.Phase = PhaseFinish
		rs.Record.Outcome, rs.Record.End = OutcomeCanaryFailed, l.clock.Now()
		rs.Record.Reasons = append(rs.Record.Reasons, "canary breached: "+rs.Breach)
		return nil
	})
	return err
}

// incumbent is a promotion gate that holds when the alias still points at
// the version the run compared with (0: none).
func incumbent(want int) registry.Gate {
	return registry.GateFunc(func(_ context.Context, _ registry.Version, inc *registry.Version) error {
		got := 0
		if inc != nil {
			got = inc.Number
		}
		if got != want {
			return fmt.Errorf("the champion is v%d, not v%d the challenger was compared with", got, want)
		}
		return nil
	})
}

// promote moves the champion alias to the challenger (and removes its
// canary alias).
func (l *Loop[T]) promote(ctx context.Context, rs *runState) error {
	rec := rs.Record
	name := l.spec.Name()
	cur, err := l.reg.Resolve(ctx, name, l.o.Alias)
	if err != nil && !errors.Is(err, registry.ErrNotFound) {
		return err
	}
	if cur.Number != rec.Challenger {
		if cur.Number != rec.Champion {
			_, err := l.runUpdate(ctx, rec.ID, "champion moved", func(rs *runState) error {
				rs.Phase = PhaseFinish
				rs.Record.Outcome, rs.Record.End = OutcomeAbandoned, l.clock.Now()
				rs.Record.Reasons = append(rs.Record.Reasons, fmt.Sprintf("the champion moved to v%d during the run (compared with v%d)", cur.Number, rec.Champion))
				return nil
			})
			return err
		}
		reason := fmt.Sprintf("retrain %s (trigger %s): passed its gates", rec.ID, rec.Trigger)
		if rec.CanaryPercent > 0 {
			reason += fmt.Sprintf(" and a canary soak of %v", l.o.Soak)
		}
		if err := l.reg.Promote(ctx, name, l.o.Alias, rec.Challenger, reason, incumbent(rec.Champion)); err != nil {
			return err
		}
	}
	if err := l.at("promoted"); err != nil {
		return err
	}
	if err := l.parkCanary(ctx, fmt.Sprintf("retrain %s: v%d promoted", rec.ID, rec.Challenger)); err != nil {
		return err
	}
	_, err = l.runUpdate(ctx, rec.ID, fmt.Sprintf("promoted v%d", rec.Challenger), func(rs *runState) error {
		rs.Phase = PhaseFinish
		rs.Record.Outcome, rs.Record.End = OutcomePromoted, l.clock.Now()
		return nil
	})
	return err
}

// abandon ends run id as OutcomeAbandoned.
func (l *Loop[T]) abandon(ctx context.Context, id, why string) error {
	_, err := l.runUpdate(ctx, id, "abandoned", func(rs *runState) error {
		rs.Record.Reasons = append(rs.Record.Reasons, fmt.Sprintf("%s (phase %s, owner %s)", why, rs.Phase, rs.Record.Owner))
		rs.Phase = PhaseFinish
		rs.Record.Outcome, rs.Record.End, rs.Record.Owner = OutcomeAbandoned, l.clock.Now(), l.o.Owner
		return nil
	})
	return err
}

// finish tags the challenger with the outcome, stores the record, clears
// the run, releases the lease and, for a promotion, opens the watch window.
func (l *Loop[T]) finish(ctx context.Context, rs *runState) (*Record, error) {
	rec := cloneRecord(rs.Record)
	if rec.Challenger != 0 && rec.Outcome != OutcomeAbandoned && rec.Outcome != OutcomeFailed {
		if err := l.reg.SetTag(ctx, l.spec.Name(), rec.Challenger, TagStatus, string(rec.Outcome), rec.ID+": "+describe(&rec)); err != nil {
			return nil, err
		}
	}
	if err := l.store.saveRecord(ctx, &rec); err != nil {
		return nil, err
	}
	if err := l.at("recorded"); err != nil {
		return nil, err
	}
	_, err := l.store.update(ctx, rec.ID+": finished, "+string(rec.Outcome), func(st *state) error {
		if st.Run == nil || st.Run.Record.ID != rec.ID {
			return errNoChange
		}
		st.Run = nil
		if st.Lease.Owner == l.o.Owner {
			st.Lease = lease{}
		}
		if rec.Outcome == OutcomePromoted && rec.Champion != 0 {
			st.Watch = &watchState{Version: rec.Challenger, Previous: rec.Champion, Until: l.clock.Now().Add(l.o.Watch), Run: rec.ID}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	l.tel.finished(ctx, &rec)
	return &rec, nil
}

// breach acts on one live breach: a rollback within the watch window, a
// failed canary during its soak, or a trigger to return.
func (l *Loop[T]) breach(ctx context.Context, b breach) (*Record, *Trigger, error) {
	var rollback bool
	var failCanary bool
	st, err := l.store.update(ctx, "breach: "+b.reason, func(st *state) error {
		rollback, failCanary = false, false
		now := l.clock.Now()
		if w := st.Watch; w != nil && w.Rollback == "" && (b.version == 0 || b.version == w.Version) && now.Before(w.Until) {
			st.Seq++
			w.Rollback, w.Kind, w.ID = b.reason, b.kind, "rollback-"+strconv.Itoa(st.Seq)
			rollback = true
			return nil
		}
		if r := st.Run; r != nil && r.Phase == PhaseSoak && b.version == r.Record.Challenger && r.Breach == "" {
			r.Breach = b.reason
			failCanary = true
			return nil
		}
		return errNoChange
	})
	if err != nil {
		return nil, nil, err
	}
	switch {
	case rollback:
		if err := l.at("rollback"); err != nil {
			return nil, nil, err
		}
		r, err := l.rollback(ctx, st.Watch)
		return r, nil, err
	case failCanary:
		return nil, nil, nil
	}
	if b.version != 0 && st.Run != nil && b.version == st.Run.Record.Challenger {
		return nil, nil, nil // a canary that failed already
	}
	return nil, &Trigger{Kind: b.kind, Time: b.time, Reason: b.reason}, nil
}

// rollback moves the champion alias back to the previous champion, with
// the breach as the reason, and stores a record.
func (l *Loop[T]) rollback(ctx context.Context, w *watchState) (*Record, error) {
	ctx, span := l.tel.start(ctx, "rollback", attrVersion.Int(w.Version))
	var err error
	defer func() { endSpan(span, err) }()
	name := l.spec.Name()
	reason := fmt.Sprintf("retrain %s: v%d breached within its watch window (promoted by %s): %s", w.ID, w.Version, w.Run, w.Rollback)
	var cur registry.Version
	if cur, err = l.reg.Resolve(ctx, name, l.o.Alias); err != nil {
		return nil, err
	}
	if cur.Number == w.Version {
		if _, err = l.reg.Rollback(ctx, name, l.o.Alias, reason); err != nil {
			return nil, err
		}
		l.tel.rollbacks.Add(ctx, 1, metric.WithAttributes(attrModel.String(name)))
	}
	if err = l.parkCanary(ctx, reason); err != nil {
		return nil, err
	}
	if err = l.at("rolled-back"); err != nil {
		return nil, err
	}
	if err = l.reg.SetTag(ctx, name, w.Version, TagStatus, string(OutcomeRolledBack), reason); err != nil {
		return nil, err
	}
	now := l.clock.Now()
	to, _ := l.reg.Resolve(ctx, name, l.o.Alias)
	rec := Record{ID: w.ID, Model: name, Trigger: Trigger{Kind: w.Kind, Time: now, Reason: w.Rollback}, Owner: l.o.Owner, Start: now, End: now,
		Outcome: OutcomeRolledBack, Reasons: []string{reason}, Champion: to.Number, Challenger: w.Version}
	if err = l.store.saveRecord(ctx, &rec); err != nil {
		return nil, err
	}
	_, err = l.store.update(ctx, w.ID+": rolled back", func(st *state) error {
		if st.Watch == nil || st.Watch.ID != w.ID {
			return errNoChange
		}
		st.Watch = nil
		return nil
	})
	if err != nil {
		return nil, err
	}
	l.tel.finished(ctx, &rec)
	return &rec, nil
}

// endWatch finishes a rollback under way (after an interruption) and
// closes a watch window that passed; it returns the fresh state.
func (l *Loop[T]) endWatch(ctx context.Context) (state, error) {
	st, _, err := l.store.load(ctx)
	if err != nil || st.Watch == nil {
		return st, err
	}
	if st.Watch.Rollback != "" {
		if _, err := l.rollback(ctx, st.Watch); err != nil {
			return st, err
		}
	} else if !l.clock.Now().Before(st.Watch.Until) {
		id := st.Watch.ID
		_, err := l.store.update(ctx, fmt.Sprintf("watch of v%d ends", st.Watch.Version), func(s *state) error {
			if s.Watch == nil || s.Watch.ID != id || s.Watch.Rollback != "" {
				return errNoChange
			}
			s.Watch = nil
			return nil
		})
		if err != nil {
			return st, err
		}
	}
	st, _, err = l.store.load(ctx)
	return st, err
}

// Approve promotes version, a challenger awaiting approval
// (OutcomeAwaitingApproval), to the champion alias with reason, and opens
// its watch window. It fails with ErrNotAwaiting for any other version,
// and with a registry gate error if the champion moved since the
// challenger was compared with it. If the process dies after the alias
// moved, the next Step of any replica finishes the approval (see
// approved).
func (l *Loop[T]) Approve(ctx context.Context, version int, reason string) error {
	name := l.spec.Name()
	v, err := l.reg.Get(ctx, name, version)
	if err != nil {
		return err
	}
	if s := v.Metadata.Tags[TagStatus]; s != string(OutcomeAwaitingApproval) {
		return fmt.Errorf("%w: %s v%d is %q", ErrNotAwaiting, name, version, s)
	}
	parent, _ := strconv.Atoi(v.Metadata.Tags[TagParent])
	if err := l.reg.Promote(ctx, name, l.o.Alias, version, "approved: "+reason, incumbent(parent)); err != nil {
		return err
	}
	if err := l.at("approved"); err != nil {
		return err
	}
	return l.approved(ctx, "approved: "+reason)
}

// approved finishes the promotion of a champion still tagged as awaiting
// approval (by Approve, interrupted or not, or by a person's
// registry.Promote): its status, the canary alias and its watch window.
func (l *Loop[T]) approved(ctx context.Context, reason string) error {
	name := l.spec.Name()
	v, err := l.reg.Resolve(ctx, name, l.o.Alias)
	if errors.Is(err, registry.ErrNotFound) {
		return nil
	}
	if err != nil || v.Metadata.Tags[TagStatus] != string(OutcomeAwaitingApproval) {
		return err
	}
	if err := l.parkCanary(ctx, reason); err != nil {
		return err
	}
	parent, _ := strconv.Atoi(v.Metadata.Tags[TagParent])
	if parent != 0 {
		_, err = l.store.update(ctx, fmt.Sprintf("v%d approved", v.Number), func(st *state) error {
			if st.Watch != nil && st.Watch.Version == v.Number {
				return errNoChange
			}
			st.Watch = &watchState{Version: v.Number, Previous: parent, Until: l.clock.Now().Add(l.o.Watch), Run: v.Metadata.Tags[TagRun]}
			return nil
		})
		if err != nil {
			return err
		}
	}
	// The status last: until it is set, a resumed approved finds the work.
	return l.reg.SetTag(ctx, name, v.Number, TagStatus, string(OutcomePromoted), reason)
}
