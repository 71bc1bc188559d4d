package retrain

import (
	"context"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"
)

const instrumentationName = "github.com/loomml/loom/retrain"

// Metric names recorded by a Loop.
const (
	MetricRuns      = "loom.retrain.runs"      // counter: finished runs, attributes model, trigger and outcome
	MetricDuration  = "loom.retrain.duration"  // histogram: seconds from a run's start to its record, attributes model and outcome
	MetricStep      = "loom.retrain.step"      // histogram: seconds per step (fetch, validate, fit, evaluate, register), attributes model and step
	MetricRollbacks = "loom.retrain.rollbacks" // counter: rollbacks of the champion, attribute model
	MetricCoalesced = "loom.retrain.coalesced" // counter: triggers folded into a pending or running run, attributes model and trigger
)

var (
	attrModel   = attribute.Key("loom.model")
	attrRun     = attribute.Key("loom.retrain.run")
	attrTrigger = attribute.Key("loom.retrain.trigger")
	attrOutcome = attribute.Key("loom.retrain.outcome")
	attrStep    = attribute.Key("loom.retrain.step")
	attrVersion = attribute.Key("loom.model_version")
)

type telemetry struct {
	model     string
	tracer    trace.Tracer
	runs      metric.Int64Counter
	duration  metric.Float64Histogram
	step      metric.Float64Histogram
	rollbacks metric.Int64Counter
	coalesced metric.Int64Counter
}

func newTelemetry(model string, tp trace.TracerProvider, mp metric.MeterProvider) *telemetry {
	if tp == nil {
		tp = otel.GetTracerProvider()
	}
	if mp == nil {
		mp = otel.GetMeterProvider()
	}
	m := mp.Meter(instrumentationName)
	t := &telemetry{model: model, tracer: tp.Tracer(instrumentationName)}
	// Errors only come from invalid instrument names, fixed here.
	t.runs, _ = m.Int64Counter(MetricRuns, metric.WithUnit("{run}"), metric.WithDescription("Finished retraining runs, by trigger and outcome."))
	t.duration, _ = m.Float64Histogram(MetricDuration, metric.WithUnit("s"), metric.WithDescription("Time from a run's start to its record."))
	t.step, _ = m.Float64Histogram(MetricStep, metric.WithUnit("s"), metric.WithDescription("Time of each step of a run."))
	t.rollbacks, _ = m.Int64Counter(MetricRollbacks, metric.WithUnit("{rollback}"), metric.WithDescription("Rollbacks of the champion after a live breach."))
	t.coalesced, _ = m.Int64Counter(MetricCoalesced, metric.WithUnit("{trigger}"), metric.WithDescription("Triggers folded into a pending or running run."))
	return t
}

// start opens a span named "loom.retrain <name>".
func (t *telemetry) start(ctx context.Context, name string, attrs ...attribute.KeyValue) (context.Context, trace.Span) {
	return t.tracer.Start(ctx, "loom.retrain "+name, trace.WithAttributes(append(attrs, attrModel.String(t.model))...))
}

func (t *telemetry) finished(ctx context.Context, r *Record) {
	attrs := metric.WithAttributes(attrModel.String(t.model), attrTrigger.String(string(r.Trigger.Kind)), attrOutcome.String(string(r.Outcome)))
	t.runs.Add(ctx, 1, attrs)
	if !r.End.IsZero() {
		t.duration.Record(ctx, r.End.Sub(r.Start).Seconds(), metric.WithAttributes(attrModel.String(t.model), attrOutcome.String(string(r.Outcome))))
	}
}

func (t *telemetry) coalesce(ctx context.Context, kind Kind, n int) {
	t.coalesced.Add(ctx, int64(n), metric.WithAttributes(attrModel.String(t.model), attrTrigger.String(string(kind))))
}

func endSpan(span trace.Span, err error) {
	if err != nil {
		span.RecordError(err)
		span.SetStatus(codes.Error, err.Error())
	}
	span.End()
}
