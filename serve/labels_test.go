package serve

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/loomml/loom/drift"
)

// fakeClock is a clock for drift.PerformanceOptions.Now.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

func newPerf(t testing.TB, o *drift.PerformanceOptions) *drift.PerformanceMonitor {
	t.Helper()
	if o == nil {
		o = &drift.PerformanceOptions{}
	}
	if o.Metric == "" {
		o.Metric, o.Reference = drift.ROCAUC, 0.8
	}
	p, err := drift.NewPerformanceMonitor(o)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func labelsResult(t *testing.T, w *httptest.ResponseRecorder) LabelsResult {
	t.Helper()
	if w.Code != 200 {
		t.Fatalf("labels: status %d; want 200; body %s", w.Code, w.Body)
	}
	var res LabelsResult
	if err := json.Unmarshal(w.Body.Bytes(), &res); err != nil {
		t.Fatalf("labels body %s: %v", w.Body, err)
	}
	return res
}

const v2Body = `{"id": "kserve-1", "inputs": [
	{"name": "age", "shape": [2], "datatype": "FP64", "data": [41, 29]},
	{"name": "score", "shape": [2], "datatype": "FP64", "data": [0.4, 0.9]},
	{"name": "segment", "shape": [2], "datatype": "BYTES", "data": ["high", "low"]},
	{"name": "region", "shape": [2], "datatype": "BYTES", "data": ["north", "west"]},
	{"name": "target", "shape": [2], "datatype": "INT64", "data": [0, 0]}]}`

func TestLabelsJoinPredictions(t *testing.T) {
	batch2 := `{"instances": [` + goodInstance + `,` + goodInstance + `]}`
	tests := []struct {
		name      string
		path      string // predict endpoint
		body      string
		requestID string
		labels    string
		want      LabelsResult // RequestID is not compared
		joined    uint64
	}{
		{"one instance under its request id", "/predict", goodInstance, "r1", `{"id": "r1", "label": 1}`,
			LabelsResult{Accepted: 1}, 1},
		{"batch instances under <id>/<index>", "/predict", batch2, "b1", `{"labels": [{"id": "b1/0", "label": 0}, {"id": "b1/1", "label": 1}]}`,
			LabelsResult{Accepted: 2}, 2},
		{"batch of one is a batch", "/predict", `{"instances": [` + goodInstance + `]}`, "b2", `{"labels": [{"id": "b2/0", "label": 0}, {"id": "b2", "label": 1}]}`,
			LabelsResult{Accepted: 1, Unmatched: 1, NotAccepted: []LabelOutcome{{Index: 1, ID: "b2", Status: "unmatched", Reason: drift.ErrNoPrediction.Error()}}}, 1},
		{"v2 infer under the response id", "/v2/models/churn/infer", v2Body, "x", `{"labels": [{"id": "kserve-1/0", "label": 0}, {"id": "kserve-1/1", "label": 1}]}`,
			LabelsResult{Accepted: 2}, 2},
		{"unmatched label", "/predict", goodInstance, "r2", `{"id": "nobody", "label": 1}`,
			LabelsResult{Unmatched: 1, NotAccepted: []LabelOutcome{{Index: 0, ID: "nobody", Status: "unmatched", Reason: drift.ErrNoPrediction.Error()}}}, 0},
		{"second label of one id is unmatched", "/predict", goodInstance, "r3", `{"labels": [{"id": "r3", "label": 1}, {"id": "r3", "label": 0}]}`,
			LabelsResult{Accepted: 1, Unmatched: 1, NotAccepted: []LabelOutcome{{Index: 1, ID: "r3", Status: "unmatched", Reason: drift.ErrNoPrediction.Error()}}}, 1},
		{"label the metric cannot use is rejected", "/predict", goodInstance, "r4", `{"labels": [{"id": "r4", "label": 2}, {"id": "r4", "label": 1}]}`,
			LabelsResult{Accepted: 1, Rejected: 1}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			perf := newPerf(t, nil)
			h := NewHandler[customer](newTestScorer(t, 1), &Options[customer]{Performance: perf})
			if w := post(t, h, tt.path, tt.body, "X-Request-Id", tt.requestID); w.Code != 200 {
				t.Fatalf("predict: status %d %s", w.Code, w.Body)
			}
			res := labelsResult(t, post(t, h, "/labels", tt.labels, "X-Request-Id", "lab"))
			if res.RequestID != "lab" {
				t.Errorf("request_id = %q; want lab", res.RequestID)
			}
			if tt.want.Rejected > 0 { // the monitor's wording is its own
				if len(res.NotAccepted) != 1 || res.NotAccepted[0].Status != "rejected" || res.NotAccepted[0].Reason == "" {
					t.Errorf("not_accepted = %+v; want one rejected entry", res.NotAccepted)
				}
				res.NotAccepted = nil
			}
			res.RequestID = ""
			if !equalLabelsResult(res, tt.want) {
				t.Errorf("POST /labels %s = %+v; want %+v", tt.labels, res, tt.want)
			}
			if st := perf.Stats(); st.Joined != tt.joined {
				t.Errorf("Stats().Joined = %d; want %d (%+v)", st.Joined, tt.joined, st)
			}
		})
	}
}

