package forest_test

import (
	"context"
	"testing"

	"github.com/loomml/loom/train"
	"github.com/loomml/loom/train/forest"
)

// TestSearch runs a grid search over forest settings read back from
// train.Params, with cross-validation, and checks the experiment record.
func TestSearch(t *testing.T) {
	d := load(t, "breast_cancer").train
	space := train.Space{
		train.Values("max_depth", 2, 0),
		train.Choices("max_features", "sqrt", "0.5"),
	}
	build := func(p train.Params) train.Trainer {
		mf, err := forest.ParseMaxFeatures(p.Str("max_features"))
		if err != nil {
			t.Fatal(err)
		}
		return forest.Classifier{Options: forest.Options{MaxDepth: p.Int("max_depth"), MaxFeatures: mf},
			ForestOptions: forest.ForestOptions{Trees: 10}}
	}
	res, err := train.GridSearch(context.Background(), build, d, space, &train.SearchOptions{
		CV: &train.CVOptions{Splitter: train.StratifiedKFold{K: 3}, Scorer: train.NegLogLoss},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Results) != 4 || res.Model == nil {
		t.Fatalf("%d results, model %v", len(res.Results), res.Model)
	}
	if d := res.Best.Int("max_depth"); d != 0 && d != 2 {
		t.Errorf("best %v is not a candidate", res.Best)
	}
	_, rec, err := train.Fit(context.Background(), build(res.Best), d, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Kind != "tree_ensemble" || !rec.Params.Has("n_estimators") || rec.Params.Str("max_features") != res.Best.Str("max_features") {
		t.Errorf("record kind %q params %v", rec.Kind, rec.Params)
	}
}

// TestParseMaxFeatures checks that String and ParseMaxFeatures agree.
func TestParseMaxFeatures(t *testing.T) {
	for _, m := range []forest.MaxFeatures{forest.Sqrt, forest.Log2, forest.All, forest.Count(4), forest.Fraction(0.25), forest.Fraction(1)} {
		back, err := forest.ParseMaxFeatures(m.String())
		if err != nil || back != m {
			t.Errorf("ParseMaxFeatures(%q) = %v, %v; want %v", m.String(), back, err, m)
		}
	}
	for _, s := range []string{"", "0", "1.5", "-2", "half", "0.0"} {
		if _, err := forest.ParseMaxFeatures(s); err == nil {
			t.Errorf("ParseMaxFeatures(%q) gave no error", s)
		}
	}
}
