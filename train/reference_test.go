package train_test

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"testing"

	"github.com/loomml/loom/train"
)

// reference holds testdata/reference.json, written by reference.py with
// scikit-learn 1.2.1.
type reference struct {
	Sklearn  string      `json:"sklearn"`
	Breast   logisticRef `json:"breast_cancer_logistic_standardized"`
	Iris     logisticRef `json:"iris_logistic_multinomial"`
	Weighted logisticRef `json:"breast_cancer_logistic_balanced_weighted"`
	OLS      linearRef   `json:"diabetes_ols"`
	Ridge    linearRef   `json:"diabetes_ridge_alpha1"`
	// Iterations are fits with scikit-learn's stopping rules, where n_iter_
	// is compared.
	Iterations []iterationsRef `json:"default_iterations"`
}

type logisticRef struct {
	Coef         [][]float64 `json:"coef"`
	Intercept    []float64   `json:"intercept"`
	TestAccuracy float64     `json:"test_accuracy"`
	TestLogLoss  float64     `json:"test_log_loss"`
	TestProba    [][]float64 `json:"test_proba_first5"`
}

type iterationsRef struct {
	Data        string      `json:"data"`
	Standardize bool        `json:"standardize"`
	C           float64     `json:"C"`
	NIter       int         `json:"n_iter"`
	Coef        [][]float64 `json:"coef"`
	Intercept   []float64   `json:"intercept"`
}

type linearRef struct {
	Coef      []float64 `json:"coef"`
	Intercept float64   `json:"intercept"`
	TestPred  []float64 `json:"test_pred_first5"`
}

func loadReference(t *testing.T) reference {
	t.Helper()
	b, err := os.ReadFile("testdata/reference.json")
	if err != nil {
		t.Fatal(err)
	}
	var ref reference
	if err := json.Unmarshal(b, &ref); err != nil {
		t.Fatal(err)
	}
	return ref
}

func relClose(got, want, tol float64) bool {
	return math.Abs(got-want) <= tol*math.Max(math.Abs(want), 1e-12)
}

func TestLogisticMatchesScikitLearn(t *testing.T) {
	ref := loadReference(t)
	tests := []struct {
		name        string
		data        string
		standardize bool
		want        logisticRef
	}{
		{"breast_cancer standardized binary", "breast_cancer", true, ref.Breast},
		{"iris multinomial", "iris", false, ref.Iris},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr, te := loadSplit(t, tt.data)
			if tt.standardize {
				standardize(tr, te)
			}
			m, err := train.LogisticRegression{C: 1, Tol: 1e-10, FuncTol: 1e-15, MaxIter: 100000}.Fit(context.Background(), tr)
			if err != nil {
				t.Fatalf("Fit: %v", err)
			}
			lm := m.(*train.LogisticModel)
			coef := lm.Coef()
			for k, row := range tt.want.Coef {
				for j, w := range row {
					if got := coef.At(k, j); !relClose(got, w, 1e-4) {
						t.Errorf("coef[%d][%d] = %v; want %v (scikit-learn)", k, j, got, w)
					}
				}
				if got := lm.Intercept()[k]; !relClose(got, tt.want.Intercept[k], 1e-4) {
					t.Errorf("intercept[%d] = %v; want %v (scikit-learn)", k, got, tt.want.Intercept[k])
				}
			}
			acc, err := train.Accuracy(m, te)
			if err != nil {
				t.Fatal(err)
			}
			nll, err := train.NegLogLoss(m, te)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(acc-tt.want.TestAccuracy) > 0.5e-3 {
				t.Errorf("test accuracy = %.4f; want %.4f", acc, tt.want.TestAccuracy)
			}
			if math.Abs(-nll-tt.want.TestLogLoss) > 0.5e-3 {
				t.Errorf("test log loss = %.4f; want %.4f", -nll, tt.want.TestLogLoss)
			}
			proba := make([]float64, len(lm.Info().Classes))
			for i, want := range tt.want.TestProba {
				lm.PredictProba(proba, te.X.RawRowView(i))
				for k := range want {
					if math.Abs(proba[k]-want[k]) > 1e-5 {
						t.Errorf("PredictProba(test row %d)[%d] = %v; want %v", i, k, proba[k], want[k])
					}
				}
			}
		})
	}
}

