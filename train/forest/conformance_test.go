package forest_test

import (
	"testing"

	"github.com/loomml/loom/train"
	"github.com/loomml/loom/train/forest"
	"github.com/loomml/loom/train/traintest"
)

// TestConformance runs train's conformance suite on every trainer.
func TestConformance(t *testing.T) {
	iris, dia := load(t, "iris").train, load(t, "diabetes").train
	fo := forest.ForestOptions{Trees: 8}
	cases := []struct {
		name string
		tr   train.Trainer
		d    train.Dataset
	}{
		{"TreeClassifier", forest.TreeClassifier{}, iris},
		{"TreeRegressor", forest.TreeRegressor{Options: forest.Options{MaxDepth: 6}}, dia},
		{"Classifier", forest.Classifier{ForestOptions: fo}, iris},
		{"Regressor", forest.Regressor{ForestOptions: fo, Options: forest.Options{MinSamplesLeaf: 5}}, dia},
		{"ExtraClassifier", forest.ExtraClassifier{ForestOptions: fo, Criterion: forest.Entropy}, iris},
		{"ExtraRegressor", forest.ExtraRegressor{ForestOptions: fo, Options: forest.Options{MinSamplesLeaf: 5}}, dia},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { traintest.TestTrainer(t, c.tr, c.d) })
	}
}
