package serve

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// BenchmarkScore is the in-process serving path: contract check, 9 features
// (6 numeric with imputation and scaling, 3 one-hot) and a logistic model.
func BenchmarkScore(b *testing.B) {
	rows, _, _ := fixture(b)
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
	rows, _, _ := fixture(b)
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
