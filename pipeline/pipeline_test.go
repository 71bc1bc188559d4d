package pipeline

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/loomml/loom/stage"
	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

var errBoom = errors.New("boom")

var (
	double = stage.Map("double", func(x int) int { return 2 * x })
	inc    = stage.Map("inc", func(x int) int { return x + 1 })
	itoa   = stage.Map("itoa", strconv.Itoa)
)

func failAt(n int) stage.Stage[int, int] {
	return stage.Func("fail-at-"+strconv.Itoa(n), func(_ context.Context, x int) (int, error) {
		if x == n {
			return 0, fmt.Errorf("item %d: %w", x, errBoom)
		}
		return x, nil
	})
}

func panicAt(n int) stage.Stage[int, int] {
	return stage.Map("panic-at-"+strconv.Itoa(n), func(x int) int {
		if x == n {
			panic("cannot handle " + strconv.Itoa(x))
		}
		return x
	})
}

func ints(n int) func(func(int) bool) {
	return func(yield func(int) bool) {
		for i := range n {
			if !yield(i) {
				return
			}
		}
	}
}

func TestRun(t *testing.T) {
	var observed []*Record
	obs := RunObserverFunc(func(_ context.Context, r *Record) { observed = append(observed, r) })
	p := Then(Then(New("calc", double, WithObserver(obs)), inc), itoa)
	if got := p.Stages(); fmt.Sprint(got) != "[double inc itoa]" {
		t.Fatalf("Stages() = %v", got)
	}
	var rec Record
	out, err := p.Run(context.Background(), 20, WithParams(map[string]string{"seed": "7"}), WithRecord(&rec))
	if err != nil || out != "41" {
		t.Fatalf("Run(20) = %q, %v; want 41", out, err)
	}
	if len(observed) != 1 || observed[0].ID != rec.ID || rec.ID == "" {
		t.Fatalf("observer saw %d records; record id %q", len(observed), rec.ID)
	}
	if rec.Status != StatusOK || rec.Pipeline != "calc" || rec.Mode != "run" || rec.Params["seed"] != "7" || len(rec.Stages) != 3 {
		t.Fatalf("record = %+v", rec)
	}
	for _, s := range rec.Stages {
		if s.ItemsIn != 1 || s.ItemsOut != 1 || s.Errors != 0 {
			t.Errorf("stage %s: %+v", s.Name, s)
		}
	}
	if rec.End.Before(rec.Start) || rec.Duration != rec.End.Sub(rec.Start) {
		t.Errorf("times: start %v end %v duration %v", rec.Start, rec.End, rec.Duration)
	}
}

func TestRunFailures(t *testing.T) {
	tests := []struct {
		name       string
		p          *Pipeline[int, int]
		wantStage  string
		wantPanic  bool
		wantCounts [][2]int64 // items in, out per stage
	}{
		{"error", Then(Then(New("p", double), failAt(4)), inc), "fail-at-4", false, [][2]int64{{1, 1}, {1, 0}, {0, 0}}},
		{"panic", Then(Then(New("p", double), panicAt(4)), inc), "panic-at-4", true, [][2]int64{{1, 1}, {1, 0}, {0, 0}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var rec Record
			_, err := tt.p.Run(context.Background(), 2, WithRecord(&rec))
			var se *stage.Error
			var pe *stage.PanicError
			switch {
			case tt.wantPanic:
				if !errors.As(err, &pe) || pe.Stage != tt.wantStage || pe.Value != "cannot handle 4" || len(pe.Stack) == 0 {
					t.Fatalf("err = %v; want a *stage.PanicError from %s", err, tt.wantStage)
				}
			default:
				if !errors.As(err, &se) || se.Stage != tt.wantStage || !errors.Is(err, errBoom) {
					t.Fatalf("err = %v; want a *stage.Error from %s wrapping errBoom", err, tt.wantStage)
				}
			}
			if rec.Status != StatusFailed || rec.Error != err.Error() {
				t.Fatalf("record status %q error %q", rec.Status, rec.Error)
			}
			for i, c := range tt.wantCounts {
				s := rec.Stages[i]
				if s.ItemsIn != c[0] || s.ItemsOut != c[1] {
					t.Errorf("stage %s in/out = %d/%d; want %d/%d", s.Name, s.ItemsIn, s.ItemsOut, c[0], c[1])
				}
			}
			if s := rec.Stages[1]; s.Errors != 1 || (s.Panics == 1) != tt.wantPanic || s.FirstError == "" {
				t.Errorf("failing stage record = %+v", s)
			}
		})
	}
}

