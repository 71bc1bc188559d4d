package gbdt

import (
	"runtime"
	"sync/atomic"
	"testing"
	"time"
)

// testTeam returns a team of size goroutines that the test stops.
func testTeam(t testing.TB, size int) *team {
	tm := newTeam(size)
	t.Cleanup(tm.stop)
	return tm
}

// TestTeam checks that a step calls fn on each of its ranges exactly
// once, with the ranges parallel promises, for teams larger and smaller
// than GOMAXPROCS, steps of every width up to the team's and beyond, and
// steps called from within a step.
func TestTeam(t *testing.T) {
	for _, size := range []int{1, 2, 3, 2 * runtime.GOMAXPROCS(0), 9} {
		tm := testTeam(t, size)
		for _, n := range []int{0, 1, 2, 7, 100, 1000} {
			for _, chunks := range []int{1, 2, 3, 16, 5000} {
				c := max(min(chunks, n), 1)
				calls := make([]atomic.Int32, n+1)
				want := map[int]int{} // lo to hi
				for i := range c {
					want[i*n/c] = (i + 1) * n / c
				}
				var ranges, nested atomic.Int64
				tm.parallel(n, chunks, func(lo, hi int) {
					if h, ok := want[lo]; !ok || h != hi {
						t.Errorf("size %d, n %d, chunks %d: range [%d, %d) is not one of %d", size, n, chunks, lo, hi, c)
					}
					ranges.Add(1)
					for i := lo; i < hi; i++ {
						calls[i].Add(1)
					}
					// A step within a step runs on the calling goroutine.
					tm.parallel(hi-lo, chunks, func(a, b int) { nested.Add(int64(b - a)) })
				})
				for i := range n {
					if c := calls[i].Load(); c != 1 {
						t.Fatalf("size %d, n %d, chunks %d: index %d done %d times", size, n, chunks, i, c)
					}
				}
				if ranges.Load() != int64(c) {
					t.Fatalf("size %d, n %d, chunks %d: %d ranges, want %d", size, n, chunks, ranges.Load(), c)
				}
				if nested.Load() != int64(n) {
					t.Fatalf("size %d, n %d, chunks %d: nested steps covered %d of %d", size, n, chunks, nested.Load(), n)
				}
			}
		}
	}
}

// TestTeamManySteps runs many short steps back to back, the pattern of a
// fit, so that the race detector sees the hand-offs between them.
func TestTeamManySteps(t *testing.T) {
	tm := testTeam(t, 3)
	sum := make([]int, 64)
	for step := range 2000 {
		tm.parallel(len(sum), 3, func(lo, hi int) {
			for i := lo; i < hi; i++ {
				sum[i] += step
			}
		})
	}
	for i, v := range sum {
		if v != 2000*1999/2 {
			t.Fatalf("sum[%d] = %d, want %d", i, v, 2000*1999/2)
		}
	}
}

// TestTeamStop checks that stop ends the team's goroutines, whether they
// sleep or spin.
func TestTeamStop(t *testing.T) {
	before := runtime.NumGoroutine()
	tm := newTeam(4)
	tm.parallel(4, 4, func(lo, hi int) {})
	tm.stop()
	// A member has called Done when stop returns, but may not have
	// exited yet.
	after := runtime.NumGoroutine()
	for deadline := time.Now().Add(time.Second); after > before && time.Now().Before(deadline); after = runtime.NumGoroutine() {
		time.Sleep(time.Millisecond)
	}
	if after > before {
		t.Fatalf("%d goroutines after stop, %d before the team", after, before)
	}
}
