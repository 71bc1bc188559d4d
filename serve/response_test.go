package serve

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// jsonRoundTrip is what encoding/json gives back for s: s itself when it is
// valid UTF-8, else s with each bad byte replaced by U+FFFD.
func jsonRoundTrip(s string) string {
	b, _ := json.Marshal(s)
	var back string
	json.Unmarshal(b, &back)
	return back
}

// checkResponseJSON posts body to /predict with the request id id, and
// checks that the response (a prediction or a problem) is valid JSON that
// encoding/json reads back with the id as it reads the id itself.
func checkResponseJSON(t *testing.T, h http.Handler, id, body string) {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/predict", strings.NewReader(body))
	req.Header.Set("X-Request-Id", id)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	if !json.Valid(w.Body.Bytes()) {
		t.Fatalf("status %d: the response to id %q is not valid JSON: %s", w.Code, id, w.Body)
	}
	var resp struct {
		RequestID string `json:"request_id"`
		Instance  string `json:"instance"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &resp); err != nil {
		t.Fatal(err)
	}
	got := resp.RequestID + resp.Instance
	if echoed := w.Header().Get("X-Request-Id"); echoed == id && got != jsonRoundTrip(id) {
		t.Fatalf("status %d: the response names the request %q; want %q (%s)", w.Code, got, jsonRoundTrip(id), w.Body)
	}
}

// TestPredictResponseEscapesRequestID: the request id a caller sends is
// echoed in the JSON response; it used to be written with Go quoting
// (\xff, \U000e0001, \a), which is not JSON.
func TestPredictResponseEscapesRequestID(t *testing.T) {
	h := NewHandler[customer](newTestScorer(t, 1), &Options[customer]{MaxConcurrent: -1})
	for _, id := range []string{
		"plain-id-42", "\xff", "a\xffb\xfe", "\U000e0001", "tag\U000e0041", "\u2028\u2029", "bell\a", "del\x7f",
		`quote"back\slash`, "tab\there", "é✓🚀", "\u00ad\u200b", "<script>&",
	} {
		t.Run(id, func(t *testing.T) {
			checkResponseJSON(t, h, id, goodInstance)
			checkResponseJSON(t, h, id, `{"age": "bad"}`)
		})
	}
}

