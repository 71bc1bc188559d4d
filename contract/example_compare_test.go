package contract_test

import (
	"fmt"

	"github.com/loomml/loom/contract"
)

// Compare tells breaking changes from compatible ones.
func ExampleCompare() {
	v1 := contract.New("customers",
		contract.FloatField("age", contract.Range(18, 100)),
		contract.CategoryField("segment", contract.OneOf("low", "mid", "high")),
		contract.FloatField("income").Optional(),
	)
	v2 := contract.New("customers",
		contract.FloatField("age", contract.Range(21, 120)),
		contract.CategoryField("segment", contract.OneOf("low", "mid", "high", "vip")),
		contract.FloatField("income"),
		contract.StringField("email").Optional(),
	)
	d := contract.Compare(v1, v2)
	fmt.Print(d)
	fmt.Println("breaking:", d.Breaking())
	// Output:
	// BREAKING age: range [18, 100] → range [21, 120]
	// compatible segment: set {low, mid, high} → set {low, mid, high, vip}
	// BREAKING income: nullable → required
	// compatible email: field added (string, nullable true)
	// breaking: true
}
