package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/loomml/loom/evaluate"
	"github.com/loomml/loom/examples/internal/customers"
	"github.com/loomml/loom/model"
	"github.com/loomml/loom/pipeline/source"
	"github.com/loomml/loom/registry"
	"github.com/loomml/loom/train"
)

// trainAndRegister trains on the first rows of the data set with the given
// regularisation and registers the artifact.
func trainAndRegister(t testing.TB, reg *registry.Registry, n int, c float64) registry.Version {
	t.Helper()
	ctx := context.Background()
	var rows []Customer
	for c, err := range source.ReadCSV[Customer](ctx, bytes.NewReader(customers.CSV), nil) {
		if err != nil {
			t.Fatal(err)
		}
		if rows = append(rows, c); len(rows) == n {
			break
		}
	}
	spec := customers.Spec().Trainer(train.LogisticRegression{C: c})
	b, err := model.Fit(ctx, spec, spec.Bind().Quarantine(rows).Valid)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := model.Evaluate(ctx, b, rows[:1000], &evaluate.ReportOptions{Metrics: []string{"roc_auc"}})
	if err != nil {
		t.Fatal(err)
	}
	v, err := model.Register(ctx, reg, b, rep)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestService(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	reg, err := registry.Open(t.TempDir(), registry.WithPollInterval(20*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	defer reg.Close()
	v1 := trainAndRegister(t, reg, 2000, 1)
	v2 := trainAndRegister(t, reg, 3000, 0.1)
	if err := reg.Promote(ctx, "churn", "champion", v1.Number, "first", nil); err != nil {
		t.Fatal(err)
	}
	mp, metrics, err := newMetrics()
	if err != nil {
		t.Fatal(err)
	}
	a, err := newApp(ctx, reg, "champion", true, mp, metrics)
	if err != nil {
		t.Fatal(err)
	}
	defer a.close()
	srv := httptest.NewServer(a)
	defer srv.Close()

	post := func(path, body string) (int, string) {
		resp, err := http.Post(srv.URL+path, "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	code, body := post("/signup", `{"customer_id": "c-1", "age": 34, "score": 0.8, "plan": "low", "region": "north"}`)
	var out struct {
		Risk  float64 `json:"churn_risk"`
		Model string  `json:"model"`
	}
	if json.Unmarshal([]byte(body), &out); code != 200 || out.Model != "churn v1" || out.Risk <= 0 || out.Risk >= 1 {
		t.Fatalf("signup = %d %s", code, body)
	}
	if code, body := post("/models/churn/predict", `{"age": 34, "score": 0.8, "segment": "low", "region": "north"}`); code != 200 || !strings.Contains(body, `"version":1`) {
		t.Fatalf("predict = %d %s", code, body)
	}
	// Why: the three input columns that moved this customer's log-odds most.
	code, body = post("/models/churn/predict?explain=3", `{"age": 34, "score": 0.8, "segment": "low", "region": "north"}`)
	var explained struct {
		Predictions []struct {
			Explanation model.Explanation `json:"explanation"`
		} `json:"predictions"`
	}
	if err := json.Unmarshal([]byte(body), &explained); code != 200 || err != nil || len(explained.Predictions) != 1 {
		t.Fatalf("explained predict = %d %s", code, body)
	}
	if e := explained.Predictions[0].Explanation; len(e.Contributions) != 3 || e.Contributions[0].Column == "" {
		t.Fatalf("explanation %+v; want 3 named contributions", e)
	}
	// A prediction under a request id of ours, then its label, later.
	req, _ := http.NewRequest("POST", srv.URL+"/models/churn/predict", strings.NewReader(`{"age": 40, "score": 0.3, "segment": "mid", "region": "south"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Request-Id", "signup-77")
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 200 {
		t.Fatalf("predict with a request id: %v %v", resp, err)
	} else {
		resp.Body.Close()
	}
	code, body = post("/models/churn/labels", `{"labels": [{"id": "signup-77", "label": 1}, {"id": "never-served", "label": 0}]}`)
	if code != 200 || !strings.Contains(body, `"accepted":1`) || !strings.Contains(body, `"unmatched":1`) {
		t.Fatalf("labels = %d %s", code, body)
	}
	if st := a.perf.Stats(); st.Joined != 1 || st.Unmatched != 1 {
		t.Fatalf("performance stats %+v; want 1 joined, 1 unmatched", st)
	}
	if err := reg.Promote(ctx, "churn", "champion", v2.Number, "better", nil); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for a.model.Current().Info().Version != v2.Number {
		if time.Now().After(deadline) {
			t.Fatal("the service did not swap to v2 within 5s")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if code, body := post("/models/churn/predict", `{"age": 34, "score": 0.8, "segment": "low", "region": "north"}`); code != 200 || !strings.Contains(body, `"version":2`) {
		t.Fatalf("predict after swap = %d %s", code, body)
	}
	resp, err := http.Get(srv.URL + "/drift")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(b), `"columns"`) {
		t.Fatalf("drift = %d %s", resp.StatusCode, b)
	}
	// Prometheus metrics name the model and version that answered; the
	// service's own probes answer.
	get := func(path string) (int, string) {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	code, text := get("/metrics")
	for _, want := range []string{`loom_serve_requests_total{`, `loom_model="churn"`, `loom_model_version="1"`, `loom_model_version="2"`, `loom_serve_duration_seconds_bucket{`} {
		if code != 200 || !strings.Contains(text, want) {
			t.Errorf("/metrics = %d, lacks %s", code, want)
		}
	}
	// Other methods on the hot route still reach the model's handler, which
	// answers a 405 problem.
	if resp, err := http.Get(srv.URL + "/models/churn/predict"); err != nil || resp.StatusCode != 405 ||
		resp.Header.Get("Content-Type") != "application/problem+json" || resp.Header.Get("Allow") != "POST" {
		t.Errorf("GET /models/churn/predict = %v, %v; want a 405 problem allowing POST", resp, err)
	} else {
		resp.Body.Close()
	}
	if code, _ := get("/healthz"); code != 200 {
		t.Errorf("/healthz = %d", code)
	}
	if code, _ := get("/readyz"); code != 200 {
		t.Errorf("/readyz = %d", code)
	}
}
