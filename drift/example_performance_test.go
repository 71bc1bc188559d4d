package drift_test

import (
	"fmt"
	"strconv"
	"time"

	"github.com/loomml/loom/drift"
)

// A churn model scored ROC AUC 0.85 at evaluation; it may lose 0.05 before
// that is drift. Predictions are recorded as requests are answered, labels
// arrive minutes later by request id, and every 4 joined pairs make a
// window. A fake clock makes the example deterministic.
func ExampleNewPerformanceMonitor() {
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	perf, err := drift.NewPerformanceMonitor(&drift.PerformanceOptions{
		Name:           "churn",
		Metric:         drift.ROCAUC,
		Reference:      0.85,
		MaxDegradation: 0.05,
		Window:         4,
		MaxWait:        30 * time.Minute,
		Now:            func() time.Time { return now },
		OnReport: func(r *drift.PerformanceResult) {
			fmt.Printf("window %d: %s = %.2f (limit %.2f)\n", r.Window.Seq, r.Metric, r.Value, r.Limit)
		},
		OnAlert: func(a drift.Alert) {
			fmt.Printf("ALERT %s on %q: %s %.2f < %.2f\n", a.Kind, a.Column, a.Method, a.Score, a.Threshold)
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	// Week 1 the model separates churners (label 1) well; week 2 it does not.
	weeks := [][]struct{ score, label float64 }{
		{{0.9, 1}, {0.2, 0}, {0.7, 1}, {0.4, 0}},
		{{0.3, 1}, {0.8, 0}, {0.75, 1}, {0.7, 0}},
	}
	n := 0
	for _, week := range weeks {
		start := n
		for _, p := range week { // requests answered
			_ = perf.Predict("req-"+strconv.Itoa(n), p.score)
			n++
		}
		now = now.Add(10 * time.Minute) // labels come later
		for i, p := range week {
			_ = perf.Label("req-"+strconv.Itoa(start+i), p.label)
		}
	}
	_ = perf.Predict("req-late", 0.5)
	now = now.Add(time.Hour) // its label never comes
	if err := perf.Label("req-late", 1); err != nil {
		fmt.Println(err)
	}
	st := perf.Stats()
	fmt.Printf("%d predictions: %d joined, %d expired\n", st.Predictions, st.Joined, st.Expired)
	// Output:
	// window 1: roc_auc = 1.00 (limit 0.80)
	// window 2: roc_auc = 0.25 (limit 0.80)
	// ALERT performance on "churn": roc_auc 0.25 < 0.80
	// drift: no pending prediction for this request id
	// 9 predictions: 8 joined, 1 expired
}
