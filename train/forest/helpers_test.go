package forest_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/loomml/loom/internal/datasets"
	"github.com/loomml/loom/train"
)

// missing replaces an empty cell, as testdata/gen_reference.py does:
// scikit-learn 1.2's trees reject NaN.
const missing = -1e9

// dataset is one of the shared data sets with its fixed split; string
// columns are coded as ordinal codes in sorted order.
type dataset struct {
	all         train.Dataset
	train, test train.Dataset
}

func load(t testing.TB, name string) dataset {
	t.Helper()
	tab, tr, te, err := datasets.LoadSplit("testdata", name, missing)
	if err != nil {
		t.Fatal(err)
	}
	all := train.Dataset{X: mat.NewDense(tab.N, tab.P, tab.X), Y: tab.Y}
	return dataset{all: all, train: all.Subset(tr), test: all.Subset(te)}
}

// reference is testdata/reference.json.
type reference struct {
	Sklearn string                   `json:"sklearn"`
	Trees   map[string]treeReference `json:"trees"`
	Forests map[string]struct {
		Data     string             `json:"data"`
		Kind     string             `json:"kind"`
		Params   map[string]any     `json:"params"`
		Accuracy float64            `json:"accuracy"`
		RMSE     float64            `json:"rmse"`
		OOB      float64            `json:"oob_score"`
		Seeds    map[string]float64 `json:"seeds"`
	} `json:"forests"`
}

type treeReference struct {
	Data       string         `json:"data"`
	Classifier bool           `json:"classifier"`
	Extra      bool           `json:"extra"`
	Params     map[string]any `json:"params"`
	Seed       uint64         `json:"seed"`
	Weights    bool           `json:"weights"`
	Tree       struct {
		Left, Right, Feature []int
		Threshold, Impurity  []float64
		Samples              []int
		Weight               []float64
		Value                [][]float64
	} `json:"tree"`
	Importances []float64   `json:"importances"`
	Proba       [][]float64 `json:"proba"`
	Predict     []float64   `json:"predict"`
}

func loadReference(t testing.TB) *reference {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "reference.json"))
	if err != nil {
		t.Fatal(err)
	}
	var r reference
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	return &r
}
