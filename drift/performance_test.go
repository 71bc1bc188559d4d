package drift

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.opentelemetry.io/otel/metric/noop"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
)

// perfClock is a settable clock for PerformanceOptions.Now.
type perfClock struct {
	mu sync.Mutex
	t  time.Time
}

func newPerfClock() *perfClock {
	return &perfClock{t: time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)}
}

func (c *perfClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *perfClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func pairsOf(scores, labels []float64, classes []int64) []joinedPair {
	ps := make([]joinedPair, len(scores))
	for i := range ps {
		ps[i] = joinedPair{score: scores[i], label: labels[i]}
		if classes != nil {
			ps[i].class = classes[i]
		}
	}
	return ps
}

// TestPerformanceMetricValues checks the kernels against known values
// (the scikit-learn documentation's examples and hand computations).
func TestPerformanceMetricValues(t *testing.T) {
	tests := []struct {
		name    string
		m       PerformanceMetric
		scores  []float64
		labels  []float64
		classes []int64
		want    float64 // NaN: undefined
	}{
		{"accuracy", Accuracy, []float64{0, 0, 0, 0}, []float64{1, 1, 1, 0}, []int64{1, 0, 1, 1}, 0.5},
		{"accuracy multi-class", Accuracy, []float64{0, 0, 0}, []float64{2, 1, 0}, []int64{2, 1, 1}, 2.0 / 3},
		{"roc_auc sklearn example", ROCAUC, []float64{0.1, 0.4, 0.35, 0.8}, []float64{0, 0, 1, 1}, nil, 0.75},
		{"roc_auc all tied", ROCAUC, []float64{0.5, 0.5, 0.5, 0.5}, []float64{0, 1, 0, 1}, nil, 0.5},
		{"roc_auc partial tie", ROCAUC, []float64{0.2, 0.2, 0.9}, []float64{0, 1, 1}, nil, 0.75},
		{"roc_auc perfect", ROCAUC, []float64{0.9, 0.1, 0.8, 0.3}, []float64{1, 0, 1, 0}, nil, 1},
		{"roc_auc reversed", ROCAUC, []float64{0.1, 0.9}, []float64{1, 0}, nil, 0},
		{"roc_auc one class", ROCAUC, []float64{0.1, 0.9}, []float64{1, 1}, nil, math.NaN()},
		{"log_loss sklearn example", LogLoss, []float64{0.9, 0.1, 0.2, 0.65}, []float64{1, 0, 0, 1}, nil, 0.21616187468057912},
		{"log_loss clipped", LogLoss, []float64{0, 1}, []float64{1, 1}, nil, -math.Log(1e-15) / 2},
		{"mae sklearn example", MAE, []float64{2.5, 0, 2, 8}, []float64{3, -0.5, 2, 7}, nil, 0.5},
		{"rmse sklearn example", RMSE, []float64{2.5, 0, 2, 8}, []float64{3, -0.5, 2, 7}, nil, math.Sqrt(0.375)},
		{"empty", MAE, nil, nil, nil, math.NaN()},
	}
	for _, tt := range tests {
		got := tt.m.compute(pairsOf(tt.scores, tt.labels, tt.classes))
		if math.IsNaN(tt.want) != math.IsNaN(got) || (!math.IsNaN(got) && !near(got, tt.want, 1e-12)) {
			t.Errorf("%s: %s = %v; want %v", tt.name, tt.m, got, tt.want)
		}
	}
}

// perfOp is one step of a join script.
type perfOp struct {
	op      string // "p" predict, "c" predict class, "l" label, "wait"
	id      string
	v       float64
	wait    time.Duration
	wantErr error
}

func TestPerformanceJoin(t *testing.T) {
	const maxWait = time.Minute
	tests := []struct {
		name       string
		metric     PerformanceMetric
		maxPending int
		ops        []perfOp
		want       PerformanceStats
		wantValue  float64 // of the joined pairs (Evaluate); NaN: none
	}{
		{name: "prediction then label", metric: MAE, ops: []perfOp{
			{op: "p", id: "a", v: 3}, {op: "wait", wait: 30 * time.Second}, {op: "l", id: "a", v: 1},
		}, want: PerformanceStats{Predictions: 1, Labels: 1, Joined: 1}, wantValue: 2},
		{name: "label before prediction is unmatched", metric: MAE, ops: []perfOp{
			{op: "l", id: "a", v: 1, wantErr: ErrNoPrediction}, {op: "p", id: "a", v: 3},
		}, want: PerformanceStats{Predictions: 1, Labels: 1, Pending: 1, Unmatched: 1}, wantValue: math.NaN()},
		{name: "duplicate prediction keeps the first", metric: MAE, ops: []perfOp{
			{op: "p", id: "a", v: 3}, {op: "p", id: "a", v: 10, wantErr: ErrDuplicateID}, {op: "l", id: "a", v: 1},
		}, want: PerformanceStats{Predictions: 1, Labels: 1, Joined: 1, Duplicates: 1}, wantValue: 2},
		{name: "an id may be reused once joined", metric: MAE, ops: []perfOp{
			{op: "p", id: "a", v: 3}, {op: "l", id: "a", v: 1}, {op: "p", id: "a", v: 5}, {op: "l", id: "a", v: 1},
		}, want: PerformanceStats{Predictions: 2, Labels: 2, Joined: 2}, wantValue: 3},
		{name: "duplicate label", metric: MAE, ops: []perfOp{
			{op: "p", id: "a", v: 3}, {op: "l", id: "a", v: 1}, {op: "l", id: "a", v: 2, wantErr: ErrNoPrediction},
		}, want: PerformanceStats{Predictions: 1, Labels: 2, Joined: 1, Unmatched: 1}, wantValue: 2},
		{name: "label for an unknown id", metric: MAE, ops: []perfOp{
			{op: "p", id: "a", v: 3}, {op: "l", id: "b", v: 1, wantErr: ErrNoPrediction},
		}, want: PerformanceStats{Predictions: 1, Labels: 1, Pending: 1, Unmatched: 1}, wantValue: math.NaN()},
		{name: "label at exactly MaxWait joins", metric: MAE, ops: []perfOp{
			{op: "p", id: "a", v: 3}, {op: "wait", wait: maxWait}, {op: "l", id: "a", v: 1},
		}, want: PerformanceStats{Predictions: 1, Labels: 1, Joined: 1}, wantValue: 2},
		{name: "label after MaxWait: expired and unmatched", metric: MAE, ops: []perfOp{
			{op: "p", id: "a", v: 3}, {op: "p", id: "b", v: 4}, {op: "wait", wait: maxWait + time.Nanosecond},
			{op: "p", id: "c", v: 6}, {op: "l", id: "a", v: 1, wantErr: ErrNoPrediction}, {op: "l", id: "c", v: 1},
		}, want: PerformanceStats{Predictions: 3, Labels: 2, Joined: 1, Expired: 2, Unmatched: 1}, wantValue: 5},
		{name: "full: the oldest are evicted", metric: MAE, maxPending: 3, ops: []perfOp{
			{op: "p", id: "a", v: 1}, {op: "p", id: "b", v: 1}, {op: "p", id: "c", v: 1}, {op: "p", id: "d", v: 1},
			{op: "p", id: "e", v: 7},
			{op: "l", id: "a", v: 0, wantErr: ErrNoPrediction}, {op: "l", id: "b", v: 0, wantErr: ErrNoPrediction},
			{op: "l", id: "e", v: 0},
		}, want: PerformanceStats{Predictions: 5, Labels: 3, Joined: 1, Pending: 2, Evicted: 2, Unmatched: 2}, wantValue: 7},
		{name: "a joined entry frees its place", metric: MAE, maxPending: 2, ops: []perfOp{
			{op: "p", id: "a", v: 1}, {op: "p", id: "b", v: 2}, {op: "l", id: "a", v: 0}, {op: "p", id: "c", v: 3},
			{op: "l", id: "b", v: 0},
		}, want: PerformanceStats{Predictions: 3, Labels: 2, Joined: 2, Pending: 1}, wantValue: 1.5},
		{name: "bad values", metric: ROCAUC, ops: []perfOp{
			{op: "p", id: "a", v: math.NaN(), wantErr: ErrBadValue}, {op: "p", id: "", v: 0.5, wantErr: ErrBadValue},
			{op: "p", id: "a", v: math.Inf(1), wantErr: ErrBadValue}, {op: "c", id: "a", v: 1, wantErr: ErrBadValue},
			{op: "p", id: "a", v: 0.7}, {op: "l", id: "a", v: 2, wantErr: ErrBadValue}, {op: "l", id: "a", v: 0.5, wantErr: ErrBadValue},
		}, want: PerformanceStats{Predictions: 1, Pending: 1, Invalid: 6}, wantValue: math.NaN()},
		{name: "log loss scores are probabilities", metric: LogLoss, ops: []perfOp{
			{op: "p", id: "a", v: 1.5, wantErr: ErrBadValue}, {op: "p", id: "a", v: -0.1, wantErr: ErrBadValue},
		}, want: PerformanceStats{Invalid: 2}, wantValue: math.NaN()},
		{name: "accuracy classes", metric: Accuracy, ops: []perfOp{
			{op: "c", id: "a", v: 2}, {op: "c", id: "b", v: 1}, {op: "p", id: "c", v: 0.7}, {op: "p", id: "d", v: 0.2},
			{op: "l", id: "a", v: 2}, {op: "l", id: "b", v: 0}, {op: "l", id: "c", v: 1}, {op: "l", id: "d", v: 1},
			{op: "l", id: "x", v: 1.5, wantErr: ErrBadValue},
		}, want: PerformanceStats{Predictions: 4, Labels: 4, Joined: 4, Invalid: 1}, wantValue: 0.5},
	}
	for _, tt := range tests {
		clk := newPerfClock()
		ref := 0.5
		if tt.metric == LogLoss || tt.metric == MAE {
			ref = 1
		}
		p, err := NewPerformanceMonitor(&PerformanceOptions{
			Metric: tt.metric, Reference: ref, Window: 1000, MaxWait: maxWait, MaxPending: tt.maxPending,
			Shards: 1, Now: clk.Now, MeterProvider: noop.NewMeterProvider(),
		})
		if err != nil {
			t.Fatal(err)
		}
		for i, op := range tt.ops {
			var err error
			switch op.op {
			case "p":
				err = p.Predict(op.id, op.v)
			case "c":
				err = p.PredictClass(op.id, int(op.v))
			case "l":
				err = p.Label(op.id, op.v)
			case "wait":
				clk.Advance(op.wait)
			}
			if !errors.Is(err, op.wantErr) || (err != nil && op.wantErr == nil) {
				t.Errorf("%s: step %d (%s %q %v): error %v; want %v", tt.name, i, op.op, op.id, op.v, err, op.wantErr)
			}
		}
		st := p.Stats()
		if st != tt.want {
			t.Errorf("%s: Stats = %+v; want %+v", tt.name, st, tt.want)
		}
		checkInvariants(t, tt.name, st)
		r := p.Evaluate()
		if math.IsNaN(tt.wantValue) {
			if r.Status != StatusNotEnoughData || !math.IsNaN(r.Value) || r.Drifted {
				t.Errorf("%s: Evaluate = %+v; want not enough data", tt.name, r)
			}
		} else if !near(r.Value, tt.wantValue, 1e-12) || r.Status != StatusOK {
			t.Errorf("%s: Evaluate value = %v (%s); want %v", tt.name, r.Value, r.Status, tt.wantValue)
		}
	}
}

func checkInvariants(t *testing.T, name string, st PerformanceStats) {
	t.Helper()
	if st.Predictions != st.Joined+st.Pending+st.Expired+st.Evicted {
		t.Errorf("%s: Predictions %d ≠ Joined + Pending + Expired + Evicted (%+v)", name, st.Predictions, st)
	}
	if st.Labels != st.Joined+st.Unmatched {
		t.Errorf("%s: Labels %d ≠ Joined + Unmatched (%+v)", name, st.Labels, st)
	}
}

// TestPerformanceExpiryOrder checks that expiry takes the oldest first
// and keeps the younger ones, with several shards.
func TestPerformanceExpiryOrder(t *testing.T) {
	clk := newPerfClock()
	p, err := NewPerformanceMonitor(&PerformanceOptions{Metric: MAE, Reference: 1, MaxWait: 10 * time.Second,
		Shards: 4, Now: clk.Now, MeterProvider: noop.NewMeterProvider()})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 100 {
		if err := p.Predict("id"+strconv.Itoa(i), 1); err != nil {
			t.Fatal(err)
		}
		clk.Advance(time.Second / 10) // 100 predictions over 10 s
	}
	clk.Advance(5500 * time.Millisecond) // at 15.5 s the first 55 are older than 10 s; the 56th is 10 s old
	st := p.Stats()
	if st.Expired != 55 || st.Pending != 45 {
		t.Fatalf("Stats = %+v; want 55 expired, 45 pending", st)
	}
	for i := range 100 {
		err := p.Label("id"+strconv.Itoa(i), 0)
		if want := i >= 55; (err == nil) != want {
			t.Errorf("Label(id%d) error %v; want joined %v", i, err, want)
		}
	}
}

func TestPerformanceBoundedWithShards(t *testing.T) {
	p, err := NewPerformanceMonitor(&PerformanceOptions{Metric: MAE, Reference: 1, MaxPending: 100, Shards: 3,
		MeterProvider: noop.NewMeterProvider()})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 1000 {
		if err := p.Predict("id"+strconv.Itoa(i), 1); err != nil {
			t.Fatal(err)
		}
	}
	st := p.Stats()
	if st.Pending != 100 || st.Evicted != 900 {
		t.Errorf("Stats = %+v; want 100 pending, 900 evicted", st)
	}
	total := 0
	for i := range p.shards {
		total += len(p.shards[i].ents)
		n := 0
		for _, k := range p.shards[i].idx.keys {
			if k != 0 {
				n++
			}
		}
		if uint64(n) != p.shards[i].stats.Pending {
			t.Errorf("shard %d: %d ids for %d pending", i, n, p.shards[i].stats.Pending)
		}
	}
	if total != 100 {
		t.Errorf("%d places in all; want MaxPending = 100", total)
	}
}

func TestPerformanceLimits(t *testing.T) {
	tests := []struct {
		name             string
		m                PerformanceMetric
		ref, abs, rel    float64
		wantLimit        float64
		value            float64 // of a window: drifted when worse than the limit
		wantDrift        bool
		scores, labels   []float64
		wantDegradation  float64
		checkDegradation bool
	}{
		{name: "default 10% relative, higher is better", m: Accuracy, ref: 0.9, wantLimit: 0.81},
		{name: "absolute", m: Accuracy, ref: 0.9, abs: 0.05, wantLimit: 0.85},
		{name: "tighter of the two", m: ROCAUC, ref: 0.8, abs: 0.1, rel: 0.05, wantLimit: 0.76},
		{name: "lower is better, relative", m: RMSE, ref: 2, rel: 0.25, wantLimit: 2.5},
		{name: "lower is better, absolute", m: MAE, ref: 2, abs: 0.3, wantLimit: 2.3},
		{name: "log loss", m: LogLoss, ref: 0.3, abs: 0.2, rel: 1, wantLimit: 0.5},
	}
	for _, tt := range tests {
		p, err := NewPerformanceMonitor(&PerformanceOptions{Metric: tt.m, Reference: tt.ref, MaxDegradation: tt.abs,
			MaxRelativeDegradation: tt.rel, MeterProvider: noop.NewMeterProvider()})
		if err != nil {
			t.Fatal(err)
		}
		if r := p.Evaluate(); !near(r.Limit, tt.wantLimit, 1e-12) {
			t.Errorf("%s: Limit = %v; want %v", tt.name, r.Limit, tt.wantLimit)
		}
	}
	// Verdicts on both sides of the limit.
	p, err := NewPerformanceMonitor(&PerformanceOptions{Metric: MAE, Reference: 1, MaxDegradation: 0.5,
		Shards: 1, MeterProvider: noop.NewMeterProvider()})
	if err != nil {
		t.Fatal(err)
	}
	for i, err := range []float64{1.5, 1.6} {
		id := strconv.Itoa(i)
		if err := p.Predict(id, err); err != nil {
			t.Fatal(err)
		}
		if err := p.Label(id, 0); err != nil {
			t.Fatal(err)
		}
		r := p.Evaluate() // MAE 1.5, then 1.55
		if want := i == 1; r.Drifted != want {
			t.Errorf("MAE %v with limit 1.5: Drifted = %v; want %v", r.Value, r.Drifted, want)
		}
		if !near(r.Degradation, r.Value-1, 1e-12) {
			t.Errorf("Degradation = %v; want %v", r.Degradation, r.Value-1)
		}
	}
}

func TestNewPerformanceMonitorErrors(t *testing.T) {
	tests := []struct {
		name string
		opts *PerformanceOptions
		want error
	}{
		{"nil options", nil, ErrUnknownMethod},
		{"no metric", &PerformanceOptions{Reference: 0.9}, ErrUnknownMethod},
		{"unknown metric", &PerformanceOptions{Metric: "f1", Reference: 0.9}, ErrUnknownMethod},
		{"accuracy above 1", &PerformanceOptions{Metric: Accuracy, Reference: 1.2}, ErrBadValue},
		{"negative mae", &PerformanceOptions{Metric: MAE, Reference: -1}, ErrBadValue},
		{"NaN reference", &PerformanceOptions{Metric: RMSE, Reference: math.NaN()}, ErrBadValue},
		{"infinite log loss", &PerformanceOptions{Metric: LogLoss, Reference: math.Inf(1)}, ErrBadValue},
	}
	for _, tt := range tests {
		if _, err := NewPerformanceMonitor(tt.opts); !errors.Is(err, tt.want) {
			t.Errorf("%s: error %v; want %v", tt.name, err, tt.want)
		}
	}
	for _, o := range []PerformanceOptions{
		{Metric: MAE, Window: -1}, {Metric: MAE, MaxWait: -time.Second}, {Metric: MAE, MaxPending: -1},
		{Metric: MAE, MaxDegradation: -0.1}, {Metric: MAE, MaxRelativeDegradation: math.NaN()},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("NewPerformanceMonitor(%+v) did not panic", o)
				}
			}()
			NewPerformanceMonitor(&o)
		}()
	}
}

