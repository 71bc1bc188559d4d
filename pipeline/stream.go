package pipeline

import (
	"context"
	"iter"
	"sync"
	"time"

	"github.com/loomml/loom/stage"
	"go.opentelemetry.io/otel/codes"
)

// chunk is the unit handed from stage to stage in a stream: items, and the
// errors of items dropped upstream (with ContinueOnError).
type chunk[T any] struct {
	items []T
	errs  []error
}

// streamRun is the state of one stream.
type streamRun struct {
	*run
	ctx    context.Context // cancelled when the stream ends or fails
	cancel context.CancelFunc
	wg     sync.WaitGroup
	cfg    *config
	err    error // first failure, under run.mu
}

func (r *streamRun) fail(err error) {
	r.mu.Lock()
	if r.err == nil {
		r.err = err
	}
	r.mu.Unlock()
	r.cancel()
}

// StatusStopped is the status of a stream whose consumer stopped iterating
// before the source was exhausted.
const StatusStopped Status = "stopped"

// Stream runs the pipeline over seq and yields each output with a nil error,
// in input order. Each stage runs in its own goroutine; stages hand items to
// each other in chunks through bounded buffers (WithBuffer, WithChunkSize),
// so a slow stage slows the reading of seq and memory stays bounded whatever
// the length of seq.
//
// The first failure (an error or a panic, naming its stage) is yielded as
// (zero, err) and ends the stream, unless the pipeline was built with
// ContinueOnError. Cancelling ctx ends the stream promptly with ctx's error.
// Stopping the iteration early stops reading seq. In every case, every
// goroutine has returned when the loop ends, and the record goes to the
// observer. The result is a single-use iterator.
func (p *Pipeline[In, Out]) Stream(ctx context.Context, seq iter.Seq[In], opts ...RunOption) iter.Seq2[Out, error] {
	return p.StreamErrors(ctx, func(yield func(In, error) bool) {
		for v := range seq {
			if !yield(v, nil) {
				return
			}
		}
	}, opts...)
}

// StreamErrors is Stream over a source that can fail, such as a file
// reader. A source error is treated like a stage failure: yielded, and
// ending the stream unless ContinueOnError is set; the record counts it in
// SourceErrors.
func (p *Pipeline[In, Out]) StreamErrors(ctx context.Context, seq iter.Seq2[In, error], opts ...RunOption) iter.Seq2[Out, error] {
	return func(yield func(Out, error) bool) {
		base := p.begin(ctx, "stream", opts)
		r := &streamRun{run: base, cfg: p.cfg}
		r.ctx, r.cancel = context.WithCancel(base.ctx)
		out := p.stream(r, source(r, seq))
		stopped := false
		var zero Out
	consume:
		for c := range out {
			for _, err := range c.errs {
				if !yield(zero, err) {
					stopped = true
					break consume
				}
			}
			for _, v := range c.items {
				if !yield(v, nil) {
					stopped = true
					break consume
				}
				r.rec.ItemsOut++
			}
		}
		r.cancel()
		for range out { // let every stage see the cancellation and close
		}
		r.wg.Wait()
		err := r.err
		switch {
		case stopped:
			r.rec.Status = StatusStopped
			err = nil
		case err == nil && base.ctx.Err() != nil:
			err = base.ctx.Err()
			yield(zero, err)
		case err != nil && !p.cfg.continueOnError:
			yield(zero, err)
		}
		if err == nil && !stopped && r.rec.SourceErrors+stageErrors(r.rec) > 0 {
			r.rec.Status = StatusFailed
			r.rec.Error = "some items failed"
		}
		p.end(base, err)
	}
}

func stageErrors(rec *Record) (n int64) {
	for _, s := range rec.Stages {
		n += s.Errors
	}
	return n
}

// source reads seq into chunks on its own goroutine.
func source[In any](r *streamRun, seq iter.Seq2[In, error]) <-chan chunk[In] {
	out := make(chan chunk[In], r.cfg.buffer)
	r.wg.Go(func() {
		defer close(out)
		size := r.cfg.chunk
		c := chunk[In]{items: make([]In, 0, size)}
		send := func() bool {
			select {
			case out <- c:
				c = chunk[In]{items: make([]In, 0, size)}
				return true
			case <-r.ctx.Done():
				return false
			}
		}
		for v, err := range seq {
			if err != nil {
				r.rec.SourceErrors++
				if !r.cfg.continueOnError {
					r.fail(err)
					return
				}
				c.errs = append(c.errs, err)
			} else {
				c.items = append(c.items, v)
				r.rec.ItemsIn++
			}
			if len(c.items) == size {
				if !send() {
					return
				}
			}
		}
		if (len(c.items) > 0 || len(c.errs) > 0) && r.ctx.Err() == nil {
			send()
		}
	})
	return out
}

// streamStage runs stage k of a stream on its own goroutine.
func streamStage[In, Out any](r *streamRun, k int, s stage.Stage[In, Out], in <-chan chunk[In]) <-chan chunk[Out] {
	out := make(chan chunk[Out], r.cfg.buffer)
	r.wg.Go(func() {
		defer close(out)
		sr := &r.rec.Stages[k] // written by this goroutine only
		ctx, span := r.stageSpan(r.ctx, sr.Name, k)
		defer func() {
			span.SetAttributes(attrItemsIn.Int64(sr.ItemsIn), attrItemsOut.Int64(sr.ItemsOut), attrErrors.Int64(sr.Errors))
			if sr.Errors > 0 {
				span.SetStatus(codes.Error, sr.FirstError)
			}
			span.End()
		}()
		for c := range in {
			if r.ctx.Err() != nil {
				continue // drain, so that upstream is never blocked
			}
			res := chunk[Out]{items: make([]Out, 0, len(c.items)), errs: c.errs}
			t0 := time.Now()
			for _, v := range c.items {
				o, err, panicked := safeProcess(ctx, s, v)
				if err != nil {
					if r.ctx.Err() != nil {
						return // the stream is already ending; not this stage's failure
					}
					err = stage.Wrap(s.Name(), err)
					noteError(sr, err, panicked)
					if !r.cfg.continueOnError {
						sr.ItemsIn += int64(len(res.items) + 1)
						sr.ItemsOut += int64(len(res.items))
						r.fail(err)
						return
					}
					res.errs = append(res.errs, err)
					continue
				}
				res.items = append(res.items, o)
			}
			sr.Duration += time.Since(t0)
			sr.ItemsIn += int64(len(c.items))
			sr.ItemsOut += int64(len(res.items))
			select {
			case out <- res:
			case <-r.ctx.Done():
			}
		}
	})
	return out
}
