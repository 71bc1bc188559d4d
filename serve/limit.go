package serve

import (
	"context"
	"errors"
	"sync/atomic"
	"time"
)

// errShed and errQueueTimeout are why the limiter refused a request.
var (
	errShed         = errors.New("serve: too many requests waiting")
	errQueueTimeout = errors.New("serve: waited too long for a free slot")
)

// limiter bounds how many requests run at once and how many may wait for a
// slot; past that, requests are shed at once rather than queued without
// bound. The zero limit means no bound.
//
// Bodies are read before a slot is taken (so that a slow client holds no
// slot), and the bytes of the bodies being read at once are bounded too:
// by as many full bodies as there are slots and queue places, so memory
// stays bounded when many clients send at once.
type limiter struct {
	slots    chan struct{} // one token per running request
	waiting  atomic.Int64
	maxQueue int64
	maxWait  time.Duration

	reading    atomic.Int64 // bytes reserved by bodies being read
	maxReading int64
}

func newLimiter(maxConcurrent, maxQueue int, maxWait time.Duration, maxBody int64) *limiter {
	if maxConcurrent <= 0 {
		return nil
	}
	return &limiter{slots: make(chan struct{}, maxConcurrent), maxQueue: int64(maxQueue), maxWait: maxWait,
		maxReading: int64(maxConcurrent+maxQueue) * maxBody}
}

// startRead reserves n bytes for a body about to be read, or reports false
// when the budget is spent. A true result must be followed by endRead(n).
func (l *limiter) startRead(n int64) bool {
	if l == nil {
		return true
	}
	if l.reading.Add(n) > l.maxReading {
		l.reading.Add(-n)
		return false
	}
	return true
}

func (l *limiter) endRead(n int64) {
	if l != nil {
		l.reading.Add(-n)
	}
}

// acquire takes a slot, waiting in the bounded queue if need be, until
// the queue timeout, deadline (context.DeadlineExceeded) or the end of ctx.
// The caller must call release after a nil error. Taking a free slot does
// not allocate.
func (l *limiter) acquire(ctx context.Context, deadline time.Time) error {
	if l == nil {
		return nil
	}
	select {
	case l.slots <- struct{}{}:
		return nil
	default:
	}
	if l.waiting.Add(1) > l.maxQueue {
		l.waiting.Add(-1)
		return errShed
	}
	defer l.waiting.Add(-1)
	wait, expired := l.maxWait, errQueueTimeout
	if left := time.Until(deadline); wait <= 0 || left < wait {
		wait, expired = left, context.DeadlineExceeded
	}
	if wait <= 0 {
		return expired
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case l.slots <- struct{}{}:
		return nil
	case <-t.C:
		return expired
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (l *limiter) release() {
	if l != nil {
		<-l.slots
	}
}
