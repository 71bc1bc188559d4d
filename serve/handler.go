package serve

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/loomml/loom/drift"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"
)

// Options configures NewHandler. Zero fields take the defaults given on
// each; a nil *Options means all defaults.
type Options[T any] struct {
	// MaxBodyBytes bounds a request body; a larger one gets 413. Zero means
	// 1 MiB.
	MaxBodyBytes int64
	// MaxBatch bounds the instances of one request; more get 400. Zero
	// means 1,000.
	MaxBatch int
	// Timeout bounds the handling of one request, from reading its body to
	// writing its answer: a body that has not arrived by then gets 408, a
	// request still waiting for a slot or being scored gets 503. Zero means
	// 2s.
	Timeout time.Duration
	// MaxConcurrent bounds the requests scored at once. Zero means
	// 8·GOMAXPROCS; negative means no bound.
	MaxConcurrent int
	// MaxQueue bounds the requests waiting for a slot; past it requests are
	// shed at once with ShedStatus and a Retry-After header. Zero means
	// 4·MaxConcurrent. Bodies are read before a slot is taken; the bytes
	// of the bodies being read at once (each counted as its Content-Length,
	// or MaxBodyBytes when unknown) are bounded by
	// (MaxConcurrent+MaxQueue)·MaxBodyBytes, past which requests are shed
	// the same way.
	MaxQueue int
	// QueueTimeout bounds the wait for a slot. Zero means 100ms.
	QueueTimeout time.Duration
	// ShedStatus is the status of a shed request: 429 (Too Many Requests)
	// or 503 (Service Unavailable). Zero means 503.
	ShedStatus int
	// RejectUnknownFields makes a request with a field the contract does not
	// declare a 400; by default such fields are ignored.
	RejectUnknownFields bool
	// Prefix is the path under which the handler is mounted, such as
	// "/models/churn" for mux.Handle("/models/churn/", h): the handler
	// strips it itself, as http.StripPrefix would, without copying the
	// request of POST {Prefix}/predict (http.StripPrefix copies each
	// request and its URL). A path without the prefix gets 404. Empty
	// means the handler's routes are at the root (mounted as is, or under
	// http.StripPrefix). It must not end with a slash.
	Prefix string

	// Challenger, if set, is a second model that takes traffic by
	// CanaryPercent and/or Shadow.
	Challenger Source[T]
	// CanaryPercent, in [0, 100], is the share of requests answered by the
	// challenger. The choice is sticky: it hashes the RouteKeyHeader header
	// (or, without it, the request id), so one key always takes one route.
	CanaryPercent float64
	// RouteKeyHeader names the header whose value keeps a caller on one
	// route. Empty means "X-Loom-Route-Key".
	RouteKeyHeader string
	// Shadow makes the challenger also score every request the champion
	// answers, asynchronously, after the response is written; its results
	// are never returned, only handed to OnShadow. At most ShadowQueue
	// requests wait; more are dropped and counted.
	Shadow      bool
	ShadowQueue int // zero means 1,024
	// OnShadow receives each shadow comparison. It runs on the shadow
	// goroutine.
	OnShadow func(ShadowResult[T])

	// Observe, if set, is called with every scored row and its prediction,
	// after the response is written, and sent when the ResponseWriter is an
	// http.Flusher, as net/http's is (for a drift monitor). It must be safe
	// for concurrent use and quick. The row is the handler's, reused by a
	// later request once Observe returns: copy *row to keep it (the
	// strings and pointees it refers to are never reused).
	Observe func(row *T, p Prediction)

	// Performance, if set, joins predictions to labels that arrive later,
	// for performance drift (see "Delayed labels" in the package
	// documentation). Every instance answered by /predict or the v2 infer
	// endpoint is recorded with Performance.Predict or PredictClass under
	// its request id, "<id>/<index>" for a batch, before the response is
	// written; and the handler serves POST /labels, through which clients
	// send the labels. A prediction the monitor refuses (a duplicate id, a
	// bad value) is counted by the monitor and never fails the request.
	Performance *drift.PerformanceMonitor

	// TracerProvider and MeterProvider default to the global providers.
	// No span is started while the tracer provider is OpenTelemetry's
	// default global one (none installed yet) or trace/noop's.
	TracerProvider trace.TracerProvider
	MeterProvider  metric.MeterProvider
	// Logger receives recovered panics. Nil means slog.Default().
	Logger *slog.Logger
}

