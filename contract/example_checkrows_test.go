package contract_test

import (
	"fmt"

	"github.com/loomml/loom/contract"
)

// Check many rows to serve at once: the same verdict and reasons as
// CheckRow for each row, checked field by field over the block.
func ExampleBound_CheckRows() {
	b := contract.MustBind[Customer](customers())
	ch := "ch07"
	rows := []Customer{
		{Age: 34, Segment: "mid", Channel: &ch, Target: 1},
		{Age: 17, Segment: "top", Target: 0},
		{Age: 52, Income: f64(-1), Segment: "low", Target: 1},
	}
	errs := make([]error, len(rows))
	fmt.Println(b.CheckRows(rows, errs), "rows failed")
	for i, err := range errs {
		fmt.Println(i, err)
	}
	// Output:
	// 2 rows failed
	// 0 <nil>
	// 1 contract: field "age" value "17": range [18, 100]; field "segment" value "top": set {low, mid, high}
	// 2 contract: field "income" value "-1": range [0, +inf)
}