func TestNestedPipelines(t *testing.T) {
	var recs []Record
	obs := RunObserverFunc(func(_ context.Context, r *Record) { recs = append(recs, *r) })
	inner := Then(New("inner", double, WithObserver(obs)), inc)
	outer := Then(New("outer", stage.Stage[int, int](inner), WithObserver(obs)), itoa)
	out, err := outer.Run(context.Background(), 5)
	if err != nil || out != "11" {
		t.Fatalf("Run = %q, %v", out, err)
	}
	if len(recs) != 2 || recs[0].Pipeline != "inner" || recs[1].Pipeline != "outer" || recs[0].ParentID != recs[1].ID {
		t.Fatalf("records = %+v; want inner with ParentID = outer's ID", recs)
	}
	if recs[1].Stages[0].Name != "inner" {
		t.Fatalf("outer's first stage = %q; want inner", recs[1].Stages[0].Name)
	}
}

func TestRecordJSON(t *testing.T) {
	var rec Record
	Then(New("json", double), inc).Run(context.Background(), 1, WithRecord(&rec), WithParams(map[string]string{"k": "v"}))
	b, err := json.Marshal(rec)
	if err != nil {
		t.Fatal(err)
	}
	var back Record
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if back.ID != rec.ID || !back.Start.Equal(rec.Start) || back.Duration != rec.Duration || back.Stages[1] != rec.Stages[1] || back.Params["k"] != "v" {
		t.Fatalf("round trip lost data:\n%+v\n%+v", rec, back)
	}
}

func collect[Out any](seq func(func(Out, error) bool)) (out []Out, errs []error) {
	for v, err := range seq {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		out = append(out, v)
	}
	return out, errs
}

func TestStream(t *testing.T) {
	for _, chunk := range []int{1, 3, 256} {
		t.Run(fmt.Sprint("chunk=", chunk), func(t *testing.T) {
			var rec Record
			p := Then(Then(New("s", double, WithChunkSize(chunk), WithBuffer(1)), inc), itoa)
			out, errs := collect(p.Stream(context.Background(), ints(1000), WithRecord(&rec)))
			if len(errs) != 0 || len(out) != 1000 {
				t.Fatalf("got %d outputs, errors %v", len(out), errs)
			}
			for i, v := range out {
				if v != strconv.Itoa(2*i+1) {
					t.Fatalf("out[%d] = %s; want %d (order)", i, v, 2*i+1)
				}
			}
			if rec.Status != StatusOK || rec.Mode != "stream" || rec.ItemsIn != 1000 || rec.ItemsOut != 1000 {
				t.Fatalf("record = %+v", rec)
			}
			for _, s := range rec.Stages {
				if s.ItemsIn != 1000 || s.ItemsOut != 1000 {
					t.Errorf("stage %+v", s)
				}
			}
		})
	}
}

func TestStreamFailFast(t *testing.T) {
	for _, bad := range []stage.Stage[int, int]{failAt(500), panicAt(500)} {
		var rec Record
		p := Then(Then(New("s", inc, WithChunkSize(16)), bad), double)
		out, errs := collect(p.Stream(context.Background(), ints(100_000), WithRecord(&rec)))
		if len(errs) != 1 || len(out) > 500 {
			t.Fatalf("%s: %d outputs, errors %v; want at most 500 and 1 error", bad.Name(), len(out), errs)
		}
		var pe *stage.PanicError
		var se *stage.Error
		if !(errors.As(errs[0], &se) && se.Stage == bad.Name()) && !(errors.As(errs[0], &pe) && pe.Stage == bad.Name()) {
			t.Fatalf("error %v does not name %s", errs[0], bad.Name())
		}
		if rec.Status != StatusFailed || rec.Stages[1].Errors != 1 || rec.ItemsIn >= 100_000 {
			t.Fatalf("record = %+v; want failed, one error, source not exhausted", rec)
		}
	}
}

