package model_test

import (
	"context"
	"fmt"
	"os"

	"github.com/loomml/loom/contract"
	"github.com/loomml/loom/evaluate"
	"github.com/loomml/loom/feature"
	"github.com/loomml/loom/model"
	"github.com/loomml/loom/registry"
	"github.com/loomml/loom/train"
)

// Member is a user's own row type: the loom tags name the columns.
type Member struct {
	Age     float64  `loom:"age"`
	Income  *float64 `loom:"income"` // nil is missing
	Plan    string   `loom:"plan"`
	Churned int      `loom:"churned"` // the label
}

// memberSpec declares the model once: each column is named once, with its
// checks and transforms.
func memberSpec() *model.Spec[Member] {
	return model.New[Member]("churn").
		Label("churned", contract.OneOf("0", "1")).
		Float("age", contract.Range(16, 100), feature.Standardize()).
		Float("income", contract.AtLeast(0), feature.Impute(feature.Median, true), feature.Standardize()).
		Category("plan", contract.OneOf("basic", "pro"), feature.OneHot(feature.OneHotOptions{})).
		Trainer(train.LogisticRegression{C: 1})
}

// members returns n rows where young members on the basic plan churn.
func members(n int) []Member {
	rows := make([]Member, n)
	for i := range rows {
		age := 18 + float64(i*37%60)
		plan := []string{"basic", "pro"}[i%2]
		income := 20000 + float64(i*7919%60000)
		r := Member{Age: age, Plan: plan, Income: &income}
		if i%10 == 3 {
			r.Income = nil
		}
		if (age < 40 && plan == "basic") != (i%7 == 0) {
			r.Churned = 1
		}
		rows[i] = r
	}
	return rows
}

func ExampleFit() {
	ctx := context.Background()
	b, err := model.Fit(ctx, memberSpec(), members(400))
	if err != nil {
		panic(err)
	}
	fmt.Println("inputs:", len(b.Inputs()), "label:", b.Label())
	fmt.Println("features:", b.Features().Names())
	income := 30000.0
	p, err := b.PredictProba(ctx, []Member{{Age: 25, Plan: "basic", Income: &income}, {Age: 60, Plan: "pro"}})
	if err != nil {
		panic(err)
	}
	fmt.Printf("P(churn): young on basic %.2f, older on pro %.2f\n", p.At(0, 1), p.At(1, 1))
	// Output:
	// inputs: 3 label: churned
	// features: [age income income_missing plan=basic plan=pro]
	// P(churn): young on basic 0.62, older on pro 0.05
}

func ExampleCrossValidate() {
	cv, err := model.CrossValidate(context.Background(), memberSpec(), members(400),
		&train.CVOptions{Splitter: train.StratifiedKFold{K: 5, Shuffle: true, Seed: 1}})
	if err != nil {
		panic(err)
	}
	fmt.Printf("%d folds, accuracy %.2f\n", len(cv.Folds), cv.Mean)
	// Output: 5 folds, accuracy 0.84
}

func ExampleRegister() {
	ctx := registry.WithPrincipal(context.Background(), "example")
	dir, _ := os.MkdirTemp("", "loom-model-example")
	defer os.RemoveAll(dir)
	reg, err := registry.Open(dir)
	if err != nil {
		panic(err)
	}
	defer reg.Close()

	spec := memberSpec()
	trainRows, testRows, _ := model.Split(spec, members(600), train.Holdout{Stratify: true, Seed: 1})
	b, err := model.Fit(ctx, spec, trainRows)
	if err != nil {
		panic(err)
	}
	gates := []evaluate.Gate{{Metric: "roc_auc", Kind: evaluate.Absolute, Op: ">=", Value: 0.75}}
	rep, err := model.Evaluate(ctx, b, testRows, &evaluate.ReportOptions{Metrics: []string{"roc_auc"}, Gates: gates})
	if err != nil {
		panic(err)
	}
	v, err := model.Register(ctx, reg, b, rep)
	if err != nil {
		panic(err)
	}
	fmt.Printf("v%d: %d parts, verdict %s, roc_auc %.2f\n", v.Number, len(v.Parts), v.Metadata.Tags[model.TagVerdict], v.Metadata.Metrics["roc_auc"])
	if err := reg.Promote(ctx, "churn", "champion", v.Number, "passed the gates", model.Gate(gates...)); err != nil {
		panic(err)
	}
	loaded, err := model.LoadAlias(ctx, reg, "champion", memberSpec())
	if err != nil {
		panic(err)
	}
	fmt.Println("champion is version", loaded.Version().Number, "fitted on", loaded.Lineage().Rows, "rows")
	// Output:
	// v1: 5 parts, verdict pass, roc_auc 0.77
	// champion is version 1 fitted on 450 rows
}
