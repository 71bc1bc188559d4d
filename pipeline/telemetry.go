package pipeline

import (
	"context"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"
)

const tracerName = "github.com/loomml/loom/pipeline"

// Attribute keys on spans and metrics.
var (
	attrPipeline   = attribute.Key("loom.pipeline")
	attrRunID      = attribute.Key("loom.run_id")
	attrMode       = attribute.Key("loom.mode")
	attrStatus     = attribute.Key("loom.status")
	attrStage      = attribute.Key("loom.stage")
	attrStageIndex = attribute.Key("loom.stage_index")
	attrDirection  = attribute.Key("loom.direction")
	attrItemsIn    = attribute.Key("loom.items_in")
	attrItemsOut   = attribute.Key("loom.items_out")
	attrErrors     = attribute.Key("loom.errors")
)

// telemetry holds a pipeline's tracer and instruments. Instruments are
// recorded once per run and stage, never per item, so a stream of millions
// of items costs the same to observe as one.
type telemetry struct {
	tracer    trace.Tracer
	runs      metric.Int64Counter
	runDur    metric.Float64Histogram
	items     metric.Int64Counter
	errors    metric.Int64Counter
	stageTime metric.Float64Histogram
}

func newTelemetry(c *config) *telemetry {
	tp, mp := c.tracerProvider, c.meterProvider
	if tp == nil {
		tp = otel.GetTracerProvider()
	}
	if mp == nil {
		mp = otel.GetMeterProvider()
	}
	m := mp.Meter(tracerName)
	t := &telemetry{tracer: tp.Tracer(tracerName)}
	// Instrument creation fails only for invalid names, fixed here; a
	// failing instrument is a no-op one, so errors are deliberately dropped.
	t.runs, _ = m.Int64Counter("loom.pipeline.runs", metric.WithDescription("Pipeline runs, by status."), metric.WithUnit("{run}"))
	t.runDur, _ = m.Float64Histogram("loom.pipeline.duration", metric.WithDescription("Duration of pipeline runs."), metric.WithUnit("s"))
	t.items, _ = m.Int64Counter("loom.stage.items", metric.WithDescription("Items into (direction=in) and out of (direction=out) each stage."), metric.WithUnit("{item}"))
	t.errors, _ = m.Int64Counter("loom.stage.errors", metric.WithDescription("Items that failed in each stage, panics included."), metric.WithUnit("{item}"))
	t.stageTime, _ = m.Float64Histogram("loom.stage.duration", metric.WithDescription("Time spent in each stage during one run."), metric.WithUnit("s"))
	return t
}

func (t *telemetry) recordRun(ctx context.Context, pipeline string, rec *Record) {
	p := attrPipeline.String(pipeline)
	t.runs.Add(ctx, 1, metric.WithAttributes(p, attrStatus.String(string(rec.Status))))
	t.runDur.Record(ctx, rec.Duration.Seconds(), metric.WithAttributes(p, attrStatus.String(string(rec.Status))))
	for _, s := range rec.Stages {
		st := attrStage.String(s.Name)
		t.items.Add(ctx, s.ItemsIn, metric.WithAttributes(p, st, attrDirection.String("in")))
		t.items.Add(ctx, s.ItemsOut, metric.WithAttributes(p, st, attrDirection.String("out")))
		if s.Errors > 0 {
			t.errors.Add(ctx, s.Errors, metric.WithAttributes(p, st))
		}
		t.stageTime.Record(ctx, s.Duration.Seconds(), metric.WithAttributes(p, st))
	}
}
