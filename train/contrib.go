package train

import (
	"errors"
	"fmt"
	"math"
)

// ErrNotExplainable reports a model that cannot split its margins into
// feature contributions (it does not implement Explainable).
var ErrNotExplainable = errors.New("train: model gives no contributions")

// Explainer splits a model's raw margins (before the link: the log-odds
// of a logistic model, the margin of a tree ensemble) into additive
// contributions of the features of one row.
type Explainer interface {
	// Outputs returns the number of margins explained: one per class of
	// a multinomial model, else 1.
	Outputs() int
	// Explain writes the contributions for row x into dst and returns
	// dst[:Outputs()*(p+1)] for p features: dst[k*(p+1)+j] is the
	// contribution of feature j to margin k and dst[k*(p+1)+p] the
	// expected margin k, so that each block of p+1 values sums to the
	// margin. It panics when dst is too short or x has the wrong width,
	// and is safe for concurrent use.
	Explain(dst, x []float64) []float64
}

// Explainable is the optional capability of a model whose margins split
// into feature contributions, found by type assertion (see
// NewExplainer).
type Explainable interface {
	// Explainer returns the model's explainer. means holds the mean of
	// each feature over the training matrix: linear models explain
	// against it; tree ensembles use their node covers instead and
	// ignore it.
	Explainer(means []float64) (Explainer, error)
}

// NewExplainer returns m's explainer with the training means of its
// features, or an error wrapping ErrNotExplainable.
func NewExplainer(m Model, means []float64) (Explainer, error) {
	e, ok := m.(Explainable)
	if !ok {
		return nil, fmt.Errorf("%w: a %s model", ErrNotExplainable, m.Info().Kind)
	}
	return e.Explainer(means)
}

// linearExplainer explains m margins of the form x·coef_k + intercept_k
// against the feature means: contribution_kj = coef_kj·(x_j − mean_j),
// expected margin_k = mean·coef_k + intercept_k. These are the exact
// Shapley values of a linear margin when features are independent
// (shap's LinearExplainer with feature_perturbation="interventional").
type linearExplainer struct {
	p         int
	coef      []float64 // m×p
	expected  []float64 // m
	means     []float64
	intercept []float64
}

func newLinearExplainer(coef, intercept, means []float64) (*linearExplainer, error) {
	m := len(intercept)
	p := len(coef) / m
	if len(means) != p {
		return nil, fmt.Errorf("%w: %d feature means for %d features", ErrShape, len(means), p)
	}
	for j, v := range means {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("%w: mean of feature %d is %v", ErrNonFinite, j, v)
		}
	}
	le := &linearExplainer{p: p, coef: coef, means: append([]float64(nil), means...), intercept: intercept, expected: make([]float64, m)}
	for k := range m {
		s := intercept[k]
		for j, c := range coef[k*p : (k+1)*p] {
			s += c * le.means[j]
		}
		le.expected[k] = s
	}
	return le, nil
}

func (le *linearExplainer) Outputs() int { return len(le.intercept) }

func (le *linearExplainer) Explain(dst, x []float64) []float64 {
	p := le.p
	if len(x) != p {
		panic(fmt.Sprintf("train: linear explainer expects %d features, got %d", p, len(x)))
	}
	w := len(le.intercept) * (p + 1)
	if len(dst) < w {
		panic(fmt.Sprintf("train: Explain dst must hold %d values, got %d", w, len(dst)))
	}
	dst = dst[:w]
	for k := range le.intercept {
		row := dst[k*(p+1) : (k+1)*(p+1)]
		for j, c := range le.coef[k*p : (k+1)*p] {
			row[j] = c * (x[j] - le.means[j])
		}
		row[p] = le.expected[k]
	}
	return dst
}

// Explainer returns the explainer of the logistic model's log-odds
// (binary: one margin, the second class against the first; multinomial:
// one per class) against means, the training mean of each feature:
// contribution_kj = Coef_kj·(x_j − means_j) and expected margin_k =
// means·Coef_k + Intercept_k.
func (lm *LogisticModel) Explainer(means []float64) (Explainer, error) {
	return newLinearExplainer(lm.coef, lm.intercept, means)
}

// Explainer returns the explainer of the linear model's prediction
// against means, the training mean of each feature: contribution_j =
// Coef_j·(x_j − means_j) and expected value means·Coef + Intercept.
func (m *LinearModel) Explainer(means []float64) (Explainer, error) {
	return newLinearExplainer(m.coef, []float64{m.intercept}, means)
}

var (
	_ Explainable = (*LogisticModel)(nil)
	_ Explainable = (*LinearModel)(nil)
	_ Explainer   = (*linearExplainer)(nil)
)

// Importancer is the optional capability of a model that rates its
// features without data, found by type assertion: the split gains of a
// tree model, the coefficients of a linear one.
type Importancer interface {
	// FeatureImportances returns one non-negative value per feature and
	// what the values measure: "gain" (share of the total split gain),
	// "split" (share of the splits, for trees without gains) or
	// "coefficient" (absolute coefficient, summed over the classes).
	FeatureImportances() (values []float64, method string)
}

// FeatureImportances returns the absolute coefficients of each feature,
// summed over the rows of Coef: comparable across features when they are
// standardized.
func (lm *LogisticModel) FeatureImportances() ([]float64, string) {
	return absCoef(lm.coef, lm.p), "coefficient"
}

// FeatureImportances returns the absolute coefficient of each feature:
// comparable across features when they are standardized.
func (m *LinearModel) FeatureImportances() ([]float64, string) {
	return absCoef(m.coef, len(m.coef)), "coefficient"
}

// absCoef sums |coef| over the rows of a rows×p matrix.
func absCoef(coef []float64, p int) []float64 {
	out := make([]float64, p)
	for i, c := range coef {
		out[i%p] += math.Abs(c)
	}
	return out
}

var (
	_ Importancer = (*LogisticModel)(nil)
	_ Importancer = (*LinearModel)(nil)
)
