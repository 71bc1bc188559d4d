package gbdt

import (
	"runtime"
	"sync"
	"sync/atomic"
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
	fn      func(slot, lo, hi int)
	n       int
	running atomic.Bool // a step is under way: a nested step runs inline

	mu       sync.Mutex
	work     sync.Cond // a new step or stop, for sleeping members
	finished sync.Cond // the step's last range, for a sleeping caller
	sleepers int       // members asleep on work
	waiting  atomic.Bool
	stopped  bool
	wg       sync.WaitGroup
}

// spinSteps is how many times a team's goroutine looks for work, or the
// caller for the end of a step, before it sleeps: tens of microseconds,
// longer than the serial work between two steps of a node (split search,
// bookkeeping) and shorter than anything worth a core.
const spinSteps = 1 << 12

// newTeam starts a team of size goroutines, the caller's included.
func newTeam(size int) *team {
	t := &team{size: max(size, 1)}
	t.work.L = &t.mu
	t.finished.L = &t.mu
	for slot := 1; slot < t.size; slot++ {
		t.wg.Go(func() { t.member(slot) })
	}
	return t
}

// stop ends the team's goroutines and waits for them.
func (t *team) stop() {
	t.mu.Lock()
	t.stopped = true
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
func (t *team) parallel(n, chunks int, fn func(lo, hi int)) {
	t.parallelSlots(n, chunks, func(_, lo, hi int) { fn(lo, hi) })
}

// parallelSlots is parallel that also tells fn which of the team's
// goroutines runs the range (its slot: 0 for the caller's, up to size-1),
// for scratch space of its own: no two ranges run at once in one slot.
func (t *team) parallelSlots(n, chunks int, fn func(slot, lo, hi int)) {
	c := min(chunks, n, 0xFFFF)
	if c <= 1 || t.size == 1 || !t.running.CompareAndSwap(false, true) {
		// One range, one goroutine, or a step called from within a step.
		c = max(c, 1)
		for i := range c {
			fn(0, i*n/c, (i+1)*n/c)
		}
		return
	}
	t.fn, t.n = fn, n
	t.done.Store(0)
	step := t.ticket.Load()>>32 + 1
	t.ticket.Store(step<<32 | uint64(c)<<16)
	t.mu.Lock()
	if t.sleepers > 0 {
		t.work.Broadcast()
	}
	t.mu.Unlock()
	for t.claim(0) {
	}
	for i := 0; t.done.Load() < int64(c); i++ {
		if i < spinSteps {
			continue
		}
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

// claim runs the next unclaimed range of the current step, if any, in
// the given slot, and reports whether it ran one.
func (t *team) claim(slot int) bool {
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
		t.fn(slot, i*n/int(c), (i+1)*n/int(c))
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

// member is a team goroutine: it runs ranges while there are any, spins
// for a while when there are none, then sleeps until the next step.
func (t *team) member(slot int) {
	for {
		for t.claim(slot) {
		}
		for i := 0; i < spinSteps && !t.claimable(); i++ {
			if i&255 == 255 {
				runtime.Gosched()
			}
		}
		if t.claimable() {
			continue
		}
		t.mu.Lock()
		t.sleepers++
		for !t.claimable() && !t.stopped {
			t.work.Wait()
		}
		t.sleepers--
		stopped := t.stopped
		t.mu.Unlock()
		if stopped {
			return
		}
	}
}
