package floatsort_test

import (
	"fmt"
	"math"

	"github.com/loomml/loom/internal/floatsort"
)

func ExampleSorted() {
	x := []float64{3, math.NaN(), -1, 0, math.Copysign(0, -1), math.Inf(1), 2.5}
	fmt.Println(floatsort.Sorted(x))
	// Output:
	// [-1 -0 0 2.5 3 +Inf]
}