// TestPerformanceAlerts runs windows of 4 joined pairs through the
// accuracy limit 0.8 with a cooldown of 10 minutes.
func TestPerformanceAlerts(t *testing.T) {
	clk := newPerfClock()
	var alerts []Alert
	var reports []*PerformanceResult
	retrains := 0
	p, err := NewPerformanceMonitor(&PerformanceOptions{
		Name: "churn", Metric: Accuracy, Reference: 0.9, MaxDegradation: 0.1, Window: 4, Cooldown: 10 * time.Minute,
		Now: clk.Now, MeterProvider: noop.NewMeterProvider(),
		OnAlert:  func(a Alert) { alerts = append(alerts, a) },
		OnReport: func(r *PerformanceResult) { reports = append(reports, r) },
		Retrain:  func(*PerformanceResult) { retrains++ },
	})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	window := func(correct int) {
		for i := range 4 {
			id := "r" + strconv.Itoa(n)
			n++
			if err := p.Predict(id, 0.9); err != nil { // class 1
				t.Fatal(err)
			}
			clk.Advance(time.Second)
			label := 0.0
			if i < correct {
				label = 1
			}
			if err := p.Label(id, label); err != nil {
				t.Fatal(err)
			}
		}
	}
	steps := []struct {
		correct    int
		wait       time.Duration
		wantAlerts int
		drifted    bool
	}{
		{4, 0, 0, false},
		{2, 0, 1, true},                // 0.5 < 0.8: alert
		{3, time.Minute, 1, true},      // 0.75 < 0.8 within the cooldown: no new alert
		{4, time.Minute, 1, false},     // recovered
		{1, 10 * time.Minute, 2, true}, // past the cooldown: alert again
	}
	for i, s := range steps {
		clk.Advance(s.wait)
		window(s.correct)
		if len(reports) != i+1 {
			t.Fatalf("window %d: %d reports; want %d", i+1, len(reports), i+1)
		}
		r := reports[i]
		if r.Drifted != s.drifted || r.Window.Seq != uint64(i+1) || r.Window.Rows != 4 {
			t.Errorf("window %d: drifted %v, seq %d, rows %d; want %v, %d, 4", i+1, r.Drifted, r.Window.Seq, r.Window.Rows, s.drifted, i+1)
		}
		if len(alerts) != s.wantAlerts {
			t.Errorf("window %d: %d alerts; want %d", i+1, len(alerts), s.wantAlerts)
		}
		if p.Last() != r {
			t.Errorf("window %d: Last is not the reported result", i+1)
		}
	}
	if retrains != 2 {
		t.Errorf("Retrain called %d times; want 2", retrains)
	}
	if len(alerts) < 2 {
		return
	}
	a := alerts[1]
	if a.Kind != AlertPerformance || a.Column != "churn" || a.Method != Method(Accuracy) || a.Score != 0.25 ||
		!near(a.Threshold, 0.8, 1e-12) || a.Window.Seq != 5 || !math.IsNaN(a.PValue) || !a.Time.Equal(clk.Now()) {
		t.Errorf("second alert = %+v; want accuracy 0.25 < 0.8 in window 5", a)
	}
}

