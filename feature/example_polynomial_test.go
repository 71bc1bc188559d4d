package feature_test

import (
	"context"
	"fmt"

	"github.com/loomml/loom/feature"
)

// Polynomial adds every product of the listed features up to a degree, in
// the order and with the names (with "*" for the space) of scikit-learn's
// PolynomialFeatures(include_bias=False), after the features themselves.
func ExampleSet_Polynomial() {
	type house struct{ Rooms, Floors float64 }
	rooms := func(h *house) float64 { return h.Rooms }
	floors := func(h *house) float64 { return h.Floors }
	set := feature.NewSet[house](nil).
		Num("r", rooms).
		Num("f", floors).
		Polynomial(3, false, "r", "f")
	f, err := set.Fit(context.Background(), []house{{3, 1}, {5, 2}})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(f.Names())
	fmt.Println(f.Vector(&house{Rooms: 3, Floors: 2}, nil))

	// Interaction terms only: products of distinct features.
	inter := feature.NewSet[house](nil).
		Num("r", rooms).
		Num("f", floors).
		Num("rf_sum", func(h *house) float64 { return h.Rooms + h.Floors }).
		Polynomial(3, true, "r", "f", "rf_sum")
	g, err := inter.Fit(context.Background(), []house{{3, 1}})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(g.Names()[3:])
	// Output:
	// [r f r^2 r*f f^2 r^3 r^2*f r*f^2 f^3]
	// [3 2 9 6 4 27 18 12 8]
	// [r*f r*rf_sum f*rf_sum r*f*rf_sum]
}
