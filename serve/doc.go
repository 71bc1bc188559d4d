// Package serve scores inside any Go service: a Scorer binds a trained
// model.Bundle (contract, fitted features and model as one unit), scores
// rows in process in about a microsecond without allocating, and a Handler
// exposes it over HTTP, with hot swap from the registry, canary and shadow
// traffic, and load shedding.
//
// # Overview
//
// Declare and fit the model with package model, and register the bundle
// as one registry version (model.Register). A service loads it with
// model.Load or model.LoadAlias, giving the same declaration (the
// model.Spec, which is Go code), and binds it with NewScorer; Follow does
// both and keeps following an alias. A bundle is never paired with the
// wrong transforms: loading fails with model.ErrArtifact first.
//
// Score checks each row against the contract's row-local checks before
// computing its features: a row outside the contract gets an error naming
// each bad field and never reaches the model. The label column is not a
// serving input: requests may omit it, a value given for it is ignored,
// and the metadata does not list it.
//
//	s, err := serve.NewScorer(bundle)
//	p, err := s.Score(ctx, &row)        // in process
//	h := serve.NewHandler(serve.Source[Row](s), &serve.Options[Row]{RejectUnknownFields: true, Prefix: "/churn"})
//	mux.Handle("/churn/", h) // or, without Prefix, http.StripPrefix("/churn", h)
//
// Follow keeps a Swap serving whatever version an alias points at, swapping
// atomically when the alias moves (even from another process): requests in
// flight finish on the scorer they started with. Its Follower's Stop ends
// the following and waits for it.
//
// # HTTP
//
// POST /predict takes one instance as a JSON object, or {"instances":
// [...]}, decoded into the row type T by its `loom:"name"` tags. A
// non-pointer field is required; a pointer field is optional (null or
// absent means missing). Only safe numeric widening is allowed: an integer
// where a float is expected, never a fraction where an integer is. Unknown
// fields are ignored, or rejected with Options.RejectUnknownFields. The
// response carries the model name and version, the route (champion or
// canary), the request id (X-Request-Id, echoed or generated) and per
// instance the value, the class and the class probabilities.
//
// POST /predict?explain=k adds to each prediction its "explanation": the
// k declared input columns that moved its margin most, each with its
// contribution, the expected margin, the row's margin and the rest
// (model.Explanation: expected + contributions + rest = margin; the margin
// is the log-odds of a binary classifier). A model that cannot explain
// (see model.Bundle.Explainer) answers 400. In process, Scorer.Explain
// does the same into a caller's model.Explanation without allocating.
// Requests without explain do none of this work.
//
// The Open Inference Protocol (KServe v2 REST) is served alongside: server
// metadata at /v2, /v2/health/live, /v2/health/ready, and
// /v2/models/{name}, /v2/models/{name}/ready and /v2/models/{name}/infer,
// each also under /v2/models/{name}/versions/{version}, with one input
// tensor per field. A tensor's datatype must be the one the model's
// metadata gives its input (FP64, INT64, BOOL or BYTES), and the request's
// "outputs" selects the outputs returned ("predict", "probabilities"). /healthz, /readyz and /metadata serve probes and
// clients. With Options.Performance, POST /labels takes the labels that
// arrive later (see Delayed labels).
//
// Every error is an RFC 9457 problem (application/problem+json) whose
// "errors" list names each bad field of each instance and why: 400 for a
// bad request, 404 for a path the handler does not serve, 405 (with
// Allow) for a method a path does not take, 413 past MaxBodyBytes, 415 for
// a Content-Type other than application/json or application/*+json, 429
// or 503 with Retry-After when the concurrency limit and its bounded queue
// are full, 408 for a body that has not arrived within the request timeout,
// 503 past the request timeout or with no model loaded, 500 when
// a model panics (recovered and counted; the process stays up).
//
// # Traffic
//
// Options.Challenger with CanaryPercent sends that share of requests to a
// second model, sticky by the X-Loom-Route-Key header; with Shadow the
// challenger also scores the champion's requests after the response is
// written, on one goroutine fed by a bounded queue (overflow is dropped and
// counted), and OnShadow receives both predictions. Options.Observe sees
// every scored row and prediction, for a drift monitor; Options.Performance
// joins predictions to delayed labels (see Delayed labels).
//
// # Delayed labels
//
// Labels often come long after the prediction (a loan repaid, a customer
// gone). With Options.Performance set to a drift.PerformanceMonitor, the
// handler records every instance it answers, before writing the response,
// so a label sent after the response always finds its prediction pending:
//
//   - under the request id (X-Request-Id, echoed or generated; the
//     response's "request_id") for a single-instance /predict, and under
//     "<id>/<index>" for the instances of {"instances": [...]}, a batch of
//     one included; the v2 infer endpoint is always a batch, under its
//     response "id" (the request's "id", else X-Request-Id);
//   - for a regressor (Class −1) its value (Predict), for a binary
//     classifier the probability of its second class, index 1 of
//     Info.Classes (Predict), for any other classifier its class index
//     (PredictClass, with the Accuracy metric). Labels use the same terms:
//     0 or 1, a class index, or the true value.
//
// Only requests answered with 200 are recorded, and a prediction the
// monitor refuses (a duplicate id, a value its metric cannot use) is
// counted in its PerformanceStats, never turned into an error. Recording a
// single instance does not allocate (BenchmarkHandlerPredictPerformance);
// the ids of a batch cost one string each. Canary answers are recorded
// like the champion's: the monitor measures what clients were given.
//
// The handler then serves POST /labels, through the same concurrency
// limit, MaxBodyBytes, Timeout and content-type rule (JSON or none, else
// 415) as /predict. The body is one label or up to MaxBatch of them:
//
//	{"id": "req-1", "label": 1}
//	{"labels": [{"id": "req-2/0", "label": 0}, {"id": "req-2/1", "label": 0.5}]}
//
// The id must be a non-empty string and the label a finite JSON number; a
// key given twice, or, with RejectUnknownFields, an unknown key, is an
// error too. A bad body gets a 400 problem whose errors name each bad
// label by index ("instance"), field and value, and no label of it is
// applied. Otherwise the labels are given to the monitor in order and the
// response is 200 with a LabelsResult:
//
//	{"request_id": "...", "accepted": 1, "unmatched": 1, "rejected": 0,
//	 "not_accepted": [{"index": 1, "id": "req-9", "status": "unmatched", "reason": "..."}]}
//
// "unmatched" counts labels with no pending prediction (drift.ErrNoPrediction:
// unknown, already labelled, expired or evicted), "rejected" labels the
// metric cannot use (drift.ErrBadValue, such as 2 for ROC AUC); the
// monitor counts both too. The Label call that completes a window runs
// the monitor's OnReport, OnAlert and Retrain on the request's goroutine.
//
// # Observability
//
// Each request is a server span ("loom.serve predict") with the model
// name, version, route and status; metrics loom.serve.duration (seconds),
// loom.serve.requests (by endpoint, route and status), loom.serve.inflight and
// loom.serve.panics go through the global OpenTelemetry providers unless
// Options says otherwise. While no tracer provider is installed (the
// global one is still OpenTelemetry's default, or Options gives trace/noop's),
// no span is started at all; installing one later with
// otel.SetTracerProvider starts them. loom.serve.requests and
// loom.serve.inflight are observable instruments: the handler counts in
// atomics and the meter reads the cumulative counts when it collects, so
// a scrape sees what synchronous instruments would give, for the cost of
// an atomic add per request; Handler.Close ends their reporting. The
// latencies of loom.serve.duration are recorded 32 at a time per
// combination of attributes (one Record call after another costs a
// fraction of one per request), and the ones waiting are recorded when
// the meter collects those observable instruments and at Close: a scrape
// sees every request answered before it. A request whose span context is
// sampled is recorded at once with its context, so a trace-based exemplar
// filter (OpenTelemetry's default) keeps its exemplars; the batched ones
// carry no trace, and with an always-on filter their exemplars are
// timestamped when recorded.
//
// # Servers
//
// NewServer returns an *http.Server with read, header, write and idle
// timeouts set, so that slow clients (slowloris) cannot hold connections;
// Serve runs it until its context is done and then drains in-flight
// requests within ServerOptions.DrainTimeout. A Handler reads a request's
// body before it takes a scoring slot, within Options.Timeout, so clients
// that send their bodies slowly hold no slot and get 408 when it passes.
//
// # Performance
//
// Score runs the contract check, the feature vector and the model with
// buffers from a sync.Pool: no allocation per call (TestScoreDoesNotAllocate,
// BenchmarkScore). ScoreBatch checks, transforms and predicts blocks of
// 256 rows on every core, through feature's column-wise matrix path and
// the model's batch prediction, so no row is transformed twice.
//
// /predict sends its response as soon as it is encoded (it flushes it,
// with its Content-Length, rather than leaving net/http to write it when
// the handler returns), so that drift observation, the shadow hand-off
// and the request's metrics run while the client reads it. With
// Options.Prefix the handler strips its mount point itself, without the
// copy of each request that http.StripPrefix makes.
//
// /predict skips the mux's matching, and checks and decodes a
// single-instance body in one pass, with a scanner over the request bytes
// that checks the JSON syntax as it decodes into a pooled row, without
// reflection (a batch is checked whole, then each instance decoded); it
// encodes the response by hand into a pooled buffer. String values up to
// 32 bytes are interned in a bounded table, the pointees of pointer fields
// come from a pooled arena, metric attribute sets are built once per
// combination, and no context, closure or map is made per request.
// Generated request ids and their header values are cut from chunks
// shared by many requests, without pointers in the ids' bytes, so the ids
// a PerformanceMonitor keeps pending cost the collector little. A
// single-instance request allocates nothing in the handler on average,
// with a generated request id or the caller's X-Request-Id
// (TestHandlerPredictAllocs; issue 18 allows 10).
// Measured figures are in BENCHMARKS.md.
package serve
