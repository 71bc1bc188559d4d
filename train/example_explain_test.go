package train_test

import (
	"context"
	"fmt"

	"gonum.org/v1/gonum/mat"

	"github.com/loomml/loom/train"
)

// Linear contributions: y = 2·x0 − x1 + 1, explained against the
// training means of the features (2 and 1).
func ExampleNewExplainer() {
	X := mat.NewDense(4, 2, []float64{0, 0, 1, 2, 3, 1, 4, 1})
	y := []float64{1, 1, 6, 8}
	m, err := train.LinearRegression{}.Fit(context.Background(), train.Dataset{X: X, Y: y})
	if err != nil {
		panic(err)
	}
	x, err := train.NewExplainer(m, []float64{2, 1})
	if err != nil {
		panic(err)
	}
	c := x.Explain(make([]float64, 3), []float64{4, 0})
	fmt.Printf("prediction %.2f = expected %.2f + x0 %.2f + x1 %.2f\n", m.Predict([]float64{4, 0}), c[2], c[0], c[1])
	// Output:
	// prediction 9.00 = expected 4.00 + x0 4.00 + x1 1.00
}
