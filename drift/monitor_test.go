package drift

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"math"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"go.opentelemetry.io/otel/metric/noop"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
)

func TestMonitorConfigErrors(t *testing.T) {
	ref := wideProfile(500, 1)
	type row struct{ x float64 }
	tests := []struct {
		name string
		cols []Column[row]
		opts *MonitorOptions
		want error
	}{
		{"unknown column", []Column[row]{Float("nope", func(r *row) (float64, bool) { return r.x, true })}, nil, ErrUnknownColumn},
		{"kind mismatch", []Column[row]{String("x00", func(r *row) (string, bool) { return "", true })}, nil, ErrKindMismatch},
		{"unknown method", []Column[row]{Float("x00", func(r *row) (float64, bool) { return r.x, true })},
			&MonitorOptions{Compare: &CompareOptions{Methods: map[string]Method{"x00": "magic"}}}, ErrUnknownMethod},
	}
	for _, tt := range tests {
		_, err := NewMonitor(ref, tt.cols, tt.opts)
		var ce *ColumnError
		if !errors.Is(err, tt.want) || !errors.As(err, &ce) {
			t.Errorf("%s: err = %v; want %v in a *ColumnError", tt.name, err, tt.want)
		}
	}
	for _, w := range []Window{{Rows: 10, Duration: time.Second}, {Rows: 10, Panes: 3}, {Rows: -1}, {Duration: time.Second, Panes: -1}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("window %+v did not panic", w)
				}
			}()
			NewMonitor(ref, wideColumns(), &MonitorOptions{Window: w})
		}()
	}
}

// collectReports returns options that append every report to *got.
func collectReports(got *[]*Report, infos *[]WindowInfo) *MonitorOptions {
	var mu sync.Mutex
	return &MonitorOptions{MeterProvider: noop.NewMeterProvider(), OnReport: func(w WindowInfo, r *Report) {
		mu.Lock()
		defer mu.Unlock()
		*got = append(*got, r)
		*infos = append(*infos, w)
	}}
}

func TestMonitorTumblingAndSliding(t *testing.T) {
	ref := wideProfile(3000, 1)
	stable, shifted := wideRows(1000, 2, 0), wideRows(1000, 3, 1)
	tests := []struct {
		name        string
		window      Window
		wantRows    []uint64
		wantDrifted []bool
	}{
		{"tumbling", Window{Rows: 500}, []uint64{500, 500, 500, 500}, []bool{false, false, true, true}},
		{"sliding", Window{Rows: 1000, Panes: 2}, []uint64{500, 1000, 1000, 1000}, []bool{false, false, true, true}},
	}
	for _, tt := range tests {
		var reps []*Report
		var infos []WindowInfo
		o := collectReports(&reps, &infos)
		o.Window = tt.window
		o.Shards = 3
		m, err := NewMonitor(ref, wideColumns(), o)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range stable {
			m.Observe(&r)
		}
		for _, r := range shifted {
			m.Observe(&r)
		}
		if len(reps) != 4 {
			t.Fatalf("%s: %d windows; want 4", tt.name, len(reps))
		}
		for i, r := range reps {
			if infos[i].Rows != tt.wantRows[i] || infos[i].Seq != uint64(i+1) {
				t.Errorf("%s window %d: %+v; want %d rows", tt.name, i, infos[i], tt.wantRows[i])
			}
			if r.DatasetDrift != tt.wantDrifted[i] {
				t.Errorf("%s window %d: dataset drift %v (share %.2f); want %v", tt.name, i, r.DatasetDrift, r.Share, tt.wantDrifted[i])
			}
		}
		// The sliding window's third evaluation mixes both halves: x00 drifts.
		if tt.name == "sliding" && !reps[2].Column("x00").Drifted {
			t.Errorf("sliding window 3: x00 not drifted")
		}
	}
}

type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

