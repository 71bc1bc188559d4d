package drift

import (
	"bytes"
	"strconv"
	"strings"
	"testing"

	"go.opentelemetry.io/otel/metric/noop"
)

// TestMonitorCarriesPerformance: a Monitor given a PerformanceMonitor puts
// its last window into every report (window and on demand), in JSON and in
// the HTML page.
func TestMonitorCarriesPerformance(t *testing.T) {
	clk := newPerfClock()
	perf, err := NewPerformanceMonitor(&PerformanceOptions{
		Name: "churn", Metric: Accuracy, Reference: 0.9, MaxDegradation: 0.1, Window: 4,
		Now: clk.Now, MeterProvider: noop.NewMeterProvider(),
	})
	if err != nil {
		t.Fatal(err)
	}
	var reports []*Report
	m, err := NewMonitor(wideProfile(3000, 1), wideColumns(), &MonitorOptions{
		Window: Window{Rows: 500}, Performance: perf, Now: clk.Now, MeterProvider: noop.NewMeterProvider(),
		OnReport: func(_ WindowInfo, r *Report) { reports = append(reports, r) },
	})
	if err != nil {
		t.Fatal(err)
	}

	rep, err := m.Evaluate()
	if err != nil {
		t.Fatal(err)
	}
	if rep.Performance != nil {
		t.Fatalf("before any joined window, Performance = %+v; want nil", rep.Performance)
	}

	for i := range 4 { // one window of labels: 1 of 4 correct
		id := "r" + strconv.Itoa(i)
		if err := perf.Predict(id, 0.9); err != nil {
			t.Fatal(err)
		}
		label := 0.0
		if i == 0 {
			label = 1
		}
		if err := perf.Label(id, label); err != nil {
			t.Fatal(err)
		}
	}
	for _, r := range wideRows(500, 2, 0) {
		m.Observe(&r)
	}
	if len(reports) != 1 {
		t.Fatalf("%d window reports; want 1", len(reports))
	}
	if p := reports[0].Performance; p == nil || p != perf.Last() || p.Value != 0.25 || !p.Drifted {
		t.Fatalf("window report Performance = %+v; want the last window, accuracy 0.25, drifted", p)
	}
	rep, err = m.Evaluate()
	if err != nil {
		t.Fatal(err)
	}
	if rep.Performance != perf.Last() {
		t.Errorf("Evaluate's Performance = %+v; want the last window", rep.Performance)
	}

	var js bytes.Buffer
	if err := rep.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(js.String(), `"performance": {`) || !strings.Contains(js.String(), `"metric": "accuracy"`) {
		t.Errorf("JSON lacks the performance section:\n%s", js.String())
	}
	// drift/drifthtml tests the HTML form of the performance section.
}
