package serve

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
)

func listen(t *testing.T) net.Listener {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// TestServeDrainsInFlightRequests cancels the server's context while a
// request is being scored: the request completes, then Serve returns nil.
func TestServeDrainsInFlightRequests(t *testing.T) {
	entered, release := make(chan struct{}), make(chan struct{})
	p := testParts(t)
	p.Check = func(*customer) error { close(entered); <-release; return nil }
	s, _ := newScorer(p)
	h := NewHandler[customer](s, nil)
	l := listen(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- Serve(ctx, l, h, ServerOptions{DrainTimeout: 5 * time.Second}) }()
	status := make(chan int)
	go func() {
		resp, err := http.Post("http://"+l.Addr().String()+"/predict", "application/json", strings.NewReader(goodInstance))
		if err != nil {
			status <- 0
			return
		}
		resp.Body.Close()
		status <- resp.StatusCode
	}()
	<-entered
	cancel()
	time.Sleep(20 * time.Millisecond) // Shutdown has begun and waits for the request
	close(release)
	if code := <-status; code != 200 {
		t.Fatalf("in-flight request got %d; want 200", code)
	}
	if err := <-done; err != nil {
		t.Fatalf("Serve = %v; want nil after a clean drain", err)
	}
}

// TestSlowClientsAreCutOff opens a connection that sends its headers one
// byte at a time, too slowly: the server closes it.
func TestSlowClientsAreCutOff(t *testing.T) {
	h := NewHandler[customer](newTestScorer(t, 1), nil)
	l := listen(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error)
	go func() { done <- Serve(ctx, l, h, ServerOptions{ReadHeaderTimeout: 100 * time.Millisecond}) }()
	conn, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	start := time.Now()
	var werr error
	for _, b := range []byte("POST /predict HTTP/1.1\r\nHost: x\r\nX-Slow: ") {
		if _, werr = conn.Write([]byte{b}); werr != nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
		if time.Since(start) > 3*time.Second {
			break
		}
	}
	conn.SetReadDeadline(time.Now().Add(2 * time.Second))
	resp, rerr := io.ReadAll(conn)
	if time.Since(start) > 5*time.Second || (werr == nil && rerr != nil && !strings.Contains(string(resp), "408")) {
		t.Fatalf("slow client kept its connection for %v (write %v, read %v, %q)", time.Since(start), werr, rerr, resp)
	}
	cancel()
	<-done
}

// TestHugeBodyOverTheNetwork streams 100 MB at the server: it answers 413
// after reading at most the limit, and stays healthy.
func TestHugeBodyOverTheNetwork(t *testing.T) {
	h := NewHandler[customer](newTestScorer(t, 1), nil)
	l := listen(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- Serve(ctx, l, h, ServerOptions{}) }()
	base := "http://" + l.Addr().String()
	pr, pw := io.Pipe()
	go func() {
		chunk := []byte(strings.Repeat(" ", 1<<20))
		pw.Write([]byte(`{"instances": [`))
		for range 100 {
			if _, err := pw.Write(chunk); err != nil {
				return
			}
		}
		pw.Close()
	}()
	req, _ := http.NewRequest(http.MethodPost, base+"/predict", pr)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	pr.CloseWithError(io.ErrClosedPipe)
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("100 MB body: status %d; want 413", resp.StatusCode)
	}
	resp, err = http.Get(base + "/healthz")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("healthz after a huge body: %v %v", resp, err)
	}
	resp.Body.Close()
	cancel()
	<-done
}

func TestTelemetry(t *testing.T) {
	spans := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(spans))
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	h := NewHandler[customer](newTestScorer(t, 7), &Options[customer]{TracerProvider: tp, MeterProvider: mp})
	post(t, h, "/predict", goodInstance)
	post(t, h, "/predict", `{"age": "x"}`)
	ended := spans.Ended()
	if len(ended) != 2 || ended[0].Name() != "loom.serve predict" {
		t.Fatalf("spans = %v", ended)
	}
	attrs := attribute.NewSet(ended[0].Attributes()...)
	for k, want := range map[attribute.Key]string{"loom.model": "churn", "loom.model_version": "7", "loom.route": "champion", "http.response.status_code": "200"} {
		if v, ok := attrs.Value(k); !ok || v.String() != want {
			t.Errorf("span attribute %s = %q; want %q", k, v.String(), want)
		}
	}
	var rm metricdata.ResourceMetrics
	if err := reader.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			switch d := m.Data.(type) {
			case metricdata.Sum[int64]:
				for _, dp := range d.DataPoints {
					st, _ := dp.Attributes.Value("http.response.status_code")
					got[fmt.Sprint(m.Name, "/", st.String())] = fmt.Sprint(dp.Value)
				}
			case metricdata.Histogram[float64]:
				for _, dp := range d.DataPoints {
					st, _ := dp.Attributes.Value("http.response.status_code")
					got[fmt.Sprint(m.Name, "/", st.String())] = fmt.Sprint(dp.Count)
				}
			}
		}
	}
	for k, want := range map[string]string{"loom.serve.requests/200": "1", "loom.serve.requests/400": "1", "loom.serve.duration/200": "1", "loom.serve.inflight/": "0"} {
		if got[k] != want {
			t.Errorf("metric %s = %q; want %s (all: %v)", k, got[k], want, got)
		}
	}
}