// ShadowResult compares the champion's and the challenger's predictions of
// the same request.
type ShadowResult[T any] struct {
	RequestID         string
	Rows              []T
	Champion          []Prediction
	Challenger        []Prediction
	ChampionVersion   int
	ChallengerVersion int
	Err               error // the challenger's error, if it failed
}

// Handler serves a model over HTTP; see NewHandler. It is safe for
// concurrent use.
type Handler[T any] struct {
	champion Source[T]
	o        Options[T]
	mux      *http.ServeMux
	limit    *limiter
	tel      *telemetry
	shadow   chan shadowJob[T]
	states   sync.Pool // *predictState[T]
	// predictPath is Prefix + "/predict"; rest serves any other path (the
	// mux, under http.StripPrefix when there is a prefix).
	predictPath string
	rest        http.Handler
	idPrefix    string
	idSeq       atomic.Uint64
	ids         idSlab
	panics      atomic.Int64
	shed        atomic.Int64
	dropped     atomic.Int64
}

type shadowJob[T any] struct {
	ctx       context.Context
	requestID string
	rows      []T
	preds     []Prediction
	version   int
}

// NewHandler returns an http.Handler that serves the scorer from champion
// (a *Scorer, a *Swap that follows a registry alias, ...). Mount it in any
// mux, under a prefix with Options.Prefix (or http.StripPrefix). Routes:
//
//	POST /predict                       one instance (a JSON object) or {"instances": [...]}
//	GET  /metadata                      the model's name, version, inputs and outputs
//	GET  /healthz                       200 while the process is alive
//	GET  /readyz                        200 once a model is loaded, else 503
//	GET  /v2, /v2/health/live, /v2/health/ready            Open Inference Protocol (KServe v2)
//	GET  /v2/models/{name}[/versions/{v}], /v2/models/{name}[/versions/{v}]/ready
//	POST /v2/models/{name}[/versions/{v}]/infer
//	POST /labels                        with Options.Performance: {"id": ..., "label": ...} or {"labels": [...]}
//
// Every error is an RFC 9457 problem (application/problem+json); a bad
// request's problem lists each bad field and why.
func NewHandler[T any](champion Source[T], o *Options[T]) *Handler[T] {
	if champion == nil {
		panic("serve: NewHandler called with a nil source")
	}
	h := &Handler[T]{champion: champion, mux: http.NewServeMux()}
	if o != nil {
		h.o = *o
	}
	h.o.setDefaults()
	h.limit = newLimiter(h.o.MaxConcurrent, h.o.MaxQueue, h.o.QueueTimeout, h.o.MaxBodyBytes)
	h.tel = newTelemetry(h.o.TracerProvider, h.o.MeterProvider)
	h.idPrefix = newIDPrefix()
	if h.o.Challenger != nil && h.o.Shadow {
		h.shadow = make(chan shadowJob[T], h.o.ShadowQueue)
		go h.runShadow()
	}
	type route struct {
		method, path string
		fn           http.HandlerFunc
	}
	routes := []route{
		{"POST", "/predict", h.predict},
		{"GET", "/metadata", h.metadata},
		{"GET", "/healthz", h.healthz},
		{"GET", "/readyz", h.readyz},
		{"GET", "/v2/health/live", h.healthz},
		{"GET", "/v2/health/ready", h.readyz},
		{"GET", "/v2", h.v2ServerMetadata},
		{"GET", "/v2/models/{name}", h.v2Metadata},
		{"GET", "/v2/models/{name}/versions/{version}", h.v2Metadata},
		{"GET", "/v2/models/{name}/ready", h.v2Ready},
		{"GET", "/v2/models/{name}/versions/{version}/ready", h.v2Ready},
		{"POST", "/v2/models/{name}/infer", h.v2Infer},
		{"POST", "/v2/models/{name}/versions/{version}/infer", h.v2Infer},
	}
	if h.o.Performance != nil {
		routes = append(routes, route{"POST", "/labels", h.labels})
	}
	for _, rt := range routes {
		h.mux.HandleFunc(rt.method+" "+rt.path, rt.fn)
		// The same path with any other method: a 405 problem naming the
		// method allowed (the mux's own 405 is text/plain).
		allow := rt.method
		if allow == "GET" {
			allow = "GET, HEAD"
		}
		h.mux.HandleFunc(rt.path, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Allow", allow)
			writeProblem(w, http.StatusMethodNotAllowed, problemBadMethod, r.Method+" is not allowed on "+r.URL.Path+"; use "+allow, "", nil)
		})
	}
	// Any other path: a 404 problem (the mux's own 404 is text/plain).
	notFound := func(w http.ResponseWriter, r *http.Request) {
		writeProblem(w, http.StatusNotFound, problemNotFound, "no route for "+r.URL.Path, "", nil)
	}
	h.mux.HandleFunc("/", notFound)
	h.predictPath, h.rest = h.o.Prefix+"/predict", h.mux
	if h.o.Prefix != "" {
		strip := http.StripPrefix(h.o.Prefix, h.mux)
		h.rest = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !strings.HasPrefix(r.URL.Path, h.o.Prefix) {
				notFound(w, r)
				return
			}
			strip.ServeHTTP(w, r)
		})
	}
	return h
}

