// Package pipelinetest helps write pipelines as Go tests, the way
// net/http/httptest helps test handlers: run a pipeline or a stage inside a
// testing.T, fail with the name of the stage that failed and its cause, and
// keep run records for assertions.
//
// A pipeline written as a Go test:
//
//	func TestNormalize(t *testing.T) {
//		var runs pipelinetest.Recorder
//		p := pipeline.Then(pipeline.New("normalize", trim, pipeline.WithObserver(&runs)), lower)
//		got := pipelinetest.Collect(t, p, names) // fails with stage name and cause
//		if s := pipelinetest.Stage(t, runs.Last(t), "lower"); s.ItemsOut != 3 {
//			t.Fatalf("lower emitted %d items; want 3", s.ItemsOut)
//		}
//	}
package pipelinetest

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"slices"
	"sync"
	"testing"

	"github.com/loomml/loom/pipeline"
	"github.com/loomml/loom/stage"
)

// Run runs p on in with the test's context and returns the output. If the
// run fails, Run fails the test at once, naming the pipeline, the stage
// that failed and the cause.
func Run[In, Out any](t testing.TB, p *pipeline.Pipeline[In, Out], in In, opts ...pipeline.RunOption) Out {
	t.Helper()
	out, err := p.Run(t.Context(), in, opts...)
	if err != nil {
		t.Fatalf("pipeline %q failed %s", p.Name(), describe(err))
	}
	return out
}

// Collect streams seq through p and returns every output in order. On the
// first error it fails the test at once, naming the pipeline, the stage and
// the cause.
func Collect[In, Out any](t testing.TB, p *pipeline.Pipeline[In, Out], seq iter.Seq[In], opts ...pipeline.RunOption) []Out {
	t.Helper()
	var out []Out
	for v, err := range p.Stream(t.Context(), seq, opts...) {
		if err != nil {
			t.Fatalf("pipeline %q failed after %d outputs %s", p.Name(), len(out), describe(err))
		}
		out = append(out, v)
	}
	return out
}

// Process runs the single stage s on in and returns its output, failing the
// test with the stage's name and the cause if it fails. Panics in s are
// reported as failures, not crashes.
func Process[In, Out any](t testing.TB, s stage.Stage[In, Out], in In) Out {
	t.Helper()
	out, err := pipeline.New("pipelinetest.Process", s).Run(context.WithoutCancel(t.Context()), in)
	if err != nil {
		t.Fatalf("stage %q failed %s", s.Name(), describe(err))
	}
	return out
}

// describe says where an error came from: "in stage "x": cause".
func describe(err error) string {
	var pe *stage.PanicError
	if errors.As(err, &pe) {
		return "in stage " + quote(pe.Stage) + ": panic: " + errString(pe.Value) + "\n" + string(pe.Stack)
	}
	var se *stage.Error
	if errors.As(err, &se) {
		return "in stage " + quote(se.Stage) + ": " + se.Err.Error()
	}
	return "outside its stages: " + err.Error()
}

func quote(s string) string { return `"` + s + `"` }

func errString(v any) string {
	if e, ok := v.(error); ok {
		return e.Error()
	}
	if s, ok := v.(string); ok {
		return s
	}
	return fmt.Sprint(v)
}

// Recorder is a pipeline.RunObserver that keeps every record it sees, for
// assertions in tests. The zero value is ready to use; it is safe for
// concurrent use.
type Recorder struct {
	mu   sync.Mutex
	recs []pipeline.Record
}

var _ pipeline.RunObserver = (*Recorder)(nil)

// ObserveRun stores a copy of rec.
func (r *Recorder) ObserveRun(_ context.Context, rec *pipeline.Record) {
	cp := *rec
	cp.Stages = slices.Clone(rec.Stages)
	r.mu.Lock()
	r.recs = append(r.recs, cp)
	r.mu.Unlock()
}

// Records returns the records seen so far, oldest first.
func (r *Recorder) Records() []pipeline.Record {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.recs)
}

// Last returns the newest record, failing the test if there is none.
func (r *Recorder) Last(t testing.TB) pipeline.Record {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.recs) == 0 {
		t.Fatalf("pipelinetest: no run was recorded")
	}
	return r.recs[len(r.recs)-1]
}

// Stage returns the record of the stage named name in rec, failing the test
// if rec has no such stage.
func Stage(t testing.TB, rec pipeline.Record, name string) pipeline.StageRecord {
	t.Helper()
	for _, s := range rec.Stages {
		if s.Name == name {
			return s
		}
	}
	t.Fatalf("pipelinetest: run %s of pipeline %q has no stage %q", rec.ID, rec.Pipeline, name)
	return pipeline.StageRecord{}
}