func TestPerformanceMetrics(t *testing.T) {
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	clk := newPerfClock()
	p, err := NewPerformanceMonitor(&PerformanceOptions{Metric: MAE, Reference: 0.1, MaxDegradation: 0.1, Window: 2,
		MaxWait: time.Second, MaxPending: 10, Shards: 1, Now: clk.Now, MeterProvider: mp})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 13 { // 10 kept, 3 evicted
		_ = p.Predict("e"+strconv.Itoa(i), 1)
	}
	clk.Advance(2 * time.Second) // the 10 expire
	for i := range 4 {
		id := "j" + strconv.Itoa(i)
		_ = p.Predict(id, 1)
		if err := p.Label(id, 0); err != nil {
			t.Fatal(err)
		}
	}
	var rm metricdata.ResourceMetrics
	if err := reader.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, sm := range rm.ScopeMetrics {
		for _, md := range sm.Metrics {
			switch d := md.Data.(type) {
			case metricdata.Sum[int64]:
				for _, dp := range d.DataPoints {
					reason, _ := dp.Attributes.Value("reason")
					got[md.Name+"/"+reason.AsString()] = float64(dp.Value)
				}
			case metricdata.Gauge[float64]:
				got[md.Name] = d.DataPoints[0].Value
			}
		}
	}
	want := map[string]float64{
		MetricPerformance: 1, MetricPerformanceDrifted + "/": 2,
		MetricUnjoined + "/expired": 10, MetricUnjoined + "/evicted": 3,
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %v; want %v (all: %v)", k, got[k], v, got)
		}
	}
}