func (o *Options[T]) setDefaults() {
	if o.MaxBodyBytes == 0 {
		o.MaxBodyBytes = 1 << 20
	}
	if o.MaxBatch == 0 {
		o.MaxBatch = 1000
	}
	if o.Timeout == 0 {
		o.Timeout = 2 * time.Second
	}
	if o.MaxConcurrent == 0 {
		o.MaxConcurrent = 8 * runtime.GOMAXPROCS(0)
	}
	if o.MaxQueue == 0 {
		o.MaxQueue = 4 * max(o.MaxConcurrent, 1)
	}
	if o.QueueTimeout == 0 {
		o.QueueTimeout = 100 * time.Millisecond
	}
	if o.ShedStatus == 0 {
		o.ShedStatus = http.StatusServiceUnavailable
	}
	if strings.HasSuffix(o.Prefix, "/") {
		panic(fmt.Sprintf("serve: Prefix must not end with a slash, got %q", o.Prefix))
	}
	if o.ShedStatus != http.StatusTooManyRequests && o.ShedStatus != http.StatusServiceUnavailable {
		panic(fmt.Sprintf("serve: ShedStatus must be 429 or 503, got %d", o.ShedStatus))
	}
	if o.CanaryPercent < 0 || o.CanaryPercent > 100 {
		panic(fmt.Sprintf("serve: CanaryPercent must be in [0, 100], got %v", o.CanaryPercent))
	}
	if o.RouteKeyHeader == "" {
		o.RouteKeyHeader = "X-Loom-Route-Key"
	}
	if o.ShadowQueue == 0 {
		o.ShadowQueue = 1024
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
}

// Close stops the shadow goroutine, if any, once its queue is drained, and
// the reporting of the handler's metrics. Call it after the server has
// shut down.
func (h *Handler[T]) Close() {
	h.tel.close()
	if h.shadow != nil {
		close(h.shadow)
	}
}

// Stats are counters of a Handler since it was made.
type Stats struct {
	Panics        int64 // panics recovered into 500s
	Shed          int64 // requests refused by the concurrency limit
	ShadowDropped int64 // shadow requests dropped because the queue was full
}

// Stats returns the handler's counters.
func (h *Handler[T]) Stats() Stats {
	return Stats{Panics: h.panics.Load(), Shed: h.shed.Load(), ShadowDropped: h.dropped.Load()}
}

// ServeHTTP implements http.Handler.
func (h *Handler[T]) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// The hot route goes straight to its handler: the mux would pick the
	// same one (the path is clean), after matching it against every route.
	if r.Method == http.MethodPost && r.URL.Path == h.predictPath {
		h.predict(w, r)
		return
	}
	h.rest.ServeHTTP(w, r)
}

