package serve

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/loomml/loom/drift"
)

// FuzzDecodeInstance feeds arbitrary bytes to the JSON instance decoder:
// it must never panic, and must either fill the row or name a problem.
func FuzzDecodeInstance(f *testing.F) {
	for _, seed := range []string{
		goodInstance,
		`{}`, `{"age": 1e400}`, `{"age": -0, "target": 9223372036854775808}`,
		`{"segment": "\u00e9\"", "region": "x\\y", "age": 1, "score": 2, "target": 3}`,
		`{"age": [1, {"a": "]"}], "score": {"x": [true]}}`, `[]`, `"str"`, `{"age":1,}`, "{\"age\":\x00}",
		`{"channel": null, "income": null, "age": 1, "score": 1, "segment": "", "region": "", "target": 1}`,
		`{"\u0061ge": 1, "a\u0067e": 2, "sc\u006fre": 1, "segment": "", "region": "", "target": 1, "\ud800": 0}`,
	} {
		f.Add([]byte(seed))
	}
	d, err := newRowDecoder[customer]("target")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var c customer
		errs := d.decode(data, &c, true, 0, nil)
		for _, e := range errs {
			if e.Reason == "" {
				t.Fatalf("field error without a reason: %+v", e)
			}
		}
	})
}

// FuzzPredictBody sends arbitrary bodies to /predict: the handler answers
// 200 or a 4xx problem, never a 5xx or a panic.
func FuzzPredictBody(f *testing.F) {
	f.Add(goodInstance)
	f.Add(`{"instances": [` + goodInstance + `, {}]}`)
	f.Add(`{"instances": 3}`)
	f.Add(`{"instances": [[]]}`)
	h := NewHandler[customer](newTestScorer(f, 1), &Options[customer]{MaxConcurrent: -1})
	f.Fuzz(func(t *testing.T, body string) {
		req := httptest.NewRequest(http.MethodPost, "/predict", strings.NewReader(body))
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != 200 && (w.Code < 400 || w.Code >= 500) {
			t.Fatalf("status %d for %q: %s", w.Code, body, w.Body)
		}
	})
}

// FuzzLabelsBody sends arbitrary bodies to /labels: the handler answers 200
// or a 4xx problem, never a 5xx or a panic, and every label it accepts is
// accounted for.
func FuzzLabelsBody(f *testing.F) {
	for _, seed := range []string{
		`{"id": "r1", "label": 1}`, `{"labels": [{"id": "r1", "label": 0}, {"id": "r2", "label": 1}]}`,
		`{"labels": [{"id": "r1/0", "label": 0.5}]}`, `{"id": "", "label": 1}`, `{"id": "r1", "label": "NaN"}`,
		`{"labels": {}}`, `{"labels": [[]], "id": 1}`, `{"id": "r1", "label": 1e400}`, `{"labels": [1, null, "x"]}`,
		`{"id": "\u00e9\"", "label": -0, "extra": [1, {"a": "]"}]}`, `[]`, `{"id":1,}`, "{\"id\":\x00}",
	} {
		f.Add(seed)
	}
	perf, err := drift.NewPerformanceMonitor(&drift.PerformanceOptions{Metric: drift.ROCAUC, Reference: 0.8, Window: 8, MaxPending: 64})
	if err != nil {
		f.Fatal(err)
	}
	h := NewHandler[customer](newTestScorer(f, 1), &Options[customer]{MaxConcurrent: -1, MaxBatch: 50, RejectUnknownFields: true, Performance: perf})
	for _, id := range []string{"r1", "r2"} {
		req := httptest.NewRequest(http.MethodPost, "/predict", strings.NewReader(goodInstance))
		req.Header.Set("X-Request-Id", id)
		h.ServeHTTP(httptest.NewRecorder(), req)
	}
	f.Fuzz(func(t *testing.T, body string) {
		req := httptest.NewRequest(http.MethodPost, "/labels", strings.NewReader(body))
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != 200 && (w.Code < 400 || w.Code >= 500) {
			t.Fatalf("status %d for %q: %s", w.Code, body, w.Body)
		}
		if w.Code == 200 {
			var res LabelsResult
			if err := json.Unmarshal(w.Body.Bytes(), &res); err != nil || res.Accepted+res.Unmatched+res.Rejected == 0 ||
				len(res.NotAccepted) != res.Unmatched+res.Rejected {
				t.Fatalf("200 for %q with body %s (%v)", body, w.Body, err)
			}
		}
	})
}
