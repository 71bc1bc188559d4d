package pipeline

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"runtime/debug"
	"sync"
	"time"

	"github.com/loomml/loom/stage"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// Pipeline is a named sequence of stages taking an In to an Out. Build one
// with New and extend it with Then; run it on one input with Run or over a
// sequence with Stream. Every run produces a Record and OpenTelemetry spans
// and metrics.
//
// A Pipeline is itself a stage.Stage, so pipelines nest: a nested pipeline
// produces its own record, whose ParentID names the enclosing run.
//
// A Pipeline is immutable once built and safe for concurrent use when its
// stages are.
type Pipeline[In, Out any] struct {
	name   string
	cfg    *config
	tel    *telemetry
	stages []string
	call   func(ctx context.Context, r *run, in In) (Out, error)
	stream func(r *streamRun, in <-chan chunk[In]) <-chan chunk[Out]
}

// New returns a pipeline named name whose first stage is first.
func New[In, Out any](name string, first stage.Stage[In, Out], opts ...Option) *Pipeline[In, Out] {
	if first == nil {
		panic("pipeline: New called with a nil stage for pipeline " + name)
	}
	cfg := &config{buffer: 4, chunk: 256}
	for _, o := range opts {
		o.apply(cfg)
	}
	p := &Pipeline[In, Out]{name: name, cfg: cfg, stages: []string{first.Name()}}
	p.tel = newTelemetry(cfg)
	p.call = func(ctx context.Context, r *run, in In) (Out, error) { return runStage(ctx, r, 0, first, in) }
	p.stream = func(r *streamRun, in <-chan chunk[In]) <-chan chunk[Out] { return streamStage(r, 0, first, in) }
	return p
}

// Then returns a new pipeline that runs p and then next. p itself is left
// unchanged. The new pipeline keeps p's name and options.
func Then[In, Mid, Out any](p *Pipeline[In, Mid], next stage.Stage[Mid, Out]) *Pipeline[In, Out] {
	if p == nil || next == nil {
		panic("pipeline: Then called with a nil pipeline or stage")
	}
	k := len(p.stages)
	q := &Pipeline[In, Out]{name: p.name, cfg: p.cfg, tel: p.tel, stages: append(p.stages[:k:k], next.Name())}
	prevCall, prevStream := p.call, p.stream
	q.call = func(ctx context.Context, r *run, in In) (Out, error) {
		mid, err := prevCall(ctx, r, in)
		if err != nil {
			var zero Out
			return zero, err
		}
		return runStage(ctx, r, k, next, mid)
	}
	q.stream = func(r *streamRun, in <-chan chunk[In]) <-chan chunk[Out] {
		return streamStage(r, k, next, prevStream(r, in))
	}
	return q
}

// Name returns the pipeline's name.
func (p *Pipeline[In, Out]) Name() string { return p.name }

// Stages returns the names of the pipeline's stages, in order.
func (p *Pipeline[In, Out]) Stages() []string { return append([]string(nil), p.stages...) }

// Process runs the pipeline on in, as Run does, and implements stage.Stage.
func (p *Pipeline[In, Out]) Process(ctx context.Context, in In) (Out, error) {
	return p.Run(ctx, in)
}

// Run runs the pipeline on one input. A stage that fails or panics stops the
// run; the error names the stage (a *stage.Error, or a *stage.PanicError with
// the panic value and stack) and wraps the cause. The run's record goes to
// the observer and, with WithRecord, to the caller.
func (p *Pipeline[In, Out]) Run(ctx context.Context, in In, opts ...RunOption) (Out, error) {
	r := p.begin(ctx, "run", opts)
	out, err := p.call(r.ctx, r, in)
	p.end(r, err)
	return out, err
}

// run is the state of one run, shared by its stages.
type run struct {
	ctx    context.Context // carries the run span and id
	rec    *Record
	rcfg   runConfig
	span   trace.Span
	tracer trace.Tracer
	mu     sync.Mutex // guards rec.Error and rec.Status while a stream runs
}

type runIDKey struct{}

func (p *Pipeline[In, Out]) begin(ctx context.Context, mode string, opts []RunOption) *run {
	var rc runConfig
	for _, o := range opts {
		o.applyRun(&rc)
	}
	rec := &Record{ID: newRunID(), Pipeline: p.name, Mode: mode, Params: rc.params, Start: time.Now(), Stages: make([]StageRecord, len(p.stages))}
	if parent, ok := ctx.Value(runIDKey{}).(string); ok {
		rec.ParentID = parent
	}
	for i, name := range p.stages {
		rec.Stages[i].Name = name
	}
	ctx, span := p.tel.tracer.Start(ctx, p.name, trace.WithAttributes(attrPipeline.String(p.name), attrRunID.String(rec.ID), attrMode.String(mode)))
	ctx = context.WithValue(ctx, runIDKey{}, rec.ID)
	return &run{ctx: ctx, rec: rec, rcfg: rc, span: span, tracer: p.tel.tracer}
}

func (p *Pipeline[In, Out]) end(r *run, err error) {
	rec := r.rec
	rec.End = time.Now()
	rec.Duration = rec.End.Sub(rec.Start)
	if rec.Status == "" {
		switch {
		case err == nil:
			rec.Status = StatusOK
		case r.ctx.Err() != nil:
			rec.Status = StatusCancelled
		default:
			rec.Status = StatusFailed
		}
	}
	if err != nil {
		rec.Error = err.Error()
		r.span.RecordError(err)
		r.span.SetStatus(codes.Error, err.Error())
	}
	r.span.SetAttributes(attrStatus.String(string(rec.Status)))
	r.span.End()
	p.tel.recordRun(r.ctx, p.name, rec)
	if p.cfg.observer != nil {
		p.cfg.observer.ObserveRun(r.ctx, rec)
	}
	if r.rcfg.record != nil {
		*r.rcfg.record = *rec
	}
}

// runStage runs stage k on one input of a Run.
func runStage[In, Out any](ctx context.Context, r *run, k int, s stage.Stage[In, Out], in In) (Out, error) {
	sr := &r.rec.Stages[k]
	ctx, span := r.stageSpan(ctx, sr.Name, k)
	t0 := time.Now()
	out, err, panicked := safeProcess(ctx, s, in)
	sr.Duration += time.Since(t0)
	sr.ItemsIn++
	if err != nil {
		err = stage.Wrap(s.Name(), err)
		noteError(sr, err, panicked)
		span.RecordError(err)
		span.SetStatus(codes.Error, err.Error())
	} else {
		sr.ItemsOut++
	}
	span.End()
	return out, err
}

func noteError(sr *StageRecord, err error, panicked bool) {
	sr.Errors++
	if panicked {
		sr.Panics++
	}
	if sr.FirstError == "" {
		sr.FirstError = err.Error()
	}
}

func (r *run) stageSpan(ctx context.Context, name string, k int) (context.Context, trace.Span) {
	return r.tracer.Start(ctx, name,
		trace.WithAttributes(attrStage.String(name), attrStageIndex.Int(k), attrRunID.String(r.rec.ID)))
}

// safeProcess calls s, turning a panic into a *stage.PanicError.
func safeProcess[In, Out any](ctx context.Context, s stage.Stage[In, Out], in In) (out Out, err error, panicked bool) {
	defer func() {
		if v := recover(); v != nil {
			err, panicked = &stage.PanicError{Stage: s.Name(), Value: v, Stack: debug.Stack()}, true
		}
	}()
	out, err = s.Process(ctx, in)
	return out, err, false
}

func newRunID() string {
	var b [16]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

var _ stage.Stage[int, string] = (*Pipeline[int, string])(nil)
