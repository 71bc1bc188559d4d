package serve

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
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
					if m.Name == "loom.serve.requests" {
						model, _ := dp.Attributes.Value("loom.model")
						version, _ := dp.Attributes.Value("loom.model_version")
						got[fmt.Sprint(m.Name, "/", st.String(), "/model")] = model.String() + " v" + version.String()
					}
				}
			case metricdata.Histogram[float64]:
				for _, dp := range d.DataPoints {
					st, _ := dp.Attributes.Value("http.response.status_code")
					got[fmt.Sprint(m.Name, "/", st.String())] = fmt.Sprint(dp.Count)
				}
			}
		}
	}
	for k, want := range map[string]string{"loom.serve.requests/200": "1", "loom.serve.requests/400": "1", "loom.serve.duration/200": "1", "loom.serve.inflight/": "0",
		"loom.serve.requests/200/model": "churn v7", "loom.serve.requests/400/model": "churn v7"} {
		if got[k] != want {
			t.Errorf("metric %s = %q; want %s (all: %v)", k, got[k], want, got)
		}
	}
}

// TestSlowBodiesDoNotStarve opens 16 connections that send their bodies at
// about 10 bytes a second to a handler of 4 scoring slots and a queue of 4,
// while normal requests keep coming: every normal request must be answered
// 200 at once (before, the slow bodies held every slot and the queue, and
// normal requests got 503 for as long as they lasted), and every slow one
// gets 408 when the request timeout passes.
func TestSlowBodiesDoNotStarve(t *testing.T) {
	const timeout = 600 * time.Millisecond
	h := NewHandler[customer](newTestScorer(t, 1), &Options[customer]{MaxConcurrent: 4, MaxQueue: 4, Timeout: timeout})
	l := listen(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- Serve(ctx, l, h, ServerOptions{}) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	}()
	addr := l.Addr().String()

	const slow = 16
	var wg sync.WaitGroup
	statuses := make(chan string, slow)
	for range slow {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(conn, "POST /predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", len(goodInstance))
		wg.Go(func() {
			defer conn.Close()
			for i := range len(goodInstance) {
				if _, err := conn.Write([]byte{goodInstance[i]}); err != nil {
					break // the server gave up on us
				}
				time.Sleep(100 * time.Millisecond)
				if i > 10 {
					break
				}
			}
			conn.SetReadDeadline(time.Now().Add(2 * time.Second))
			line, _ := bufio.NewReader(conn).ReadString('\n')
			statuses <- strings.TrimSpace(line)
		})
	}
	time.Sleep(100 * time.Millisecond) // the slow requests are in
	client := &http.Client{Timeout: 2 * time.Second}
	defer client.CloseIdleConnections()
	for i := range 20 {
		start := time.Now()
		resp, err := client.Post("http://"+addr+"/predict", "application/json", strings.NewReader(goodInstance))
		if err != nil {
			t.Fatalf("normal request %d: %v", i, err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || time.Since(start) > timeout {
			t.Fatalf("normal request %d beside %d slow bodies: %d after %v: %s", i, slow, resp.StatusCode, time.Since(start), b)
		}
		time.Sleep(50 * time.Millisecond)
	}
	wg.Wait()
	close(statuses)
	for s := range statuses {
		if s != "HTTP/1.1 408 Request Timeout" {
			t.Errorf("a slow body was answered %q; want 408", s)
		}
	}
}
