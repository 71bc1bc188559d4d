package serve

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"strconv"
	"sync"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"
)

const instrumentationName = "github.com/loomml/loom/serve"

var (
	attrEndpoint = attribute.Key("loom.endpoint")
	attrStatus   = attribute.Key("http.response.status_code")
	attrModel    = attribute.Key("loom.model")
	attrVersion  = attribute.Key("loom.model_version")
	attrRoute    = attribute.Key("loom.route")
	attrRows     = attribute.Key("loom.instances")
)

// serverSpan is the option of every request's span, made once: an option
// made per request is an allocation per request.
var serverSpan = []trace.SpanStartOption{trace.WithSpanKind(trace.SpanKindServer)}

type telemetry struct {
	tracer   trace.Tracer
	latency  metric.Float64Histogram
	requests metric.Int64Counter
	inflight metric.Int64UpDownCounter
	panics   metric.Int64Counter

	// sets caches the measurement options of each combination of
	// attributes seen (endpoint, route, model, version and status: a few
	// dozen in practice), so that recording a request does not build and
	// sort an attribute set each time. It is bounded by maxAttrSets.
	mu   sync.RWMutex
	sets map[attrKey]*attrOpts
}

// attrKey is one combination of a request's metric attributes.
type attrKey struct {
	endpoint, route, model string
	version, status        int
}

// attrOpts are the options that record a request under one attrKey.
type attrOpts struct {
	add    []metric.AddOption
	record []metric.RecordOption
}

// maxAttrSets bounds the cached attribute sets; past it (a registry with
// thousands of versions served by one handler), sets are built per request.
const maxAttrSets = 1024

func newTelemetry(tp trace.TracerProvider, mp metric.MeterProvider) *telemetry {
	if tp == nil {
		tp = otel.GetTracerProvider()
	}
	if mp == nil {
		mp = otel.GetMeterProvider()
	}
	m := mp.Meter(instrumentationName)
	t := &telemetry{tracer: tp.Tracer(instrumentationName), sets: map[attrKey]*attrOpts{}}
	// Errors only come from invalid instrument names, fixed here.
	t.latency, _ = m.Float64Histogram("loom.serve.duration", metric.WithUnit("s"), metric.WithDescription("Time to answer a request."),
		metric.WithExplicitBucketBoundaries(0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5))
	t.requests, _ = m.Int64Counter("loom.serve.requests", metric.WithUnit("{request}"), metric.WithDescription("Requests, by endpoint and status."))
	t.inflight, _ = m.Int64UpDownCounter("loom.serve.inflight", metric.WithUnit("{request}"), metric.WithDescription("Requests being handled."))
	t.panics, _ = m.Int64Counter("loom.serve.panics", metric.WithUnit("{panic}"), metric.WithDescription("Panics recovered into 500 responses."))
	return t
}

// opts returns the measurement options of k, made once per k.
func (t *telemetry) opts(k attrKey) *attrOpts {
	t.mu.RLock()
	o := t.sets[k]
	t.mu.RUnlock()
	if o != nil {
		return o
	}
	set := attribute.NewSet(attrEndpoint.String(k.endpoint), attrRoute.String(k.route), attrModel.String(k.model),
		attrVersion.Int(k.version), attrStatus.Int(k.status))
	opt := metric.WithAttributeSet(set)
	o = &attrOpts{add: []metric.AddOption{opt}, record: []metric.RecordOption{opt}}
	t.mu.Lock()
	if len(t.sets) < maxAttrSets {
		if old := t.sets[k]; old != nil {
			o = old
		} else {
			t.sets[k] = o
		}
	}
	t.mu.Unlock()
	return o
}

// request records one answered request: its count and latency by
// endpoint, route, model, model version and status, and the span's
// attributes when it records.
func (t *telemetry) request(ctx context.Context, span trace.Span, endpoint string, by servedBy, status int, d time.Duration) {
	o := t.opts(attrKey{endpoint: endpoint, route: by.route, model: by.model, version: by.version, status: status})
	t.requests.Add(ctx, 1, o.add...)
	t.latency.Record(ctx, d.Seconds(), o.record...)
	if !span.IsRecording() {
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
