package forest_test

import (
	"context"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/loomml/loom/train"
	"github.com/loomml/loom/train/forest"
)

// xorData is a small seeded data set: the label is 1 when exactly one of
// the first two columns is above 0.5; the third column is noise.
func xorData(n int) train.Dataset {
	X := mat.NewDense(n, 3, nil)
	y := make([]float64, n)
	s := uint32(7)
	next := func() float64 { // a tiny xorshift, enough for an example
		s ^= s << 13
		s ^= s >> 17
		s ^= s << 5
		return float64(s%10000) / 10000
	}
	for i := range n {
		a, b := next(), next()
		X.SetRow(i, []float64{a, b, next()})
		if (a > 0.5) != (b > 0.5) {
			y[i] = 1
		}
	}
	return train.Dataset{X: X, Y: y}
}

// A decision tree of depth 2 learns "first column above 0.6, or else
// second column above 0.7"; its splits and leaves are those of
// scikit-learn's DecisionTreeClassifier.
func ExampleTreeClassifier() {
	d := xorData(400)
	for i := range d.Y {
		d.Y[i] = 0
		if d.X.At(i, 0) > 0.6 || d.X.At(i, 1) > 0.7 {
			d.Y[i] = 1
		}
	}
	m, err := forest.TreeClassifier{Options: forest.Options{MaxDepth: 2}}.Fit(context.Background(), d)
	if err != nil {
		panic(err)
	}
	p := make([]float64, 2)
	for _, x := range [][]float64{{0.2, 0.3, 0.5}, {0.2, 0.8, 0.5}, {0.9, 0.1, 0.5}, {0.9, 0.9, 0.5}} {
		fmt.Printf("%v → class %v, P(1) = %.2f\n", x, m.Predict(x), m.(train.Classifier).PredictProba(p, x)[1])
	}
	imp := forest.Importances(m)
	fmt.Printf("importances: %.2f %.2f %.2f\n", imp[0], imp[1], imp[2])
	// Output:
	// [0.2 0.3 0.5] → class 0, P(1) = 0.00
	// [0.2 0.8 0.5] → class 1, P(1) = 1.00
	// [0.9 0.1 0.5] → class 1, P(1) = 1.00
	// [0.9 0.9 0.5] → class 1, P(1) = 1.00
	// importances: 0.48 0.52 0.00
}

// A random forest with its out-of-bag estimate; the model is the same
// whatever the number of workers.
func ExampleClassifier_FitOOB() {
	d := xorData(1000)
	c := forest.Classifier{Options: forest.Options{Seed: 1}, ForestOptions: forest.ForestOptions{Trees: 50}}
	m, oob, err := c.FitOOB(context.Background(), d)
	if err != nil {
		panic(err)
	}
	fmt.Printf("out-of-bag accuracy %.2f over %d rows\n", oob.Score, oob.Rows)
	fmt.Println("predict [0.1 0.9 0.3]:", m.Predict([]float64{0.1, 0.9, 0.3}))
	fmt.Println("params:", c.Params())
	// Output:
	// out-of-bag accuracy 0.99 over 1000 rows
	// predict [0.1 0.9 0.3]: 1
	// params: bootstrap=true class_weight=none criterion=gini max_depth=0 max_features=sqrt min_impurity_decrease=0 min_samples_leaf=1 min_samples_split=2 n_estimators=50
}

// Extra trees for regression: random thresholds, every row in every
// tree.
func ExampleExtraRegressor() {
	n := 500
	X := mat.NewDense(n, 1, nil)
	y := make([]float64, n)
	for i := range n {
		x := float64(i) / float64(n)
		X.Set(i, 0, x)
		y[i] = math.Sin(6 * x)
	}
	m, err := forest.ExtraRegressor{ForestOptions: forest.ForestOptions{Trees: 20}}.Fit(context.Background(), train.Dataset{X: X, Y: y})
	if err != nil {
		panic(err)
	}
	fmt.Printf("f(0.25) = %.2f (sin 1.5 = %.2f)\n", m.Predict([]float64{0.25}), math.Sin(1.5))
	// Output:
	// f(0.25) = 1.00 (sin 1.5 = 1.00)
}
