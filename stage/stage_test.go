package stage

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

var errBoom = errors.New("boom")

func double() Stage[int, int] { return Map("double", func(x int) int { return 2 * x }) }

func TestThen(t *testing.T) {
	itoa := Map("itoa", strconv.Itoa)
	failing := Func("fail", func(context.Context, int) (int, error) { return 0, errBoom })
	tests := []struct {
		name      string
		s         Stage[int, string]
		in        int
		want      string
		wantStage string // stage named in the error; "" for success
	}{
		{"both succeed", Then(double(), itoa), 21, "42", ""},
		{"three deep", Then(Then(double(), double()), itoa), 5, "20", ""},
		{"first fails", Then(failing, itoa), 1, "", "fail"},
		{"middle fails", Then(Then(double(), failing), itoa), 1, "", "fail"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.s.Process(context.Background(), tt.in)
			if tt.wantStage == "" {
				if err != nil || got != tt.want {
					t.Fatalf("Process(%d) = %q, %v; want %q, nil", tt.in, got, err, tt.want)
				}
				return
			}
			var se *Error
			if !errors.As(err, &se) || se.Stage != tt.wantStage || !errors.Is(err, errBoom) {
				t.Fatalf("Process(%d) error = %v; want *Error naming %q wrapping errBoom", tt.in, err, tt.wantStage)
			}
		})
	}
	if got, want := Then(double(), itoa).Name(), "double → itoa"; got != want {
		t.Errorf("Name() = %q; want %q", got, want)
	}
}

func TestWrap(t *testing.T) {
	if Wrap("x", nil) != nil {
		t.Fatal("Wrap(nil) != nil")
	}
	inner := Wrap("inner", errBoom)
	if got := Wrap("outer", fmt.Errorf("ctx: %w", inner)); !errors.Is(got, errBoom) || got.Error() != "ctx: stage \"inner\": boom" {
		t.Fatalf("Wrap kept %v; want the inner stage name only", got)
	}
}

func TestPanicErrorUnwrap(t *testing.T) {
	p := &PanicError{Stage: "s", Value: errBoom}
	if !errors.Is(p, errBoom) || p.Error() != `stage "s" panicked: boom` {
		t.Fatalf("PanicError = %v", p)
	}
	if (&PanicError{Stage: "s", Value: 3}).Unwrap() != nil {
		t.Fatal("non-error panic value unwraps to non-nil")
	}
}

// flaky fails its first n calls with err.
func flaky(n int, err error) (Stage[int, int], *atomic.Int32) {
	var calls atomic.Int32
	return Func("flaky", func(_ context.Context, x int) (int, error) {
		if int(calls.Add(1)) <= n {
			return 0, err
		}
		return x, nil
	}), &calls
}

func TestRetry(t *testing.T) {
	tests := []struct {
		name      string
		failures  int
		err       error
		policy    RetryPolicy
		wantCalls int32
		wantErr   bool
		wantWaits []time.Duration
	}{
		{"succeeds first", 0, errBoom, RetryPolicy{}, 1, false, nil},
		{"succeeds third", 2, errBoom, RetryPolicy{InitialBackoff: time.Second}, 3, false, []time.Duration{time.Second, 2 * time.Second}},
		{"gives up", 5, errBoom, RetryPolicy{MaxAttempts: 3}, 3, true, []time.Duration{100 * time.Millisecond, 200 * time.Millisecond}},
		{"capped backoff", 3, errBoom, RetryPolicy{MaxAttempts: 4, InitialBackoff: time.Second, MaxBackoff: 1500 * time.Millisecond}, 4, false, []time.Duration{time.Second, 1500 * time.Millisecond, 1500 * time.Millisecond}},
		{"permanent not retried", 5, Permanent(errBoom), RetryPolicy{}, 1, true, nil},
		{"canceled not retried", 5, context.Canceled, RetryPolicy{}, 1, true, nil},
		{"predicate refuses", 5, errBoom, RetryPolicy{Retryable: func(error) bool { return false }}, 1, true, nil},
		{"one attempt", 5, errBoom, RetryPolicy{MaxAttempts: 1}, 1, true, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, calls := flaky(tt.failures, tt.err)
			r := Retry(s, tt.policy).(*retry[int, int])
			var waits []time.Duration
			r.sleep = func(_ context.Context, d time.Duration) error { waits = append(waits, d); return nil }
			got, err := r.Process(context.Background(), 7)
			if (err != nil) != tt.wantErr || calls.Load() != tt.wantCalls {
				t.Fatalf("Process = %d, %v after %d calls; want error %v after %d calls", got, err, calls.Load(), tt.wantErr, tt.wantCalls)
			}
			if err != nil && !errors.Is(err, errBoom) && !errors.Is(err, context.Canceled) {
				t.Fatalf("error %v does not wrap the cause", err)
			}
			if !slices.Equal(waits, tt.wantWaits) {
				t.Fatalf("waits = %v; want %v", waits, tt.wantWaits)
			}
		})
	}
}

