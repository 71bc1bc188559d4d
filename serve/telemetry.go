package serve

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"strconv"
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

type telemetry struct {
	tracer   trace.Tracer
	latency  metric.Float64Histogram
	requests metric.Int64Counter
	inflight metric.Int64UpDownCounter
	panics   metric.Int64Counter
}

func newTelemetry(tp trace.TracerProvider, mp metric.MeterProvider) *telemetry {
	if tp == nil {
		tp = otel.GetTracerProvider()
	}
	if mp == nil {
		mp = otel.GetMeterProvider()
	}
	m := mp.Meter(instrumentationName)
	t := &telemetry{tracer: tp.Tracer(instrumentationName)}
	// Errors only come from invalid instrument names, fixed here.
	t.latency, _ = m.Float64Histogram("loom.serve.duration", metric.WithUnit("s"), metric.WithDescription("Time to answer a request."),
		metric.WithExplicitBucketBoundaries(0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5))
	t.requests, _ = m.Int64Counter("loom.serve.requests", metric.WithUnit("{request}"), metric.WithDescription("Requests, by endpoint and status."))
	t.inflight, _ = m.Int64UpDownCounter("loom.serve.inflight", metric.WithUnit("{request}"), metric.WithDescription("Requests being handled."))
	t.panics, _ = m.Int64Counter("loom.serve.panics", metric.WithUnit("{panic}"), metric.WithDescription("Panics recovered into 500 responses."))
	return t
}

// request records one answered request: its count and latency by
// endpoint, route, model, model version and status.
func (t *telemetry) request(ctx context.Context, span trace.Span, endpoint string, by servedBy, status int, d time.Duration) {
	attrs := metric.WithAttributes(attrEndpoint.String(endpoint), attrRoute.String(by.route), attrModel.String(by.model),
		attrVersion.Int(by.version), attrStatus.Int(status))
	t.requests.Add(ctx, 1, attrs)
	t.latency.Record(ctx, d.Seconds(), attrs)
	span.SetAttributes(attrStatus.Int(status))
	if status >= 500 {
		span.SetStatus(codes.Error, strconv.Itoa(status))
	}
}

func modelAttrs(span trace.Span, name string, version int, route string, rows int) {
	span.SetAttributes(attrModel.String(name), attrVersion.Int(version), attrRoute.String(route), attrRows.Int(rows))
}

func newIDPrefix() string {
	var b [6]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:]) + "-"
}