func equalLabelsResult(a, b LabelsResult) bool {
	if a.RequestID != b.RequestID || a.Accepted != b.Accepted || a.Unmatched != b.Unmatched || a.Rejected != b.Rejected || len(a.NotAccepted) != len(b.NotAccepted) {
		return false
	}
	for i := range a.NotAccepted {
		if a.NotAccepted[i] != b.NotAccepted[i] {
			return false
		}
	}
	return true
}

func TestPerformanceRecording(t *testing.T) {
	t.Run("duplicate request id is counted, not an error", func(t *testing.T) {
		perf := newPerf(t, nil)
		h := NewHandler[customer](newTestScorer(t, 1), &Options[customer]{Performance: perf})
		for range 2 {
			if w := post(t, h, "/predict", goodInstance, "X-Request-Id", "same"); w.Code != 200 {
				t.Fatalf("status %d %s", w.Code, w.Body)
			}
		}
		if st := perf.Stats(); st.Predictions != 1 || st.Duplicates != 1 {
			t.Fatalf("Stats() = %+v; want 1 prediction and 1 duplicate", st)
		}
	})
	t.Run("failed requests record nothing", func(t *testing.T) {
		perf := newPerf(t, nil)
		h := NewHandler[customer](newTestScorer(t, 1), &Options[customer]{Performance: perf})
		post(t, h, "/predict", `{"instances": [`+goodInstance+`, {"age": 1}]}`)
		post(t, h, "/predict", `{"age": 150, "score": 0.4, "segment": "vip", "region": "north", "target": 0}`)
		if st := perf.Stats(); st.Predictions != 0 {
			t.Fatalf("Stats() = %+v; want no prediction", st)
		}
	})
	t.Run("multi-class records the class; a binary metric rejects it without failing", func(t *testing.T) {
		perf := newPerf(t, &drift.PerformanceOptions{Metric: drift.Accuracy, Reference: 0.9})
		h := &Handler[customer]{o: Options[customer]{Performance: perf}}
		p := Prediction{Class: 2, Value: 2, n: 3}
		h.recordPerformance("m", false, []Prediction{p})
		if err := perf.Label("m", 2); err != nil {
			t.Fatalf("Label(m, 2) = %v; want the class recorded by PredictClass", err)
		}
		roc := newPerf(t, nil)
		h.o.Performance = roc
		h.recordPerformance("m", false, []Prediction{p})
		if st := roc.Stats(); st.Invalid != 1 {
			t.Fatalf("Stats() = %+v; want 1 invalid", st)
		}
	})
	t.Run("regressor records its value", func(t *testing.T) {
		perf := newPerf(t, &drift.PerformanceOptions{Metric: drift.MAE, Reference: 1, Window: 1})
		h := &Handler[customer]{o: Options[customer]{Performance: perf}}
		h.recordPerformance("reg", true, []Prediction{{Class: -1, Value: 3.5}})
		if err := perf.Label("reg/0", 1.5); err != nil {
			t.Fatal(err)
		}
		if r := perf.Last(); r == nil || r.Value != 2 {
			t.Fatalf("Last() = %+v; want MAE 2", r)
		}
	})
}

func TestRecordPerformanceDoesNotAllocate(t *testing.T) {
	perf := newPerf(t, &drift.PerformanceOptions{MaxPending: 16})
	h := &Handler[customer]{o: Options[customer]{Performance: perf}}
	preds := []Prediction{{Class: 1, Value: 1, n: 2, probs: [maxInlineClasses]float64{0.3, 0.7}}}
	if n := testing.AllocsPerRun(1000, func() { h.recordPerformance("id-1", false, preds) }); n != 0 {
		t.Fatalf("recordPerformance allocates %v times per single instance; want 0", n)
	}
}

