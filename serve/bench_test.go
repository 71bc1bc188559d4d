package serve

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	sdkmetric "go.opentelemetry.io/otel/sdk/metric"

	"github.com/loomml/loom/drift"
	"github.com/loomml/loom/internal/cputime"
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

// reusedRequest is a POST /predict request whose body is rewound for each
// use, and a ResponseWriter that keeps nothing: with them a benchmark or an
// allocation test measures the handler alone, not httptest's request
// parsing and recording (BenchmarkHandlerPredict includes those).
type reusedRequest struct {
	req  *http.Request
	body strings.Reader
	text string
}

func newReusedRequest(body string, header ...string) *reusedRequest {
	rr := &reusedRequest{text: body}
	rr.req = httptest.NewRequest(http.MethodPost, "/predict", nil)
	rr.req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(header); i += 2 {
		rr.req.Header.Set(header[i], header[i+1])
	}
	rr.req.Body = io.NopCloser(&rr.body)
	rr.req.ContentLength = int64(len(body))
	return rr
}

// next rewinds the body and returns the request.
func (rr *reusedRequest) next() *http.Request {
	rr.body.Reset(rr.text)
	return rr.req
}

// discardWriter is an http.ResponseWriter that keeps the status and the
// length of the body, and clears its header for the next request.
type discardWriter struct {
	h      http.Header
	status int
	n      int
}

func (w *discardWriter) Header() http.Header { return w.h }
func (w *discardWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
}
func (w *discardWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = 200
	}
	w.n += len(b)
	return len(b), nil
}
func (w *discardWriter) reset() {
	clear(w.h)
	w.status, w.n = 0, 0
}

// BenchmarkHandlerPredictOnly is one /predict request through the handler
// alone: reading the body, decoding, scoring, encoding, metrics and span;
// the request and the writer are reused, so allocs/op are the handler's.
// cpu-ns/op is the process's CPU time (user and system, all goroutines,
// the collector's too) per request, steadier than ns/op on a loaded
// machine.
func BenchmarkHandlerPredictOnly(b *testing.B) {
	h := NewHandler[customer](newTestScorer(b, 1), nil)
	rr := newReusedRequest(goodInstance)
	w := &discardWriter{h: http.Header{}}
	b.ReportAllocs()
	cpu0 := cputime.Process()
	for b.Loop() {
		w.reset()
		h.ServeHTTP(w, rr.next())
		if w.status != 200 {
			b.Fatal(w.status)
		}
	}
	b.ReportMetric(float64((cputime.Process()-cpu0).Nanoseconds())/float64(b.N), "cpu-ns/op")
}

// BenchmarkHandlerPredictOnlyMetrics is BenchmarkHandlerPredictOnly with
// the OpenTelemetry metric SDK installed (a manual reader, as a Prometheus
// exporter uses), as examples/service runs: the cost of recording each
// request's metrics.
func BenchmarkHandlerPredictOnlyMetrics(b *testing.B) {
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewManualReader()))
	h := NewHandler[customer](newTestScorer(b, 1), &Options[customer]{MeterProvider: mp})
	rr := newReusedRequest(goodInstance)
	w := &discardWriter{h: http.Header{}}
	b.ReportAllocs()
	cpu0 := cputime.Process()
	for b.Loop() {
		w.reset()
		h.ServeHTTP(w, rr.next())
		if w.status != 200 {
			b.Fatal(w.status)
		}
	}
	b.ReportMetric(float64((cputime.Process()-cpu0).Nanoseconds())/float64(b.N), "cpu-ns/op")
}
