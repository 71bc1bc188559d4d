package stage

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"
)

// RetryPolicy configures Retry. The zero value retries up to 3 attempts in
// all, with backoff starting at 100ms, doubling up to 10s, without jitter.
type RetryPolicy struct {
	// MaxAttempts is the number of attempts in all, the first included.
	// Zero means 3; 1 disables retrying.
	MaxAttempts int
	// InitialBackoff is the wait before the second attempt. Zero means 100ms.
	InitialBackoff time.Duration
	// MaxBackoff caps every wait. Zero means 10s.
	MaxBackoff time.Duration
	// Multiplier grows the wait after each failed attempt. Zero means 2.
	Multiplier float64
	// Jitter, in [0, 1], is the fraction of each wait that is randomised:
	// a wait d becomes a uniform draw from [d·(1−Jitter), d]. Zero means no
	// jitter; 0.2 spreads retries from many callers well.
	Jitter float64
	// Retryable reports whether an error may be retried. Nil means every
	// error except those marked with Permanent and context cancellation or
	// deadline errors. A non-retryable error is returned at once.
	Retryable func(error) bool
}

// Retry returns a Stage that runs s and, when it fails with a retryable
// error, runs it again after an exponentially growing wait, up to
// p.MaxAttempts attempts in all. The wait honours ctx: when ctx is done,
// Retry returns at once with an error wrapping ctx.Err() and the last cause.
//
// When every attempt fails, the error wraps the last cause and says how many
// attempts were made. Retry panics if p has negative or out-of-range values.
func Retry[In, Out any](s Stage[In, Out], p RetryPolicy) Stage[In, Out] {
	if s == nil {
		panic("stage: Retry called with a nil stage")
	}
	switch {
	case p.MaxAttempts < 0:
		panic(fmt.Sprintf("stage: retry attempts must be at least 1, got %d", p.MaxAttempts))
	case p.InitialBackoff < 0 || p.MaxBackoff < 0:
		panic(fmt.Sprintf("stage: retry backoff must not be negative, got %v and %v", p.InitialBackoff, p.MaxBackoff))
	case p.Multiplier != 0 && p.Multiplier < 1:
		panic(fmt.Sprintf("stage: retry multiplier must be at least 1, got %v", p.Multiplier))
	case p.Jitter < 0 || p.Jitter > 1:
		panic(fmt.Sprintf("stage: retry jitter must be in [0, 1], got %v", p.Jitter))
	}
	if p.MaxAttempts == 0 {
		p.MaxAttempts = 3
	}
	if p.InitialBackoff == 0 {
		p.InitialBackoff = 100 * time.Millisecond
	}
	if p.MaxBackoff == 0 {
		p.MaxBackoff = 10 * time.Second
	}
	if p.Multiplier == 0 {
		p.Multiplier = 2
	}
	if p.Retryable == nil {
		p.Retryable = defaultRetryable
	}
	return &retry[In, Out]{s: s, p: p, sleep: sleepCtx}
}

type retry[In, Out any] struct {
	s     Stage[In, Out]
	p     RetryPolicy
	sleep func(ctx context.Context, d time.Duration) error // replaced in tests
}

func (r *retry[In, Out]) Name() string { return r.s.Name() }

func (r *retry[In, Out]) Process(ctx context.Context, in In) (Out, error) {
	wait := r.p.InitialBackoff
	for attempt := 1; ; attempt++ {
		out, err := r.s.Process(ctx, in)
		if err == nil {
			return out, nil
		}
		if !r.p.Retryable(err) {
			return out, err
		}
		if attempt >= r.p.MaxAttempts {
			return out, fmt.Errorf("stage %q: giving up after %d attempts: %w", r.s.Name(), attempt, err)
		}
		d := wait
		if r.p.Jitter > 0 {
			d -= time.Duration(rand.Float64() * r.p.Jitter * float64(d))
		}
		if serr := r.sleep(ctx, d); serr != nil {
			var zero Out
			return zero, fmt.Errorf("stage %q: retry interrupted after %d attempts: %w", r.s.Name(), attempt, errors.Join(serr, err))
		}
		wait = min(time.Duration(float64(wait)*r.p.Multiplier), r.p.MaxBackoff)
	}
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func defaultRetryable(err error) bool {
	var p *permanentError
	return !errors.As(err, &p) && !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded)
}

// Permanent marks err as not retryable: Retry with the default predicate
// returns it at once. errors.Is and errors.As see through the mark. Permanent
// returns nil when err is nil.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return &permanentError{err}
}

type permanentError struct{ err error }

func (e *permanentError) Error() string { return e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }

// IsPermanent reports whether err, or an error it wraps, was marked with
// Permanent.
func IsPermanent(err error) bool {
	var p *permanentError
	return errors.As(err, &p)
}

var _ Stage[int, int] = (*retry[int, int])(nil)