func TestMonitorTimeWindowAlertsCooldown(t *testing.T) {
	ref := wideProfile(3000, 1)
	clk := &fakeClock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	var alerts []Alert
	var retrains int
	m, err := NewMonitor(ref, wideColumns(), &MonitorOptions{
		Window:        Window{Duration: time.Minute},
		Now:           clk.Now,
		Cooldown:      5 * time.Minute,
		MeterProvider: noop.NewMeterProvider(),
		OnAlert:       func(a Alert) { alerts = append(alerts, a) },
		Retrain:       func(*Report) { retrains++ },
	})
	if err != nil {
		t.Fatal(err)
	}
	rows := wideRows(300, 4, 2)
	for w := range 3 { // three drifted one-minute windows
		for _, r := range rows[w*100 : w*100+100] {
			m.Observe(&r)
		}
		clk.advance(time.Minute)
		m.Tick()
	}
	colAlerts := map[string]int{}
	dataset := 0
	for _, a := range alerts {
		switch a.Kind {
		case AlertColumn:
			if a.Column[0] != 'x' {
				continue // categorical columns may flag by chance on 100 rows
			}
			colAlerts[a.Column]++
			if a.Score < a.Threshold || a.Window.Rows != 100 {
				t.Errorf("alert %+v: score below threshold or wrong window", a)
			}
		case AlertDataset:
			dataset++
		}
	}
	if colAlerts["x00"] != 1 || len(colAlerts) != 20 || dataset != 1 || retrains != 1 {
		t.Errorf("alerts per column %v, dataset %d, retrains %d; want 1 per numeric column (cooldown), 1, 1", colAlerts, dataset, retrains)
	}
	clk.advance(5 * time.Minute)
	for _, r := range rows[:100] {
		m.Observe(&r)
	}
	clk.advance(time.Minute)
	m.Tick()
	if colAlerts2 := countNumeric(alerts); colAlerts2 != 40 {
		t.Errorf("after the cooldown: %d column alerts; want 40", colAlerts2)
	}
}

func countNumeric(as []Alert) int {
	n := 0
	for _, a := range as {
		if a.Kind == AlertColumn && a.Column[0] == 'x' {
			n++
		}
	}
	return n
}

func TestMonitorMissingAndBadValues(t *testing.T) {
	type row struct {
		x *float64
		c string
	}
	refRows := make([]row, 2000)
	for i := range refRows {
		x := float64(i % 50)
		refRows[i] = row{x: &x, c: []string{"a", "b"}[i%2]}
	}
	ref := BuildProfile(refRows, []Column[row]{FloatPtr("x", func(r *row) *float64 { return r.x }), String("c", func(r *row) (string, bool) { return r.c, r.c != "" })}, nil)
	cols := []Column[row]{FloatPtr("x", func(r *row) *float64 { return r.x }), String("c", func(r *row) (string, bool) { return r.c, r.c != "" })}
	var reps []*Report
	var infos []WindowInfo
	o := collectReports(&reps, &infos)
	o.Window = Window{Rows: 400}
	m, err := NewMonitor(ref, cols, o)
	if err != nil {
		t.Fatal(err)
	}
	// Empty window on demand: not enough data, no drift.
	rep, err := m.Evaluate()
	if err != nil {
		t.Fatal(err)
	}
	if rep.DatasetDrift || rep.Tested != 0 || rep.Column("x").Status != StatusNotEnoughData {
		t.Errorf("empty window: %+v", rep)
	}
	nan, inf := math.NaN(), math.Inf(1)
	for i := range 400 {
		x := float64(i % 50)
		switch i % 4 {
		case 0:
			x = nan
		case 1:
			x = inf
		}
		m.Observe(&row{x: &x, c: []string{"a", "b"}[i%2]})
	}
	r := reps[0].Column("x")
	if r.CurCount != 200 || math.Abs(r.CurMissingShare-0.5) > 1e-12 || !r.MissingDrifted || math.IsNaN(r.Score) {
		t.Errorf("NaN/Inf as missing: %+v", r)
	}
	if err := m.ObserveValues(map[string]float64{"x": 1}, map[string]string{"c": "a"}); err != nil {
		t.Errorf("ObserveValues: %v", err)
	}
	if err := m.ObserveValues(map[string]float64{"y": 1}, nil); !errors.Is(err, ErrUnknownColumn) {
		t.Errorf("ObserveValues(unknown) = %v", err)
	}
	if err := m.ObserveValues(nil, map[string]string{"x": "a"}); !errors.Is(err, ErrKindMismatch) {
		t.Errorf("ObserveValues(wrong kind) = %v", err)
	}
}

func TestMonitorConcurrent(t *testing.T) {
	ref := wideProfile(2000, 1)
	var mu sync.Mutex
	var rows uint64
	m, err := NewMonitor(ref, wideColumns(), &MonitorOptions{
		Window: Window{Rows: 1000, Panes: 2}, MeterProvider: noop.NewMeterProvider(), Shards: 2,
		OnReport: func(w WindowInfo, _ *Report) { mu.Lock(); rows += w.Rows; mu.Unlock() },
	})
	if err != nil {
		t.Fatal(err)
	}
	data := wideRows(500, 7, 0)
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 1500 {
				m.Observe(&data[(i+g)%len(data)])
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for range 20 {
			if _, err := m.Evaluate(); err != nil {
				t.Error(err)
			}
		}
	}()
	wg.Wait()
	rep, err := m.Evaluate()
	if err != nil {
		t.Fatal(err)
	}
	if rep.Column("x00").CurCount == 0 && rows == 0 {
		t.Errorf("nothing observed")
	}
}

