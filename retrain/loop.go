package retrain

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"sync"
	"time"

	"github.com/loomml/loom/contract"
	"github.com/loomml/loom/drift"
	"github.com/loomml/loom/model"
	"github.com/loomml/loom/registry"
)

// Fetch returns the fresh rows of a run, as a single-use stream in the
// convention of Loom's sources (pipeline/source): the run stops at the
// stream's first error. It is called once per run with the run's context
// and trigger. FetchSlice adapts a function returning a slice.
type Fetch[T any] func(ctx context.Context, t Trigger) iter.Seq2[T, error]

// FetchSlice adapts a function returning all rows at once to a Fetch.
func FetchSlice[T any](f func(ctx context.Context, t Trigger) ([]T, error)) Fetch[T] {
	return func(ctx context.Context, t Trigger) iter.Seq2[T, error] {
		return func(yield func(T, error) bool) {
			rows, err := f(ctx, t)
			if err != nil {
				var zero T
				yield(zero, err)
				return
			}
			for _, r := range rows {
				if !yield(r, nil) {
					return
				}
			}
		}
	}
}

// Loop is the retraining loop of one model: it collects triggers, runs
// one retrain at a time across all replicas sharing the registry, and
// promotes, canaries, awaits approval or rolls back as its Options say.
// Create it with New; drive it with Run (in the background) or Step (one
// pass, in the caller's goroutine). It is safe for concurrent use.
type Loop[T any] struct {
	reg   *registry.Registry
	spec  *model.Spec[T]
	bound *contract.Bound[T]
	fetch Fetch[T]
	o     Options
	clock Clock
	store *stateStore
	tel   *telemetry

	stepMu sync.Mutex // one Step at a time
	hook   func(point string) error

	mu        sync.Mutex // the inbox below
	pending   *Trigger
	coalesced int
	breaches  []breach
	data      string
	wake      chan struct{}
}

// breach is a live threshold crossed by a served version.
type breach struct {
	version int // 0: the champion
	kind    Kind
	reason  string
	time    time.Time
}

// New returns the loop of spec's model in reg, fetching fresh rows with
// fetch. Its state lives in reg, in the companion model
// "<model>.retrain" (see the package documentation), so loops in several
// processes sharing the store cooperate. opts may be nil. New panics on
// invalid options (an unknown policy or metric, an invalid gate).
func New[T any](reg *registry.Registry, spec *model.Spec[T], fetch Fetch[T], opts *Options) *Loop[T] {
	if reg == nil || spec == nil || fetch == nil {
		panic("retrain: New needs a registry, a spec and a fetch function")
	}
	var o Options
	if opts != nil {
		o = *opts
	}
	o = o.withDefaults()
	name := spec.Name()
	if err := registry.ValidateName("model", name+companionSuffix); err != nil {
		panic(fmt.Sprintf("retrain: model %q: %v", name, err))
	}
	return &Loop[T]{
		reg: reg, spec: spec, bound: spec.Bind(), fetch: fetch, o: o, clock: o.Clock,
		store: &stateStore{reg: reg, model: name + companionSuffix},
		tel:   newTelemetry(name, o.TracerProvider, o.MeterProvider),
		wake:  make(chan struct{}, 1),
	}
}

// Companion returns the name of the registry model holding the loop's
// state and records: "<model>.retrain".
func (l *Loop[T]) Companion() string { return l.store.model }

// Trigger asks for a run. It returns at once: the run starts at the next
// Step (Run steps at once). A trigger that arrives while another is
// pending, or while a run is in flight in any replica, is coalesced into
// that run: never two runs at once, and a burst of triggers gives one run.
// A zero Kind means KindManual; a zero Time the clock's time.
func (l *Loop[T]) Trigger(t Trigger) {
	if t.Kind == "" {
		t.Kind = KindManual
	}
	if t.Time.IsZero() {
		t.Time = l.clock.Now()
	}
	l.mu.Lock()
	l.merge(t)
	l.mu.Unlock()
	l.signal()
}

// merge folds t into the pending trigger; l.mu is held.
func (l *Loop[T]) merge(t Trigger) {
	if l.pending == nil {
		l.pending = &t
		return
	}
	l.coalesced++
	l.tel.coalesce(context.Background(), t.Kind, 1)
}

func (l *Loop[T]) signal() {
	select {
	case l.wake <- struct{}{}:
	default:
	}
}

// NewData reports the current version (or fingerprint) of the data: a
// version different from the one the last run saw triggers a run
// (KindData). The versions are compared in the store, so a replica
// restarted with the same version does not retrain.
func (l *Loop[T]) NewData(version string) {
	l.mu.Lock()
	l.data = version
	l.mu.Unlock()
	l.signal()
}

