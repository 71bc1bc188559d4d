package pipelinetest

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/loomml/loom/pipeline"
	"github.com/loomml/loom/stage"
)

// fakeT records a fatal failure and stops the goroutine, as testing.T does.
type fakeT struct {
	testing.TB
	ctx context.Context
	msg string
}

func (f *fakeT) Helper()                  {}
func (f *fakeT) Context() context.Context { return f.ctx }
func (f *fakeT) Fatalf(format string, args ...any) {
	f.msg = strings.TrimSpace(fmt.Sprintf(format, args...))
	runtime.Goexit()
}

// runFake runs fn with a fake T and returns the failure message, if any.
func runFake(fn func(t testing.TB)) string {
	f := &fakeT{ctx: context.Background()}
	var wg sync.WaitGroup
	wg.Go(func() { fn(f) })
	wg.Wait()
	return f.msg
}

var errBoom = errors.New("boom")

func TestFailuresNameTheStage(t *testing.T) {
	ok := stage.Map("ok", func(x int) int { return x })
	fails := stage.Func("fails", func(context.Context, int) (int, error) { return 0, errBoom })
	panics := stage.Map("panics", func(x int) int { panic("bad row") })
	tests := []struct {
		name string
		fn   func(t testing.TB)
		want string // prefix of the failure; "" for none
	}{
		{"run ok", func(t testing.TB) { Run(t, pipeline.Then(pipeline.New("p", ok), ok), 1) }, ""},
		{"run error", func(t testing.TB) { Run(t, pipeline.Then(pipeline.New("p", ok), fails), 1) }, `pipeline "p" failed in stage "fails": boom`},
		{"run panic", func(t testing.TB) { Run(t, pipeline.New("p", panics), 1) }, `pipeline "p" failed in stage "panics": panic: bad row`},
		{"collect error", func(t testing.TB) {
			Collect(t, pipeline.New("p", fails), func(yield func(int) bool) { yield(1) })
		}, `pipeline "p" failed after 0 outputs in stage "fails": boom`},
		{"process panic", func(t testing.TB) { Process(t, panics, 3) }, `stage "panics" failed in stage "panics": panic: bad row`},
		{"process ok", func(t testing.TB) { Process(t, ok, 3) }, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := runFake(tt.fn)
			if tt.want == "" && got != "" || !strings.HasPrefix(got, tt.want) {
				t.Fatalf("failure = %q; want prefix %q", got, tt.want)
			}
		})
	}
}

func TestRecorder(t *testing.T) {
	var r Recorder
	if msg := runFake(func(ft testing.TB) { r.Last(ft) }); !strings.Contains(msg, "no run") {
		t.Fatalf("Last on empty recorder: %q", msg)
	}
	p := pipeline.New("p", stage.Map("id", func(x int) int { return x }), pipeline.WithObserver(&r))
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() { p.Run(context.Background(), 1) })
	}
	wg.Wait()
	if n := len(r.Records()); n != 8 {
		t.Fatalf("recorded %d runs; want 8", n)
	}
	if s := Stage(t, r.Last(t), "id"); s.ItemsIn != 1 {
		t.Fatalf("stage record %+v", s)
	}
	if msg := runFake(func(ft testing.TB) { Stage(ft, r.Last(t), "nope") }); !strings.Contains(msg, `no stage "nope"`) {
		t.Fatalf("Stage on a missing name: %q", msg)
	}
}
