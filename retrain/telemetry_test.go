package retrain_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/loomml/loom/retrain"
)

func TestTelemetry(t *testing.T) {
	spans := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(spans))
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	clock := retrain.NewManualClock(epoch)
	reg := openReg(t, testDir(t), clock)
	w := &world{}
	w.set(accounts(600, 1, 0, false))
	o := testOptions(clock)
	o.TracerProvider, o.MeterProvider = tp, mp
	l := retrain.New(reg, accountSpec(), w.fetch(), o)
	l.Trigger(retrain.Trigger{})
	l.Trigger(retrain.Trigger{Kind: retrain.KindDrift}) // coalesced
	step(t, l)
	w.set(accounts(1000, 4, 1, false))
	l.Trigger(retrain.Trigger{Kind: retrain.KindData})
	if r := only(t, step(t, l)); r.Outcome != retrain.OutcomePromoted {
		t.Fatalf("second run %+v", r)
	}
	l.Breach(0, retrain.KindPerformance, "live drop")
	step(t, l)

	var names []string
	var runOutcomes []string
	for _, s := range spans.Ended() {
		names = append(names, s.Name())
		if s.Name() == "loom.retrain run" {
			set := attribute.NewSet(s.Attributes()...)
			v, _ := set.Value("loom.retrain.outcome")
			runOutcomes = append(runOutcomes, v.AsString())
		}
	}
	for _, want := range []string{"loom.retrain run", "loom.retrain fetch", "loom.retrain validate", "loom.retrain fit", "loom.retrain evaluate", "loom.retrain register", "loom.retrain rollback"} {
		if !slices.Contains(names, want) {
			t.Errorf("no span %q in %v", want, names)
		}
	}
	if !slices.Equal(runOutcomes, []string{"promoted", "promoted"}) {
		t.Errorf("run span outcomes %v", runOutcomes)
	}

	var rm metricdata.ResourceMetrics
	if err := reader.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	key := func(name string, set *attribute.Set, keys ...attribute.Key) string {
		k := name
		for _, a := range keys {
			v, _ := set.Value(a)
			k += "/" + v.String()
		}
		return k
	}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			switch d := m.Data.(type) {
			case metricdata.Sum[int64]:
				for _, dp := range d.DataPoints {
					got[key(m.Name, &dp.Attributes, "loom.retrain.trigger", "loom.retrain.outcome")] = fmt.Sprint(dp.Value)
				}
			case metricdata.Histogram[float64]:
				for _, dp := range d.DataPoints {
					got[key(m.Name, &dp.Attributes, "loom.retrain.step", "loom.retrain.outcome")] = fmt.Sprint(dp.Count)
				}
			}
		}
	}
	for k, want := range map[string]string{
		"loom.retrain.runs/manual/promoted":         "1",
		"loom.retrain.runs/data/promoted":           "1",
		"loom.retrain.runs/performance/rolled-back": "1",
		"loom.retrain.rollbacks//":                  "1",
		"loom.retrain.coalesced/drift/":             "1",
		"loom.retrain.step/fit/":                    "2",
		"loom.retrain.duration//promoted":           "2",
	} {
		if got[k] != want {
			t.Errorf("metric %s = %q; want %s (all: %v)", k, got[k], want, got)
		}
	}
}
