package serve

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"go.opentelemetry.io/otel"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"
	"golang.org/x/sync/errgroup"
)

// TestSpansOnlyWithAProvider: no span is started while the tracer
// provider is OpenTelemetry's default one (nothing installed) or the no-op
// one; a real provider gets its spans, and so does the default one once
// the global provider has been replaced.
func TestSpansOnlyWithAProvider(t *testing.T) {
	if !isDefaultTracerProvider(otel.GetTracerProvider()) {
		t.Skip("a global tracer provider is installed")
	}
	spans := tracetest.NewSpanRecorder()
	sdk := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(spans))
	replaced := newTelemetry(nil, nil)
	replaced.defaultTP = sdk // as if otel.SetTracerProvider had installed another provider since
	for _, tc := range []struct {
		name string
		tel  *telemetry
		want bool
	}{
		{"default global provider", newTelemetry(nil, nil), false},
		{"no-op provider", newTelemetry(noop.NewTracerProvider(), nil), false},
		{"SDK provider", newTelemetry(sdk, nil), true},
		{"default global provider, replaced since", replaced, true},
	} {
		ctx, span := tc.tel.start(context.Background(), "loom.serve predict")
		if got := span != nil; got != tc.want {
			t.Errorf("%s: started a span = %v; want %v", tc.name, got, tc.want)
		}
		if span == nil && ctx != context.Background() {
			t.Errorf("%s: the context changed without a span", tc.name)
		}
		tc.tel.request(ctx, span, "predict", servedBy{route: "champion", model: "m", version: 1}, 200, time.Millisecond)
		if span != nil {
			span.End()
		}
	}
	if n := len(spans.Ended()); n != 1 {
		t.Errorf("the SDK recorded %d spans; want 1", n)
	}
	if isDefaultTracerProvider(sdk) || isDefaultTracerProvider(noop.NewTracerProvider()) {
		t.Error("isDefaultTracerProvider is true for another provider")
	}
}

// requestCounts collects loom.serve.requests by status ("overflow" for
// the overflow series) and loom.serve.inflight.
func requestCounts(t *testing.T, reader sdkmetric.Reader) (map[string]int64, []int64) {
	t.Helper()
	var rm metricdata.ResourceMetrics
	if err := reader.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	counts := map[string]int64{}
	var inflight []int64
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			d, ok := m.Data.(metricdata.Sum[int64])
			if !ok {
				continue
			}
			for _, dp := range d.DataPoints {
				switch m.Name {
				case "loom.serve.inflight":
					inflight = append(inflight, dp.Value)
				case "loom.serve.requests":
					key := "overflow"
					if st, ok := dp.Attributes.Value(attrStatus); ok {
						key = st.String()
					} else if v, _ := dp.Attributes.Value(attrOverflow); !v.AsBool() {
						t.Errorf("a request count without status nor overflow: %v", dp.Attributes)
					}
					counts[key] += dp.Value
				}
			}
		}
	}
	return counts, inflight
}

// TestRequestCounts: the observable request counter reports each
// combination's cumulative count, the requests past the bound on
// combinations (lowered here) under otel.metric.overflow, and the requests in flight;
// Close stops the reporting.
func TestRequestCounts(t *testing.T) {
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	h := NewHandler[customer](newTestScorer(t, 1), &Options[customer]{MeterProvider: mp})
	const maxSets = 16
	h.tel.maxSets = maxSets
	for range 3 {
		post(t, h, "/predict", goodInstance)
	}
	post(t, h, "/predict", `{"age": "x"}`)
	counts, inflight := requestCounts(t, reader)
	if counts["200"] != 3 || counts["400"] != 1 || len(inflight) != 1 || inflight[0] != 0 {
		t.Fatalf("requests %v, in flight %v; want 3 with 200, 1 with 400, 0 in flight", counts, inflight)
	}
	// Fill the table with other combinations; past it requests overflow.
	tel := h.tel
	tel.inflight.Add(2)
	for i := len(tel.sets); i < maxSets+5; i++ {
		tel.request(context.Background(), nil, "predict", servedBy{route: "champion", model: "other", version: i}, http.StatusOK, time.Millisecond)
	}
	counts, inflight = requestCounts(t, reader)
	if want := int64(maxSets - 2 + 3); counts["200"] != want || counts["overflow"] != 5 || inflight[0] != 2 {
		t.Fatalf("after filling: 200 = %d (want %d), overflow = %d (want 5), in flight %v (want 2)", counts["200"], want, counts["overflow"], inflight)
	}
	// A combination counted apart still is.
	post(t, h, "/predict", goodInstance)
	if counts, _ = requestCounts(t, reader); counts["overflow"] != 5 {
		t.Fatalf("overflow = %d after a known combination; want 5", counts["overflow"])
	}
	h.Close()
	if counts, inflight = requestCounts(t, reader); len(counts) != 0 || len(inflight) != 0 {
		t.Fatalf("after Close: requests %v, in flight %v; want none", counts, inflight)
	}
}

