package serve

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestPrefix: a handler mounted with Options.Prefix answers under the
// prefix as it does at the root under http.StripPrefix (status,
// Content-Type and problem type), and paths outside the prefix get a 404
// problem.
func TestPrefix(t *testing.T) {
	s := newTestScorer(t, 1)
	prefixed := NewHandler[customer](s, &Options[customer]{Prefix: "/models/churn"})
	mux := http.NewServeMux()
	mux.Handle("/models/churn/", prefixed)
	mux.Handle("/elsewhere/", prefixed) // a path outside the prefix reaching it
	stripped := http.StripPrefix("/models/churn", NewHandler[customer](s, nil))
	for _, tc := range []struct {
		method, path, body string
		status             int
	}{
		{"POST", "/models/churn/predict", goodInstance, 200},
		{"POST", "/models/churn/predict?explain=2", goodInstance, 400}, // the test scorer cannot explain
		{"POST", "/models/churn/predict", `{"age": "x"}`, 400},
		{"GET", "/models/churn/predict", "", 405},
		{"GET", "/models/churn/healthz", "", 200},
		{"GET", "/models/churn/readyz", "", 200},
		{"GET", "/models/churn/metadata", "", 200},
		{"GET", "/models/churn/v2/models/churn", "", 200},
		{"GET", "/models/churn/nothing", "", 404},
	} {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			do := func(h http.Handler) *httptest.ResponseRecorder {
				req := httptest.NewRequest(tc.method, tc.path, strings.NewReader(tc.body))
				req.Header.Set("X-Request-Id", "r-1")
				w := httptest.NewRecorder()
				h.ServeHTTP(w, req)
				return w
			}
			got, want := do(mux), do(stripped)
			if got.Code != tc.status || want.Code != tc.status {
				t.Fatalf("status %d with Prefix, %d under http.StripPrefix; want %d: %s", got.Code, want.Code, tc.status, got.Body)
			}
			if g, w := got.Header().Get("Content-Type"), want.Header().Get("Content-Type"); g != w {
				t.Fatalf("Content-Type %q with Prefix, %q under http.StripPrefix", g, w)
			}
			if tc.method == "POST" && got.Body.String() != want.Body.String() {
				t.Fatalf("body with Prefix:\n%s\nunder http.StripPrefix:\n%s", got.Body, want.Body)
			}
		})
	}
	t.Run("outside the prefix", func(t *testing.T) {
		w := post(t, mux, "/elsewhere/predict", goodInstance)
		var p struct{ Type string }
		if w.Code != 404 || json.Unmarshal(w.Body.Bytes(), &p) != nil || p.Type != problemNotFound {
			t.Fatalf("status %d, body %s; want a 404 problem", w.Code, w.Body)
		}
	})
	t.Run("trailing slash", func(t *testing.T) {
		defer func() {
			if recover() == nil {
				t.Fatal("NewHandler with Prefix \"/models/\" did not panic")
			}
		}()
		NewHandler[customer](s, &Options[customer]{Prefix: "/models/"})
	})
}

// TestPredictRespondsBeforeObserve: over a real connection, the client
// has the whole /predict response (with its Content-Length, not chunked)
// while Options.Observe, which runs after it, has not returned yet.
func TestPredictRespondsBeforeObserve(t *testing.T) {
	release := make(chan struct{})
	observing := make(chan struct{}, 1)
	h := NewHandler[customer](newTestScorer(t, 1), &Options[customer]{Observe: func(*customer, Prediction) {
		observing <- struct{}{}
		<-release
	}})
	srv := httptest.NewServer(h)
	defer srv.Close()
	defer close(release)
	// Observe blocks until the response has been read whole.
	client := &http.Client{Timeout: 10 * time.Second}
	resp, err := client.Post(srv.URL+"/predict", "application/json", strings.NewReader(goodInstance))
	if err != nil {
		t.Fatalf("the response did not arrive while Observe was running: %v", err)
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatalf("the response did not arrive whole while Observe was running: %v", err)
	}
	if resp.StatusCode != 200 || len(resp.TransferEncoding) > 0 || resp.ContentLength != int64(len(b)) {
		t.Fatalf("status %d, Transfer-Encoding %v, Content-Length %d for a body of %d bytes", resp.StatusCode, resp.TransferEncoding, resp.ContentLength, len(b))
	}
	select {
	case <-observing:
	case <-time.After(10 * time.Second):
		t.Fatal("Observe was not called")
	}
}

// TestRequestIDs: generated request ids are distinct, from any number of
// goroutines, and each comes with a header value of its own that holds it
// alone.
func TestRequestIDs(t *testing.T) {
	h := NewHandler[customer](newTestScorer(t, 1), nil)
	const goroutines, each = 4, 3000 // more than a chunk of bytes and of values each
	ids := make([][]string, goroutines)
	vals := make([][][]string, goroutines)
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			r := httptest.NewRequest(http.MethodPost, "/predict", nil)
			for range each {
				id, v := h.requestID(r)
				ids[g] = append(ids[g], id)
				vals[g] = append(vals[g], v)
			}
		})
	}
	wg.Wait()
	seen := map[string]bool{}
	for g := range goroutines {
		for i, id := range ids[g] {
			v := vals[g][i]
			if len(v) != 1 || cap(v) != 1 || v[0] != id {
				t.Fatalf("id %q has the header value %q (cap %d); want the id alone", id, v, cap(v))
			}
			if !strings.HasPrefix(id, h.idPrefix) || seen[id] {
				t.Fatalf("id %q: duplicate or without the prefix %q", id, h.idPrefix)
			}
			seen[id] = true
		}
	}
	if len(seen) != goroutines*each {
		t.Fatalf("%d distinct ids; want %d", len(seen), goroutines*each)
	}
	// The caller's id is used as is.
	r := httptest.NewRequest(http.MethodPost, "/predict", nil)
	r.Header.Set("X-Request-Id", "abc")
	if id, v := h.requestID(r); id != "abc" || len(v) != 1 || v[0] != "abc" {
		t.Fatalf("requestID with X-Request-Id abc = %q, %q", id, v)
	}
}

// TestPredictKeepAlive: many requests on one connection are all answered
// whole, and the connection stays open: the early flush leaves the
// response framed by its Content-Length.
func TestPredictKeepAlive(t *testing.T) {
	srv := httptest.NewServer(NewHandler[customer](newTestScorer(t, 1), nil))
	defer srv.Close()
	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	br := bufio.NewReader(conn)
	for i := range 50 {
		fmt.Fprintf(conn, "POST /predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", len(goodInstance), goodInstance)
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != 200 || resp.Close || resp.Header.Get("Content-Length") != strconv.Itoa(len(b)) {
			t.Fatalf("request %d: status %d, close %v, Content-Length %q for %d bytes, %v", i, resp.StatusCode, resp.Close, resp.Header.Get("Content-Length"), len(b), err)
		}
	}
}