func TestRetryJitterStaysInRange(t *testing.T) {
	s, _ := flaky(1000, errBoom)
	r := Retry(s, RetryPolicy{MaxAttempts: 50, InitialBackoff: time.Second, MaxBackoff: time.Second, Jitter: 0.5}).(*retry[int, int])
	r.sleep = func(_ context.Context, d time.Duration) error {
		if d < 500*time.Millisecond || d > time.Second {
			t.Errorf("jittered wait %v outside [500ms, 1s]", d)
		}
		return nil
	}
	if _, err := r.Process(context.Background(), 1); err == nil {
		t.Fatal("want an error after 50 failures")
	}
}

func TestRetryHonoursContext(t *testing.T) {
	s, calls := flaky(1000, errBoom)
	ctx, cancel := context.WithCancel(context.Background())
	r := Retry(s, RetryPolicy{MaxAttempts: 10, InitialBackoff: time.Hour})
	go func() { time.Sleep(10 * time.Millisecond); cancel() }()
	start := time.Now()
	_, err := r.Process(ctx, 1)
	if !errors.Is(err, context.Canceled) || !errors.Is(err, errBoom) || time.Since(start) > 5*time.Second {
		t.Fatalf("Process = %v after %v; want prompt context.Canceled wrapping the cause", err, time.Since(start))
	}
	if calls.Load() != 1 {
		t.Fatalf("calls = %d; want 1", calls.Load())
	}
}

func TestRetryPanicsOnBadPolicy(t *testing.T) {
	for _, p := range []RetryPolicy{{MaxAttempts: -1}, {Jitter: 2}, {Multiplier: 0.5}, {InitialBackoff: -1}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Retry(%+v) did not panic", p)
				}
			}()
			Retry(double(), p)
		}()
	}
}

func TestTimeout(t *testing.T) {
	slow := Func("slow", func(ctx context.Context, x int) (int, error) {
		select {
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-time.After(time.Duration(x) * time.Millisecond):
			return x, nil
		}
	})
	s := Timeout(slow, 20*time.Millisecond)
	if got, err := s.Process(context.Background(), 1); err != nil || got != 1 {
		t.Fatalf("fast call = %d, %v", got, err)
	}
	start := time.Now()
	_, err := s.Process(context.Background(), 10_000)
	if !errors.Is(err, ErrTimeout) || !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 5*time.Second {
		t.Fatalf("slow call = %v after %v; want ErrTimeout promptly", err, time.Since(start))
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.Process(ctx, 10_000); errors.Is(err, ErrTimeout) || !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled parent = %v; want context.Canceled, not a timeout", err)
	}
}

type fakeClock struct{ now time.Time }

func (c *fakeClock) Now() time.Time          { return c.now }
func (c *fakeClock) Advance(d time.Duration) { c.now = c.now.Add(d) }

func TestCircuitBreakerTransitions(t *testing.T) {
	clock := &fakeClock{now: time.Unix(0, 0)}
	fail := true
	s := Func("dep", func(context.Context, int) (int, error) {
		if fail {
			return 0, errBoom
		}
		return 1, nil
	})
	var transitions []string
	b := CircuitBreaker(s, BreakerPolicy{
		FailureThreshold: 3, OpenTimeout: 10 * time.Second, Now: clock.Now,
		OnStateChange: func(from, to BreakerState) { transitions = append(transitions, from.String()+"→"+to.String()) },
	})
	ctx := context.Background()
	call := func() error { _, err := b.Process(ctx, 0); return err }

	for i := range 3 {
		if err := call(); !errors.Is(err, errBoom) {
			t.Fatalf("failure %d = %v; want errBoom", i, err)
		}
	}
	if b.State() != Open {
		t.Fatalf("after 3 failures state = %v; want open", b.State())
	}
	err := call()
	var oe *BreakerOpenError
	if !errors.Is(err, ErrBreakerOpen) || !errors.As(err, &oe) || oe.RetryAfter != 10*time.Second || oe.Stage != "dep" {
		t.Fatalf("call while open = %v; want BreakerOpenError with RetryAfter 10s", err)
	}
	clock.Advance(10 * time.Second)
	if err := call(); !errors.Is(err, errBoom) || b.State() != Open {
		t.Fatalf("failed trial = %v, state %v; want errBoom and open again", err, b.State())
	}
	clock.Advance(10 * time.Second)
	fail = false
	if err := call(); err != nil || b.State() != Closed {
		t.Fatalf("successful trial = %v, state %v; want closed", err, b.State())
	}
	// A success resets the consecutive-failure count.
	fail = true
	call()
	call()
	fail = false
	call()
	fail = true
	call()
	call()
	if b.State() != Closed {
		t.Fatalf("non-consecutive failures opened the breaker")
	}
	want := []string{"closed→open", "open→half-open", "half-open→open", "open→half-open", "half-open→closed"}
	if !slices.Equal(transitions, want) {
		t.Fatalf("transitions = %v; want %v", transitions, want)
	}
}

