package evaluate_test

import (
	"context"
	"fmt"
	"math"

	"github.com/loomml/loom/evaluate"
)

func ExamplePermutationImportance() {
	// Six examples of two columns; the model scores by the first only.
	X := [][2]float64{{-2, 5}, {-1, 1}, {0.5, 3}, {1, -1}, {2, 0}, {-0.5, 2}}
	labels := []int{0, 0, 1, 1, 1, 0}
	score := func(ctx context.Context, col int, perm []int) (float64, error) {
		s := make([]float64, len(X))
		for i, x := range X {
			if col >= 0 {
				x[col] = X[perm[i]][col] // column col shuffled
			}
			s[i] = 1 / (1 + math.Exp(-x[0]))
		}
		return evaluate.Compute(&evaluate.Predictions{Labels: labels, Scores: s}, "roc_auc")
	}
	imp, err := evaluate.PermutationImportance(context.Background(), []string{"signal", "noise"}, len(X), "roc_auc", true, score, &evaluate.PermutationOptions{Repeats: 10, Seed: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("baseline roc_auc %.2f\n", imp.Baseline)
	for _, c := range imp.Columns {
		fmt.Printf("%-6s %.3f ± %.3f\n", c.Column, c.Value, c.Std)
	}
	// Output:
	// baseline roc_auc 1.00
	// signal 0.578 ± 0.163
	// noise  0.000 ± 0.000
}

func ExampleNewImportances() {
	// Split gains of a tree model, already summed per column.
	imp := evaluate.NewImportances(evaluate.MethodGain, []string{"age", "income", "plan"}, []float64{0.2, 0.7, 0.1})
	for _, c := range imp.Columns {
		fmt.Printf("%s %.1f\n", c.Column, c.Value)
	}
	// Output:
	// income 0.7
	// age 0.2
	// plan 0.1
}
