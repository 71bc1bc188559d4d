// Package customers is the shared model definition of Loom's examples: the
// row type, its feature set and its drift columns, written once and
// imported by both the training program (examples/quickstart) and the
// service (examples/service), as a team would share them. It embeds the
// mixed data set: 20,000 customers, 6 numeric and 3 categorical columns
// with missing values, and a binary target.
package customers

import (
	_ "embed"

	"github.com/loomml/loom/drift"
	"github.com/loomml/loom/feature"
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
