package stage

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Timeout returns a Stage that gives each call of s at most d: the call runs
// with a context whose deadline is d away. When the deadline passes, the
// error wraps both ErrTimeout and context.DeadlineExceeded.
//
// The call runs on the caller's goroutine, so no goroutine is ever left
// behind; s must therefore honour its context to be interrupted. Timeout
// panics if d is not positive.
func Timeout[In, Out any](s Stage[In, Out], d time.Duration) Stage[In, Out] {
	if s == nil {
		panic("stage: Timeout called with a nil stage")
	}
	if d <= 0 {
		panic(fmt.Sprintf("stage: timeout must be positive, got %v", d))
	}
	return &timeout[In, Out]{s: s, d: d}
}

type timeout[In, Out any] struct {
	s Stage[In, Out]
	d time.Duration
}

func (t *timeout[In, Out]) Name() string { return t.s.Name() }

func (t *timeout[In, Out]) Process(ctx context.Context, in In) (Out, error) {
	tctx, cancel := context.WithTimeout(ctx, t.d)
	defer cancel()
	out, err := t.s.Process(tctx, in)
	if err != nil && ctx.Err() == nil && errors.Is(tctx.Err(), context.DeadlineExceeded) {
		return out, &timeoutError{stage: t.s.Name(), d: t.d, err: err}
	}
	return out, err
}

type timeoutError struct {
	stage string
	d     time.Duration
	err   error
}

func (e *timeoutError) Error() string {
	return fmt.Sprintf("stage %q: timed out after %v: %v", e.stage, e.d, e.err)
}

func (e *timeoutError) Unwrap() []error { return []error{ErrTimeout, e.err} }

var _ Stage[int, int] = (*timeout[int, int])(nil)
