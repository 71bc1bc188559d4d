// Package customers is the shared model declaration of Loom's examples: the
// row type and the one declaration of the churn model over it, written
// once and imported by both the training program (examples/quickstart) and
// the service (examples/service), as a team would share them. It embeds
// the mixed data set: 20,000 customers, 6 numeric and 3 categorical
// columns with missing values, and a binary target.
package customers

import (
	_ "embed"

	"github.com/loomml/loom/contract"
	"github.com/loomml/loom/feature"
	"github.com/loomml/loom/model"
	"github.com/loomml/loom/train"
)

// CSV is data/mixed.csv: a header row, then one customer per line; an
// empty cell is a missing value.
//
//go:embed data/mixed.csv
var CSV []byte

// Customer is one row. Pointer fields are nullable: nil means missing.
type Customer struct {
	Age          float64  `loom:"age"`
	Income       *float64 `loom:"income"`
	HoursPerWeek *float64 `loom:"hours_per_week"`
	Score        float64  `loom:"score"`
	Balance      *float64 `loom:"balance"`
	TenureYears  *float64 `loom:"tenure_years"`
	Segment      string   `loom:"segment"`
	Region       string   `loom:"region"`
	Channel      *string  `loom:"channel"`
	Target       int      `loom:"target"`
}

// Spec is the one declaration of the churn model, trained by a logistic
// regression (another trainer replaces it with Spec().Trainer(...)). Each
// column is named once: its
// contract checks, its feature transforms and its drift setting attach to
// it. Numeric columns with missing values are imputed by their median
// (with a missing indicator) and standardized; categorical columns are
// one-hot encoded, unknown categories ignored. One custom check spans two
// columns: tenure does not exceed a working life (tenure_years <= age -
// 14); with the others it rejects about 4% of the shipped rows, which the
// synthetic generator drew independently. The label, target, is checked
// when fitting and evaluating but is never a serving input.
func Spec() *model.Spec[Customer] {
	impute := func(more ...any) []any {
		return append(more, feature.Impute(feature.Median, true), feature.Standardize())
	}
	oneHot := feature.OneHot(feature.OneHotOptions{Unknown: feature.UnknownIgnore})
	workingLife := contract.Pred("tenure_within_working_life", func(c *Customer) bool {
		return c.TenureYears == nil || *c.TenureYears <= c.Age-14
	})
	return model.New[Customer]("churn").
		Describe("churn risk of a customer, from the mixed data set").
		Label("target", contract.Range(0, 1)).
		Float("age", contract.Range(16, 100), feature.Standardize()).
		Float("income", impute(contract.AtLeast(0), contract.NotNullRatio(0.9))...).
		Float("hours_per_week", impute(contract.Range(0, 100))...).
		Float("score", contract.Range(0, 1), feature.Standardize()).
		Float("balance", impute()...).
		Float("tenure_years", impute(contract.AtLeast(0), workingLife)...).
		Category("segment", contract.OneOf("low", "mid", "high"), oneHot, model.Slice()).
		Category("region", oneHot).
		Category("channel", contract.Match(`^ch[0-9]{2}$`), oneHot).
		Check(contract.RowCount(1000, -1)).
		Trainer(train.LogisticRegression{C: 1})
}
