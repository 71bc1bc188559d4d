// Package stage defines Stage, the typed step every part of Loom is built
// from, and the middleware that wraps any stage.
//
// # Overview
//
// A Stage[In, Out] has a name and a Process method. Func and Map make one
// from a function; Then composes Stage[A, B] with Stage[B, C] into
// Stage[A, C], checked by the compiler, with no reflection and no interface{}
// payloads:
//
//	parse := stage.Func("parse", parseRow)
//	clean := stage.Map("clean", cleanRow)
//	s := stage.Then(parse, clean) // Stage[[]string, Row]
//
// Middleware wraps any stage and returns a stage of the same type:
//
//   - Retry runs a failing call again with exponential backoff and jitter,
//     for errors its predicate calls retryable (Permanent marks an error
//     that never is), and honours the context while it waits.
//   - Timeout bounds each call with a context deadline.
//   - CircuitBreaker stops calling a failing dependency (closed → open →
//     half-open → closed), rejecting calls with ErrBreakerOpen meanwhile.
//   - Parallel maps a stage over a slice, and ParallelSeq over an iter.Seq,
//     with bounded concurrency, keeping input order, failing fast or
//     collecting one *ItemError per failed item.
//   - Batch groups a sequence into slices of N items or by time.
//
// Package pipeline runs stages as named, observed pipelines.
//
// # Errors
//
// Errors leaving a composed stage are wrapped in *Error, naming the stage
// that failed; errors.Is and errors.As see through them to the cause. A
// recovered panic becomes a *PanicError (package pipeline recovers them).
// Sentinels: ErrBreakerOpen, ErrTimeout.
//
// # Concurrency
//
// Stages built by this package keep no per-call state and are safe for
// concurrent use when the stages and functions they wrap are; a Breaker
// guards its state with a mutex. Parallel, ParallelSeq and Batch start
// goroutines only for the duration of a call or an iteration and wait for
// all of them before returning: stopping an iteration early or cancelling
// its context leaks nothing.
//
// # Performance
//
// Then adds one interface call per stage and no allocation: a chain of five
// Func stages costs about 30 ns per item on a 2-core machine
// (BenchmarkThenChain5). Parallel with two workers over CPU-bound stages is
// close to twice as fast as with one (BenchmarkParallel). ParallelSeq
// allocates one small channel per item, to hand results back in order.
package stage
