// Package retrain is the retraining loop: it re-runs a model's one
// declaration (a model.Spec) on fresh data when a schedule, a drift
// alert, a drop of live performance, a new data version or a person asks;
// compares the challenger with the champion on the same fresh holdout;
// and, by policy, promotes it, canaries it or waits for approval, then
// rolls the champion back if it breaks within a watch window. It embeds
// in any Go service and keeps its state in the registry store, so
// replicas cooperate and a killed process resumes cleanly.
//
// # Overview
//
//	fetch := retrain.FetchSlice(func(ctx context.Context, t retrain.Trigger) ([]Customer, error) {
//		return loadLastWeeks(ctx, 4)
//	})
//	loop := retrain.New(reg, spec, fetch, &retrain.Options{
//		Policy:   retrain.PolicyCanary, CanaryPercent: 10, Soak: 24 * time.Hour,
//		Gates:    gates,                                              // absolute floors, relative to the champion
//		Beat:     []retrain.Margin{{Metric: "roc_auc", By: 0.005}}, // with bootstrap confidence
//		Schedule: retrain.Calendar{Weekdays: []time.Weekday{time.Monday}, Hour: 3},
//		Budget:   30 * time.Minute,
//	})
//	go loop.Run(ctx) // returns when ctx is done
//
//	// the service's monitors report to the loop:
//	mon, _ := bundle.NewMonitor(&drift.MonitorOptions{Retrain: loop.OnDrift(version)})
//	perf, _ := drift.NewPerformanceMonitor(drift.PerformanceOptions{..., Retrain: loop.OnPerformance(version)})
//	loop.NewData(partition) // a new data partition landed
//	loop.Trigger(retrain.Trigger{Reason: "new features shipped"})
//
// The service follows the aliases the loop moves: serve.Follow on
// Options.Alias for the champion and on Options.CanaryAlias for a
// serve.Options.Challenger with the CanaryPercent the loop records on the
// canary version (tag TagCanaryPercent). When no canary runs, the loop
// parks the canary alias on the champion, so a follower never keeps
// serving a failed canary or a champion that was rolled back.
//
// # A run
//
//  1. Fetch the fresh rows (Fetch: a single-use iter.Seq2, or FetchSlice).
//  2. Validate them with the spec's contract: rows it rejects are left
//     out; more than Options.MaxQuarantined of them, or a failed data set
//     check, stops the run as OutcomeInvalidData with the contract report
//     in its record, and nothing is fitted, registered or moved.
//  3. Split the valid rows (Options.Holdout) and fit the spec on the
//     training part (model.Fit).
//  4. Score the holdout with the challenger and with the current champion
//     (model.LoadAlias), evaluate the challenger with the champion as
//     baseline (model.Evaluate: metrics, paired-bootstrap differences),
//     and check Options.Gates and Options.Beat, whose margins must hold
//     at the lower end of the bootstrap interval.
//  5. Register the challenger (model.Register: metrics, verdict,
//     parameters, data fingerprint) and tag its lineage: TagRun,
//     TagTrigger, TagParent.
//  6. Decide: a challenger that failed is OutcomeRejected (registered,
//     never served); else by Options.Policy: PolicyPromote moves the
//     champion alias at once; PolicyCanary moves the canary alias and,
//     after Options.Soak without a breach of the canary, the champion;
//     PolicyApproval stops at OutcomeAwaitingApproval until Approve.
//  7. Store the run's Record (trigger, coalesced triggers, timings of
//     each step, rows, data fingerprint, versions, metrics of both,
//     differences, verdict, outcome and reasons) and tag the challenger
//     with the outcome (TagStatus).
//
// A promotion over a previous champion opens a watch window
// (Options.Watch): a breach reported for the new champion in it (OnDrift,
// OnPerformance, Breach) rolls the alias back to the previous champion
// with registry.Rollback, the breach as the reason in the audit log, and
// a Record of OutcomeRolledBack. After the window, a breach triggers a
// retrain instead.
//
// The comparison and the gates use model.Evaluate, so the spec's model
// must be a binary classifier; a run of another kind of model fails with
// model.ErrNotBinary. Every write goes through the registry's Authorizer
// (registry.WithAuthorizer) with the principal of the context given to
// Run or Step (registry.WithPrincipal).
//
// # Triggers
//
// Trigger, NewData, OnDrift, OnPerformance and Breach only put work in
// the loop's inbox and return; Step does it. Triggers that arrive while
// one is pending or a run is in flight (in this process or, under the
// lease, in another) are coalesced: one run follows, counting the others
// in Record.Coalesced. A run is never started twice at once. The
// schedule's last run and the last data version are kept in the store, so
// a restarted replica neither repeats nor forgets them.
//
// # State, kills and replicas
//
// The loop's state lives in the registry, in a companion model named
// "<model>.retrain": one version (tag kind=state) holds the state as JSON
// in its tag "state", changed only by registry.Registry.SwapTag, an
// atomic compare-and-swap; each transition is one audited commit. The
// other versions are the finished Records (Records reads them).
//
// The state holds a lease: the replica that starts a run holds it until
// LeaseTTL after its last write, renewing it every LeaseTTL/3 while it
// fits. Another replica leaves a run under a live lease alone, and takes
// over once the lease expired. The state records the run's Phase before
// every change of the store, and each change is checked before it is
// redone, so a process killed at any point leaves a run that the next
// Step of any replica resumes or abandons:
//
//   - killed while fetching, fitting or evaluating (PhaseStart): nothing
//     but the state changed; the run is recorded as OutcomeAbandoned and
//     its trigger runs again (KindResume);
//   - killed while registering (PhaseRegister): the challenger is found
//     by its data fingerprint and the run goes on, or, if it was not
//     registered, the run is abandoned and run again;
//   - killed while moving an alias (PhaseCanary, PhasePromote,
//     PhaseAbort) or writing the record (PhaseFinish): the move is done
//     or redone, never twice, and the run finishes;
//   - killed during a rollback: the next Step finishes it (the alias
//     moves back once, the record is written once);
//   - killed in Approve after the alias moved: the next Step of a loop
//     with PolicyApproval finishes the approval.
//
// A canary soaking holds no lease: whichever replica steps after the soak
// promotes it. The champion alias only moves from the champion the
// challenger was compared with (a gate checks it), so a run never
// promotes over a champion that changed meanwhile: it is abandoned.
//
// # Concurrency
//
// A Loop is safe for concurrent use. Run owns its goroutine and the lease
// renewal's, and returns only when they have; Step runs in the caller's
// goroutine, one at a time. Runs honour their context (an interrupted run
// is resumed or abandoned by the next Step) and Options.Budget.
//
// # Observability
//
// Each run is a span "loom.retrain run" (attributes model, run, trigger,
// outcome, challenger version) with a child per step ("fetch",
// "validate", "fit", "evaluate", "register") and "loom.retrain rollback"
// for rollbacks. Metrics MetricRuns, MetricDuration, MetricStep,
// MetricRollbacks and MetricCoalesced go through the global OpenTelemetry
// providers unless Options say otherwise.
//
// # Time
//
// Every time the loop reads (schedules, soaks, watch windows, leases,
// record times) comes from Options.Clock; ManualClock lets a test or a
// simulation move it by hand. Step durations are measured in real time.
package retrain
