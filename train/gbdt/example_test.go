package gbdt_test

import (
	"context"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/loomml/loom/train"
	"github.com/loomml/loom/train/gbdt"
	"github.com/loomml/loom/train/tree"
)

// A classifier on a numeric column with missing values and a
// categorical column, both handled natively: no imputation, no one-hot.
func Example() {
	const n = 400
	X := mat.NewDense(n, 2, nil)
	y := make([]float64, n)
	for i := range n {
		x := float64(i%40) / 4  // 0 … 9.75
		code := float64(i % 3)  // categories 0, 1, 2
		if x > 6 || code == 1 { // the label depends on both
			y[i] = 1
		}
		if i%10 == 0 {
			x = math.NaN() // missing values, labelled 1
			y[i] = 1
		}
		X.Set(i, 0, x)
		X.Set(i, 1, code)
	}
	d := train.Dataset{X: X, Y: y, Categorical: []bool{false, true}}

	m, err := gbdt.Classifier{Options: gbdt.Options{MaxIter: 20}}.Fit(context.Background(), d)
	if err != nil {
		panic(err)
	}
	for _, x := range [][]float64{{2, 0}, {8, 0}, {2, 1}, {math.NaN(), 2}} {
		fmt.Printf("%v → %v\n", x, m.Predict(x))
	}
	e := m.(*tree.Classifier)
	fmt.Println("trees:", e.Len(), "split counts:", e.Importances(tree.SplitCount)[0] > 0, e.Importances(tree.SplitCount)[1] > 0)
	// Output:
	// [2 0] → 0
	// [8 0] → 1
	// [2 1] → 1
	// [NaN 2] → 1
	// trees: 20 split counts: true true
}

// A Poisson regressor, saved and loaded through train's model encoding.
func ExampleRegressor() {
	X := mat.NewDense(200, 1, nil)
	y := make([]float64, 200)
	for i := range 200 {
		X.Set(i, 0, float64(i%20))
		y[i] = float64(i % 20 / 5) // counts 0 … 3
	}
	m, err := gbdt.Regressor{Loss: gbdt.Poisson}.Fit(context.Background(), train.Dataset{X: X, Y: y})
	if err != nil {
		panic(err)
	}
	b, _ := train.Encode(m)
	back, _ := train.Decode(b)
	fmt.Printf("kind %s, prediction at 17: %.2f\n", back.Info().Kind, back.Predict([]float64{17}))
	// Output:
	// kind tree_ensemble, prediction at 17: 3.00
}