func (h *Handler[T]) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	io.WriteString(w, `{"status":"alive"}`+"\n")
}

func (h *Handler[T]) readyz(w http.ResponseWriter, r *http.Request) {
	s := h.champion.Current()
	if s == nil {
		writeProblem(w, http.StatusServiceUnavailable, problemNotReady, "no model has been loaded yet", "", nil)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	b := appendJSONString([]byte(`{"status":"ready","model":`), s.info.Name)
	b = append(b, `,"version":`...)
	b = strconv.AppendInt(b, int64(s.info.Version), 10)
	w.Write(append(b, "}\n"...))
}

func (h *Handler[T]) metadata(w http.ResponseWriter, r *http.Request) {
	s := h.champion.Current()
	if s == nil {
		writeProblem(w, http.StatusServiceUnavailable, problemNotReady, "no model has been loaded yet", "", nil)
		return
	}
	writeJSON(w, http.StatusOK, s.info)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		writeProblem(w, http.StatusInternalServerError, problemInternal, "encoding the response: "+err.Error(), "", nil)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}

// requestID returns the caller's X-Request-Id, or a new id made of the
// handler's random prefix and a sequence number, and the value of the
// response's X-Request-Id header: the request's own value slice when it
// holds the id alone, else one from the handler's ids. net/http only
// reads header values; a middleware that changes one must replace the
// slice (Header.Set does), not write into it.
func (h *Handler[T]) requestID(r *http.Request) (string, []string) {
	if v := r.Header["X-Request-Id"]; len(v) > 0 && v[0] != "" && len(v[0]) <= 128 {
		if len(v) == 1 {
			return v[0], v
		}
		return v[0], []string{v[0]}
	}
	// The prefix is 13 bytes and a uint64 takes at most 13 in base 36.
	var b [32]byte
	return h.ids.make(strconv.AppendUint(append(b[:0], h.idPrefix...), h.idSeq.Add(1), 36))
}

// idSlab hands out request ids and their header values from chunks that
// many requests share, never the same bytes or slot twice: a request
// allocates none, and the ids that a PerformanceMonitor keeps pending (up
// to its MaxPending) are bytes in a few chunks without pointers, which the
// collector does not scan, rather than as many objects of their own. A
// chunk is freed once none of its ids is referenced.
type idSlab struct {
	mu   sync.Mutex
	buf  []byte   // the unused rest of the current chunk of id bytes
	vals []string // the unused rest of the current chunk of header values
}

const (
	idChunkBytes  = 8 << 10
	idChunkValues = 256
)

// make returns b as a string in the slab and a header value holding it.
func (s *idSlab) make(b []byte) (string, []string) {
	s.mu.Lock()
	if len(s.buf) < len(b) {
		s.buf = make([]byte, max(idChunkBytes, len(b)))
	}
	n := copy(s.buf, b)
	id := unsafe.String(unsafe.SliceData(s.buf), n) // these bytes are never written again
	s.buf = s.buf[n:]
	if len(s.vals) == 0 {
		s.vals = make([]string, idChunkValues)
	}
	v := s.vals[:1:1]
	s.vals = s.vals[1:]
	s.mu.Unlock()
	v[0] = id
	return id, v
}

// route picks the scorer of a request: the challenger for the canary share
// of route keys, else the champion.
func (h *Handler[T]) route(r *http.Request, requestID string) (*Scorer[T], string) {
	if h.o.Challenger != nil && h.o.CanaryPercent > 0 {
		key := r.Header.Get(h.o.RouteKeyHeader)
		if key == "" {
			key = requestID
		}
		if float64(fnv64a(key)%10000) < h.o.CanaryPercent*100 {
			if s := h.o.Challenger.Current(); s != nil {
				return s, "canary"
			}
		}
	}
	return h.champion.Current(), "champion"
}

// fnv64a is the 64-bit FNV-1a hash of s, as hash/fnv computes it, without
// its allocation.
func fnv64a(s string) uint64 {
	const offset, prime = 14695981039346656037, 1099511628211
	h := uint64(offset)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= prime
	}
	return h
}

