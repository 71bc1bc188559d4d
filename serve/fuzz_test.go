package serve

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
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
	} {
		f.Add([]byte(seed))
	}
	d, err := newRowDecoder[customer]()
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
