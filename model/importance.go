package model

import (
	"context"
	"fmt"
	"slices"

	"gonum.org/v1/gonum/mat"

	"github.com/loomml/loom/evaluate"
	"github.com/loomml/loom/internal/rowmap"
	"github.com/loomml/loom/train"
)

// regressionMetrics are the metrics Importance knows for a regressor;
// true when higher is better.
var regressionMetrics = map[string]struct {
	fn     func(y, pred, w []float64) (float64, error)
	higher bool
}{
	"r2":   {evaluate.R2, true},
	"mse":  {evaluate.MSE, false},
	"rmse": {evaluate.RMSE, false},
	"mae":  {evaluate.MAE, false},
}

// Importance measures how much the bundle's model needs each declared
// input column: the drop of metric on rows when the column's values are
// shuffled across the rows, with evaluate.PermutationImportance (repeats,
// seed, workers and confidence level from opts). A declared column is
// shuffled as a whole, before the features are computed, so a one-hot
// column moves all its categories together and a polynomial term follows
// its factors.
//
// For a binary classifier metric is one of evaluate.MetricNames (""
// means roc_auc), computed on the probability of the positive class; for
// a regressor it is "r2" (the default), "mse", "rmse" or "mae". The
// labels come from the declared label column.
func Importance[T any](ctx context.Context, b *Bundle[T], rows []T, metric string, opts *evaluate.PermutationOptions) (*evaluate.Importances, error) {
	score, higher, metric, err := b.scorer(rows, metric)
	if err != nil {
		return nil, err
	}
	rm := b.spec.rm
	cols := b.spec.cols
	names := make([]string, len(cols))
	for j, c := range cols {
		names[j] = c.name
	}
	permuted := func(ctx context.Context, col int, perm []int) (float64, error) {
		if col < 0 {
			return score(ctx, rows)
		}
		shuffled := slices.Clone(rows)
		idx := cols[col].index
		for i, src := range perm {
			if err := copyField(rm, &shuffled[i], &rows[src], idx); err != nil {
				return 0, err
			}
		}
		return score(ctx, shuffled)
	}
	imp, err := evaluate.PermutationImportance(ctx, names, len(rows), metric, higher, permuted, opts)
	if err != nil {
		return nil, fmt.Errorf("model: %q: %w", b.spec.name, err)
	}
	return imp, nil
}

// copyField sets field i of dst to that of src.
func copyField[T any](rm *rowmap.Map[T], dst, src *T, i int) error {
	if rm.IsNull(src, i) {
		rm.SetNull(dst, i)
		return nil
	}
	switch rm.Field(i).Kind {
	case rowmap.KindString:
		v, _ := rm.Str(src, i)
		rm.SetStr(dst, i, v)
	case rowmap.KindInt:
		v, _ := rm.Int(src, i)
		return rm.SetInt(dst, i, v)
	default:
		v, _ := rm.Float(src, i)
		return rm.SetFloat(dst, i, v)
	}
	return nil
}

// scorer returns the function that scores the model on rows with the
// named metric, whether higher is better, and the metric's resolved name.
func (b *Bundle[T]) scorer(rows []T, metric string) (func(context.Context, []T) (float64, error), bool, string, error) {
	info := b.model.Info()
	if _, ok := b.model.(train.Classifier); ok && len(info.Classes) == 2 {
		if metric == "" {
			metric = "roc_auc"
		}
		m, err := evaluate.Metric(metric)
		if err != nil {
			return nil, false, "", fmt.Errorf("model: %q: %w", b.spec.name, err)
		}
		p, err := b.predictions(context.Background(), rows)
		if err != nil {
			return nil, false, "", err
		}
		return func(ctx context.Context, rows []T) (float64, error) {
			probs, err := b.PredictProba(ctx, rows)
			if err != nil {
				return 0, err
			}
			return evaluate.Compute(&evaluate.Predictions{Labels: p.Labels, Scores: mat.Col(nil, 1, probs)}, metric)
		}, m.HigherIsBetter, metric, nil
	}
	y, err := b.spec.labels(rows)
	if err != nil {
		return nil, false, "", err
	}
	if len(info.Classes) > 0 {
		if metric == "" {
			metric = "accuracy"
		}
		if metric != "accuracy" {
			return nil, false, "", fmt.Errorf("model: %q: %w %q for a classifier of %d classes (known: accuracy)", b.spec.name, evaluate.ErrUnknownMetric, metric, len(info.Classes))
		}
		return func(ctx context.Context, rows []T) (float64, error) {
			pred, err := b.Predict(ctx, rows)
			if err != nil {
				return 0, err
			}
			right := 0
			for i, v := range pred {
				if v == y[i] {
					right++
				}
			}
			return float64(right) / float64(len(y)), nil
		}, true, metric, nil
	}
	if metric == "" {
		metric = "r2"
	}
	m, ok := regressionMetrics[metric]
	if !ok {
		return nil, false, "", fmt.Errorf("model: %q: %w %q for a regressor (known: mae, mse, r2, rmse)", b.spec.name, evaluate.ErrUnknownMetric, metric)
	}
	return func(ctx context.Context, rows []T) (float64, error) {
		pred, err := b.Predict(ctx, rows)
		if err != nil {
			return 0, err
		}
		return m.fn(y, pred, nil)
	}, m.higher, metric, nil
}

// FeatureImportances returns the importances the model gives without
// data, summed back to the declared input columns as Explainer sums
// contributions: for a tree ensemble each column's share of the total
// split gain (evaluate.MethodGain; of the splits for trees without
// gains), for a linear or logistic model the absolute coefficients of its
// features (evaluate.MethodCoefficient; compare them across columns only
// when the features are standardized). A model without such importances
// is an error wrapping train.ErrNotExplainable.
func FeatureImportances[T any](b *Bundle[T]) (*evaluate.Importances, error) {
	im, ok := b.model.(train.Importancer)
	if !ok {
		return nil, fmt.Errorf("model: %q: %w: a %s model rates no features", b.spec.name, train.ErrNotExplainable, b.model.Info().Kind)
	}
	v, method := im.FeatureImportances()
	columns, parts := b.columnMap()
	cols := make([]float64, len(columns))
	for _, s := range parts {
		cols[s.to] += s.weight * v[s.from]
	}
	if method != "coefficient" {
		method = evaluate.MethodGain
	}
	return evaluate.NewImportances(method, columns, cols), nil
}