func TestPerformanceJSON(t *testing.T) {
	p, err := NewPerformanceMonitor(&PerformanceOptions{Metric: ROCAUC, Reference: 0.8, MeterProvider: noop.NewMeterProvider()})
	if err != nil {
		t.Fatal(err)
	}
	rep := &Report{Performance: p.Evaluate()}
	var buf bytes.Buffer
	if err := rep.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	var got struct {
		Performance struct {
			Metric string
			Status string
			Value  *float64
			Limit  float64
			Joins  map[string]uint64
		}
	}
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	g := got.Performance
	if g.Metric != "roc_auc" || g.Status != "not_enough_data" || g.Value != nil || !near(g.Limit, 0.72, 1e-12) || g.Joins == nil {
		t.Errorf("JSON performance = %+v from %s", g, buf.String())
	}
	buf.Reset()
	if err := (&Report{}).WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(buf.Bytes(), []byte("performance")) {
		t.Errorf("report without performance mentions it: %s", buf.String())
	}
}

// TestPerformanceConcurrent records predictions and labels from many
// goroutines (run with -race) and checks that every record is accounted.
func TestPerformanceConcurrent(t *testing.T) {
	var mu sync.Mutex
	windows := 0
	p, err := NewPerformanceMonitor(&PerformanceOptions{Metric: ROCAUC, Reference: 0.5, Window: 100, MaxPending: 500,
		MeterProvider: noop.NewMeterProvider(), Shards: 4,
		OnReport: func(*PerformanceResult) { mu.Lock(); windows++; mu.Unlock() }})
	if err != nil {
		t.Fatal(err)
	}
	const workers, per = 8, 2000
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(2)
		ids := make([]string, per)
		for i := range ids {
			ids[i] = strconv.Itoa(w) + "-" + strconv.Itoa(i)
		}
		go func() {
			defer wg.Done()
			for i, id := range ids {
				_ = p.Predict(id, float64(i%10)/10)
			}
		}()
		go func() {
			defer wg.Done()
			for i, id := range ids {
				_ = p.Label(id, float64(i%2))
				if i%500 == 0 {
					_ = p.Evaluate()
					_ = p.Stats()
				}
			}
		}()
	}
	wg.Wait()
	st := p.Stats()
	checkInvariants(t, "concurrent", st)
	if st.Predictions != workers*per || st.Labels != workers*per {
		t.Errorf("Stats = %+v; want %d predictions and labels+unmatched", st, workers*per)
	}
	if st.Pending > 500 {
		t.Errorf("Pending = %d; want at most MaxPending 500", st.Pending)
	}
	if want := int(st.Joined / 100); windows != want {
		t.Errorf("%d windows; want Joined/Window = %d", windows, want)
	}
}

