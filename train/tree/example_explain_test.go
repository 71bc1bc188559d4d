package tree_test

import (
	"fmt"

	"github.com/loomml/loom/train/tree"
)

// TreeSHAP on one tree with covers: 100 training rows, 60 of them with
// x0 <= 0.5, and of the other 40, 10 in categories 2 or 5 of x1.
func ExampleExplainer() {
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
			Cats:  []uint64{1<<2 | 1<<5},
			Cover: []float64{100, 60, 40, 10, 30},
		}},
	})
	if err != nil {
		panic(err)
	}
	x, err := tree.NewExplainer(e)
	if err != nil {
		panic(err)
	}
	dst := make([]float64, 3) // x0, x1, expected margin
	raw := make([]float64, 1)
	for _, row := range [][]float64{{3, 4}, {3, 5}, {0.1, 4}} {
		c := x.Explain(dst, row)
		fmt.Printf("%v: expected %.2f + x0 %+.2f + x1 %+.2f = margin %.2f (Raw %.2f)\n", row, c[2], c[0], c[1], c[0]+c[1]+c[2], e.Raw(raw, row)[0])
	}
	// Output:
	// [3 4]: expected 0.40 + x0 -2.70 + x1 -0.70 = margin -3.00 (Raw -3.00)
	// [3 5]: expected 0.40 + x0 -1.50 + x1 +2.10 = margin 1.00 (Raw 1.00)
	// [0.1 4]: expected 0.40 + x0 +1.80 + x1 -0.20 = margin 2.00 (Raw 2.00)
}
