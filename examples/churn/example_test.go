package churn_test

import (
	"bytes"
	"context"
	"fmt"

	"github.com/loomml/loom/examples/churn"
	"github.com/loomml/loom/pipeline/source"
)

func Example() {
	rows, err := source.ReadCSVAll[churn.Customer](context.Background(), bytes.NewReader(churn.CSV), nil)
	if err != nil {
		panic(err)
	}
	rep := churn.Spec().Bind().Validate(rows)
	fmt.Println(churn.Spec().Name(), rep.Rows, "rows")
	// Output: churn 20000 rows
}