func TestLabelsBadRequests(t *testing.T) {
	tests := []struct {
		name   string
		body   string
		strict bool
		want   []string // in the problem body
	}{
		{"empty", ``, false, []string{"must be a JSON object"}},
		{"not an object", `[{"id": "a", "label": 1}]`, false, []string{"must be a JSON object"}},
		{"malformed", `{"id": "a", "label": 1`, false, []string{"malformed JSON"}},
		{"NaN literal", `{"id": "a", "label": NaN}`, false, []string{"malformed JSON"}},
		{"missing id", `{"label": 1}`, false, []string{`"instance":0`, `"field":"id"`, "required field is missing"}},
		{"missing label", `{"id": "a"}`, false, []string{`"field":"label"`, "required field is missing"}},
		{"empty id", `{"id": "", "label": 1}`, false, []string{`"field":"id"`, "empty"}},
		{"null id", `{"id": null, "label": 1}`, false, []string{`"field":"id"`, "null"}},
		{"numeric id", `{"id": 7, "label": 1}`, false, []string{`"field":"id"`, "want a string, got the number 7"}},
		{"string label", `{"id": "a", "label": "1"}`, false, []string{`"field":"label"`, `want a finite number, got the string \"1\"`}},
		{"NaN string label", `{"id": "a", "label": "NaN"}`, false, []string{`"field":"label"`, `the string \"NaN\"`}},
		{"boolean label", `{"id": "a", "label": true}`, false, []string{`"field":"label"`, "a boolean"}},
		{"null label", `{"id": "a", "label": null}`, false, []string{`"field":"label"`, "required field is null"}},
		{"overflowing label", `{"id": "a", "label": 1e400}`, false, []string{`"field":"label"`, "1e400 is out of range"}},
		{"duplicate key", `{"id": "a", "id": "b", "label": 1}`, false, []string{`"field":"id"`, "given twice"}},
		{"unknown field when strict", `{"id": "a", "label": 1, "colour": "teal"}`, true, []string{`"field":"colour"`, "unknown field"}},
		{"labels not an array", `{"labels": {"id": "a", "label": 1}}`, false, []string{`\"labels\" must be an array`}},
		{"labels empty", `{"labels": []}`, false, []string{`\"labels\" is empty`}},
		{"labels given twice", `{"labels": [{"id": "a", "label": 1}], "labels": []}`, false, []string{"given twice"}},
		{"labels beside a single label", `{"labels": [{"id": "a", "label": 1}], "id": "b"}`, false, []string{"not both"}},
		{"unknown field beside labels when strict", `{"labels": [{"id": "a", "label": 1}], "x": 1}`, true, []string{`unknown field \"x\"`}},
		{"too many labels", `{"labels": [` + strings.Repeat(`{"id": "a", "label": 1},`, 4) + `{"id": "a", "label": 1}]}`, false, []string{"more than 4 labels"}},
		{"bad entries named by index", `{"labels": [{"id": "a", "label": 1}, {"id": "b", "label": "x"}, 5, {"label": 0}]}`, false,
			[]string{`"instance":1,"field":"label"`, `"instance":2,"field":""`, "a label must be a JSON object", `"instance":3,"field":"id"`, "3 fields of the labels are invalid"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			perf := newPerf(t, nil)
			h := NewHandler[customer](newTestScorer(t, 1), &Options[customer]{Performance: perf, MaxBatch: 4, RejectUnknownFields: tt.strict})
			post(t, h, "/predict", goodInstance, "X-Request-Id", "a")
			w := post(t, h, "/labels", tt.body, "X-Request-Id", "lab")
			if w.Code != 400 {
				t.Fatalf("POST /labels %s: status %d; want 400; body %s", tt.body, w.Code, w.Body)
			}
			if ct := w.Header().Get("Content-Type"); ct != "application/problem+json" {
				t.Errorf("Content-Type = %q; want application/problem+json", ct)
			}
			var p Problem
			if err := json.Unmarshal(w.Body.Bytes(), &p); err != nil || p.Status != 400 || p.Type != problemInvalid || p.Instance != "lab" {
				t.Errorf("problem %s (%v)", w.Body, err)
			}
			for _, s := range tt.want {
				if !strings.Contains(w.Body.String(), s) {
					t.Errorf("problem lacks %s:\n%s", s, w.Body)
				}
			}
			if st := perf.Stats(); st.Labels != 0 || st.Pending != 1 {
				t.Errorf("a bad request reached the monitor: %+v", st)
			}
		})
	}
}

