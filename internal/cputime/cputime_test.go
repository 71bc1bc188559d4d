package cputime_test

import (
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/loomml/loom/internal/cputime"
)

// TestProcess checks that a busy loop of 20 ms of wall time adds CPU time
// (on unix; elsewhere Process is 0).
func TestProcess(t *testing.T) {
	start := cputime.Process()
	x := 0
	for deadline := time.Now().Add(20 * time.Millisecond); time.Now().Before(deadline); {
		x++
	}
	runtime.KeepAlive(x)
	got := cputime.Process() - start
	if runtime.GOOS == "windows" || runtime.GOOS == "plan9" || runtime.GOOS == "js" || runtime.GOOS == "wasip1" {
		if got != 0 {
			t.Fatalf("Process moved by %v where it is not read", got)
		}
		return
	}
	if got <= 0 {
		t.Fatalf("Process moved by %v over a 20 ms busy loop", got)
	}
}

// The CPU time of some work, as benchmarks report it beside wall time.
func ExampleProcess() {
	start := cputime.Process()
	sum := 0
	for i := range 1_000_000 {
		sum += i
	}
	used := cputime.Process() - start
	fmt.Println(sum, used >= 0)
	// Output: 499999500000 true
}