// FuzzPredictResponse sends any request id and body to /predict: every
// response must be JSON that encoding/json reads, naming the request as
// encoding/json reads the id.
func FuzzPredictResponse(f *testing.F) {
	for _, id := range []string{"r1", "\xff", "\U000e0001", "\u2028", `"\`, "\x00\x1f"} {
		f.Add(id, goodInstance)
		f.Add(id, `{"instances": [`+goodInstance+`, {}]}`)
	}
	h := NewHandler[customer](newTestScorer(f, 1), &Options[customer]{MaxConcurrent: -1})
	f.Fuzz(func(t *testing.T, id, body string) {
		checkResponseJSON(t, h, id, body)
	})
}

// TestPredictEscapedKeys: object keys are read as encoding/json reads them,
// escapes included; "\u0061ge" used to be an unknown key, and the request
// was answered "age: required field is missing".
func TestPredictEscapedKeys(t *testing.T) {
	h := NewHandler[customer](newTestScorer(t, 1), &Options[customer]{MaxConcurrent: -1, RejectUnknownFields: true})
	want := post(t, h, "/predict", goodInstance)
	if want.Code != 200 {
		t.Fatalf("good instance: %d %s", want.Code, want.Body)
	}
	escaped := strings.NewReplacer(`"age"`, `"\u0061ge"`, `"segment"`, `"seg\u006dent"`, `"region"`, `"\u0072\u0065gion"`, `"target"`, `"tar\u0067et"`).Replace(goodInstance)
	tests := []struct {
		name, body string
		status     int
		inBody     string
	}{
		{"escaped keys", escaped, 200, `"predictions":[`},
		{"escaped instances key", `{"\u0069nstances": [` + escaped + `,` + goodInstance + `]}`, 200, `},{`},
		{"escaped duplicate", `{"age": 41, "\u0061ge": 42` + goodInstance[len(`{"age": 41`):], 400, `given twice`},
		{"escaped unknown key, strict", `{"c\u006flour": "teal", ` + goodInstance[1:], 400, `"field":"colour"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := post(t, h, "/predict", tc.body)
			if w.Code != tc.status || !strings.Contains(w.Body.String(), tc.inBody) {
				t.Fatalf("status %d, body %s; want %d with %s", w.Code, w.Body, tc.status, tc.inBody)
			}
			if tc.name == "escaped keys" {
				var a, b struct{ Predictions []Prediction }
				json.Unmarshal(w.Body.Bytes(), &a)
				json.Unmarshal(want.Body.Bytes(), &b)
				if len(a.Predictions) != 1 || a.Predictions[0].Value != b.Predictions[0].Value {
					t.Fatalf("prediction %s; want the one of the unescaped instance %s", w.Body, want.Body)
				}
			}
		})
	}
}

// TestErrorsAreProblems: every error the handler answers is an RFC 9457
// problem, the router's 404 and 405 included (they were text/plain), and
// the request's media type is parsed, not matched by prefix: the v2 infer
// endpoint accepted text/plain and /predict accepted application/jsonx.
func TestErrorsAreProblems(t *testing.T) {
	h := NewHandler[customer](newTestScorer(t, 1), &Options[customer]{MaxConcurrent: -1})
	v2Body := `{"inputs": [{"name": "age", "shape": [1], "datatype": "FP64", "data": [41]}, {"name": "score", "shape": [1], "datatype": "FP64", "data": [0.4]},
		{"name": "segment", "shape": [1], "datatype": "BYTES", "data": ["high"]}, {"name": "region", "shape": [1], "datatype": "BYTES", "data": ["north"]},
		{"name": "target", "shape": [1], "datatype": "INT64", "data": [0]}]}`
	tests := []struct {
		name, method, path, contentType, body string
		status                                int
		allow                                 string
	}{
		{"unknown path", "GET", "/nope", "", "", 404, ""},
		{"trailing slash", "POST", "/predict/", "application/json", goodInstance, 404, ""},
		{"labels without a monitor", "POST", "/labels", "application/json", `{"id": "a", "label": 1}`, 404, ""},
		{"GET /predict", "GET", "/predict", "", "", 405, "POST"},
		{"DELETE a v2 model", "DELETE", "/v2/models/churn", "", "", 405, "GET, HEAD"},
		{"GET v2 infer", "GET", "/v2/models/churn/infer", "", "", 405, "POST"},
		{"predict, text/plain", "POST", "/predict", "text/plain", goodInstance, 415, ""},
		{"predict, application/jsonx", "POST", "/predict", "application/jsonx", goodInstance, 415, ""},
		{"predict, bad media type", "POST", "/predict", "application/json; =", goodInstance, 415, ""},
		{"v2 infer, text/plain", "POST", "/v2/models/churn/infer", "text/plain", v2Body, 415, ""},
		{"v2 infer, application/jsonx", "POST", "/v2/models/churn/infer", "application/jsonx", v2Body, 415, ""},
		{"predict, JSON with a charset", "POST", "/predict", "application/json; charset=utf-8", goodInstance, 200, ""},
		{"predict, a +json type", "POST", "/predict", "application/vnd.loom+json", goodInstance, 200, ""},
		{"predict, upper case", "POST", "/predict", "Application/JSON", goodInstance, 200, ""},
		{"v2 infer, JSON", "POST", "/v2/models/churn/infer", "application/json", v2Body, 200, ""},
		{"HEAD /healthz", "HEAD", "/healthz", "", "", 200, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(tc.method, tc.path, strings.NewReader(tc.body))
			if tc.contentType != "" {
				req.Header.Set("Content-Type", tc.contentType)
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, req)
			if w.Code != tc.status {
				t.Fatalf("status %d; want %d (%s)", w.Code, tc.status, w.Body)
			}
			if tc.allow != "" && w.Header().Get("Allow") != tc.allow {
				t.Errorf("Allow = %q; want %q", w.Header().Get("Allow"), tc.allow)
			}
			if tc.status == 200 {
				return
			}
			var p Problem
			if ct := w.Header().Get("Content-Type"); ct != "application/problem+json" {
				t.Fatalf("Content-Type %q; want application/problem+json (%s)", ct, w.Body)
			}
			if err := json.Unmarshal(w.Body.Bytes(), &p); err != nil || p.Status != tc.status || p.Type == "" || p.Title == "" || p.Detail == "" {
				t.Fatalf("problem %s (%v); want status %d with a type, title and detail", w.Body, err, tc.status)
			}
		})
	}
}

// TestBatchLimitWhileScanning sends 1 MB bodies of 340,000 empty
// instances (and a v2 tensor of as many elements): the 1,000-instance
// limit must refuse them while scanning, not after building a value per
// instance (about 20 MB and 90 ms of CPU each before).
func TestBatchLimitWhileScanning(t *testing.T) {
	h := NewHandler[customer](newTestScorer(t, 1), &Options[customer]{MaxConcurrent: -1})
	const n = 340_000
	predict := `{"instances": [` + strings.Repeat(`{},`, n-1) + `{}]}`
	v2 := `{"inputs": [{"name": "age", "shape": [` + fmt.Sprint(n) + `], "datatype": "FP64", "data": [` + strings.Repeat(`0,`, n-1) + `0]}]}`
	for _, tc := range []struct{ path, body string }{{"/predict", predict}, {"/v2/models/churn/infer", v2}} {
		t.Run(tc.path, func(t *testing.T) {
			if len(tc.body) > 1<<20 {
				t.Fatalf("body of %d bytes is past the 1 MiB limit", len(tc.body))
			}
			post(t, h, tc.path, goodInstance) // warm up
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			w := post(t, h, tc.path, tc.body)
			runtime.ReadMemStats(&after)
			if w.Code != 400 || !strings.Contains(w.Body.String(), "limit of 1000") {
				t.Fatalf("status %d %s; want 400 naming the limit of 1000", w.Code, w.Body)
			}
			// The body itself (1 MB) is read into a buffer; what else is
			// allocated must be small.
			got := after.TotalAlloc - before.TotalAlloc
			if got > 4<<20 {
				t.Fatalf("refusing %d instances allocated %d MB; want under 4 MB", n, got>>20)
			}
			t.Logf("refusing %d instances allocated %.2f MB", n, float64(got)/(1<<20))
		})
	}
}

// TestAppendFloat checks that appendFloat writes what
// strconv.AppendFloat(b, v, 'g', -1, 64) writes, across its whole-number
// fast path and its edges, and null for NaN and ±Inf.
func TestAppendFloat(t *testing.T) {
	for _, v := range []float64{0, math.Copysign(0, -1), 1, -1, 2, 7, 42, 999999, -999999, 1e6, -1e6, 1e6 - 0.5, 123456, 100000,
		0.5, -0.5, 0.3148545465887197, 0.6851454534112803, 1e-7, 5e-324, math.MaxFloat64, -math.MaxFloat64, 1e21, 12345678, 3.0000000000000004} {
		want := strconv.AppendFloat([]byte("x"), v, 'g', -1, 64)
		if got := appendFloat([]byte("x"), v); string(got) != string(want) {
			t.Errorf("appendFloat(%v) = %s, want %s", v, got, want)
		}
	}
	for _, v := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		if got := appendFloat(nil, v); string(got) != "null" {
			t.Errorf("appendFloat(%v) = %s, want null", v, got)
		}
	}
	rng := rand.New(rand.NewPCG(18, 3))
	for range 10000 {
		v := float64(rng.IntN(4_000_000)-2_000_000) / float64(1+rng.IntN(4)%3)
		want := strconv.AppendFloat(nil, v, 'g', -1, 64)
		if got := appendFloat(nil, v); string(got) != string(want) {
			t.Fatalf("appendFloat(%v) = %s, want %s", v, got, want)
		}
	}
}
