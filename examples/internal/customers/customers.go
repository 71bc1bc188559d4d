// Package customers is the shared model definition of Loom's examples: the
// row type, its feature set and its drift columns, written once and
// imported by both the training program (examples/quickstart) and the
// service (examples/service), as a team would share them. It embeds the
// mixed data set: 20,000 customers, 6 numeric and 3 categorical columns
// with missing values, and a binary target.
package customers

import (
	_ "embed"

	"github.com/loomml/loom/contract"
	"github.com/loomml/loom/drift"
	"github.com/loomml/loom/feature"
	"github.com/loomml/loom/serve"
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

// Contract is the data contract of the customer rows: types, nullability,
// ranges, allowed values and one custom check, that tenure does not exceed
// a working life (tenure_years <= age - 14). It rejects about 4% of the
// shipped rows, which the synthetic generator drew independently.
func Contract() *contract.Contract {
	return contract.New("customers",
		contract.FloatField("age").Range(16, 100),
		contract.FloatField("income").Optional().AtLeast(0).NotNullRatio(0.9),
		contract.FloatField("hours_per_week").Optional().Range(0, 100),
		contract.FloatField("score").Range(0, 1),
		contract.FloatField("balance").Optional(),
		contract.FloatField("tenure_years").Optional().AtLeast(0).Custom("tenure_within_working_life"),
		contract.CategoryField("segment").OneOf("low", "mid", "high"),
		contract.CategoryField("region"),
		contract.CategoryField("channel").Optional().Match(`^ch[0-9]{2}$`),
		contract.IntField("target").Range(0, 1),
	).With(contract.RowCount(1000, -1))
}

// Predicates are the Go code of the contract's custom checks.
func Predicates() []contract.Predicate[Customer] {
	return []contract.Predicate[Customer]{
		contract.Pred("tenure_within_working_life", func(c *Customer) bool {
			return c.TenureYears == nil || *c.TenureYears <= c.Age-14
		}),
	}
}

// Definition is what a service needs, besides the stored artifact, to load
// the churn model: the feature set and the contract's predicates.
func Definition() serve.Definition[Customer] {
	return serve.Definition[Customer]{Features: Features(), Predicates: Predicates()}
}

// Features is the feature set of the churn model: numeric columns imputed
// by their median (with a missing indicator) and standardized, categorical
// columns one-hot encoded, unknown categories ignored. Training and serving
// both compute their vectors with it.
func Features() *feature.Set[Customer] {
	num := func() []feature.NumTransform {
		return []feature.NumTransform{feature.Impute(feature.Median, true), feature.Standardize()}
	}
	oneHot := feature.OneHot(feature.OneHotOptions{Unknown: feature.UnknownIgnore})
	return feature.NewSet[Customer](nil).
		Num("age", func(c *Customer) float64 { return c.Age }, feature.Standardize()).
		NumPtr("income", func(c *Customer) *float64 { return c.Income }, num()...).
		NumPtr("hours_per_week", func(c *Customer) *float64 { return c.HoursPerWeek }, num()...).
		Num("score", func(c *Customer) float64 { return c.Score }, feature.Standardize()).
		NumPtr("balance", func(c *Customer) *float64 { return c.Balance }, num()...).
		NumPtr("tenure_years", func(c *Customer) *float64 { return c.TenureYears }, num()...).
		Cat("segment", func(c *Customer) string { return c.Segment }, oneHot).
		Cat("region", func(c *Customer) string { return c.Region }, oneHot).
		CatPtr("channel", func(c *Customer) *string { return c.Channel }, oneHot)
}

// DriftColumns are the input columns a drift monitor watches.
func DriftColumns() []drift.Column[Customer] {
	ok := func(v float64) (float64, bool) { return v, true }
	str := func(s string) (string, bool) { return s, true }
	return []drift.Column[Customer]{
		drift.Float("age", func(c Customer) (float64, bool) { return ok(c.Age) }),
		drift.FloatPtr("income", func(c Customer) *float64 { return c.Income }),
		drift.FloatPtr("hours_per_week", func(c Customer) *float64 { return c.HoursPerWeek }),
		drift.Float("score", func(c Customer) (float64, bool) { return ok(c.Score) }),
		drift.FloatPtr("balance", func(c Customer) *float64 { return c.Balance }),
		drift.FloatPtr("tenure_years", func(c Customer) *float64 { return c.TenureYears }),
		drift.String("segment", func(c Customer) (string, bool) { return str(c.Segment) }),
		drift.String("region", func(c Customer) (string, bool) { return str(c.Region) }),
		drift.StringPtr("channel", func(c Customer) *string { return c.Channel }),
	}
}
