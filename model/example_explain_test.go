package model_test

import (
	"context"
	"fmt"

	"github.com/loomml/loom/evaluate"
	"github.com/loomml/loom/model"
)

func ExampleBundle_Explain() {
	b, err := model.Fit(context.Background(), memberSpec(), members(400))
	if err != nil {
		panic(err)
	}
	row := Member{Age: 25, Plan: "basic"} // income missing: imputed
	e, err := b.Explain(&row, 2)
	if err != nil {
		panic(err)
	}
	// The log-odds of churn split over the declared columns: plan's two
	// one-hot features are summed into "plan", income's imputed value and
	// missing indicator into "income".
	fmt.Printf("log-odds %.2f = expected %.2f", e.Margin, e.Expected)
	for _, c := range e.Contributions {
		fmt.Printf(" + %s %.2f", c.Column, c.Value)
	}
	fmt.Printf(" + others %.2f\n", e.Rest)
	// Output:
	// log-odds 0.19 = expected -1.23 + age 1.10 + plan 0.69 + others -0.37
}

func ExampleImportance() {
	ctx := context.Background()
	spec := memberSpec()
	rows := members(600)
	b, err := model.Fit(ctx, spec, rows[:400])
	if err != nil {
		panic(err)
	}
	imp, err := model.Importance(ctx, b, rows[400:], "roc_auc", &evaluate.PermutationOptions{Seed: 1})
	if err != nil {
		panic(err)
	}
	fmt.Printf("roc_auc %.2f; drop when shuffled:\n", imp.Baseline)
	for _, c := range imp.Columns {
		fmt.Printf("%-7s %.3f (95%% CI %.3f to %.3f)\n", c.Column, c.Value, c.Lower, c.Upper)
	}
	fi, err := model.FeatureImportances(b)
	if err != nil {
		panic(err)
	}
	fmt.Printf("largest |coefficient|: %s %.2f\n", fi.Columns[0].Column, fi.Columns[0].Value)
	// Output:
	// roc_auc 0.77; drop when shuffled:
	// age     0.144 (95% CI 0.127 to 0.162)
	// plan    0.087 (95% CI 0.054 to 0.119)
	// income  0.003 (95% CI -0.001 to 0.008)
	// largest |coefficient|: plan 1.38
}