// OnDrift returns a function for drift.MonitorOptions.Retrain of a
// monitor of the live rows scored by version (0: by the champion,
// whichever it is). On dataset drift: within the watch window of a newly
// promoted version, it rolls the champion back; for a canary in its soak,
// it fails the canary; otherwise it triggers a retrain (KindDrift). It
// hands off to the next Step and returns at once.
func (l *Loop[T]) OnDrift(version int) func(*drift.Report) {
	return func(rep *drift.Report) {
		reason := fmt.Sprintf("dataset drift: %.0f%% of the columns drifted (threshold %.0f%%)", 100*rep.Share, 100*rep.ShareThreshold)
		if cols := drifted(rep); cols != "" {
			reason += ": " + cols
		}
		l.Breach(version, KindDrift, reason)
	}
}

// drifted lists the drifted columns of rep.
func drifted(rep *drift.Report) string {
	s := ""
	for _, c := range rep.Columns {
		if c.Drifted {
			if s != "" {
				s += ", "
			}
			s += c.Column
		}
	}
	return s
}

// OnPerformance returns a function for drift.PerformanceOptions.Retrain
// of the performance monitor (delayed labels) of version (0: the
// champion). A drop past the monitor's limit acts as OnDrift's drift
// does: rollback within the watch window, a failed canary during its
// soak, else a retrain (KindPerformance).
func (l *Loop[T]) OnPerformance(version int) func(*drift.PerformanceResult) {
	return func(r *drift.PerformanceResult) {
		l.Breach(version, KindPerformance, fmt.Sprintf("live %s %.4f is worse than its limit %.4f (reference %.4f, %d labelled predictions)",
			r.Metric, r.Value, r.Limit, r.Reference, r.Window.Rows))
	}
}

// Breach reports a live threshold crossed by the served version (0: the
// champion), of kind KindDrift or KindPerformance, with the reason for
// the audit log. OnDrift and OnPerformance call it; a service with its own
// checks may too. It returns at once; the next Step acts on it.
func (l *Loop[T]) Breach(version int, kind Kind, reason string) {
	l.mu.Lock()
	l.breaches = append(l.breaches, breach{version: version, kind: kind, reason: reason, time: l.clock.Now()})
	l.mu.Unlock()
	l.signal()
}

// Run steps the loop until ctx is done: at once when a trigger or a
// breach arrives, and when the schedule, a soak, a watch window or
// another replica's lease comes due. It returns nil when ctx is done,
// after the run in flight (which sees ctx cancelled) has returned; no
// goroutine of the loop outlives it. Errors of a step are logged to
// Options.Logger and the loop goes on.
func (l *Loop[T]) Run(ctx context.Context) error {
	for {
		if _, err := l.Step(ctx); err != nil && ctx.Err() == nil && l.o.Logger != nil {
			l.o.Logger.ErrorContext(ctx, "retrain: step failed", "model", l.spec.Name(), "err", err)
		}
		wait := time.Hour
		if due, ok := l.nextDue(ctx); ok {
			wait = max(due.Sub(l.clock.Now()), 0)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-l.wake:
		case <-l.clock.After(wait):
		}
	}
}

// nextDue returns the earliest time-driven event of the stored state.
func (l *Loop[T]) nextDue(ctx context.Context) (time.Time, bool) {
	st, _, err := l.store.load(ctx)
	if err != nil {
		return l.clock.Now().Add(l.o.LeaseTTL), true // try again later
	}
	var due []time.Time
	if st.Run != nil {
		due = append(due, st.Lease.Until)
		if st.Run.Phase == PhaseSoak {
			due = append(due, st.Run.Record.SoakUntil)
		}
	}
	if st.Watch != nil {
		due = append(due, st.Watch.Until)
	}
	if l.o.Schedule != nil && !st.LastSchedule.IsZero() {
		due = append(due, l.o.Schedule.Next(st.LastSchedule))
	}
	var first time.Time
	for _, t := range due {
		if !t.IsZero() && (first.IsZero() || t.Before(first)) {
			first = t
		}
	}
	return first, !first.IsZero()
}