func TestMonitorMetrics(t *testing.T) {
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	m, err := NewMonitor(wideProfile(3000, 1), wideColumns(), &MonitorOptions{Window: Window{Rows: 200}, MeterProvider: mp})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range wideRows(400, 8, 1) {
		m.Observe(&r)
	}
	var rm metricdata.ResourceMetrics
	if err := reader.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	found := map[string]bool{}
	for _, sm := range rm.ScopeMetrics {
		for _, md := range sm.Metrics {
			found[md.Name] = true
			switch d := md.Data.(type) {
			case metricdata.Sum[int64]:
				if md.Name == MetricWindows && d.DataPoints[0].Value != 2 {
					t.Errorf("%s = %d; want 2", md.Name, d.DataPoints[0].Value)
				}
				if md.Name == MetricDrifted && len(d.DataPoints) != 20 {
					t.Errorf("%s has %d columns; want 20", md.Name, len(d.DataPoints))
				}
			case metricdata.Gauge[float64]:
				if md.Name == MetricScore && len(d.DataPoints) != 25 {
					t.Errorf("%s has %d points; want 25", md.Name, len(d.DataPoints))
				}
			}
		}
	}
	for _, name := range []string{MetricScore, MetricSeverity, MetricDrifted, MetricShare, MetricDataset, MetricWindows} {
		if !found[name] {
			t.Errorf("metric %s not recorded", name)
		}
	}
}

func TestObserveAllocs(t *testing.T) {
	m, err := NewMonitor(wideProfile(2000, 1), wideColumns(), &MonitorOptions{Window: Window{Rows: 1 << 30}, MeterProvider: noop.NewMeterProvider()})
	if err != nil {
		t.Fatal(err)
	}
	rows := wideRows(64, 3, 0)
	for _, r := range slices.Repeat(rows, 100) { // warm up the sketch levels
		m.Observe(&r)
	}
	i := 0
	if a := testing.AllocsPerRun(1000, func() { m.Observe(&rows[i%64]); i++ }); a != 0 {
		t.Errorf("Observe allocates %v times per row", a)
	}
}

// TestMonitorDeterministic feeds the same rows from one goroutine to
// monitors with different shard counts: windows larger than the sketches'
// k (so that the sketches compact) give identical reports.
func TestMonitorDeterministic(t *testing.T) {
	ref := wideProfile(3000, 1)
	rows := wideRows(6000, 5, 0.05)
	run := func(shards, panes int) []byte {
		var got []*Report
		var infos []WindowInfo
		o := collectReports(&got, &infos)
		o.Shards, o.Window = shards, Window{Rows: 3000, Panes: panes}
		m, err := NewMonitor(ref, wideColumns(), o)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			m.Observe(&r)
		}
		if len(got) == 0 || !got[len(got)-1].Column("x00").Approx {
			t.Fatalf("shards=%d panes=%d: %d reports, want compacted sketches", shards, panes, len(got))
		}
		b, err := json.Marshal(got)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	for _, panes := range []int{1, 3} {
		want := run(1, panes)
		for _, shards := range []int{1, 2, 5} {
			if got := run(shards, panes); !bytes.Equal(got, want) {
				t.Errorf("panes=%d: reports with %d shards differ from 1 shard", panes, shards)
			}
		}
	}
}

// TestObserveAllocsAcrossWindows checks the steady state across window
// closes: once the sketch levels and the monitor's scratch have their
// sizes, rows allocate nothing and each window close allocates only its
// report (the Compare result), a bounded amount whatever the window size.
func TestObserveAllocsAcrossWindows(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are not meaningful under -race")
	}
	const window = 30_000
	m, err := NewMonitor(wideProfile(2000, 1), wideColumns(), &MonitorOptions{Window: Window{Rows: window}, MeterProvider: noop.NewMeterProvider()})
	if err != nil {
		t.Fatal(err)
	}
	rows := wideRows(4096, 3, 0)
	i := 0
	observe := func(n int) {
		for range n {
			m.Observe(&rows[i&4095])
			i++
		}
	}
	observe(8 * window) // warm up
	if a := testing.AllocsPerRun(1000, func() { observe(1) }); a != 0 {
		t.Errorf("Observe allocates %v times per row within a window", a)
	}
	observe(window - 1001) // to the start of a window
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	observe(4 * window)
	runtime.ReadMemStats(&after)
	allocs := float64(after.Mallocs-before.Mallocs) / 4
	bytes := float64(after.TotalAlloc-before.TotalAlloc) / 4
	t.Logf("per window of %d rows: %.0f allocations, %.0f bytes", window, allocs, bytes)
	if allocs > 2000 || bytes > 128<<10 {
		t.Errorf("a window of %d rows allocates %.0f times, %.0f bytes; want at most 2,000 and 128 KiB (the report)", window, allocs, bytes)
	}
}
