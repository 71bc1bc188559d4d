package stage

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// BreakerState is the state of a circuit breaker.
type BreakerState int

// The states of a circuit breaker.
//
//	Closed ──(FailureThreshold consecutive failures)──► Open
//	Open ──(OpenTimeout elapsed, next call)──► HalfOpen
//	HalfOpen ──(HalfOpenSuccesses trial calls succeed)──► Closed
//	HalfOpen ──(a trial call fails)──► Open
const (
	// Closed lets every call through and counts consecutive failures.
	Closed BreakerState = iota
	// Open rejects every call with a *BreakerOpenError.
	Open
	// HalfOpen lets up to HalfOpenMaxCalls trial calls through at once.
	HalfOpen
)

// String returns "closed", "open" or "half-open".
func (s BreakerState) String() string {
	switch s {
	case Closed:
		return "closed"
	case Open:
		return "open"
	case HalfOpen:
		return "half-open"
	}
	return fmt.Sprintf("BreakerState(%d)", int(s))
}

// BreakerPolicy configures CircuitBreaker. Zero fields take the defaults
// given on each.
type BreakerPolicy struct {
	// FailureThreshold is how many consecutive failures open the breaker.
	// Zero means 5.
	FailureThreshold int
	// OpenTimeout is how long the breaker stays open before letting a trial
	// call through. Zero means 30s.
	OpenTimeout time.Duration
	// HalfOpenMaxCalls is how many trial calls may run at once while
	// half-open; further calls are rejected. Zero means 1.
	HalfOpenMaxCalls int
	// HalfOpenSuccesses is how many trial calls must succeed to close the
	// breaker again. Zero means 1.
	HalfOpenSuccesses int
	// IsFailure reports whether an error counts as a failure. Nil means every
	// error except context.Canceled (the caller gave up; the dependency did
	// not fail).
	IsFailure func(error) bool
	// OnStateChange, if set, is called after every transition, outside the
	// breaker's lock.
	OnStateChange func(from, to BreakerState)
	// Now is the clock. Nil means time.Now; tests pass a fake clock.
	Now func() time.Time
}

// BreakerOpenError is returned when a breaker rejects a call. It matches
// ErrBreakerOpen with errors.Is.
type BreakerOpenError struct {
	Stage      string        // the stage the breaker protects
	State      BreakerState  // Open, or HalfOpen with all trial slots taken
	RetryAfter time.Duration // time until the breaker lets a trial call through
}

// Error implements error.
func (e *BreakerOpenError) Error() string {
	return fmt.Sprintf("stage %q: circuit breaker is %s; retry after %v", e.Stage, e.State, e.RetryAfter)
}

// Is reports whether target is ErrBreakerOpen.
func (e *BreakerOpenError) Is(target error) bool { return target == ErrBreakerOpen }

// Breaker is a Stage guarded by a circuit breaker; see CircuitBreaker. It is
// safe for concurrent use.
type Breaker[In, Out any] struct {
	s Stage[In, Out]
	p BreakerPolicy

	mu        sync.Mutex
	state     BreakerState
	failures  int       // consecutive failures while closed
	openedAt  time.Time // when the breaker last opened
	trials    int       // trial calls in flight while half-open
	successes int       // successful trial calls while half-open
}

// CircuitBreaker returns s guarded by a circuit breaker with policy p. While
// the dependency behind s keeps failing, the breaker opens and rejects calls
// at once with a *BreakerOpenError instead of piling more load on it; after
// p.OpenTimeout it lets trial calls through and closes again when they
// succeed. CircuitBreaker panics if p has negative values.
func CircuitBreaker[In, Out any](s Stage[In, Out], p BreakerPolicy) *Breaker[In, Out] {
	if s == nil {
		panic("stage: CircuitBreaker called with a nil stage")
	}
	if p.FailureThreshold < 0 || p.OpenTimeout < 0 || p.HalfOpenMaxCalls < 0 || p.HalfOpenSuccesses < 0 {
		panic(fmt.Sprintf("stage: circuit breaker policy must not be negative, got %+v", p))
	}
	if p.FailureThreshold == 0 {
		p.FailureThreshold = 5
	}
	if p.OpenTimeout == 0 {
		p.OpenTimeout = 30 * time.Second
	}
	if p.HalfOpenMaxCalls == 0 {
		p.HalfOpenMaxCalls = 1
	}
	if p.HalfOpenSuccesses == 0 {
		p.HalfOpenSuccesses = 1
	}
	if p.IsFailure == nil {
		p.IsFailure = func(err error) bool { return !errors.Is(err, context.Canceled) }
	}
	if p.Now == nil {
		p.Now = time.Now
	}
	return &Breaker[In, Out]{s: s, p: p}
}

// Name returns the name of the guarded stage.
func (b *Breaker[In, Out]) Name() string { return b.s.Name() }

// State returns the breaker's current state. An open breaker whose timeout
// has passed still reports Open until the next call moves it to HalfOpen.
func (b *Breaker[In, Out]) State() BreakerState {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.state
}

// Process runs the guarded stage if the breaker allows it.
func (b *Breaker[In, Out]) Process(ctx context.Context, in In) (Out, error) {
	trial, err := b.admit()
	if err != nil {
		var zero Out
		return zero, err
	}
	out, err := b.s.Process(ctx, in)
	b.done(trial, err)
	return out, err
}

// admit decides whether a call may run; trial reports a half-open trial.
func (b *Breaker[In, Out]) admit() (trial bool, err error) {
	b.mu.Lock()
	var from, to BreakerState
	changed := false
	if b.state == Open {
		wait := b.p.OpenTimeout - b.p.Now().Sub(b.openedAt)
		if wait > 0 {
			b.mu.Unlock()
			return false, &BreakerOpenError{Stage: b.s.Name(), State: Open, RetryAfter: wait}
		}
		from, to, changed = Open, HalfOpen, true
		b.state, b.trials, b.successes = HalfOpen, 0, 0
	}
	if b.state == HalfOpen {
		if b.trials >= b.p.HalfOpenMaxCalls {
			b.mu.Unlock()
			b.notify(changed, from, to)
			return false, &BreakerOpenError{Stage: b.s.Name(), State: HalfOpen}
		}
		b.trials++
		trial = true
	}
	b.mu.Unlock()
	b.notify(changed, from, to)
	return trial, nil
}

// done records the outcome of an admitted call.
func (b *Breaker[In, Out]) done(trial bool, err error) {
	failed := err != nil && b.p.IsFailure(err)
	b.mu.Lock()
	from := b.state
	switch {
	case trial && b.state == HalfOpen:
		b.trials--
		if failed {
			b.open()
		} else if b.successes++; b.successes >= b.p.HalfOpenSuccesses {
			b.state, b.failures = Closed, 0
		}
	case b.state == Closed:
		if !failed {
			b.failures = 0
		} else if b.failures++; b.failures >= b.p.FailureThreshold {
			b.open()
		}
	}
	to := b.state
	b.mu.Unlock()
	b.notify(from != to, from, to)
}

func (b *Breaker[In, Out]) open() {
	b.state, b.openedAt, b.failures, b.trials, b.successes = Open, b.p.Now(), 0, 0, 0
}

func (b *Breaker[In, Out]) notify(changed bool, from, to BreakerState) {
	if changed && b.p.OnStateChange != nil {
		b.p.OnStateChange(from, to)
	}
}

var _ Stage[int, int] = (*Breaker[int, int])(nil)
