package train_test

import (
	"context"
	"errors"
	"math"
	"sync/atomic"
	"testing"

	"github.com/loomml/loom/train"
)

func TestCrossValidate(t *testing.T) {
	X, y := loadCSV(t, "iris")
	d := train.Dataset{X: X, Y: y}
	tests := []struct {
		name     string
		opts     *train.CVOptions
		folds    int
		minScore float64
	}{
		{"stratified 5 accuracy", &train.CVOptions{Splitter: train.StratifiedKFold{K: 5, Shuffle: true, Seed: 1}}, 5, 0.9},
		{"sequential log loss", &train.CVOptions{Splitter: train.StratifiedKFold{K: 3}, Scorer: train.NegLogLoss, Parallelism: 1}, 3, -0.3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := train.CrossValidate(context.Background(), train.LogisticRegression{MaxIter: 1000}, d, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Folds) != tt.folds {
				t.Fatalf("%d folds; want %d", len(res.Folds), tt.folds)
			}
			sum := 0.0
			for i, f := range res.Folds {
				if f.Fold != i || f.TrainRows+f.TestRows != 150 || f.FitTime <= 0 || !f.Converged {
					t.Errorf("fold %d = %+v", i, f)
				}
				sum += f.Score
			}
			if math.Abs(res.Mean-sum/float64(tt.folds)) > 1e-12 || res.Mean < tt.minScore {
				t.Errorf("Mean = %v; want the folds' mean %v, at least %v", res.Mean, sum/float64(tt.folds), tt.minScore)
			}
		})
	}
}

func TestCrossValidateRegressionDefaultsToR2(t *testing.T) {
	X, y := loadCSV(t, "diabetes")
	res, err := train.CrossValidate(context.Background(), train.Ridge{Alpha: 0.1}, train.Dataset{X: X, Y: y}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Folds) != 5 || res.Mean < 0.3 || res.Mean > 0.7 {
		t.Errorf("diabetes ridge 5-fold R² = %v over %d folds; want about 0.48", res.Mean, len(res.Folds))
	}
}

func TestCrossValidateFoldError(t *testing.T) {
	d := dataOfSize(20, func(i int) float64 { return float64(i / 10) }) // 10 zeros then 10 ones
	// Unshuffled 2-fold: each training set holds one class only.
	_, err := train.CrossValidate(context.Background(), train.LogisticRegression{}, d, &train.CVOptions{Splitter: train.KFold{K: 2}})
	var fe *train.FoldError
	if !errors.As(err, &fe) || !errors.Is(err, train.ErrSingleClass) {
		t.Fatalf("CrossValidate = %v; want a *FoldError wrapping ErrSingleClass", err)
	}
}

func TestCrossValidateCancel(t *testing.T) {
	d := synthetic(4000, 5, 2, 3)
	ctx, cancel := context.WithCancel(context.Background())
	var fits atomic.Int32
	slow := train.TrainerFunc(func(ctx context.Context, d train.Dataset) (train.Model, error) {
		if fits.Add(1) == 2 {
			cancel()
		}
		return train.LogisticRegression{Tol: 1e-12, FuncTol: -1, MaxIter: 100000}.Fit(ctx, d)
	})
	_, err := train.CrossValidate(ctx, slow, d, &train.CVOptions{Splitter: train.KFold{K: 10}, Parallelism: 1})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("CrossValidate after cancel = %v; want context.Canceled", err)
	}
	if n := fits.Load(); n > 3 {
		t.Errorf("%d folds started after cancellation; want it to stop", n)
	}
}