// servedBy is who answered a request, for its metrics and span: the route,
// the model's name and version, and the instances scored. serve functions
// return it once they know.
type servedBy struct {
	route, model string
	version      int
	rows         int
}

// serveFunc answers a request whose body has been read and which holds a
// scoring slot; it returns the status it wrote and who answered. ctx is
// the request's (with its span); deadline is when the request's timeout
// passes: a function that blocks derives a context with it (withDeadline),
// one that does not compares the clock with it (the predict path makes no
// context, which would cost allocations per request).
type serveFunc func(ctx context.Context, w http.ResponseWriter, body []byte, requestID string, deadline time.Time) (int, servedBy)

// withDeadline is ctx ending at deadline, for serve functions that block.
func withDeadline(ctx context.Context, deadline time.Time) (context.Context, context.CancelFunc) {
	return context.WithDeadline(ctx, deadline)
}

// admit applies the concurrency limit, the body limit and the timeout, and
// recovers panics; it calls serve with everything in place.
func (h *Handler[T]) admit(w http.ResponseWriter, r *http.Request, endpoint string, serve serveFunc) {
	start := time.Now()
	requestID, idHeader := h.requestID(r)
	w.Header()["X-Request-Id"] = idHeader
	ctx, span := h.tel.start(r.Context(), spanName(endpoint))
	if span != nil {
		defer span.End()
	}
	status, by := http.StatusOK, servedBy{}
	h.tel.inflight.Add(1)
	defer func() {
		h.tel.inflight.Add(-1)
		h.tel.request(ctx, span, endpoint, by, status, time.Since(start))
	}()
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			h.panics.Add(1)
			h.tel.panics.Add(ctx, 1)
			h.o.Logger.Error("serve: panic while scoring", "request_id", requestID, "panic", v)
			status = http.StatusInternalServerError
			writeProblem(w, status, problemInternal, "the model failed on this request", requestID, nil)
		}
	}()
	// The timeout covers the whole request: reading the body, waiting for
	// a slot and scoring.
	deadline := start.Add(h.o.Timeout)

	// The body is read before a scoring slot is taken, so that clients
	// sending their bodies slowly hold no slot, and by the deadline.
	reserve := h.o.MaxBodyBytes
	if r.ContentLength >= 0 && r.ContentLength < reserve {
		reserve = r.ContentLength
	}
	if !h.limit.startRead(reserve) {
		h.shed.Add(1)
		status = h.o.ShedStatus
		w.Header().Set("Retry-After", "1")
		writeProblem(w, status, problemOverloaded, "too many request bodies being received; retry later", requestID, nil)
		return
	}
	buf := bufPool.Get().(*bytes.Buffer)
	defer putBuf(buf)
	body, err := readBody(w, r, h.o.MaxBodyBytes, buf, deadline)
	h.limit.endRead(reserve)
	if err != nil {
		var mbe *http.MaxBytesError
		var ne net.Error
		switch {
		case errors.As(err, &mbe):
			status = http.StatusRequestEntityTooLarge
			w.Header().Set("Connection", "close")
			writeProblem(w, status, problemTooLarge, fmt.Sprintf("the body exceeds %d bytes", mbe.Limit), requestID, nil)
		case errors.As(err, &ne) && ne.Timeout() || ctx.Err() != nil || !time.Now().Before(deadline):
			status = http.StatusRequestTimeout
			w.Header().Set("Connection", "close")
			writeProblem(w, status, problemTimeout, fmt.Sprintf("the request body did not arrive within the request timeout (%v)", h.o.Timeout), requestID, nil)
		default:
			status = http.StatusBadRequest
			writeProblem(w, status, problemInvalid, "reading the request body: "+err.Error(), requestID, nil)
		}
		return
	}

	if err := h.limit.acquire(ctx, deadline); err != nil {
		h.shed.Add(1)
		status = h.o.ShedStatus
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			status = http.StatusServiceUnavailable
		}
		w.Header().Set("Retry-After", "1")
		writeProblem(w, status, problemOverloaded, "too many requests in flight; retry later", requestID, nil)
		return
	}
	defer h.limit.release()
	status, by = serve(ctx, w, body, requestID, deadline)
}

