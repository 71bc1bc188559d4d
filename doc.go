// Package loom is a Go library for building machine-learning pipelines in
// code and running them inside ordinary Go services: write the pipeline as
// Go (often as a Go test), train on your own data, keep model versions in an
// embedded registry, score inside your own HTTP handlers in microseconds and
// watch live traffic for drift, with no Python sidecar.
//
// This package holds only documentation; the work is done by the packages
// below it.
//
// # Data flow
//
//	source ──► contract ──► feature.Fit ──► train ──► evaluate ──► registry ──► serve ──► drift
//	CSV,        schema,       learns state      Trainer    metrics,     versions,     Scorer in    reference
//	Parquet,    checks,       (means, vocab,    → Model    gates,       aliases,      process,     profile from
//	Arrow IPC,  quarantine    quantiles) that              reports      audit log,    HTTP         training,
//	iter.Seq,   with reasons  serve reuses                              lineage       handler      live Monitor
//	database/sql
//
// Every arrow is a stage.Stage[In, Out]; package pipeline runs them with
// context, OpenTelemetry spans and metrics, run records and retries. One row
// type T, the user's own struct with `loom:"name"` field tags, travels the
// whole way: training reads []T or iter.Seq[T]; serving gets one T from a
// JSON request or a Go call; the feature definitions are written once over
// T, so the training matrix and the serving vector come from the same code.
//
// # Packages
//
//   - stage: Stage[In, Out], Func, Then, and middleware: Retry, Timeout,
//     CircuitBreaker, Parallel, Batch.
//   - pipeline: named pipelines of stages, streaming with backpressure, run
//     records, OpenTelemetry; pipeline/pipelinetest runs them in Go tests;
//     pipeline/source reads CSV, Parquet, Arrow IPC and database/sql rows.
//   - contract: data contracts over T: fields, checks, validation reports,
//     quarantine of bad rows with reasons, inference, versions.
//   - feature: feature definitions over T, fitting, fitted state, serving
//     vectors and training matrices from the same code.
//   - train: Trainer and Model, built-in linear and logistic models, splits,
//     cross-validation, hyperparameter search, experiment records.
//   - evaluate: metrics matching scikit-learn, intervals, slices,
//     champion/challenger comparison, gates and reports.
//   - registry: embedded model registry: versions, aliases, promotion,
//     audit log, change notifications.
//   - drift: reference profiles, statistical detectors, streaming monitors
//     and alerts.
//   - serve: Scorer[T] binding contract, features and model as one unit, an
//     http.Handler, hot swap, canary and shadow traffic.
//
// Package dependencies point one way only: train, evaluate, registry and
// drift know nothing of each other or of feature, so each can be used alone;
// serve binds them together. See examples/quickstart for the whole flow.
package loom
