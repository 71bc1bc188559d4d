package serve

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
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

// decodeInstancesTwoPass is the reference for decodeInstances: the body is
// checked as JSON whole first, its instances are found, then each is
// decoded (the request path before it decoded one instance in one pass).
func decodeInstancesTwoPass(s *Scorer[customer], st *predictState[customer], body []byte, maxBatch int, strict bool) (bool, error) {
	body = bytes.TrimSpace(body)
	if len(body) == 0 || body[0] != '{' {
		return false, errors.New(`the body must be a JSON object: one instance, or {"instances": [...]}`)
	}
	if err := syntaxError(body); err != nil {
		return false, err
	}
	var raws [][]byte
	batch := false
	sc := scanner{data: body, pos: 1}
	for key, val, ok := sc.member(); ok; key, val, ok = sc.member() {
		if string(decodedKey(key)) == "instances" {
			var err error
			if raws, err = batchInstances(nil, val, maxBatch); err != nil {
				return false, err
			}
			batch = true
			break
		}
	}
	if !batch {
		raws = [][]byte{body}
	}
	st.rows = make([]customer, len(raws))
	for i, raw := range raws {
		st.ferrs = s.dec.decodeValid(raw, &st.rows[i], strict, i, st.ferrs, nil)
	}
	return batch, nil
}

// FuzzDecodeInstances checks the one-pass decoding of /predict bodies
// against the two-pass reference: the same rows, field errors and error.
func FuzzDecodeInstances(f *testing.F) {
	for _, seed := range []string{
		goodInstance, `{"instances": [` + goodInstance + `, {}]}`, `{"instances": 3}`, `{"instances": [[]]}`, `{"instances": []}`,
		`{"a": 1, "instances": [{"age": 1}], "b": [}`, `{"age": 1, "age": 2}`, `{"age": 1} x`, `{"age": 1,}`, `{"age" 1}`,
		`{"\u0069nstances": [{"age": 1, "score": 2, "segment": "a", "region": "b", "target": 1}]}`, `{"x": ` + strings.Repeat("[", 70) + strings.Repeat("]", 70) + `}`,
		`{"x": ` + strings.Repeat("[", 70) + strings.Repeat("]", 69) + `}`, `{"instances": [{}, {}, {}]}`, `{"age": 1e400, "sc\u006fre": "x", "zz": null}`,
		"{\"segment\": \"\xff\", \"\xfe\": 1}", `{"instances": [` + goodInstance + `], "instances": 1}`,
	} {
		f.Add([]byte(seed), true)
	}
	s := newTestScorer(f, 1)
	f.Fuzz(func(t *testing.T, body []byte, strict bool) {
		var got, want predictState[customer]
		gb, gerr := s.decodeInstances(&got, body, 2, strict)
		wb, werr := decodeInstancesTwoPass(s, &want, body, 2, strict)
		if fmt.Sprint(gerr) != fmt.Sprint(werr) {
			t.Fatalf("body %q: error %v; the two-pass decoding gives %v", body, gerr, werr)
		}
		if werr != nil {
			return
		}
		if gb != wb || !reflect.DeepEqual(got.rows, want.rows) || !slices.Equal(got.ferrs, want.ferrs) {
			t.Fatalf("body %q: batch %v, rows %+v, errors %v; the two-pass decoding gives %v, %+v, %v", body, gb, got.rows, got.ferrs, wb, want.rows, want.ferrs)
		}
	})
}
