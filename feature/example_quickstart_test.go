package feature_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"strconv"

	"github.com/loomml/loom/feature"
)

// QuickstartCustomer is the row type of examples/quickstart.
type QuickstartCustomer struct {
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

// quickstartFeatures is the feature set of the quickstart: numeric columns
// imputed and standardized, categories one-hot encoded, channel also
// target-encoded.
func quickstartFeatures() *feature.Set[QuickstartCustomer] {
	num := func(t ...feature.NumTransform) []feature.NumTransform { return t }
	oh := feature.OneHot(feature.OneHotOptions{Unknown: feature.UnknownIgnore})
	return feature.NewSet[QuickstartCustomer](nil).
		Num("age", func(c *QuickstartCustomer) float64 { return c.Age }, feature.Standardize()).
		NumPtr("income", func(c *QuickstartCustomer) *float64 { return c.Income },
			num(feature.Impute(feature.Median, true), feature.Clip(0, 1e7), feature.Log1p(), feature.Standardize())...).
		NumPtr("hours_per_week", func(c *QuickstartCustomer) *float64 { return c.HoursPerWeek }, feature.Impute(feature.Mean, false), feature.Standardize()).
		Num("score", func(c *QuickstartCustomer) float64 { return c.Score }, feature.Standardize()).
		NumPtr("balance", func(c *QuickstartCustomer) *float64 { return c.Balance }, feature.Impute(feature.Median, true), feature.Robust()).
		NumPtr("tenure_years", func(c *QuickstartCustomer) *float64 { return c.TenureYears }, feature.Impute(feature.Median, true), feature.Standardize()).
		Cat("segment", func(c *QuickstartCustomer) string { return c.Segment }, oh).
		Cat("region", func(c *QuickstartCustomer) string { return c.Region }, oh).
		CatPtr("channel", func(c *QuickstartCustomer) *string { return c.Channel }, oh).
		CatPtr("channel_rate", func(c *QuickstartCustomer) *string { return c.Channel }, feature.TargetEncode(feature.TargetOptions{Seed: 1})).
		Label(func(c *QuickstartCustomer) float64 { return float64(c.Target) })
}

// readCustomers parses the mixed data set's CSV (empty cell = missing).
func readCustomers(path string) ([]QuickstartCustomer, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, err
	}
	opt := func(s string) *float64 {
		if s == "" {
			return nil
		}
		x, _ := strconv.ParseFloat(s, 64)
		return &x
	}
	out := make([]QuickstartCustomer, 0, len(recs)-1)
	for _, r := range recs[1:] {
		c := QuickstartCustomer{Income: opt(r[1]), HoursPerWeek: opt(r[2]), Balance: opt(r[4]), TenureYears: opt(r[5]), Segment: r[6], Region: r[7]}
		c.Age, _ = strconv.ParseFloat(r[0], 64)
		c.Score, _ = strconv.ParseFloat(r[3], 64)
		if r[8] != "" {
			c.Channel = &r[8]
		}
		c.Target, _ = strconv.Atoi(r[9])
		out = append(out, c)
	}
	return out, nil
}

// The quickstart's features on the mixed data set: fit on the training
// rows, cross-fitted training matrix, serving vectors for the test rows.
func Example_quickstart() {
	ctx := context.Background()
	train, err := readCustomers("testdata/mixed_train.csv")
	if err != nil {
		panic(err)
	}
	test, err := readCustomers("testdata/mixed_test.csv")
	if err != nil {
		panic(err)
	}
	set := quickstartFeatures()
	fitted, err := set.Fit(ctx, train)
	if err != nil {
		panic(err)
	}
	x, err := fitted.TrainingMatrix(ctx, train) // row-major, len(train) × Width()
	if err != nil {
		panic(err)
	}
	fmt.Println("training matrix:", len(x)/fitted.Width(), "×", fitted.Width())
	fmt.Println("columns:", fitted.Names()[:4], "...")

	dst := make([]float64, fitted.Width())
	for i := range test {
		if _, err := fitted.Transform(&test[i], dst); err != nil {
			panic(err)
		}
	}
	fmt.Println("parity:", feature.CheckParity(ctx, set, fitted, test))
	// Output:
	// training matrix: 2000 × 33
	// columns: [age income income_missing hours_per_week] ...
	// parity: <nil>
}