func TestCircuitBreakerHalfOpenLimit(t *testing.T) {
	clock := &fakeClock{now: time.Unix(0, 0)}
	release := make(chan struct{})
	entered := make(chan struct{})
	var fail atomic.Bool
	fail.Store(true)
	s := Func("dep", func(context.Context, int) (int, error) {
		if fail.Load() {
			return 0, errBoom
		}
		entered <- struct{}{}
		<-release
		return 1, nil
	})
	b := CircuitBreaker(s, BreakerPolicy{FailureThreshold: 1, OpenTimeout: time.Second, Now: clock.Now})
	b.Process(context.Background(), 0)
	clock.Advance(time.Second)
	fail.Store(false)
	done := make(chan error)
	go func() { _, err := b.Process(context.Background(), 0); done <- err }()
	<-entered
	if _, err := b.Process(context.Background(), 0); !errors.Is(err, ErrBreakerOpen) {
		t.Fatalf("second trial while one is in flight = %v; want ErrBreakerOpen", err)
	}
	close(release)
	if err := <-done; err != nil || b.State() != Closed {
		t.Fatalf("trial = %v, state %v; want closed", err, b.State())
	}
}

func TestCircuitBreakerIgnoresCallerCancellation(t *testing.T) {
	s := Func("dep", func(ctx context.Context, int2 int) (int, error) { return 0, ctx.Err() })
	b := CircuitBreaker(s, BreakerPolicy{FailureThreshold: 1})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	b.Process(ctx, 0)
	if b.State() != Closed {
		t.Fatalf("caller cancellation opened the breaker")
	}
}

func TestParallel(t *testing.T) {
	in := make([]int, 1000)
	for i := range in {
		in[i] = i
	}
	for _, workers := range []int{1, 2, 7, 2000} {
		got, err := Parallel(double(), ParallelOptions{Workers: workers}).Process(context.Background(), in)
		if err != nil {
			t.Fatal(err)
		}
		for i, v := range got {
			if v != 2*i {
				t.Fatalf("workers=%d: out[%d] = %d; want %d (order kept)", workers, i, v, 2*i)
			}
		}
	}
	if got, err := Parallel(double(), ParallelOptions{}).Process(context.Background(), nil); err != nil || len(got) != 0 {
		t.Fatalf("empty input = %v, %v", got, err)
	}
}

func TestParallelErrors(t *testing.T) {
	bad := Func("odd-fails", func(_ context.Context, x int) (int, error) {
		if x%2 == 1 {
			return 0, fmt.Errorf("odd %d: %w", x, errBoom)
		}
		return x, nil
	})
	in := []int{0, 1, 2, 3, 4, 5}
	got, err := Parallel(bad, ParallelOptions{Workers: 3, CollectErrors: true}).Process(context.Background(), in)
	if !errors.Is(err, errBoom) || !slices.Equal(got, []int{0, 0, 2, 0, 4, 0}) {
		t.Fatalf("collect: %v, %v", got, err)
	}
	var idx []int
	for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
		idx = append(idx, e.(*ItemError).Index)
	}
	if !slices.Equal(idx, []int{1, 3, 5}) {
		t.Fatalf("failed indices = %v; want [1 3 5]", idx)
	}
	_, err = Parallel(bad, ParallelOptions{Workers: 3}).Process(context.Background(), in)
	var ie *ItemError
	if !errors.As(err, &ie) || ie.Index%2 != 1 {
		t.Fatalf("fail fast: %v; want one *ItemError on an odd index", err)
	}
}

func TestParallelCancellation(t *testing.T) {
	block := Func("block", func(ctx context.Context, x int) (int, error) { <-ctx.Done(); return 0, ctx.Err() })
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := Parallel(block, ParallelOptions{Workers: 4}).Process(ctx, make([]int, 100))
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 5*time.Second {
		t.Fatalf("Process = %v after %v; want prompt DeadlineExceeded", err, time.Since(start))
	}
}

