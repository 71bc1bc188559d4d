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
//	                ┌──────────── model.Spec[T]: one declaration per model ────────────┐
//	                │ columns from the loom tags, each named once, with its contract   │
//	                │ checks, feature transforms and drift setting; the label; trainer │
//	                └──────────────────────────────────────────────────────────────────┘
//	source ──► contract ──► feature.Fit ──► train ──► drift profile ══► model.Bundle ──► evaluate ──► registry ──► serve ──► drift
//	CSV,        schema,       learns state      Trainer    of the           contract +      metrics,     versions,     Scorer in    live
//	Parquet,    checks,       (means, vocab,    → Model    training rows    features +      gates,       aliases,      process,     Monitor
//	Arrow IPC,  quarantine    quantiles) that                               model +         reports      audit log,    HTTP         against the
//	iter.Seq2,  with reasons  serve reuses                                  profile +                    promotion     handler      reference
//	database/sql                                                            lineage                      gates
//	   ▲                                                                                                 ▲                     │
//	   └────────── retrain.Loop: fetch fresh rows, fit the Spec again, challenger vs champion ───────────┘◄─ alerts, labels ───┘
//	               on one holdout, gates; promote, canary or await approval; roll back
//
// model.Fit runs the first four arrows as one call and returns the Bundle,
// the unit that ships: model.Register stores it as one registry version,
// model.Load (or serve.Follow) brings exactly it back. Every arrow is a
// stage.Stage[In, Out] where it streams; package pipeline runs them with
// context, OpenTelemetry spans and metrics, run records and retries. One
// row type T, the user's own struct with `loom:"name"` field tags, travels
// the whole way: training reads []T or iter.Seq2[T, error]; serving gets
// one T from a JSON request or a Go call, without its label; the feature
// definitions are written once over T, so the training matrix and the
// serving vector come from the same code.
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
//     cross-validation, hyperparameter search, experiment records; under
//     it, train/tree (the shared tree ensemble, with TreeSHAP), train/gbdt
//     (histogram gradient boosting), train/forest (decision trees, random
//     forests, extra trees) and the importers train/xgboost and
//     train/lightgbm.
//   - evaluate: metrics matching scikit-learn, intervals, slices,
//     permutation importance, champion/challenger comparison, gates and
//     reports.
//   - registry: embedded model registry: versions, aliases, promotion,
//     audit log, change notifications.
//   - drift: reference profiles, statistical detectors, streaming monitors
//     and alerts.
//   - model: the one declaration of a model over T (Spec), fitted,
//     cross-validated and searched as one (features refitted in every
//     fold), the trained Bundle (contract, fitted features, model, drift
//     profile, lineage), its evaluation, registration with its metrics and
//     verdict, promotion gates, and Load; explanations per declared column,
//     and Import of models trained elsewhere.
//   - serve: Scorer[T] over a Bundle, an http.Handler (JSON and Open
//     Inference Protocol v2), hot swap that follows a registry alias,
//     canary and shadow traffic.
//   - retrain: the retraining loop: triggers (schedule, drift, performance,
//     new data, manual), challenger against champion, promotion through a
//     canary, rollback, its state and lease in the registry store.
//
// Package dependencies point one way only: train, evaluate, registry and
// drift know nothing of each other or of feature, so each can be used alone;
// model binds them into the unit that ships, and serve serves it. See examples/quickstart for the whole flow.
package loom
