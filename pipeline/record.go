package pipeline

import (
	"context"
	"time"
)

// Status is the outcome of a run.
type Status string

// The outcomes of a run.
const (
	StatusOK        Status = "ok"        // every item went through
	StatusFailed    Status = "failed"    // a stage failed (or, with ContinueOnError, some items did)
	StatusCancelled Status = "cancelled" // the context was done
)

// Record describes one run of a pipeline: which stages ran, how long they
// took, how many items went in and out of each and what failed. It is a plain
// value that encodes to JSON, the lineage a RunObserver stores.
//
// Durations encode as integer nanoseconds.
type Record struct {
	ID       string            `json:"id"`                  // random 128-bit id, hex
	ParentID string            `json:"parent_id,omitempty"` // the enclosing run, for nested pipelines
	Pipeline string            `json:"pipeline"`
	Mode     string            `json:"mode"` // "run" (one input) or "stream"
	Params   map[string]string `json:"params,omitempty"`
	Start    time.Time         `json:"start"`
	End      time.Time         `json:"end"`
	Duration time.Duration     `json:"duration_ns"`
	Status   Status            `json:"status"`
	Error    string            `json:"error,omitempty"`
	// ItemsIn, ItemsOut and SourceErrors count, for a stream, the items read
	// from the source, the outputs yielded and the errors the source
	// reported; they stay zero for Run.
	ItemsIn      int64         `json:"items_in,omitempty"`
	ItemsOut     int64         `json:"items_out,omitempty"`
	SourceErrors int64         `json:"source_errors,omitempty"`
	Stages       []StageRecord `json:"stages"`
}

// StageRecord holds what one stage did during a run.
type StageRecord struct {
	Name string `json:"name"`
	// Duration is the time spent inside the stage, summed over its items.
	Duration time.Duration `json:"duration_ns"`
	ItemsIn  int64         `json:"items_in"`
	ItemsOut int64         `json:"items_out"`
	Errors   int64         `json:"errors"` // items that failed, panics included
	Panics   int64         `json:"panics"`
	// FirstError is the text of the stage's first error, if any.
	FirstError string `json:"first_error,omitempty"`
}

// A RunObserver receives the record of every finished run, for instance to
// store lineage. ObserveRun is called on the goroutine that finished the run,
// after the run's span has ended; it must not keep rec past the call unless
// it copies it, and should return quickly.
type RunObserver interface {
	ObserveRun(ctx context.Context, rec *Record)
}

// RunObserverFunc adapts a function to RunObserver.
type RunObserverFunc func(ctx context.Context, rec *Record)

// ObserveRun calls f(ctx, rec).
func (f RunObserverFunc) ObserveRun(ctx context.Context, rec *Record) { f(ctx, rec) }