// bufPool holds request body buffers. Decoded rows copy what they keep,
// so a buffer is reused once its request is answered.
var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func putBuf(b *bytes.Buffer) {
	if b.Cap() <= 64<<10 { // let the odd big body go to the collector
		b.Reset()
		bufPool.Put(b)
	}
}

// readBody reads the body of r into buf, up to limit bytes, and by
// deadline: the deadline is set on the connection's reads (when the
// ResponseWriter supports it, as net/http's does). net/http clears it
// itself when the body reaches EOF, where it starts its background read
// of the connection, so a read pending past it cannot cancel the request;
// readBody clears it when the reading stops short of EOF. A body past
// limit is an *http.MaxBytesError. It reads r.Body directly (no
// http.MaxBytesReader, an allocation per request); a handler answering
// such an error sets "Connection: close", so that the server does not read
// the rest of the body.
func readBody(w http.ResponseWriter, r *http.Request, limit int64, buf *bytes.Buffer, deadline time.Time) ([]byte, error) {
	if r.ContentLength > limit {
		return nil, &http.MaxBytesError{Limit: limit}
	}
	if r.ContentLength == 0 || r.Body == nil || r.Body == http.NoBody {
		return buf.Bytes(), nil
	}
	if r.ContentLength > 0 {
		buf.Grow(int(r.ContentLength) + 1) // room for the EOF read too
	}
	set := setReadDeadline(w, deadline)
	body, err := readAll(r.Body, limit, buf)
	if err != nil && set {
		setReadDeadline(w, time.Time{})
	}
	return body, err
}

// readAll reads rd into buf until EOF, up to limit bytes.
func readAll(rd io.Reader, limit int64, buf *bytes.Buffer) ([]byte, error) {
	for {
		if buf.Available() == 0 {
			buf.Grow(bytes.MinRead)
		}
		b := buf.AvailableBuffer()
		n, err := rd.Read(b[:cap(b)])
		buf.Write(b[:n]) // within the capacity: a copy onto itself
		if int64(buf.Len()) > limit {
			return nil, &http.MaxBytesError{Limit: limit}
		}
		if err == io.EOF {
			return buf.Bytes(), nil
		}
		if err != nil {
			return nil, err
		}
	}
}

// setReadDeadline sets the read deadline of the connection behind w,
// unwrapping w as http.ResponseController does, and reports whether it
// could; unlike http.ResponseController it allocates nothing when w cannot
// (an httptest.ResponseRecorder, say).
func setReadDeadline(w http.ResponseWriter, t time.Time) bool {
	for {
		switch x := w.(type) {
		case interface{ SetReadDeadline(time.Time) error }:
			return x.SetReadDeadline(t) == nil
		case interface{ Unwrap() http.ResponseWriter }:
			w = x.Unwrap()
		default:
			return false
		}
	}
}
