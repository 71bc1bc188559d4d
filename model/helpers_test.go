package model_test

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/loomml/loom/contract"
	"github.com/loomml/loom/drift"
	"github.com/loomml/loom/feature"
	"github.com/loomml/loom/model"
	"github.com/loomml/loom/train"
)

// customer is the test row type: numeric and categorical columns, some
// nullable, a high-cardinality id, a field the spec does not declare, and
// the label.
type customer struct {
	Age     float64  `loom:"age"`
	Income  *float64 `loom:"income"`
	Visits  int      `loom:"visits"`
	Plan    string   `loom:"plan"`
	Region  *string  `loom:"region"`
	ID      string   `loom:"id"`
	Note    string   `loom:"note"` // never declared
	Churned int      `loom:"churned"`
}

// customers returns n seeded rows whose churn depends on age, income and
// plan, with missing incomes and regions.
func customers(n int, seed uint64) []customer {
	r := rand.New(rand.NewPCG(seed, 7))
	plans := []string{"basic", "plus", "pro"}
	regions := []string{"north", "south", "east", "west"}
	out := make([]customer, n)
	for i := range out {
		c := customer{Age: 18 + r.Float64()*60, Visits: r.IntN(30), Plan: plans[r.IntN(3)], ID: fmt.Sprintf("c%05d", r.IntN(n/2+1)), Note: "x"}
		if r.Float64() > 0.1 {
			v := 20000 + r.Float64()*80000
			c.Income = &v
		}
		if r.Float64() > 0.2 {
			reg := regions[r.IntN(4)]
			c.Region = &reg
		}
		z := 0.05*(40-c.Age) + 0.8*float64(map[string]int{"basic": 1, "plus": 0, "pro": -1}[c.Plan])
		if c.Income != nil {
			z += (50000 - *c.Income) / 40000
		}
		if r.Float64() < 1/(1+math.Exp(-z)) {
			c.Churned = 1
		}
		out[i] = c
	}
	return out
}

// churnSpec is the test declaration; trainer may be nil for the default
// logistic regression.
func churnSpec(trainer train.Trainer) *model.Spec[customer] {
	if trainer == nil {
		trainer = train.LogisticRegression{C: 1}
	}
	return model.New[customer]("churn").
		Label("churned", contract.OneOf("0", "1")).
		Float("age", contract.Range(16, 100), feature.Standardize()).
		Float("income", contract.AtLeast(0), feature.Impute(feature.Median, true), feature.Standardize()).
		Float("visits", contract.AtLeast(0), feature.Standardize(), model.Drift(drift.PSIMethod, 0.25)).
		Category("plan", contract.OneOf("basic", "plus", "pro"), model.Slice()).
		Category("region", feature.CatImpute(feature.MostFrequent), feature.OneHot(feature.OneHotOptions{Unknown: feature.UnknownIgnore})).
		Trainer(trainer)
}
