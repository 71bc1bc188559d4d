package serve

import (
	"context"
	"encoding/csv"
	"os"
	"strconv"
	"sync"
	"testing"

	"github.com/loomml/loom/contract"
	"github.com/loomml/loom/feature"
	"github.com/loomml/loom/model"
	"github.com/loomml/loom/train"
)

// customer is the row type of the tests: testdata/customers.csv holds the
// first 3,000 rows of the shared mixed data set.
type customer struct {
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

func readCustomers(tb testing.TB) []customer {
	tb.Helper()
	f, err := os.Open("testdata/customers.csv")
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		tb.Fatal(err)
	}
	num := func(s string) *float64 {
		if s == "" {
			return nil
		}
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			tb.Fatal(err)
		}
		return &v
	}
	var out []customer
	for _, r := range recs[1:] {
		c := customer{Age: *num(r[0]), Income: num(r[1]), HoursPerWeek: num(r[2]), Score: *num(r[3]), Balance: num(r[4]),
			TenureYears: num(r[5]), Segment: r[6], Region: r[7]}
		if r[8] != "" {
			ch := r[8]
			c.Channel = &ch
		}
		c.Target, _ = strconv.Atoi(r[9])
		out = append(out, c)
	}
	return out
}

// customerSpec is the declaration of the test model.
func customerSpec() *model.Spec[customer] {
	num := func(more ...any) []any {
		return append(more, feature.Impute(feature.Median, true), feature.Standardize())
	}
	oneHot := feature.OneHot(feature.OneHotOptions{Unknown: feature.UnknownIgnore})
	return model.New[customer]("churn").
		Label("target", contract.Range(0, 1)).
		Float("age", contract.Range(16, 100), feature.Standardize()).
		Float("income", num(contract.AtLeast(0))...).
		Float("hours_per_week", num(contract.Range(0, 100))...).
		Float("score", contract.Range(0, 1), feature.Standardize()).
		Float("balance", num()...).
		Float("tenure_years", num(contract.AtLeast(0))...).
		Category("segment", contract.OneOf("low", "mid", "high"), oneHot).
		Category("region", oneHot).
		Category("channel", contract.Match(`^ch[0-9]{2}$`), oneHot).
		Trainer(train.LogisticRegression{})
}

var (
	fixtureOnce   sync.Once
	fixtureRows   []customer
	fixtureBundle *model.Bundle[customer]
)

// fixture fits the test spec on the test customers that pass its
// contract, once per test binary, and returns every row with the bundle.
func fixture(tb testing.TB) ([]customer, *model.Bundle[customer]) {
	tb.Helper()
	fixtureOnce.Do(func() {
		rows := readCustomers(tb)
		spec := customerSpec()
		b, err := model.Fit(context.Background(), spec, spec.Bind().Quarantine(rows).Valid)
		if err != nil {
			tb.Fatal(err)
		}
		fixtureRows, fixtureBundle = rows, b
	})
	if fixtureBundle == nil {
		tb.Fatal("fixture failed to build")
	}
	return fixtureRows, fixtureBundle
}

// testParts are the parts of the fixture's bundle, to build scorers with
// other names, versions and checks.
func testParts(tb testing.TB) parts[customer] {
	_, b := fixture(tb)
	return parts[customer]{Name: "churn", Version: 1, Label: b.Label(), Features: b.Features(), Model: b.Model()}
}

func newTestScorer(tb testing.TB, version int) *Scorer[customer] {
	tb.Helper()
	_, b := fixture(tb)
	p := testParts(tb)
	p.Version, p.Contract, p.CheckRows = version, b.CheckRow, b.CheckRows
	for _, f := range b.Inputs() {
		p.Inputs = append(p.Inputs, Field{Name: f.Name, Type: f.Type.String(), Required: !f.Nullable})
	}
	s, err := newScorer(p)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}
