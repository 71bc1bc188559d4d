package model

import (
	"context"
	"fmt"

	"github.com/loomml/loom/evaluate"
	"github.com/loomml/loom/train"
)

// Evaluate scores rows with the bundle and evaluates the predictions
// against their labels, read from the declared label column, into an
// evaluate report: metrics (with intervals, gates and a baseline as opts
// say), curves, calibration, and, when the spec declares a Slice column
// and opts.Groups is nil, the metrics per value of that column. opts.Model
// defaults to the bundle's name. The model must be a binary classifier
// (ErrNotBinary otherwise); the positive class is the larger label.
func Evaluate[T any](ctx context.Context, b *Bundle[T], rows []T, opts *evaluate.ReportOptions) (*evaluate.Report, error) {
	p, err := b.predictions(ctx, rows)
	if err != nil {
		return nil, err
	}
	o := evaluate.ReportOptions{}
	if opts != nil {
		o = *opts
	}
	if o.Model == "" {
		o.Model = b.spec.name
	}
	if o.Groups == nil && b.spec.sliceCol != nil {
		get := b.spec.rm.StringGetter(b.spec.sliceCol.index)
		o.Groups = make([]string, len(rows))
		for i := range rows {
			if v, ok := get(&rows[i]); ok {
				o.Groups[i] = v
			} else {
				o.Groups[i] = "(missing)"
			}
		}
		o.GroupName = b.spec.sliceCol.name
	}
	return evaluate.NewReport(ctx, p, &o)
}

// Predictions scores rows with the bundle and pairs the probability of the
// positive class with each row's label, as evaluate takes them: for
// evaluate.Compare, bootstraps and custom reports. The model must be a
// binary classifier (ErrNotBinary otherwise).
func Predictions[T any](ctx context.Context, b *Bundle[T], rows []T) (*evaluate.Predictions, error) {
	return b.predictions(ctx, rows)
}

func (b *Bundle[T]) predictions(ctx context.Context, rows []T) (*evaluate.Predictions, error) {
	info := b.model.Info()
	if _, ok := b.model.(train.Classifier); !ok || len(info.Classes) != 2 {
		return nil, fmt.Errorf("%w: %q is a %s model with %d classes", ErrNotBinary, b.spec.name, info.Kind, len(info.Classes))
	}
	y, err := b.spec.labels(rows)
	if err != nil {
		return nil, err
	}
	probs, err := b.PredictProba(ctx, rows)
	if err != nil {
		return nil, err
	}
	p := &evaluate.Predictions{Labels: make([]int, len(rows)), Scores: make([]float64, len(rows))}
	pos := info.Classes[1]
	for i, v := range y {
		switch v {
		case pos:
			p.Labels[i] = 1
		case info.Classes[0]:
		default:
			return nil, &LabelError{Model: b.spec.name, Label: b.spec.label.name, Row: i, Value: v, Classes: info.Classes}
		}
		p.Scores[i] = probs.At(i, 1)
	}
	return p, nil
}
