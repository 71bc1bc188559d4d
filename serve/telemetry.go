package serve

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"reflect"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"
)

const instrumentationName = "github.com/loomml/loom/serve"

var (
	attrEndpoint = attribute.Key("loom.endpoint")
	attrStatus   = attribute.Key("http.response.status_code")
	attrModel    = attribute.Key("loom.model")
	attrVersion  = attribute.Key("loom.model_version")
	attrRoute    = attribute.Key("loom.route")
	attrRows     = attribute.Key("loom.instances")
	// attrOverflow marks the requests counted past maxAttrSets
	// combinations, as the OpenTelemetry SDK marks its own overflow.
	attrOverflow = attribute.Key("otel.metric.overflow")
)

// serverSpan is the option of every request's span, made once: an option
// made per request is an allocation per request.
var serverSpan = []trace.SpanStartOption{trace.WithSpanKind(trace.SpanKindServer)}

// telemetry records a handler's spans and metrics. Request counts and the
// requests in flight are counted here, in atomics, and reported when the
// meter collects (observable instruments): a scrape sees the same
// cumulative values as synchronous instruments would give, without an
// SDK call per request. The latency histogram, which has no observable
// form, is recorded with an attribute set made once per combination: at
// once for a request whose span context is sampled (its exemplar keeps
// the trace), else in batches of latencyBatch per combination, and
// whatever waits when the meter collects the observable instruments (the
// SDK runs their callback before it reads the histogram), so a scrape
// sees every latency recorded before it.
type telemetry struct {
	tracer trace.Tracer
	// defaultTP is the global tracer provider the tracer came from, while
	// it is OpenTelemetry's default (no SDK installed yet), else nil: no
	// span is started while otel.GetTracerProvider still returns it,
	// since its spans would be no-ops. Once a provider is installed the
	// tracer delegates to it and spans are started again.
	defaultTP trace.TracerProvider
	noSpans   bool // the provider is the no-op one of package trace/noop

	latency  metric.Float64Histogram
	panics   metric.Int64Counter
	inflight atomic.Int64 // reported by loom.serve.inflight
	reg      metric.Registration

	// sets holds the counters and measurement options of each combination
	// of attributes seen (endpoint, route, model, version and status: a
	// few dozen in practice), so that recording a request neither builds
	// nor sorts an attribute set. It is bounded by maxAttrSets; last is
	// the entry used last, looked up without the lock.
	mu       sync.RWMutex
	maxSets  int // maxAttrSets; tests lower it
	sets     map[attrKey]*attrOpts
	overflow attrOpts
	last     atomic.Pointer[attrOpts]
}

// attrKey is one combination of a request's metric attributes.
type attrKey struct {
	endpoint, route, model string
	version, status        int
}

// attrOpts are a combination's request count and the options that report
// and record it, and its latencies waiting to be recorded.
type attrOpts struct {
	key      attrKey
	requests atomic.Int64
	observe  []metric.ObserveOption
	record   []metric.RecordOption // nil for the overflow entry

	mu      sync.Mutex
	pending []float64 // latencies not recorded yet, fewer than latencyBatch
}

// latencyBatch is how many latencies of one combination are recorded in
// the histogram together. One Record call from a request costs about
// 2 µs of CPU over HTTP (the SDK's code and data are cold by then: the
// kernel's TCP path and the rest of the request run between two calls),
// against a few hundred nanoseconds for calls one after the other.
const latencyBatch = 32

// add records v, the latency of a request without a sampled span, with
// the latencies before it once there are latencyBatch of them.
func (o *attrOpts) add(h metric.Float64Histogram, v float64) {
	o.mu.Lock()
	if o.pending == nil {
		o.pending = make([]float64, 0, latencyBatch)
	}
	o.pending = append(o.pending, v)
	if len(o.pending) < latencyBatch {
		o.mu.Unlock()
		return
	}
	o.flushLocked(h)
}

// flush records the latencies waiting.
func (o *attrOpts) flush(h metric.Float64Histogram) {
	o.mu.Lock()
	o.flushLocked(h)
}

// flushLocked records the latencies waiting and unlocks o.mu: they are
// copied out first, so that recording them holds no other request up.
func (o *attrOpts) flushLocked(h metric.Float64Histogram) {
	var batch [latencyBatch]float64
	n := copy(batch[:], o.pending)
	o.pending = o.pending[:0]
	o.mu.Unlock()
	for _, v := range batch[:n] {
		h.Record(context.Background(), v, o.record...)
	}
}

// maxAttrSets bounds the combinations counted apart; the requests of any
// further combination (a registry with hundreds of versions served by one
// handler) are counted under otel.metric.overflow=true, as the
// OpenTelemetry SDK does past its own cardinality limit (2,000 by
// default), and their latency is recorded with a set made per request.
const maxAttrSets = 4096

