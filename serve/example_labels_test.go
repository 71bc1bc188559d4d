package serve_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/loomml/loom/drift"
	"github.com/loomml/loom/serve"
)

// With Options.Performance, every answered instance is recorded by request
// id ("<id>/<index>" in a batch) and POST /labels joins the labels that
// come later; a window of joined pairs worse than the reference alerts.
func ExampleNewHandler_labels() {
	perf, err := drift.NewPerformanceMonitor(&drift.PerformanceOptions{
		Name: "credit", Metric: drift.Accuracy, Reference: 0.9, Window: 2,
		OnAlert: func(a drift.Alert) {
			fmt.Printf("ALERT %s: %s %.2f < %.2f\n", a.Column, a.Method, a.Score, a.Threshold)
		},
	})
	if err != nil {
		panic(err)
	}
	h := serve.NewHandler(serve.Source[Applicant](trainScorer()), &serve.Options[Applicant]{Performance: perf})
	send := func(path, id, body string) string {
		req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Request-Id", id)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		return fmt.Sprint(w.Code, " ", strings.TrimSpace(w.Body.String()))
	}
	send("/predict", "loan-7", `{"instances": [{"income": 75, "region": "north"}, {"income": 20, "region": "south"}]}`)
	// Days later the outcomes are known: the first applicant did not repay.
	fmt.Println(send("/labels", "outcomes-1", `{"labels": [{"id": "loan-7/0", "label": 0}, {"id": "loan-7/1", "label": 0}, {"id": "loan-8", "label": 1}]}`))
	st := perf.Stats()
	fmt.Printf("joined %d of %d predictions, %d unmatched label\n", st.Joined, st.Predictions, st.Unmatched)
	// Output:
	// ALERT credit: accuracy 0.50 < 0.81
	// 200 {"request_id":"outcomes-1","accepted":2,"unmatched":1,"rejected":0,"not_accepted":[{"index":2,"id":"loan-8","status":"unmatched","reason":"drift: no pending prediction for this request id"}]}
	// joined 2 of 2 predictions, 1 unmatched label
}