func seqOf(n int) func(func(int) bool) {
	return func(yield func(int) bool) {
		for i := range n {
			if !yield(i) {
				return
			}
		}
	}
}

func TestParallelSeq(t *testing.T) {
	i := 0
	for v, err := range ParallelSeq(context.Background(), double(), seqOf(500), ParallelOptions{Workers: 4}) {
		if err != nil || v != 2*i {
			t.Fatalf("item %d = %d, %v; want %d", i, v, err, 2*i)
		}
		i++
	}
	if i != 500 {
		t.Fatalf("got %d items; want 500", i)
	}
}

func TestParallelSeqEarlyStopAndErrors(t *testing.T) {
	var read atomic.Int32
	src := func(yield func(int) bool) {
		for i := 0; ; i++ {
			read.Add(1)
			if !yield(i) {
				return
			}
		}
	}
	n := 0
	for range ParallelSeq(context.Background(), double(), src, ParallelOptions{Workers: 2}) {
		if n++; n == 10 {
			break
		}
	}
	if r := read.Load(); r > 10+2*2+2 {
		t.Fatalf("read %d items from an endless source for 10 outputs; buffering is unbounded", r)
	}
	bad := Func("fails-at-3", func(_ context.Context, x int) (int, error) {
		if x == 3 {
			return 0, errBoom
		}
		return x, nil
	})
	var got []int
	var errs int
	for v, err := range ParallelSeq(context.Background(), bad, seqOf(6), ParallelOptions{Workers: 2}) {
		if err != nil {
			errs++
			continue
		}
		got = append(got, v)
	}
	if !slices.Equal(got, []int{0, 1, 2}) || errs != 1 {
		t.Fatalf("fail fast = %v with %d errors; want [0 1 2] and 1 error", got, errs)
	}
	got, errs = nil, 0
	for v, err := range ParallelSeq(context.Background(), bad, seqOf(6), ParallelOptions{Workers: 2, CollectErrors: true}) {
		if err != nil {
			var ie *ItemError
			if !errors.As(err, &ie) || ie.Index != 3 {
				t.Fatalf("error %v; want *ItemError at 3", err)
			}
			errs++
			continue
		}
		got = append(got, v)
	}
	if !slices.Equal(got, []int{0, 1, 2, 4, 5}) || errs != 1 {
		t.Fatalf("collect = %v with %d errors", got, errs)
	}
}

func TestParallelSeqCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	block := Func("block", func(ctx context.Context, x int) (int, error) {
		if x == 5 {
			cancel()
		}
		return x, nil
	})
	var last error
	for _, err := range ParallelSeq(ctx, block, seqOf(1_000_000), ParallelOptions{Workers: 2}) {
		last = err
	}
	if !errors.Is(last, context.Canceled) {
		t.Fatalf("last error = %v; want context.Canceled", last)
	}
}

func TestBatchBySize(t *testing.T) {
	tests := []struct {
		n, size int
		want    [][]int
	}{
		{0, 3, nil},
		{5, 2, [][]int{{0, 1}, {2, 3}, {4}}},
		{4, 2, [][]int{{0, 1}, {2, 3}}},
		{3, 10, [][]int{{0, 1, 2}}},
	}
	for _, tt := range tests {
		for _, wait := range []time.Duration{0, time.Hour} {
			var got [][]int
			for b := range Batch(context.Background(), seqOf(tt.n), tt.size, wait) {
				got = append(got, b)
			}
			if !slices.EqualFunc(got, tt.want, slices.Equal) {
				t.Errorf("Batch(%d items, %d, %v) = %v; want %v", tt.n, tt.size, wait, got, tt.want)
			}
		}
	}
}

func TestBatchByTime(t *testing.T) {
	// A source that sends 2 items, then stalls until the first batch is out.
	stalled := make(chan struct{})
	src := func(yield func(int) bool) {
		if !yield(1) || !yield(2) {
			return
		}
		<-stalled
		yield(3)
	}
	var got [][]int
	for b := range Batch(context.Background(), src, 100, 10*time.Millisecond) {
		got = append(got, b)
		if len(got) == 1 {
			close(stalled)
		}
	}
	if !slices.EqualFunc(got, [][]int{{1, 2}, {3}}, slices.Equal) {
		t.Fatalf("Batch by time = %v; want [[1 2] [3]]", got)
	}
}

func TestBatchEarlyStop(t *testing.T) {
	src := func(yield func(int) bool) {
		for i := 0; ; i++ {
			if !yield(i) {
				return
			}
		}
	}
	for b := range Batch(context.Background(), src, 4, time.Second) {
		if b[0] >= 8 {
			break
		}
	}
	// goleak in TestMain checks the reader goroutine stopped.
}