func TestPerformanceRecordAllocs(t *testing.T) {
	p, err := NewPerformanceMonitor(&PerformanceOptions{Metric: ROCAUC, Reference: 0.8, Window: maxPerfWindow, MaxPending: 1 << 12,
		MeterProvider: noop.NewMeterProvider()})
	if err != nil {
		t.Fatal(err)
	}
	ids := make([]string, 1<<14)
	for i := range ids {
		ids[i] = "req-" + strconv.Itoa(i)
	}
	for _, id := range ids { // warm up: fill, evict
		_ = p.Predict(id, 0.5)
	}
	i := 0
	if a := testing.AllocsPerRun(5000, func() {
		id := ids[i%len(ids)]
		_ = p.Predict(id, 0.7)
		_ = p.Label(id, 1)
		_ = p.Predict(ids[(i+7)%len(ids)], 0.1) // stays pending, evicts
		i++
	}); a != 0 {
		t.Errorf("Predict and Label allocate %v times", a)
	}
}

// BenchmarkPerformanceRecord measures a prediction and its label (ROC AUC
// over windows of 1,000 pairs, the window evaluation included), from one
// goroutine and from GOMAXPROCS goroutines at once.
func BenchmarkPerformanceRecord(b *testing.B) {
	const stride = 1 << 14
	ids := make([]string, 8*stride)
	for i := range ids {
		ids[i] = "req-" + strconv.Itoa(i)
	}
	newMon := func(b *testing.B) *PerformanceMonitor {
		p, err := NewPerformanceMonitor(&PerformanceOptions{Metric: ROCAUC, Reference: 0.8, Window: 1000,
			MeterProvider: noop.NewMeterProvider()})
		if err != nil {
			b.Fatal(err)
		}
		return p
	}
	b.Run("predict", func(b *testing.B) {
		p := newMon(b) // the pending set fills, then evicts the oldest
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			_ = p.Predict(ids[i%len(ids)], 0.7)
			i++
		}
	})
	b.Run("predict+label", func(b *testing.B) {
		p := newMon(b)
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			id := ids[i%len(ids)]
			_ = p.Predict(id, float64(i%10)/10)
			_ = p.Label(id, float64(i%2))
			i++
		}
	})
	b.Run("predict+label/parallel", func(b *testing.B) {
		p := newMon(b)
		var next atomic.Int64
		b.ReportAllocs()
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			base := int(next.Add(1)-1) % 8 * stride
			i := 0
			for pb.Next() {
				id := ids[base+i%stride]
				_ = p.Predict(id, float64(i%10)/10)
				_ = p.Label(id, float64(i%2))
				i++
			}
		})
	})
}

