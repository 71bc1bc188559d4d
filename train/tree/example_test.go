package tree_test

import (
	"fmt"
	"math"

	"github.com/loomml/loom/train"
	"github.com/loomml/loom/train/tree"
)

// A binary classifier of one tree built by hand: rows with x0 <= 0.5 (or
// x0 missing) are likely positive; otherwise the category in x1 decides.
func Example() {
	e, err := tree.New(tree.Spec{
		Features: 2,
		Classes:  []float64{0, 1},
		Link:     tree.Logistic,
		Base:     []float64{0},
		Trees: []tree.Tree{{
			Nodes: []tree.Node{
				{Feature: 0, Left: 1, Value: 0.5, Flags: tree.DefaultLeft},
				{Feature: -1, Value: 2},
				{Feature: 1, Left: 3, CatWords: 1, Flags: tree.Categorical},
				{Feature: -1, Value: 1},
				{Feature: -1, Value: -3},
			},
			Cats: []uint64{1<<2 | 1<<5}, // codes 2 and 5 go left
			Gain: []float64{4, 0, 2.5, 0, 0},
		}},
	})
	if err != nil {
		panic(err)
	}
	m := e.Model().(train.Classifier)
	p := make([]float64, 2)
	for _, x := range [][]float64{{0.1, 0}, {math.NaN(), 0}, {3, 5}, {3, 4}} {
		fmt.Printf("%v → class %v, P(1) = %.3f\n", x, m.Predict(x), m.PredictProba(p, x)[1])
	}
	b, _ := train.Encode(m)
	back, _ := train.Decode(b)
	fmt.Println("decoded:", back.Info().Kind, back.Predict([]float64{3, 5}))
	fmt.Println("gain importances:", e.Importances(tree.Gain))
	// Output:
	// [0.1 0] → class 1, P(1) = 0.881
	// [NaN 0] → class 1, P(1) = 0.881
	// [3 5] → class 1, P(1) = 0.731
	// [3 4] → class 0, P(1) = 0.047
	// decoded: tree_ensemble 1
	// gain importances: [4 2.5]
}