// Step does, in the caller's goroutine, what is due now: it acts on the
// breaches reported (rollback, failed canary or trigger), ends a watch
// window that passed, resumes or abandons a run interrupted in any
// replica whose lease expired, finishes a canary whose soak ended,
// triggers the schedule and new data, and runs the pending trigger. It
// returns the records of what it finished (and of a canary that began its
// soak). A run already in flight under another replica's lease is left to
// it, and pending triggers are coalesced into it.
func (l *Loop[T]) Step(ctx context.Context) ([]Record, error) {
	l.stepMu.Lock()
	defer l.stepMu.Unlock()
	l.mu.Lock()
	trig, coalesced, breaches, data := l.pending, l.coalesced, l.breaches, l.data
	l.pending, l.coalesced, l.breaches = nil, 0, nil
	l.mu.Unlock()

	var out []Record
	emit := func(r *Record) {
		if r == nil {
			return
		}
		out = append(out, *r)
		if l.o.OnRecord != nil {
			l.o.OnRecord(*r)
		}
	}
	st, _, err := l.store.load(ctx)
	if err != nil {
		l.requeue(trig, coalesced)
		return nil, err
	}
	var errs []error
	for _, b := range breaches {
		r, t, err := l.breach(ctx, b)
		emit(r)
		if t != nil {
			if trig == nil {
				trig = t
			} else {
				coalesced++
			}
		}
		if err != nil {
			errs = append(errs, err)
		}
	}
	if l.o.Policy == PolicyApproval {
		if err := l.approved(ctx, "approval finished by "+l.o.Owner); err != nil {
			errs = append(errs, err)
		}
	}
	if st, err = l.endWatch(ctx); err != nil {
		l.requeue(trig, coalesced)
		return out, errors.Join(append(errs, err)...)
	}
	if st.Run != nil {
		if !st.Lease.held(l.o.Owner, l.clock.Now()) {
			if trig != nil {
				l.tel.coalesce(ctx, trig.Kind, 1+coalesced)
			}
			return out, errors.Join(errs...)
		}
		r, requeue, err := l.resume(ctx)
		emit(r)
		if err != nil {
			l.requeue(trig, coalesced)
			return out, errors.Join(append(errs, err)...)
		}
		if requeue != nil {
			if trig == nil {
				trig = requeue
			} else {
				coalesced++
			}
		}
		if st, _, err = l.store.load(ctx); err != nil {
			l.requeue(trig, coalesced)
			return out, errors.Join(append(errs, err)...)
		}
		if st.Run != nil { // a canary soaking: triggers wait for it
			l.requeue(trig, coalesced)
			return out, errors.Join(errs...)
		}
	}
	now := l.clock.Now()
	if l.o.Schedule != nil {
		if st.LastSchedule.IsZero() {
			if st, err = l.store.update(ctx, "schedule starts", func(s *state) error {
				if !s.LastSchedule.IsZero() {
					return errNoChange
				}
				s.LastSchedule = now
				return nil
			}); err != nil {
				errs = append(errs, err)
			}
		} else if next := l.o.Schedule.Next(st.LastSchedule); !now.Before(next) {
			t := Trigger{Kind: KindSchedule, Time: now, Reason: "due " + next.UTC().Format(time.RFC3339)}
			if trig == nil {
				trig = &t
			} else {
				coalesced++
			}
		}
	}
	if data != "" && data != st.DataVersion {
		t := Trigger{Kind: KindData, Time: now, DataVersion: data, Reason: "data version " + data}
		if trig == nil {
			trig = &t
		} else {
			if trig.DataVersion == "" {
				trig.DataVersion = data
			}
			coalesced++
		}
	}
	if trig == nil {
		return out, errors.Join(errs...)
	}
	r, requeue, err := l.start(ctx, *trig, coalesced)
	emit(r)
	if err != nil {
		errs = append(errs, err)
	}
	if requeue != nil {
		l.requeue(requeue, 0)
	}
	return out, errors.Join(errs...)
}

// requeue puts a trigger that could not run back into the inbox.
func (l *Loop[T]) requeue(t *Trigger, coalesced int) {
	if t == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.pending == nil {
		l.pending = t
		l.coalesced += coalesced
	} else {
		l.coalesced += coalesced + 1
	}
}

// Records returns the stored records of finished runs and rollbacks,
// oldest first.
func (l *Loop[T]) Records(ctx context.Context) ([]Record, error) { return l.store.records(ctx) }

// Status is the loop's stored state, as every replica sees it.
type Status struct {
	// Run is the run in flight (nil when none), its Phase and the
	// replica holding the lease until LeaseUntil (it may have expired).
	Run        *Record
	Phase      Phase
	LeaseOwner string
	LeaseUntil time.Time
	// Watching is the newly promoted version in its watch window (0 when
	// none), Previous the champion a breach rolls back to.
	Watching, Previous int
	WatchUntil         time.Time
	// LastSchedule is when the schedule last ran; DataVersion the data
	// version the last run saw.
	LastSchedule time.Time
	DataVersion  string
}

// Status returns the loop's stored state.
func (l *Loop[T]) Status(ctx context.Context) (Status, error) {
	st, _, err := l.store.load(ctx)
	if err != nil {
		return Status{}, err
	}
	s := Status{LeaseOwner: st.Lease.Owner, LeaseUntil: st.Lease.Until, LastSchedule: st.LastSchedule, DataVersion: st.DataVersion}
	if st.Run != nil {
		r := cloneRecord(st.Run.Record)
		s.Run, s.Phase = &r, st.Run.Phase
	}
	if w := st.Watch; w != nil {
		s.Watching, s.Previous, s.WatchUntil = w.Version, w.Previous, w.Until
	}
	return s, nil
}
