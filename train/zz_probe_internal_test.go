package train

import (
	"context"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func TestZZProbe(t *testing.T) {
	n, p := 1000000, 30
	r := rand.New(rand.NewPCG(1, 2))
	x := make([]float64, n*p)
	y := make([]float64, n)
	for i := range x {
		x[i] = r.NormFloat64()
	}
	for i := range y {
		s := 0.25
		for j := range p {
			s += x[i*p+j] * 0.3 * float64(j%3-1)
		}
		if r.Float64() < expit(s) {
			y[i] = 1
		}
	}
	m, err := LogisticRegression{}.Fit(context.Background(), Dataset{X: mat.NewDense(n, p, x), Y: y})
	t.Log(err, m.(*LogisticModel).Iterations())
}