func newTelemetry(tp trace.TracerProvider, mp metric.MeterProvider) *telemetry {
	if tp == nil {
		tp = otel.GetTracerProvider()
	}
	if mp == nil {
		mp = otel.GetMeterProvider()
	}
	m := mp.Meter(instrumentationName)
	t := &telemetry{tracer: tp.Tracer(instrumentationName), sets: map[attrKey]*attrOpts{}, maxSets: maxAttrSets}
	switch tp.(type) {
	case noop.TracerProvider, *noop.TracerProvider:
		t.noSpans = true
	default:
		if isDefaultTracerProvider(tp) {
			t.defaultTP = tp
		}
	}
	overflow := metric.WithAttributeSet(attribute.NewSet(attrOverflow.Bool(true)))
	t.overflow.observe = []metric.ObserveOption{overflow}
	// Errors only come from invalid instrument names, fixed here.
	t.latency, _ = m.Float64Histogram("loom.serve.duration", metric.WithUnit("s"), metric.WithDescription("Time to answer a request."),
		metric.WithExplicitBucketBoundaries(0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5))
	requests, _ := m.Int64ObservableCounter("loom.serve.requests", metric.WithUnit("{request}"), metric.WithDescription("Requests, by endpoint and status."))
	inflight, _ := m.Int64ObservableUpDownCounter("loom.serve.inflight", metric.WithUnit("{request}"), metric.WithDescription("Requests being handled."))
	t.panics, _ = m.Int64Counter("loom.serve.panics", metric.WithUnit("{panic}"), metric.WithDescription("Panics recovered into 500 responses."))
	t.reg, _ = m.RegisterCallback(func(_ context.Context, o metric.Observer) error {
		o.ObserveInt64(inflight, t.inflight.Load())
		t.mu.RLock()
		defer t.mu.RUnlock()
		for _, e := range t.sets {
			o.ObserveInt64(requests, e.requests.Load(), e.observe...)
			e.flush(t.latency)
		}
		if n := t.overflow.requests.Load(); n > 0 {
			o.ObserveInt64(requests, n, t.overflow.observe...)
		}
		return nil
	}, requests, inflight)
	return t
}

// isDefaultTracerProvider reports whether tp is OpenTelemetry's default
// global provider, the one otel.GetTracerProvider returns until
// otel.SetTracerProvider is called (its type lives in otel's internal
// global package).
func isDefaultTracerProvider(tp trace.TracerProvider) bool {
	t := reflect.TypeOf(tp)
	return t.Kind() == reflect.Pointer && t.Elem().PkgPath() == "go.opentelemetry.io/otel/internal/global"
}

// close records the latencies waiting and stops reporting the handler's
// metrics.
func (t *telemetry) close() {
	t.mu.RLock()
	for _, e := range t.sets {
		e.flush(t.latency)
	}
	t.mu.RUnlock()
	if t.reg != nil {
		t.reg.Unregister()
	}
}

// start starts the span of a request, or returns ctx and a nil span when
// spans would be no-ops (no tracer provider installed).
func (t *telemetry) start(ctx context.Context, name string) (context.Context, trace.Span) {
	if t.noSpans || t.defaultTP != nil && otel.GetTracerProvider() == t.defaultTP {
		return ctx, nil
	}
	return t.tracer.Start(ctx, name, serverSpan...)
}

// opts returns the entry of k, made once per k while there is room.
func (t *telemetry) opts(k attrKey) *attrOpts {
	if o := t.last.Load(); o != nil && o.key == k {
		return o
	}
	t.mu.RLock()
	o := t.sets[k]
	t.mu.RUnlock()
	if o == nil {
		o = t.newOpts(k)
	}
	if o != &t.overflow {
		t.last.Store(o)
	}
	return o
}

func (t *telemetry) newOpts(k attrKey) *attrOpts {
	opt := metric.WithAttributeSet(attribute.NewSet(attrEndpoint.String(k.endpoint), attrRoute.String(k.route), attrModel.String(k.model),
		attrVersion.Int(k.version), attrStatus.Int(k.status)))
	t.mu.Lock()
	defer t.mu.Unlock()
	if o := t.sets[k]; o != nil {
		return o
	}
	if len(t.sets) >= t.maxSets {
		return &t.overflow
	}
	o := &attrOpts{key: k, observe: []metric.ObserveOption{opt}, record: []metric.RecordOption{opt}}
	t.sets[k] = o
	return o
}

// request records one answered request: its count and latency by
// endpoint, route, model, model version and status, and the span's
// attributes when it records (span may be nil: no span).
func (t *telemetry) request(ctx context.Context, span trace.Span, endpoint string, by servedBy, status int, d time.Duration) {
	k := attrKey{endpoint: endpoint, route: by.route, model: by.model, version: by.version, status: status}
	o := t.opts(k)
	o.requests.Add(1)
	switch {
	case o.record == nil:
		t.latency.Record(ctx, d.Seconds(), metric.WithAttributes(attrEndpoint.String(k.endpoint), attrRoute.String(k.route),
			attrModel.String(k.model), attrVersion.Int(k.version), attrStatus.Int(k.status)))
	case trace.SpanContextFromContext(ctx).IsSampled():
		// At once, with ctx: an exemplar filter (trace-based by
		// default) may keep this measurement with its trace.
		t.latency.Record(ctx, d.Seconds(), o.record...)
	case t.latency.Enabled(ctx): // not a no-op meter
		o.add(t.latency, d.Seconds())
	}
	if span == nil || !span.IsRecording() {
		return
	}
	if by.model != "" {
		span.SetAttributes(attrModel.String(by.model), attrVersion.Int(by.version), attrRoute.String(by.route), attrRows.Int(by.rows))
	}
	span.SetAttributes(attrStatus.Int(status))
	if status >= 500 {
		span.SetStatus(codes.Error, strconv.Itoa(status))
	}
}

// spanName is the name of an endpoint's span.
func spanName(endpoint string) string {
	switch endpoint {
	case "predict":
		return "loom.serve predict"
	case "v2.infer":
		return "loom.serve v2.infer"
	case "labels":
		return "loom.serve labels"
	}
	return "loom.serve " + endpoint
}

func newIDPrefix() string {
	var b [6]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:]) + "-"
}
