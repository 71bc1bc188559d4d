// Package pipeline runs typed stages as named, observed pipelines: on one
// input or streaming over a sequence, with a run record for lineage and
// OpenTelemetry spans and metrics.
//
// # Overview
//
// New starts a pipeline with its first stage and Then appends the next one;
// the compiler checks that each stage's input is the previous one's output:
//
//	p := pipeline.New("churn", parse, pipeline.WithObserver(lineage))
//	q := pipeline.Then(pipeline.Then(p, validate), featurize) // *Pipeline[Raw, Vector]
//
// Run processes one input; Stream and StreamErrors process an iter.Seq or an
// iter.Seq2[T, error] (a file reader, say), each stage on its own goroutine.
// A Pipeline is itself a stage.Stage, so pipelines nest; the nested run's
// record carries the enclosing run's id as ParentID. Package pipelinetest
// runs pipelines inside Go tests.
//
// # Run records
//
// Every run produces a Record: a random id, the pipeline and stage names,
// start, end and duration, per stage the time spent, items in and out,
// errors and panics, caller parameters (WithParams) and the outcome. The
// record goes to the RunObserver given with WithObserver and, on request
// (WithRecord), to the caller. It encodes to JSON.
//
// # Streaming
//
// Stages of a stream hand items to each other in chunks (WithChunkSize,
// default 256 items) through channels of a few chunks (WithBuffer, default
// 4): a slow stage blocks its producer, so memory stays bounded whatever the
// length of the input, about (stages+1)·(buffer+2)·chunk items. Outputs come
// out in input order. The first failure ends the stream (or, with
// ContinueOnError, the failed item is dropped and its error yielded).
//
// # Faults
//
// A stage that panics fails its item with a *stage.PanicError naming the
// stage, with the panic value and stack; the process does not crash and the
// record counts the panic. Errors are *stage.Error values naming the stage.
// Cancelling the context ends a run or a stream promptly with the context's
// error; stopping a stream's iteration early stops reading the source. Every
// goroutine a stream starts has returned by the time its loop ends.
//
// # Telemetry
//
// Each run is a span named after the pipeline, with a child span per stage
// (per call for Run, per stream for Stream), through the global
// OpenTelemetry providers unless WithTracerProvider and WithMeterProvider
// say otherwise. Metrics, recorded once per run, never per item:
// loom.pipeline.runs and loom.pipeline.duration by status;
// loom.stage.items (direction in/out), loom.stage.errors and
// loom.stage.duration by stage. Attributes: loom.pipeline, loom.stage,
// loom.run_id, loom.status. With no SDK installed these are no-ops.
//
// # Performance
//
// Streaming three cheap stages moves about 10 million items per second on
// a shared 2-core machine (BenchmarkStream). Run costs about 12 µs and 76
// allocations per call, for the record, the spans and the metrics; for a
// per-request hot path compose the stages with stage.Then and call Process
// directly.
package pipeline