// TestIDTableAgainstMap runs random inserts and deletes with colliding
// hashes against a Go map, so that backward-shift deletion is exercised
// across wrap-around.
func TestIDTableAgainstMap(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 1))
	hashOf := map[string]uint64{}
	const n = 12
	tab := newIDTable(n) // 32 places
	ents := make([]pendingEntry, n)
	ref := map[string]int32{}
	free := []int32{}
	for i := range n {
		free = append(free, int32(i))
	}
	for step := range 20000 {
		id := "k" + strconv.Itoa(r.IntN(40))
		h, ok := hashOf[id]
		if !ok { // few homes (25, 0, 7, …, 28 of 32 places): long runs that wrap around
			h = uint64(r.IntN(6))*7 + 25
			hashOf[id] = h
		}
		pos, found := tab.find(h, id, ents)
		slot, inRef := ref[id]
		if found != inRef || (found && tab.vals[pos] != slot) {
			t.Fatalf("step %d: find(%s) = %v, %v; map has %v, %v", step, id, pos, found, slot, inRef)
		}
		switch {
		case found:
			tab.delete(pos)
			delete(ref, id)
			free = append(free, slot)
		case len(free) > 0:
			s := free[len(free)-1]
			free = free[:len(free)-1]
			ents[s] = pendingEntry{id: id, hash: h}
			tab.keys[pos], tab.vals[pos] = h, s
			ref[id] = s
		}
	}
}