func TestLogisticWeightsMatchScikitLearn(t *testing.T) {
	ref := loadReference(t)
	tr, te := loadSplit(t, "breast_cancer")
	standardize(tr, te)
	tr.Weights = make([]float64, len(tr.Y))
	for i := range tr.Weights {
		tr.Weights[i] = float64(1 + i%3)
	}
	m, err := train.LogisticRegression{C: 0.5, Balanced: true, Tol: 1e-10, FuncTol: 1e-15, MaxIter: 100000}.Fit(context.Background(), tr)
	if err != nil {
		t.Fatal(err)
	}
	lm := m.(*train.LogisticModel)
	for j, w := range ref.Weighted.Coef[0] {
		if got := lm.Coef().At(0, j); !relClose(got, w, 1e-4) {
			t.Errorf("coef[%d] = %v; want %v (scikit-learn)", j, got, w)
		}
	}
	if got := lm.Intercept()[0]; !relClose(got, ref.Weighted.Intercept[0], 1e-4) {
		t.Errorf("intercept = %v; want %v (scikit-learn)", got, ref.Weighted.Intercept[0])
	}
}

func TestLinearMatchesScikitLearn(t *testing.T) {
	ref := loadReference(t)
	tests := []struct {
		name    string
		trainer train.Trainer
		want    linearRef
	}{
		{"ols", train.LinearRegression{}, ref.OLS},
		{"ridge alpha=1", train.Ridge{Alpha: 1}, ref.Ridge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr, te := loadSplit(t, "diabetes")
			m, err := tt.trainer.Fit(context.Background(), tr)
			if err != nil {
				t.Fatal(err)
			}
			lm := m.(*train.LinearModel)
			for j, w := range tt.want.Coef {
				if got := lm.Coef()[j]; !relClose(got, w, 1e-8) {
					t.Errorf("coef[%d] = %v; want %v (scikit-learn)", j, got, w)
				}
			}
			if got := lm.Intercept(); !relClose(got, tt.want.Intercept, 1e-8) {
				t.Errorf("intercept = %v; want %v", got, tt.want.Intercept)
			}
			pred := train.PredictBatch(nil, m, te.X.Slice(0, 5, 0, 10))
			for i, want := range tt.want.TestPred {
				if !relClose(pred[i], want, 1e-8) {
					t.Errorf("Predict(test row %d) = %v; want %v", i, pred[i], want)
				}
			}
		})
	}
}

// TestLogisticIterationsMatchScikitLearn fits with scikit-learn's stopping
// rules (tol 1e-4, SciPy's relative function tolerance) and checks that
// Iterations counts as n_iter_ does (SciPy's nit) and that the solution is
// scikit-learn's.
func TestLogisticIterationsMatchScikitLearn(t *testing.T) {
	ref := loadReference(t)
	if len(ref.Iterations) == 0 {
		t.Fatal("no default_iterations in testdata/reference.json")
	}
	for _, want := range ref.Iterations {
		tr, te := loadSplit(t, want.Data)
		if want.Standardize {
			standardize(tr, te)
		}
		m, err := train.LogisticRegression{C: want.C, MaxIter: 1000}.Fit(context.Background(), tr)
		if err != nil {
			t.Fatalf("%s C=%v: %v", want.Data, want.C, err)
		}
		lm := m.(*train.LogisticModel)
		if got := lm.Iterations(); got != want.NIter {
			t.Errorf("%s C=%v: Iterations() = %d; want scikit-learn's n_iter_ %d", want.Data, want.C, got, want.NIter)
		}
		coef := lm.Coef()
		for k, row := range want.Coef {
			for j, w := range row {
				if got := coef.At(k, j); !relClose(got, w, 1e-6) && math.Abs(got-w) > 1e-8 {
					t.Errorf("%s C=%v: coef[%d][%d] = %v; want %v", want.Data, want.C, k, j, got, w)
				}
			}
			if got := lm.Intercept()[k]; !relClose(got, want.Intercept[k], 1e-6) {
				t.Errorf("%s C=%v: intercept[%d] = %v; want %v", want.Data, want.C, k, got, want.Intercept[k])
			}
		}
	}
}
