package serve

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

func TestLimiter(t *testing.T) {
	l := newLimiter(2, 1, 50*time.Millisecond, 100)
	ctx := context.Background()
	far := time.Now().Add(time.Hour)
	for i := range 2 {
		if err := l.acquire(ctx, far); err != nil {
			t.Fatalf("acquire %d = %v; want a free slot", i, err)
		}
	}
	// One may wait; the next is shed at once.
	var wg sync.WaitGroup
	waited := make(chan error, 1)
	wg.Go(func() { waited <- l.acquire(ctx, far) })
	for l.waiting.Load() != 1 {
		time.Sleep(time.Millisecond)
	}
	start := time.Now()
	if err := l.acquire(ctx, far); !errors.Is(err, errShed) || time.Since(start) > 20*time.Millisecond {
		t.Fatalf("acquire with a full queue = %v after %v; want errShed at once", err, time.Since(start))
	}
	l.release()
	if err := <-waited; err != nil {
		t.Fatalf("queued acquire = %v; want the released slot", err)
	}
	wg.Wait()
	// Slots are full again: a waiter times out.
	if err := l.acquire(ctx, far); !errors.Is(err, errQueueTimeout) {
		t.Fatalf("acquire = %v; want errQueueTimeout", err)
	}
	// A request deadline before the queue timeout ends the wait first.
	start = time.Now()
	if err := l.acquire(ctx, start.Add(5*time.Millisecond)); !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 40*time.Millisecond {
		t.Fatalf("acquire past the request deadline = %v after %v; want context.DeadlineExceeded within the queue timeout", err, time.Since(start))
	}
	if err := l.acquire(ctx, start); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("acquire with the deadline passed = %v; want context.DeadlineExceeded", err)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if err := l.acquire(cctx, far); !errors.Is(err, context.Canceled) {
		t.Fatalf("acquire with a cancelled context = %v", err)
	}
	if l.waiting.Load() != 0 {
		t.Fatalf("waiting = %d after all returned; want 0", l.waiting.Load())
	}
	var none *limiter
	if err := none.acquire(ctx, far); err != nil {
		t.Fatal("nil limiter refused")
	}
	none.release()
}

// TestLimiterBodyBudget: the bytes of bodies being read at once are bounded
// by a full body per slot and queue place (here 3 × 100).
func TestLimiterBodyBudget(t *testing.T) {
	l := newLimiter(2, 1, 50*time.Millisecond, 100)
	if !l.startRead(100) || !l.startRead(150) || !l.startRead(50) {
		t.Fatal("startRead refused bodies within the budget of 300 bytes")
	}
	if l.startRead(1) {
		t.Fatal("startRead past the budget = true; want false")
	}
	l.endRead(150)
	if !l.startRead(100) || l.startRead(51) {
		t.Fatal("after endRead(150) the budget should take 100 more and then refuse 51")
	}
	var none *limiter
	if !none.startRead(1 << 40) {
		t.Fatal("nil limiter refused a body")
	}
	none.endRead(1 << 40)
}
