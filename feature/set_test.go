package feature_test

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"testing"
	"time"

	"github.com/loomml/loom/feature"
)

type person struct {
	Age    float64  `loom:"age"`
	Income *float64 `loom:"income"`
	City   string   `loom:"city"`
	Plan   *string  `loom:"plan"`
	Seen   time.Time
}

func f64(x float64) *float64 { return &x }
func str(s string) *string   { return &s }

func people() []person {
	t0 := time.Date(2024, 3, 10, 14, 30, 0, 0, time.UTC)
	return []person{
		{Age: 30, Income: f64(100), City: "Paris", Plan: str("basic"), Seen: t0},
		{Age: 40, Income: nil, City: "Lyon", Plan: nil, Seen: t0.AddDate(0, 1, 2)},
		{Age: 50, Income: f64(300), City: "Paris", Plan: str("pro"), Seen: t0.AddDate(0, 5, 0)},
		{Age: 20, Income: f64(200), City: "Nice", Plan: str("basic"), Seen: t0.AddDate(1, 0, 0)},
	}
}

func TestSmoke(t *testing.T) {
	set := feature.NewSet[person](nil).
		Num("age", func(p *person) float64 { return p.Age }, feature.Standardize()).
		NumPtr("income", func(p *person) *float64 { return p.Income }, feature.Impute(feature.Median, true), feature.Standardize()).
		Cat("city", func(p *person) string { return p.City }, feature.OneHot(feature.OneHotOptions{})).
		CatPtr("plan", func(p *person) *string { return p.Plan }, feature.CatImpute(feature.MostFrequent), feature.Ordinal(feature.OrdinalOptions{})).
		Time("seen", func(p *person) time.Time { return p.Seen }, feature.Month, feature.WeekdayCycle)
	fit, err := set.Fit(context.Background(), people())
	if err != nil {
		t.Fatal(err)
	}
	t.Log(fit.Names())
	rows := people()
	for i := range rows {
		t.Log(fit.Vector(&rows[i], nil))
	}
	b, _ := json.Marshal(fit)
	t.Log(string(b))
	g, err := set.Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	if g.Fingerprint() != fit.Fingerprint() {
		t.Fatal("fingerprint")
	}
	_, err = fit.Transform(&person{Age: math.Inf(1)}, nil)
	if !errors.Is(err, feature.ErrInfinite) {
		t.Fatal(err)
	}
	t.Log(err)
}
