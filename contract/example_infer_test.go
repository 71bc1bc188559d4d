package contract_test

import (
	"fmt"

	"github.com/loomml/loom/contract"
)

// Infer proposes a contract from a sample, to review and save.
func ExampleInfer() {
	var sample []Customer
	for i := range 40 {
		c := Customer{Age: float64(20 + i), Segment: []string{"low", "mid", "high"}[i%3], Target: i % 2}
		if i%8 != 0 {
			c.Income = f64(float64(1000 * i))
		}
		sample = append(sample, c)
	}
	c, err := contract.Infer("customers", sample, &contract.InferOptions{Margin: 0.05})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range c.Fields {
		fmt.Printf("%-8s %-8s nullable=%v", f.Name, f.Type, f.Nullable)
		for _, ck := range f.Checks {
			switch ck.Kind {
			case contract.KindRange:
				fmt.Printf(" range [%g, %g]", *ck.Min, *ck.Max)
			case contract.KindSet:
				fmt.Printf(" set %v", ck.Values)
			case contract.KindNotNullRatio:
				fmt.Printf(" not_null_ratio %g (%v)", ck.Ratio, ck.Severity)
			}
		}
		fmt.Println()
	}
	// Output:
	// age      float    nullable=false range [18.05, 60.95]
	// income   float    nullable=true range [-900, 40900] not_null_ratio 0.85 (warn)
	// segment  category nullable=false set [high low mid]
	// channel  string   nullable=true
	// target   int      nullable=false range [-1, 2]
}
