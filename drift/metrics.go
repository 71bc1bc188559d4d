package drift

import (
	"context"
	"math"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
)

// Metric names recorded at the end of every evaluated window.
const (
	MetricScore    = "loom.drift.score"           // gauge: per-column score, attributes column and method
	MetricSeverity = "loom.drift.severity"        // gauge: per-column severity (≥ 1 means drifted)
	MetricDrifted  = "loom.drift.drifted"         // counter: windows in which a column drifted, attribute column
	MetricShare    = "loom.drift.share"           // gauge: share of drifted columns
	MetricDataset  = "loom.drift.dataset_drifted" // counter: windows with dataset drift
	MetricWindows  = "loom.drift.windows"         // counter: evaluated windows
)

const scopeName = "github.com/loomml/loom/drift"

type metrics struct {
	score, severity, share metric.Float64Gauge
	drifted, dataset, wins metric.Int64Counter
}

func newMetrics(mp metric.MeterProvider) (*metrics, error) {
	if mp == nil {
		mp = otel.GetMeterProvider()
	}
	m := mp.Meter(scopeName)
	var (
		r   metrics
		err error
		e   error
	)
	r.score, e = m.Float64Gauge(MetricScore, metric.WithDescription("Drift score of a column in the last window (statistic or distance)"))
	err = firstErr(err, e)
	r.severity, e = m.Float64Gauge(MetricSeverity, metric.WithDescription("Drift severity of a column in the last window; 1 or more means drifted"))
	err = firstErr(err, e)
	r.share, e = m.Float64Gauge(MetricShare, metric.WithDescription("Share of drifted columns in the last window"))
	err = firstErr(err, e)
	r.drifted, e = m.Int64Counter(MetricDrifted, metric.WithDescription("Windows in which a column drifted"))
	err = firstErr(err, e)
	r.dataset, e = m.Int64Counter(MetricDataset, metric.WithDescription("Windows with dataset drift"))
	err = firstErr(err, e)
	r.wins, e = m.Int64Counter(MetricWindows, metric.WithDescription("Evaluated windows"))
	err = firstErr(err, e)
	if err != nil {
		return nil, err
	}
	return &r, nil
}

func firstErr(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

func nan() float64 { return math.NaN() }

func (m *metrics) record(rep *Report) {
	ctx := context.Background()
	m.wins.Add(ctx, 1)
	m.share.Record(ctx, rep.Share)
	if rep.DatasetDrift {
		m.dataset.Add(ctx, 1)
	}
	for _, r := range rep.Columns {
		col := attribute.String("column", r.Column)
		if r.Status == StatusOK {
			m.score.Record(ctx, r.Score, metric.WithAttributes(col, attribute.String("method", string(r.Method))))
			m.severity.Record(ctx, r.Severity(), metric.WithAttributes(col))
		}
		if r.Drifted {
			m.drifted.Add(ctx, 1, metric.WithAttributes(col))
		}
	}
}
