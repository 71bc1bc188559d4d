package feature_test

import (
	"context"
	"fmt"

	"github.com/loomml/loom/feature"
	"gonum.org/v1/gonum/mat"
)

// Customer is the row type of the examples: pointer fields are nullable.
type Customer struct {
	Age     float64  `loom:"age"`
	Income  *float64 `loom:"income"`
	Segment string   `loom:"segment"`
	Channel *string  `loom:"channel"`
}

func customers() []Customer {
	inc := func(x float64) *float64 { return &x }
	ch := func(s string) *string { return &s }
	return []Customer{
		{Age: 25, Income: inc(30000), Segment: "low", Channel: ch("web")},
		{Age: 35, Income: nil, Segment: "mid", Channel: ch("store")},
		{Age: 45, Income: inc(60000), Segment: "high", Channel: nil},
		{Age: 55, Income: inc(90000), Segment: "mid", Channel: ch("web")},
	}
}

// customerFeatures defines the features once, over Customer.
func customerFeatures() *feature.Set[Customer] {
	return feature.NewSet[Customer](nil).
		Num("age", func(c *Customer) float64 { return c.Age }, feature.Standardize()).
		NumPtr("income", func(c *Customer) *float64 { return c.Income },
			feature.Impute(feature.Median, true), feature.MinMax(0, 1)).
		Cat("segment", func(c *Customer) string { return c.Segment },
			feature.OneHot(feature.OneHotOptions{Unknown: feature.UnknownIgnore})).
		CatPtr("channel", func(c *Customer) *string { return c.Channel },
			feature.CatImputeConstant("none"), feature.Ordinal(feature.OrdinalOptions{Unknown: feature.UnknownIgnore, UnknownValue: -1}))
}

// Fit a feature set, then compute the training matrix and a serving vector
// with the same definitions.
func Example() {
	ctx := context.Background()
	rows := customers()
	fitted, err := customerFeatures().Fit(ctx, rows)
	if err != nil {
		panic(err)
	}
	fmt.Println(fitted.Names())

	m, err := fitted.Matrix(ctx, rows) // training path, parallel over row blocks
	if err != nil {
		panic(err)
	}
	r, c := m.Dims()
	fmt.Println("matrix:", r, "×", c)
	fmt.Printf("row 1: %.3g\n", m.RawRowView(1))

	dst := make([]float64, fitted.Width()) // serving path, no allocation
	live := Customer{Age: 40, Segment: "vip", Channel: nil}
	fmt.Printf("live:  %.3g\n", fitted.Vector(&live, dst))
	// Output:
	// [age income income_missing segment=high segment=low segment=mid channel]
	// matrix: 4 × 7
	// row 1: [-0.447 0.5 1 0 0 1 1]
	// live:  [0 0.5 1 0 0 0 0]
}

// Score a batch block by block: each block's features are used (here
// summed per row, where a model would predict them) while they are in
// the cache, and each block writes its own rows of the output, so the
// blocks may run at once.
func ExampleFitted_MatrixBlocks() {
	ctx := context.Background()
	rows := customers()
	fitted, err := customerFeatures().Fit(ctx, rows)
	if err != nil {
		panic(err)
	}
	sums := make([]float64, len(rows))
	err = fitted.MatrixBlocks(ctx, rows, func(lo int, X *mat.Dense) {
		n, _ := X.Dims()
		for i := range n {
			for _, v := range X.RawRowView(i) {
				sums[lo+i] += v
			}
		}
	})
	if err != nil {
		panic(err)
	}
	fmt.Printf("%.3g\n", sums)
	// Output:
	// [1.66 3.05 1.95 5.34]
}
