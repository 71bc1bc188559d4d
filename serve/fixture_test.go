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

func customerFeatures() *feature.Set[customer] {
	imp := func() []feature.NumTransform {
		return []feature.NumTransform{feature.Impute(feature.Median, true), feature.Standardize()}
	}
	oneHot := feature.OneHot(feature.OneHotOptions{Unknown: feature.UnknownIgnore})
	return feature.NewSet[customer](nil).
		Num("age", func(c *customer) float64 { return c.Age }, feature.Standardize()).
		NumPtr("income", func(c *customer) *float64 { return c.Income }, imp()...).
		NumPtr("hours_per_week", func(c *customer) *float64 { return c.HoursPerWeek }, imp()...).
		Num("score", func(c *customer) float64 { return c.Score }, feature.Standardize()).
		NumPtr("balance", func(c *customer) *float64 { return c.Balance }, imp()...).
		NumPtr("tenure_years", func(c *customer) *float64 { return c.TenureYears }, imp()...).
		Cat("segment", func(c *customer) string { return c.Segment }, oneHot).
		Cat("region", func(c *customer) string { return c.Region }, oneHot).
		CatPtr("channel", func(c *customer) *string { return c.Channel },
			oneHot)
}

var (
	fixtureOnce sync.Once
	fixtureRows []customer
	fixtureFit  *feature.Fitted[customer]
	fixtureLR   train.Model
)

// fixture fits features and a logistic regression on the test customers,
// once per test binary.
func fixture(tb testing.TB) ([]customer, *feature.Fitted[customer], train.Model) {
	tb.Helper()
	fixtureOnce.Do(func() {
		rows := readCustomers(tb)
		ctx := context.Background()
		fitted, err := customerFeatures().Fit(ctx, rows)
		if err != nil {
			tb.Fatal(err)
		}
		X, err := fitted.Matrix(ctx, rows)
		if err != nil {
			tb.Fatal(err)
		}
		y := make([]float64, len(rows))
		for i := range rows {
			y[i] = float64(rows[i].Target)
		}
		m, err := train.LogisticRegression{}.Fit(ctx, train.Dataset{X: X, Y: y, FeatureFingerprint: fitted.Fingerprint()})
		if err != nil {
			tb.Fatal(err)
		}
		fixtureRows, fixtureFit, fixtureLR = rows, fitted, m
	})
	if fixtureLR == nil {
		tb.Fatal("fixture failed to build")
	}
	return fixtureRows, fixtureFit, fixtureLR
}

// customerContract is the data contract of the test rows.
func customerContract() *contract.Contract {
	return contract.New("customers",
		contract.FloatField("age").Range(16, 100),
		contract.FloatField("income").Optional().AtLeast(0),
		contract.FloatField("hours_per_week").Optional().Range(0, 100),
		contract.FloatField("score").Range(0, 1),
		contract.FloatField("balance").Optional(),
		contract.FloatField("tenure_years").Optional().AtLeast(0),
		contract.CategoryField("segment").OneOf("low", "mid", "high"),
		contract.CategoryField("region"),
		contract.CategoryField("channel").Optional().Match(`^ch[0-9]{2}$`),
		contract.IntField("target").Range(0, 1),
	)
}

func newTestScorer(tb testing.TB, version int) *Scorer[customer] {
	tb.Helper()
	_, fitted, m := fixture(tb)
	bound, err := contract.Bind[customer](customerContract())
	if err != nil {
		tb.Fatal(err)
	}
	s, err := NewScorer(Parts[customer]{Name: "churn", Version: version, Contract: bound, Features: fitted, Model: m})
	if err != nil {
		tb.Fatal(err)
	}
	return s
}
