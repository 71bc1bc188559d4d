package gbdt_test

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"slices"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/loomml/loom/train"
	"github.com/loomml/loom/train/gbdt"
)

var nan = math.NaN()

type refCase struct {
	Accuracy, LogLoss, ROCAUC, RMSE float64
	NIter                           int `json:"n_iter"`
	TestPred                        []float64
}

func (r *refCase) UnmarshalJSON(b []byte) error {
	var v struct {
		Accuracy float64   `json:"accuracy"`
		LogLoss  float64   `json:"log_loss"`
		ROCAUC   float64   `json:"roc_auc"`
		RMSE     float64   `json:"rmse"`
		NIter    int       `json:"n_iter"`
		TestPred []float64 `json:"test_pred"`
	}
	err := json.Unmarshal(b, &v)
	*r = refCase{v.Accuracy, v.LogLoss, v.ROCAUC, v.RMSE, v.NIter, v.TestPred}
	return err
}

// TestSklearnReference fits each case of testdata/gen_reference.py and
// compares the test metrics with scikit-learn 1.2.1's: accuracy and ROC
// AUC within 0.005, RMSE within 2%; it logs the largest difference of
// the test predictions.
func TestSklearnReference(t *testing.T) {
	b, err := os.ReadFile("testdata/reference.json")
	if err != nil {
		t.Fatal(err)
	}
	var ref struct {
		Sklearn string             `json:"sklearn"`
		Cases   map[string]refCase `json:"cases"`
	}
	if err := json.Unmarshal(b, &ref); err != nil {
		t.Fatal(err)
	}
	type tcase struct {
		data    string
		trainer train.Trainer
		cat     bool
	}
	cases := map[string]tcase{
		"breast_cancer":             {"breast_cancer", gbdt.Classifier{}, false},
		"breast_cancer_balanced_l2": {"breast_cancer", gbdt.Classifier{Balanced: true, Options: gbdt.Options{L2Regularization: 1}}, false},
		"breast_cancer_depth3":      {"breast_cancer", gbdt.Classifier{Options: gbdt.Options{MaxDepth: 3, MaxLeafNodes: -1, LearningRate: 0.2}}, false},
		"iris":                      {"iris", gbdt.Classifier{}, false},
		"diabetes":                  {"diabetes", gbdt.Regressor{}, false},
		"diabetes_absolute":         {"diabetes", gbdt.Regressor{Loss: gbdt.AbsoluteError}, false},
		"diabetes_poisson":          {"diabetes", gbdt.Regressor{Loss: gbdt.Poisson}, false},
		"diabetes_monotonic":        {"diabetes", gbdt.Regressor{Options: gbdt.Options{Monotonic: []int{0, 0, 1, 1, 0, 0, 0, 0, 1, 0}}}, false},
		"mixed":                     {"mixed", gbdt.Classifier{Options: gbdt.Options{EarlyStopping: gbdt.Off}}, false},
		"mixed_categorical":         {"mixed", gbdt.Classifier{Options: gbdt.Options{EarlyStopping: gbdt.Off}}, true},
		"mixed_early":               {"mixed", gbdt.Classifier{}, true},
	}
	loaded := map[string]dataset{}
	for name, want := range ref.Cases {
		c, ok := cases[name]
		if !ok {
			t.Errorf("no Go case for reference case %q", name)
			continue
		}
		t.Run(name, func(t *testing.T) {
			if c.data == "mixed" && testing.Short() {
				t.Skip("20,000 rows: left out under -short")
			}
			if raceEnabled && name != "breast_cancer" && name != "diabetes" && name != "iris" {
				t.Skip("left out under -race, which makes fits 20x slower")
			}
			d, ok := loaded[c.data]
			if !ok {
				d = load(t, c.data)
				loaded[c.data] = d
			}
			tr, te := d.train, d.test
			if !c.cat {
				tr.Categorical, te.Categorical = nil, nil
			}
			m, err := c.trainer.Fit(context.Background(), tr)
			if err != nil {
				t.Fatal(err)
			}
			n, _ := te.Dims()
			if cl, ok := m.(train.Classifier); ok {
				k := len(cl.Info().Classes)
				proba := train.PredictProbaBatch(nil, cl, te.X)
				acc, _ := train.Accuracy(m, te)
				nll, _ := train.NegLogLoss(m, te)
				var pred []float64
				if k == 2 {
					pred = mat.Col(nil, 1, proba)
				} else {
					pred = proba.RawMatrix().Data
				}
				diff := maxDiff(pred, want.TestPred)
				t.Logf("accuracy %.4f (sklearn %.4f), log loss %.5f (%.5f), max |Δp| %.3g", acc, want.Accuracy, -nll, want.LogLoss, diff)
				if math.Abs(acc-want.Accuracy) > 0.005+1e-12 {
					t.Errorf("accuracy %.4f; scikit-learn %.4f", acc, want.Accuracy)
				}
				if k == 2 {
					auc := rocAUC(pred, te.Y)
					t.Logf("ROC AUC %.5f (sklearn %.5f)", auc, want.ROCAUC)
					if math.Abs(auc-want.ROCAUC) > 0.005 {
						t.Errorf("ROC AUC %.5f; scikit-learn %.5f", auc, want.ROCAUC)
					}
				}
				return
			}
			pred := train.PredictBatch(nil, m, te.X)
			rmse := 0.0
			for i := range n {
				rmse += (pred[i] - te.Y[i]) * (pred[i] - te.Y[i])
			}
			rmse = math.Sqrt(rmse / float64(n))
			t.Logf("RMSE %.4f (sklearn %.4f), max |Δpred| %.3g", rmse, want.RMSE, maxDiff(pred, want.TestPred))
			if math.Abs(rmse-want.RMSE) > 0.02*want.RMSE {
				t.Errorf("RMSE %.4f; scikit-learn %.4f", rmse, want.RMSE)
			}
		})
	}
}

func maxDiff(a, b []float64) float64 {
	if len(a) != len(b) {
		return math.Inf(1)
	}
	d := 0.0
	for i := range a {
		d = max(d, math.Abs(a[i]-b[i]))
	}
	return d
}

// rocAUC is the area under the ROC curve of scores s for labels y in
// {0, 1}, with ties counted half (the Mann–Whitney statistic).
func rocAUC(s, y []float64) float64 {
	idx := make([]int, len(s))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int {
		switch {
		case s[a] < s[b]:
			return -1
		case s[a] > s[b]:
			return 1
		}
		return 0
	})
	rankSum, pos := 0.0, 0.0
	for i := 0; i < len(idx); {
		j := i
		for j < len(idx) && s[idx[j]] == s[idx[i]] {
			j++
		}
		r := float64(i+j+1) / 2
		for _, k := range idx[i:j] {
			if y[k] == 1 {
				rankSum += r
				pos++
			}
		}
		i = j
	}
	neg := float64(len(s)) - pos
	return (rankSum - pos*(pos+1)/2) / (pos * neg)
}