func TestLabelsLenient(t *testing.T) {
	perf := newPerf(t, nil)
	h := NewHandler[customer](newTestScorer(t, 1), &Options[customer]{Performance: perf})
	post(t, h, "/predict", goodInstance, "X-Request-Id", "a")
	res := labelsResult(t, post(t, h, "/labels", `{"labels": [{"id": "a", "label": 1, "note": "from CRM"}], "source": "crm"}`))
	if res.Accepted != 1 {
		t.Fatalf("unknown fields not ignored: %+v", res)
	}
}

func TestLabelsLimits(t *testing.T) {
	perf := newPerf(t, nil)
	h := NewHandler[customer](newTestScorer(t, 1), &Options[customer]{Performance: perf, MaxBodyBytes: 64})
	w := post(t, h, "/labels", `{"labels": [`+strings.Repeat(`{"id": "a", "label": 1},`, 10)+`{"id": "a", "label": 1}]}`)
	if w.Code != http.StatusRequestEntityTooLarge || w.Header().Get("Content-Type") != "application/problem+json" {
		t.Fatalf("big body: status %d %s; want 413 problem", w.Code, w.Body)
	}
	for _, ct := range []string{"text/plain", "application/x-www-form-urlencoded"} {
		req := httptest.NewRequest(http.MethodPost, "/labels", strings.NewReader(`{"id": "a", "label": 1}`))
		req.Header.Set("Content-Type", ct)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != http.StatusUnsupportedMediaType || !strings.Contains(w.Body.String(), ct) {
			t.Fatalf("%s: status %d %s; want 415", ct, w.Code, w.Body)
		}
	}
	if w := post(t, h, "/labels", `{"id": "a", "label": 1}`, "Content-Type", "application/json; charset=utf-8"); w.Code != 200 {
		t.Fatalf("JSON with charset: status %d %s", w.Code, w.Body)
	}
	plain := NewHandler[customer](newTestScorer(t, 1), nil)
	if w := post(t, plain, "/labels", `{"id": "a", "label": 1}`); w.Code != http.StatusNotFound {
		t.Fatalf("without Performance: status %d; want 404", w.Code)
	}
}

// TestPerformanceAlertThroughHandler serves a window of requests, then
// sends for each the label of the other class: the window's accuracy is 0
// and the monitor alerts.
func TestPerformanceAlertThroughHandler(t *testing.T) {
	clock := &fakeClock{now: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}
	var mu sync.Mutex
	var alerts []drift.Alert
	perf := newPerf(t, &drift.PerformanceOptions{
		Name: "churn", Metric: drift.Accuracy, Reference: 0.9, Window: 4, MaxWait: time.Hour, Now: clock.Now,
		OnAlert: func(a drift.Alert) { mu.Lock(); alerts = append(alerts, a); mu.Unlock() },
	})
	h := NewHandler[customer](newTestScorer(t, 1), &Options[customer]{Performance: perf})
	batch := `{"instances": [` + strings.TrimSuffix(strings.Repeat(goodInstance+",", 4), ",") + `]}`
	w := post(t, h, "/predict", batch, "X-Request-Id", "wk1")
	var resp struct {
		Predictions []struct {
			Probabilities []float64 `json:"probabilities"`
		} `json:"predictions"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &resp); err != nil || len(resp.Predictions) != 4 {
		t.Fatalf("predict: %d %s", w.Code, w.Body)
	}
	clock.Add(20 * time.Minute) // the labels come later, within MaxWait
	var b strings.Builder
	b.WriteString(`{"labels": [`)
	for i, p := range resp.Predictions {
		wrong := "1"
		if p.Probabilities[1] >= 0.5 {
			wrong = "0"
		}
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`{"id": "wk1/` + string(rune('0'+i)) + `", "label": ` + wrong + `}`)
	}
	b.WriteString(`]}`)
	if res := labelsResult(t, post(t, h, "/labels", b.String())); res.Accepted != 4 {
		t.Fatalf("labels: %+v", res)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(alerts) != 1 || alerts[0].Kind != drift.AlertPerformance || alerts[0].Column != "churn" || alerts[0].Score != 0 {
		t.Fatalf("alerts = %+v; want one performance alert with accuracy 0", alerts)
	}
	if r := perf.Last(); r == nil || !r.Drifted || r.Window.Rows != 4 || r.Joins.Joined != 4 {
		t.Fatalf("Last() = %+v", r)
	}
}
