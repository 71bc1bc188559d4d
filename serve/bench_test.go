package serve

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/loomml/loom/drift"
)

// BenchmarkScore is the in-process serving path: contract check, 9 features
// (6 numeric with imputation and scaling, 3 one-hot) and a logistic model.
func BenchmarkScore(b *testing.B) {
	rows, _ := fixture(b)
	s := newTestScorer(b, 1)
	ctx := context.Background()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := s.Score(ctx, &rows[i%len(rows)]); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkScoreParallel is Score from every core at once.
func BenchmarkScoreParallel(b *testing.B) {
	rows, _ := fixture(b)
	s := newTestScorer(b, 1)
	ctx := context.Background()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			if _, err := s.Score(ctx, &rows[i%len(rows)]); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
}

// BenchmarkHandlerPredict is one /predict request through the handler,
// without the network: decoding, scoring and encoding.
func BenchmarkHandlerPredict(b *testing.B) {
	h := NewHandler[customer](newTestScorer(b, 1), nil)
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodPost, "/predict", strings.NewReader(goodInstance))
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != 200 {
			b.Fatal(w.Body.String())
		}
	}
}

// BenchmarkHandlerPredictPerformance is BenchmarkHandlerPredict with
// Options.Performance set: each answered instance is also recorded for
// delayed labels, which must add no allocation.
func BenchmarkHandlerPredictPerformance(b *testing.B) {
	perf, err := drift.NewPerformanceMonitor(&drift.PerformanceOptions{Metric: drift.ROCAUC, Reference: 0.8, MaxPending: 4096})
	if err != nil {
		b.Fatal(err)
	}
	h := NewHandler[customer](newTestScorer(b, 1), &Options[customer]{Performance: perf})
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodPost, "/predict", strings.NewReader(goodInstance))
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != 200 {
			b.Fatal(w.Body.String())
		}
	}
	if st := perf.Stats(); st.Predictions == 0 || st.Invalid != 0 || st.Duplicates != 0 {
		b.Fatalf("monitor stats %+v", st)
	}
}
