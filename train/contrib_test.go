package train_test

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/loomml/loom/train"
)

// TestLinearExplainers checks that each margin's contributions plus its
// expected value give the model's log-odds (or prediction), for binary
// and multinomial logistic models and a ridge model.
func TestLinearExplainers(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	n, p := 300, 4
	X := mat.NewDense(n, p, nil)
	y2, y3, yr := make([]float64, n), make([]float64, n), make([]float64, n)
	for i := range n {
		for j := range p {
			X.Set(i, j, rng.NormFloat64())
		}
		z := X.At(i, 0) - 2*X.At(i, 1) + rng.NormFloat64()
		y2[i] = float64(map[bool]int{true: 1}[z > 0])
		y3[i] = float64(min(2, max(0, int(z+1.5))))
		yr[i] = z
	}
	means := make([]float64, p)
	for j := range p {
		means[j] = mat.Sum(X.ColView(j)) / float64(n)
	}
	ctx := context.Background()
	for _, c := range []struct {
		name    string
		trainer train.Trainer
		y       []float64
		outputs int
	}{
		{"binary", train.LogisticRegression{C: 1}, y2, 1},
		{"multinomial", train.LogisticRegression{C: 1}, y3, 3},
		{"ridge", train.Ridge{Alpha: 1}, yr, 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			m, err := c.trainer.Fit(ctx, train.Dataset{X: X, Y: c.y})
			if err != nil {
				t.Fatal(err)
			}
			x, err := train.NewExplainer(m, means)
			if err != nil {
				t.Fatal(err)
			}
			if x.Outputs() != c.outputs {
				t.Fatalf("Outputs() = %d; want %d", x.Outputs(), c.outputs)
			}
			dst := make([]float64, c.outputs*(p+1))
			for i := range 20 {
				row := X.RawRowView(i)
				x.Explain(dst, row)
				want := margins(m, row)
				for k := range c.outputs {
					sum := 0.0
					for _, v := range dst[k*(p+1) : (k+1)*(p+1)] {
						sum += v
					}
					if math.Abs(sum-want[k]) > 1e-9 {
						t.Fatalf("row %d output %d: expected + contributions = %v; margin %v", i, k, sum, want[k])
					}
				}
			}
		})
	}
}

// margins returns the raw margins of a linear or logistic model.
func margins(m train.Model, x []float64) []float64 {
	switch m := m.(type) {
	case *train.LogisticModel:
		coef, b := m.Coef(), m.Intercept()
		out := make([]float64, len(b))
		for k := range b {
			out[k] = mat.Dot(coef.RowView(k), mat.NewVecDense(len(x), x)) + b[k]
		}
		return out
	default:
		return []float64{m.Predict(x)}
	}
}

func TestExplainerErrors(t *testing.T) {
	X := mat.NewDense(4, 2, []float64{0, 0, 1, 2, 3, 1, 4, 1})
	m, err := train.LinearRegression{}.Fit(context.Background(), train.Dataset{X: X, Y: []float64{1, 1, 6, 8}})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name  string
		model train.Model
		means []float64
		want  error
	}{
		{"means of the wrong length", m, []float64{1}, train.ErrShape},
		{"no means", m, nil, train.ErrShape},
		{"NaN mean", m, []float64{1, math.NaN()}, train.ErrNonFinite},
		{"not explainable", opaque{m}, []float64{1, 1}, train.ErrNotExplainable},
	} {
		t.Run(c.name, func(t *testing.T) {
			if _, err := train.NewExplainer(c.model, c.means); !errors.Is(err, c.want) {
				t.Errorf("NewExplainer = %v; want %v", err, c.want)
			}
		})
	}
	v, method := m.(train.Importancer).FeatureImportances()
	if method != "coefficient" || math.Abs(v[0]-2) > 1e-9 || math.Abs(v[1]-1) > 1e-9 {
		t.Errorf("FeatureImportances = %v, %q; want [2 1], coefficient", v, method)
	}
}

// opaque hides a model's optional capabilities.
type opaque struct{ train.Model }
