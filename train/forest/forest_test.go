package forest_test

import (
	"context"
	"math"
	"sort"
	"testing"

	"github.com/loomml/loom/train"
	"github.com/loomml/loom/train/forest"
)

// TestSklearnForests fits every reference forest and compares its test
// accuracy (RMSE for regression) and out-of-bag score with
// scikit-learn's: accuracy within ±0.01, RMSE within 2%, each averaged
// over the same number of seeds on both sides.
func TestSklearnForests(t *testing.T) {
	ref := loadReference(t)
	names := make([]string, 0, len(ref.Forests))
	for name := range ref.Forests {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		r := ref.Forests[name]
		t.Run(name, func(t *testing.T) {
			if r.Data == "mixed" && testing.Short() || r.Data != "iris" && raceEnabled {
				t.Skip("large fits: mixed not under -short, only iris under -race")
			}
			d := load(t, r.Data)
			oob := r.Params["oob_score"] == true
			var score, oobScore float64
			for seed := range uint64(seeds) {
				o := forest.Options{Seed: seed}
				var m train.Model
				var est *forest.OOB
				var err error
				switch r.Kind {
				case "RandomForestClassifier":
					m, est, err = forest.Classifier{Options: o}.FitOOB(context.Background(), d.train)
				case "RandomForestRegressor":
					m, est, err = forest.Regressor{Options: o}.FitOOB(context.Background(), d.train)
				case "ExtraTreesClassifier":
					m, err = forest.ExtraClassifier{Options: o}.Fit(context.Background(), d.train)
				case "ExtraTreesRegressor":
					m, err = forest.ExtraRegressor{Options: o}.Fit(context.Background(), d.train)
				}
				if err != nil {
					t.Fatal(err)
				}
				pred := train.PredictBatch(nil, m, d.test.X)
				if r.RMSE > 0 {
					score += rmse(pred, d.test.Y) / seeds
				} else {
					score += accuracy(pred, d.test.Y) / seeds
				}
				if est != nil {
					oobScore += est.Score / seeds
				}
			}
			if r.RMSE > 0 {
				want := r.Seeds["rmse"]
				t.Logf("RMSE %.4f; scikit-learn %.4f (mean of %d seeds)", score, want, seeds)
				if math.Abs(score-want) > 0.02*want {
					t.Errorf("RMSE %.4f; scikit-learn's %.4f, more than 2%% apart", score, want)
				}
			} else {
				want := r.Seeds["accuracy"]
				t.Logf("accuracy %.4f; scikit-learn %.4f (mean of %d seeds)", score, want, seeds)
				if math.Abs(score-want) > 0.01 {
					t.Errorf("accuracy %.4f; scikit-learn's %.4f, more than 0.01 apart", score, want)
				}
			}
			if oob {
				want := r.Seeds["oob_score"]
				t.Logf("OOB score %.4f; scikit-learn %.4f", oobScore, want)
				if math.Abs(oobScore-want) > 0.02 {
					t.Errorf("OOB score %.4f; scikit-learn's %.4f, more than 0.02 apart", oobScore, want)
				}
			}
		})
	}
}

// seeds is the number of seeds each forest is fitted with, on both sides.
const seeds = 5

func accuracy(pred, y []float64) float64 {
	hits := 0
	for i := range y {
		if pred[i] == y[i] {
			hits++
		}
	}
	return float64(hits) / float64(len(y))
}

func rmse(pred, y []float64) float64 {
	s := 0.0
	for i := range y {
		r := pred[i] - y[i]
		s += r * r
	}
	return math.Sqrt(s / float64(len(y)))
}