// latencyCounts collects reader and returns the count and sum of
// loom.serve.duration by status.
func latencyCounts(t *testing.T, reader sdkmetric.Reader) (map[string]uint64, map[string]float64) {
	t.Helper()
	var rm metricdata.ResourceMetrics
	if err := reader.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	counts, sums := map[string]uint64{}, map[string]float64{}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			d, ok := m.Data.(metricdata.Histogram[float64])
			if !ok || m.Name != "loom.serve.duration" {
				continue
			}
			for _, dp := range d.DataPoints {
				st, _ := dp.Attributes.Value(attrStatus)
				counts[st.String()] += dp.Count
				sums[st.String()] += dp.Sum
			}
		}
	}
	return counts, sums
}

// TestLatencyHistogram: every request's latency is in the histogram a
// collection reads, whether its batch is full or not, after Close too; a
// request whose span context is sampled is recorded at once (with its
// context, for exemplars), the others wait for their batch.
func TestLatencyHistogram(t *testing.T) {
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	h := NewHandler[customer](newTestScorer(t, 1), &Options[customer]{MeterProvider: mp})
	for range 5 {
		post(t, h, "/predict", goodInstance)
	}
	post(t, h, "/predict", `{"age": "x"}`)
	counts, sums := latencyCounts(t, reader)
	if counts["200"] != 5 || counts["400"] != 1 || sums["200"] <= 0 {
		t.Fatalf("latencies %v (sums %v); want 5 with 200 and 1 with 400", counts, sums)
	}
	for range latencyBatch + 3 {
		post(t, h, "/predict", goodInstance)
	}
	if counts, _ = latencyCounts(t, reader); counts["200"] != 5+latencyBatch+3 {
		t.Fatalf("%d latencies with 200 after %d more requests; want %d", counts["200"], latencyBatch+3, 5+latencyBatch+3)
	}

	by := servedBy{route: "champion", model: "m", version: 7}
	o := h.tel.opts(attrKey{endpoint: "predict", route: by.route, model: by.model, version: by.version, status: http.StatusOK})
	h.tel.request(context.Background(), nil, "predict", by, http.StatusOK, time.Millisecond)
	if len(o.pending) != 1 {
		t.Fatalf("%d latencies waiting after an unsampled request; want 1", len(o.pending))
	}
	sampled := trace.ContextWithSpanContext(context.Background(), trace.NewSpanContext(trace.SpanContextConfig{
		TraceID: trace.TraceID{1}, SpanID: trace.SpanID{1}, TraceFlags: trace.FlagsSampled}))
	h.tel.request(sampled, nil, "predict", by, http.StatusOK, time.Millisecond)
	if len(o.pending) != 1 {
		t.Fatalf("%d latencies waiting after a sampled request; want it recorded at once", len(o.pending))
	}

	post(t, h, "/predict", goodInstance)
	h.Close()
	if counts, _ = latencyCounts(t, reader); counts["200"] != 5+latencyBatch+3+1+2 {
		t.Fatalf("%d latencies with 200 after Close; want %d", counts["200"], 5+latencyBatch+3+1+2)
	}
}

// TestLatencyHistogramConcurrent: requests on several goroutines while
// the meter collects lose no latency and record none twice.
func TestLatencyHistogramConcurrent(t *testing.T) {
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	h := NewHandler[customer](newTestScorer(t, 1), &Options[customer]{MeterProvider: mp})
	const workers, each = 4, 3*latencyBatch + 5
	var requests errgroup.Group
	for range workers {
		requests.Go(func() error {
			for range each {
				if w := post(t, h, "/predict", goodInstance); w.Code != http.StatusOK {
					return fmt.Errorf("status %d", w.Code)
				}
			}
			return nil
		})
	}
	done := make(chan struct{})
	var collector errgroup.Group
	collector.Go(func() error {
		for {
			select {
			case <-done:
				return nil
			default:
			}
			var rm metricdata.ResourceMetrics
			if err := reader.Collect(context.Background(), &rm); err != nil {
				return err
			}
		}
	})
	err := requests.Wait()
	close(done)
	if cerr := collector.Wait(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
	if counts, _ := latencyCounts(t, reader); counts["200"] != workers*each {
		t.Fatalf("%d latencies; want %d", counts["200"], workers*each)
	}
}
