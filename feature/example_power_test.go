package feature_test

import (
	"context"
	"fmt"

	"github.com/loomml/loom/feature"
)

// Power transforms make a skewed feature more nearly normal: BoxCox for
// strictly positive values, YeoJohnson for any. Each learns its λ by
// maximum likelihood; Standardize after it gives scikit-learn's
// PowerTransformer(standardize=True).
func ExampleBoxCox() {
	type order struct{ Amount, Margin float64 }
	// right-skewed amounts; margins of either sign
	train := []order{{12, -3}, {15, 1}, {18, 0}, {25, 2}, {40, -1}, {90, 5}, {300, 9}}
	set := feature.NewSet[order](nil).
		Num("amount", func(o *order) float64 { return o.Amount }, feature.BoxCox(), feature.Standardize()).
		Num("margin", func(o *order) float64 { return o.Margin }, feature.YeoJohnson(), feature.Standardize())
	f, err := set.Fit(context.Background(), train)
	if err != nil {
		fmt.Println(err)
		return
	}
	// scikit-learn's PowerTransformer gives the same values (λ -0.557 and
	// 0.698).
	for _, o := range []order{{12, -3}, {40, 0}, {300, 9}} {
		fmt.Printf("%v → %.3f\n", o, f.Vector(&o, nil))
	}
	// Box-Cox has no value at 0 or below: an error, never a NaN in a model.
	_, err = f.Transform(&order{Amount: 0}, nil)
	fmt.Println(err)
	_, err = set.Fit(context.Background(), append(train, order{Amount: -5}))
	fmt.Println(err)
	// Output:
	// {12 -3} → [-1.349 -1.682]
	// {40 0} → [0.391 -0.335]
	// {300 9} → [1.620 1.636]
	// feature "amount": value 0: feature: value outside the transform's domain: Box-Cox needs values > 0
	// feature "amount": row 7: value -5: feature: value outside the transform's domain: Box-Cox needs values > 0
}