func TestStreamContinueOnError(t *testing.T) {
	var rec Record
	p := Then(Then(New("s", failAt(3), ContinueOnError(), WithChunkSize(4)), panicAt(7)), double)
	out, errs := collect(p.Stream(context.Background(), ints(10), WithRecord(&rec)))
	if fmt.Sprint(out) != "[0 2 4 8 10 12 16 18]" || len(errs) != 2 {
		t.Fatalf("out = %v, errs = %v", out, errs)
	}
	if rec.Status != StatusFailed || rec.Stages[0].Errors != 1 || rec.Stages[1].Panics != 1 || rec.ItemsOut != 8 {
		t.Fatalf("record = %+v", rec)
	}
}

func TestStreamSourceErrors(t *testing.T) {
	src := func(yield func(int, error) bool) {
		for i := range 5 {
			var err error
			if i == 2 {
				err = errBoom
			}
			if !yield(i, err) {
				return
			}
		}
	}
	var rec Record
	out, errs := collect(New("s", double).StreamErrors(context.Background(), src, WithRecord(&rec)))
	if len(errs) != 1 || !errors.Is(errs[0], errBoom) || len(out) > 2 || rec.SourceErrors != 1 || rec.Status != StatusFailed {
		t.Fatalf("fail fast: out %v errs %v record %+v", out, errs, rec)
	}
	out, errs = collect(New("s", double, ContinueOnError()).StreamErrors(context.Background(), src, WithRecord(&rec)))
	if fmt.Sprint(out) != "[0 2 6 8]" || len(errs) != 1 || rec.SourceErrors != 1 || rec.ItemsIn != 4 {
		t.Fatalf("continue: out %v errs %v record %+v", out, errs, rec)
	}
}

func TestStreamEarlyStop(t *testing.T) {
	var read atomic.Int64
	endless := func(yield func(int) bool) {
		for i := 0; ; i++ {
			read.Add(1)
			if !yield(i) {
				return
			}
		}
	}
	var rec Record
	p := Then(New("s", double, WithChunkSize(8), WithBuffer(2)), inc)
	n := 0
	for range p.Stream(context.Background(), endless, WithRecord(&rec)) {
		if n++; n == 100 {
			break
		}
	}
	// Bounded: source, 2 stages and the consumer hold at most a few chunks each.
	if r := read.Load(); r > 100+8*(2+2)*4 {
		t.Fatalf("read %d items for 100 outputs; buffering is not bounded", r)
	}
	if rec.Status != StatusStopped {
		t.Fatalf("status = %q; want stopped", rec.Status)
	}
}

func TestStreamBackpressure(t *testing.T) {
	var read atomic.Int64
	src := func(yield func(int) bool) {
		for i := range 10_000 {
			read.Add(1)
			if !yield(i) {
				return
			}
		}
	}
	gate := make(chan struct{})
	slow := stage.Func("slow", func(_ context.Context, x int) (int, error) { <-gate; return x, nil })
	p := Then(New("s", inc, WithChunkSize(4), WithBuffer(1)), slow)
	done := make(chan int)
	go func() {
		n := 0
		for range p.Stream(context.Background(), src) {
			n++
		}
		done <- n
	}()
	time.Sleep(50 * time.Millisecond) // let the producer fill every buffer
	if r := read.Load(); r > 4*(1+2)*3 {
		t.Fatalf("producer read %d items while the last stage was blocked; want a bounded amount", r)
	}
	close(gate)
	if n := <-done; n != 10_000 {
		t.Fatalf("got %d outputs; want 10000", n)
	}
}

func TestStreamCancellation(t *testing.T) {
	block := stage.Func("block", func(ctx context.Context, x int) (int, error) {
		if x < 10 {
			return x, nil
		}
		<-ctx.Done()
		return 0, ctx.Err()
	})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	var rec Record
	start := time.Now()
	_, errs := collect(Then(New("s", inc, WithChunkSize(1)), block).Stream(ctx, ints(1_000_000), WithRecord(&rec)))
	if len(errs) != 1 || !errors.Is(errs[0], context.DeadlineExceeded) || time.Since(start) > 5*time.Second {
		t.Fatalf("errs = %v after %v; want one DeadlineExceeded promptly", errs, time.Since(start))
	}
	if rec.Status != StatusCancelled {
		t.Fatalf("status = %q; want cancelled", rec.Status)
	}
}

