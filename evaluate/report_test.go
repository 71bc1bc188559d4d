package evaluate

import (
	"bytes"
	"context"
	"encoding/json"
	_ "image/png"
	"strings"
	"sync"
	"testing"
)

// sampleReport is built once and shared by the report tests.
func sampleReport(t testing.TB) *Report {
	t.Helper()
	r, err := sampleReportOnce()
	if err != nil {
		t.Fatal(err)
	}
	return r
}

var sampleReportOnce = sync.OnceValues(func() (*Report, error) {
	labels, cand, champ, groups := synthetic(3000, 7)
	gates, err := ParseGates([]byte(`[
		{"metric": "roc_auc", "kind": "absolute", "op": ">=", "value": 0.85},
		{"metric": "log_loss", "kind": "relative", "op": "<=", "value": 0.01},
		{"metric": "recall", "kind": "slice", "op": ">=", "value": 0.6},
		{"metric": "ece", "kind": "absolute", "op": "<=", "value": 0.05}
	]`))
	if err != nil {
		return nil, err
	}
	return NewReport(context.Background(), &Predictions{Labels: labels, Scores: cand}, &ReportOptions{
		Title:        "Churn model evaluation",
		Model:        "challenger",
		Bootstrap:    &BootstrapOptions{Resamples: 100, Seed: 1},
		Groups:       groups,
		GroupName:    "region",
		Baseline:     &Predictions{Labels: labels, Scores: champ},
		BaselineName: "champion",
		Gates:        gates,
	})
})

func TestReportJSON(t *testing.T) {
	r := sampleReport(t)
	var buf bytes.Buffer
	if err := r.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	var back Report
	if err := json.Unmarshal(buf.Bytes(), &back); err != nil {
		t.Fatalf("report JSON does not read back: %v", err)
	}
	if back.Examples != r.Examples || len(back.Metrics) != len(r.Metrics) || back.Verdict.Pass != r.Verdict.Pass {
		t.Errorf("report JSON round trip changed the report")
	}
	if strings.Contains(buf.String(), "NaN") {
		t.Error("report JSON contains NaN")
	}
}
