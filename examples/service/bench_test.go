package main

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/loomml/loom/internal/cputime"
	"github.com/loomml/loom/registry"
)

// discardWriter is an http.ResponseWriter that keeps the status and
// clears its header for the next request.
type discardWriter struct {
	h      http.Header
	status int
}

func (w *discardWriter) Header() http.Header { return w.h }
func (w *discardWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
}
func (w *discardWriter) Write(b []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	return len(b), nil
}

// BenchmarkAppPredict is one POST /models/churn/predict with wrk's body
// (serve/testdata/post.lua) through the whole service in process: its
// mux, the model's handler (mounted with Options.Prefix), the drift and performance
// monitors and the Prometheus-exported metrics; the request and the writer
// are reused, so what it measures is the service's own work per request,
// without net/http's connection handling (which bench_http.sh adds).
// cpu-ns/op is the process's CPU time per request (all goroutines: the
// collector's and the registry follower's too).
func BenchmarkAppPredict(b *testing.B) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	reg, err := registry.Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer reg.Close()
	v := trainAndRegister(b, reg, 2000, 1)
	if err := reg.Promote(ctx, "churn", "champion", v.Number, "bench", nil); err != nil {
		b.Fatal(err)
	}
	mp, metrics, err := newMetrics()
	if err != nil {
		b.Fatal(err)
	}
	a, err := newApp(ctx, reg, "champion", true, mp, metrics)
	if err != nil {
		b.Fatal(err)
	}
	defer a.close()
	const body = `{"age": 52, "income": 61000, "hours_per_week": 45, "score": 0.31, "balance": 1200, "tenure_years": 2.5, "segment": "high", "region": "coastal", "channel": "ch05", "target": 0}`
	var rd strings.Reader
	req := httptest.NewRequest(http.MethodPost, "/models/churn/predict", nil)
	req.Header.Set("Content-Type", "application/json")
	req.Body = io.NopCloser(&rd)
	req.ContentLength = int64(len(body))
	w := &discardWriter{h: http.Header{}}
	b.ReportAllocs()
	cpu0 := cputime.Process()
	for b.Loop() {
		rd.Reset(body)
		clear(w.h)
		w.status = 0
		a.ServeHTTP(w, req)
		if w.status != http.StatusOK {
			b.Fatalf("status %d", w.status)
		}
	}
	b.ReportMetric(float64((cputime.Process()-cpu0).Nanoseconds())/float64(b.N), "cpu-ns/op")
}