func TestStreamNoGoroutineLeak(t *testing.T) {
	before := runtime.NumGoroutine()
	for range 20 {
		n := 0
		for range Then(New("s", double, WithChunkSize(2)), inc).Stream(context.Background(), ints(1000)) {
			if n++; n == 5 {
				break
			}
		}
	}
	// goleak in TestMain is the strict check over the whole binary. Here,
	// goroutines of earlier tests may still be exiting, so allow them a
	// moment; the streams' own goroutines have already returned.
	deadline := time.Now().Add(2 * time.Second)
	for runtime.NumGoroutine() > before {
		if time.Now().After(deadline) {
			t.Fatalf("goroutines: %d before, %d after early stops", before, runtime.NumGoroutine())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestTelemetry(t *testing.T) {
	spans := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(spans))
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	p := Then(New("traced", double, WithTracerProvider(tp), WithMeterProvider(mp)), failAt(6))
	p.Run(context.Background(), 1)
	p.Run(context.Background(), 3)
	collect(p.Stream(context.Background(), ints(10)))

	ended := spans.Ended()
	byName := map[string]int{}
	for _, s := range ended {
		byName[s.Name()]++
	}
	if byName["traced"] != 3 || byName["double"] != 3 || byName["fail-at-6"] != 3 {
		t.Fatalf("spans by name = %v; want 3 runs and 3 spans per stage", byName)
	}
	var failedRun bool
	for _, s := range ended {
		attrs := attribute.NewSet(s.Attributes()...)
		if s.Name() == "traced" {
			if v, _ := attrs.Value("loom.pipeline"); v.AsString() != "traced" {
				t.Errorf("run span without loom.pipeline: %v", s.Attributes())
			}
			if v, _ := attrs.Value("loom.status"); v.AsString() == "failed" {
				failedRun = true
				if s.Status().Code.String() != "Error" {
					t.Errorf("failed run span status = %v", s.Status())
				}
			}
		}
		if s.Name() == "double" && s.Parent().SpanID() == (s.SpanContext().SpanID()) {
			t.Errorf("stage span is its own parent")
		}
	}
	if !failedRun {
		t.Error("no run span with loom.status=failed")
	}

	var rm metricdata.ResourceMetrics
	if err := reader.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	got := map[string]int64{}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			switch d := m.Data.(type) {
			case metricdata.Sum[int64]:
				for _, dp := range d.DataPoints {
					st, _ := dp.Attributes.Value("loom.stage")
					dir, _ := dp.Attributes.Value("loom.direction")
					status, _ := dp.Attributes.Value("loom.status")
					got[m.Name+"/"+st.AsString()+"/"+dir.AsString()+status.AsString()] += dp.Value
				}
			case metricdata.Histogram[float64]:
				for _, dp := range d.DataPoints {
					st, _ := dp.Attributes.Value("loom.stage")
					got[m.Name+"/"+st.AsString()] += int64(dp.Count)
				}
			}
		}
	}
	want := map[string]int64{
		"loom.pipeline.runs//ok":           1,
		"loom.pipeline.runs//failed":       2,
		"loom.stage.items/double/in":       12, // 1 + 1 + 10
		"loom.stage.items/fail-at-6/in":    6,  // 1 + 1 + items 0..3 of the stream (double: 0 2 4 6)
		"loom.stage.errors/fail-at-6/":     2,
		"loom.stage.duration/double":       3,
		"loom.pipeline.duration/":          3,
		"loom.stage.items/fail-at-6/out":   4,
		"loom.stage.items/double/out":      12,
		"loom.stage.errors/double/":        0,
		"loom.stage.duration/fail-at-6":    3,
		"loom.pipeline.runs//cancelled":    0,
		"loom.pipeline.runs//stopped":      0,
		"loom.stage.items/missing/nothing": 0,
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("metric %s = %d; want %d", k, got[k], v)
		}
	}
}
