package forest_test

import (
	"context"
	"errors"
	"testing"

	"github.com/loomml/loom/contract"
	"github.com/loomml/loom/feature"
	"github.com/loomml/loom/model"
	"github.com/loomml/loom/train"
	"github.com/loomml/loom/train/forest"
)

// member is a user's row type for the model.Fit test.
type member struct {
	Age     float64  `loom:"age"`
	Income  *float64 `loom:"income"`
	Plan    string   `loom:"plan"`
	Churned int      `loom:"churned"`
}

func members(n int) []member {
	rows := make([]member, n)
	for i := range rows {
		age := 18 + float64(i*37%60)
		income := 20000 + float64(i*7919%60000)
		r := member{Age: age, Plan: []string{"basic", "pro"}[i%2], Income: &income}
		if i%10 == 3 {
			r.Income = nil
		}
		if (age < 40 && r.Plan == "basic") != (i%7 == 0) {
			r.Churned = 1
		}
		rows[i] = r
	}
	return rows
}

// TestModelFit fits a forest through package model, which hands it the
// tree matrix (the trainer reports train.NativeMissing), and serves the
// bundle on the same vectors; a missing value left unimputed is an error
// naming its row and column.
func TestModelFit(t *testing.T) {
	ctx := context.Background()
	spec := func(imputed bool) *model.Spec[member] {
		var income []any
		if imputed {
			income = append(income, feature.Impute(feature.Median, false))
		}
		return model.New[member]("churn").
			Label("churned", contract.OneOf("0", "1")).
			Float("age").
			Float("income", income...).
			Category("plan", contract.OneOf("basic", "pro"), feature.Ordinal(feature.OrdinalOptions{})).
			Trainer(forest.Classifier{ForestOptions: forest.ForestOptions{Trees: 20}})
	}
	b, err := model.Fit(ctx, spec(true), members(400))
	if err != nil {
		t.Fatal(err)
	}
	income := 30000.0
	p, err := b.PredictProba(ctx, []member{{Age: 25, Plan: "basic", Income: &income}, {Age: 60, Plan: "pro", Income: &income}})
	if err != nil {
		t.Fatal(err)
	}
	if p.At(0, 1) < 0.5 || p.At(1, 1) > 0.5 {
		t.Errorf("P(churn) young on basic %.2f, older on pro %.2f", p.At(0, 1), p.At(1, 1))
	}
	_, err = model.Fit(ctx, spec(false), members(400))
	var de *train.DataError
	if !errors.As(err, &de) || !errors.Is(err, train.ErrNonFinite) || de.Row != 3 || de.Column != 1 {
		t.Errorf("unimputed missing income: error %v; want a *train.DataError at row 3, column 1", err)
	}
}
