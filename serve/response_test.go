package serve

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
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
