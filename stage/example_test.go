package stage_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/loomml/loom/stage"
)

// Stages compose at compile time: the output type of one is the input type
// of the next.
func ExampleThen() {
	parse := stage.Func("parse", func(_ context.Context, s string) (int, error) {
		var n int
		_, err := fmt.Sscan(s, &n)
		return n, err
	})
	square := stage.Map("square", func(n int) int { return n * n })
	pipeline := stage.Then(parse, square)

	fmt.Println(pipeline.Name())
	out, err := pipeline.Process(context.Background(), "12")
	fmt.Println(out, err)
	_, err = pipeline.Process(context.Background(), "twelve")
	var se *stage.Error
	fmt.Println(errors.As(err, &se), se.Stage)
	// Output:
	// parse → square
	// 144 <nil>
	// true parse
}

// Retry runs a flaky stage again with exponential backoff until it succeeds
// or runs out of attempts; Permanent errors are never retried.
func ExampleRetry() {
	calls := 0
	fetch := stage.Func("fetch", func(_ context.Context, key string) (string, error) {
		calls++
		if calls < 3 {
			return "", errors.New("connection reset")
		}
		return strings.ToUpper(key), nil
	})
	s := stage.Retry(fetch, stage.RetryPolicy{MaxAttempts: 5, InitialBackoff: time.Millisecond, Jitter: 0.2})
	v, err := s.Process(context.Background(), "user-42")
	fmt.Println(v, err, calls)

	calls = 0
	refuse := stage.Func("refuse", func(context.Context, string) (string, error) {
		calls++
		return "", stage.Permanent(errors.New("invalid key"))
	})
	_, err = stage.Retry(refuse, stage.RetryPolicy{}).Process(context.Background(), "x")
	fmt.Println(err, calls)
	// Output:
	// USER-42 <nil> 3
	// invalid key 1
}

// A circuit breaker stops calling a failing dependency for a while.
func ExampleCircuitBreaker() {
	down := stage.Func("pricing", func(context.Context, int) (float64, error) {
		return 0, errors.New("503 from pricing service")
	})
	b := stage.CircuitBreaker(down, stage.BreakerPolicy{FailureThreshold: 2, OpenTimeout: time.Minute})
	for range 3 {
		_, err := b.Process(context.Background(), 1)
		fmt.Println(b.State(), errors.Is(err, stage.ErrBreakerOpen))
	}
	// Output:
	// closed false
	// open false
	// open true
}

// Parallel maps a stage over a slice with bounded concurrency and keeps the
// input order.
func ExampleParallel() {
	square := stage.Map("square", func(n int) int { return n * n })
	out, err := stage.Parallel(square, stage.ParallelOptions{Workers: 2}).
		Process(context.Background(), []int{1, 2, 3, 4, 5})
	fmt.Println(out, err)
	// Output: [1 4 9 16 25] <nil>
}

// ParallelSeq streams: outputs come out in input order while at most a few
// items per worker are in flight.
func ExampleParallelSeq() {
	words := func(yield func(string) bool) {
		for _, w := range []string{"loom", "weaves", "typed", "stages"} {
			if !yield(w) {
				return
			}
		}
	}
	upper := stage.Map("upper", strings.ToUpper)
	for w, err := range stage.ParallelSeq(context.Background(), upper, words, stage.ParallelOptions{Workers: 2}) {
		fmt.Println(w, err)
	}
	// Output:
	// LOOM <nil>
	// WEAVES <nil>
	// TYPED <nil>
	// STAGES <nil>
}

// Batch groups a sequence into slices of at most N items.
func ExampleBatch() {
	nums := func(yield func(int) bool) {
		for i := 1; i <= 7; i++ {
			if !yield(i) {
				return
			}
		}
	}
	for b := range stage.Batch(context.Background(), nums, 3, 0) {
		fmt.Println(b)
	}
	// Output:
	// [1 2 3]
	// [4 5 6]
	// [7]
}

// Timeout bounds each call of a stage that honours its context.
func ExampleTimeout() {
	slow := stage.Func("slow", func(ctx context.Context, _ int) (int, error) {
		<-ctx.Done()
		return 0, ctx.Err()
	})
	_, err := stage.Timeout(slow, 5*time.Millisecond).Process(context.Background(), 1)
	fmt.Println(errors.Is(err, stage.ErrTimeout))
	// Output: true
}
