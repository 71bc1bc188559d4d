package drift_test

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/loomml/loom/drift"
)

// Write the comparison as a self-contained HTML page (inline SVG plots)
// and as JSON.
func ExampleReport_WriteHTML() {
	ref := drift.BuildProfile(customers(5000, 1, 0), customerColumns, nil)
	live := drift.BuildProfile(customers(2000, 2, 5), customerColumns, nil)
	rep, _ := drift.Compare(ref, live, nil)

	var page bytes.Buffer // os.Create("drift.html") in a real program
	if err := rep.WriteHTML(&page, &drift.HTMLOptions{Title: "Customers: drift"}); err != nil {
		panic(err)
	}
	fmt.Println(strings.Count(page.String(), "<svg"), "plots")
	var js bytes.Buffer
	_ = rep.WriteJSON(&js)
	fmt.Println(strings.Contains(js.String(), `"dataset_drift": false`))
	// Output:
	// 6 plots
	// true
}
