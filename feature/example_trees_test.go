package feature_test

import (
	"context"
	"fmt"

	"github.com/loomml/loom/feature"
)

// treeFeatures defines Customer's features for a tree learner: numbers
// as they are, categories as ordinal codes.
func treeFeatures() *feature.Set[Customer] {
	return feature.NewSet[Customer](nil).
		Num("age", func(c *Customer) float64 { return c.Age }).
		NumPtr("income", func(c *Customer) *float64 { return c.Income }).
		Cat("segment", func(c *Customer) string { return c.Segment }, feature.Ordinal(feature.OrdinalOptions{})).
		CatPtr("channel", func(c *Customer) *string { return c.Channel },
			feature.Ordinal(feature.OrdinalOptions{Unknown: feature.UnknownIgnore, UnknownValue: -1}))
}

// Raw numbers with NaN for missing values, and categories as ordinal
// codes marked categorical: what a tree learner such as train/gbdt takes,
// with no imputation and no one-hot encoding.
func ExampleFitted_TreeMatrix() {
	rows := customers()
	fitted, err := treeFeatures().Fit(context.Background(), rows)
	if err != nil {
		panic(err)
	}
	X, err := fitted.TreeMatrix(context.Background(), rows)
	if err != nil {
		panic(err)
	}
	fmt.Println(fitted.Names())
	fmt.Println("categorical:", fitted.Categorical())
	for i := range len(rows) {
		fmt.Println(X.RawRowView(i))
	}
	// Output:
	// [age income segment channel]
	// categorical: [false false true true]
	// [25 30000 1 1]
	// [35 NaN 2 0]
	// [45 60000 0 NaN]
	// [55 90000 2 1]
}
