package gbdt

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// team runs the parallel steps of one fit: the caller's goroutine and
// size-1 goroutines of the team's own, started by newTeam and stopped and
// waited for by stop. A fit makes thousands of parallel steps a second
// (several per node of every tree), many of a few tens of microseconds:
// starting goroutines for each, and waking a sleeping thread to run them,
// cost as much as the steps, and left one core idle meanwhile. A team's
// goroutines wait for the next step spinning for a short while before
// they sleep, and the caller runs ranges itself rather than wait for
// them, so a step never waits for a goroutine to wake up.
type team struct {
	size int
	// ticket is the current step and its next unclaimed range: the step's
	// number in the top 32 bits, its number of ranges in the next 16 and
	// the next range in the low 16. A range is claimed by incrementing it.
	ticket atomic.Uint64
	done   atomic.Int64 // ranges of the current step finished
	// The current step, written by the caller before it publishes the
	// ticket and read by whoever claims one of its ranges.
	fn      func(lo, hi int)
	n       int
	running atomic.Bool // a step is under way: a nested step runs inline

	mu       sync.Mutex
	work     sync.Cond    // a new step or stop, for sleeping members
	finished sync.Cond    // the step's last range, for a sleeping caller
	sleepers atomic.Int32 // members asleep on work, changed under mu
	waiting  atomic.Bool
	stopped  atomic.Bool // set under mu; read by spinning members too
	wg       sync.WaitGroup
}

// spinTime is how long a team's goroutine looks for work, or the caller
// for the end of a step, before it sleeps: longer than the serial work
// between two steps of a fit (split search, bookkeeping, the steps of
// small nodes, which run on the caller alone, and the sums of a tree's
// gradients, about a millisecond for a million rows), short against
// anything worth a core. Waking a sleeping goroutine is slow: traced at
// GOMAXPROCS=2 on a 2-core VM, a fit whose goroutines spun for 50µs
// slept and was woken 4,300 times, waited 74µs for a core on average
// and over 2ms a hundred times, and left one core idle for 1s of its
// 8.4s. A spinning goroutine yields its thread now and then, so that
// others run.
const spinTime = 2 * time.Millisecond

// spin calls done until it reports true, for spinTime at most, and
// reports whether it did.
func spin(done func() bool) bool {
	var start time.Time
	for i := 0; ; i++ {
		if done() {
			return true
		}
		if i&63 != 63 {
			continue
		}
		if start.IsZero() {
			start = time.Now()
		} else if time.Since(start) > spinTime {
			return false
		}
		runtime.Gosched()
	}
}

// newTeam starts a team of size goroutines, the caller's included.
func newTeam(size int) *team {
	t := &team{size: max(size, 1)}
	t.work.L = &t.mu
	t.finished.L = &t.mu
	for range t.size - 1 {
		t.wg.Go(t.member)
	}
	return t
}

// stop ends the team's goroutines and waits for them.
func (t *team) stop() {
	t.mu.Lock()
	t.stopped.Store(true)
	t.work.Broadcast()
	t.mu.Unlock()
	t.wg.Wait()
}

// parallel calls fn over [0, n) split into min(chunks, n) contiguous
// ranges ([i*n/c, (i+1)*n/c) for c ranges), each exactly once, and returns
// when they have all returned. The team's goroutines claim the ranges
// one at a time, the caller's included, so more ranges than goroutines
// balance uneven work. With one range it calls fn(0, n) on the caller's
// goroutine.
// A step called from within a step runs all its ranges on the calling
// goroutine.
func (t *team) parallel(n, chunks int, fn func(lo, hi int)) {
	c := min(chunks, n, 0xFFFF)
	if c <= 1 || t.size == 1 || !t.running.CompareAndSwap(false, true) {
		// One range, one goroutine, or a step called from within a step.
		c = max(c, 1)
		for i := range c {
			fn(i*n/c, (i+1)*n/c)
		}
		return
	}
	t.fn, t.n = fn, n
	t.done.Store(0)
	step := t.ticket.Load()>>32 + 1
	t.ticket.Store(step<<32 | uint64(c)<<16)
	if t.sleepers.Load() > 0 {
		t.mu.Lock()
		t.work.Broadcast()
		t.mu.Unlock()
	}
	for t.claim() {
	}
	if !spin(func() bool { return t.done.Load() == int64(c) }) {
		t.mu.Lock()
		t.waiting.Store(true)
		for t.done.Load() < int64(c) {
			t.finished.Wait()
		}
		t.waiting.Store(false)
		t.mu.Unlock()
	}
	t.fn = nil
	t.running.Store(false)
}

// claim runs the next unclaimed range of the current step, if any, and
// reports whether it ran one.
func (t *team) claim() bool {
	for {
		tk := t.ticket.Load()
		c, next := tk>>16&0xFFFF, tk&0xFFFF
		if next >= c {
			return false
		}
		if !t.ticket.CompareAndSwap(tk, tk+1) {
			continue
		}
		i, n := int(next), t.n
		t.fn(i*n/int(c), (i+1)*n/int(c))
		if t.done.Add(1) == int64(c) && t.waiting.Load() {
			t.mu.Lock()
			t.finished.Broadcast()
			t.mu.Unlock()
		}
		return true
	}
}

// claimable reports whether the current step has a range left.
func (t *team) claimable() bool {
	tk := t.ticket.Load()
	return tk&0xFFFF < tk>>16&0xFFFF
}

// wake reports whether a member has something to do: a range to claim,
// or to return.
func (t *team) wake() bool {
	return t.claimable() || t.stopped.Load()
}

// member is a team goroutine: it runs ranges while there are any, spins
// for a while when there are none, then sleeps until the next step.
func (t *team) member() {
	for {
		for t.claim() {
		}
		if spin(t.wake) {
			if t.stopped.Load() {
				return
			}
			continue
		}
		t.mu.Lock()
		t.sleepers.Add(1)
		for !t.wake() {
			t.work.Wait()
		}
		t.sleepers.Add(-1)
		stopped := t.stopped.Load()
		t.mu.Unlock()
		if stopped {
			return
		}
	}
}
