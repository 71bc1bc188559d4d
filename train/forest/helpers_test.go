package forest_test

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

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
	f, err := os.Open(filepath.Join("testdata", name+".csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	header, recs := recs[0], recs[1:]
	n, p := len(recs), len(header)-1
	X := mat.NewDense(n, p, nil)
	for j := range p {
		numeric := true
		for _, r := range recs {
			if r[j] == "" {
				continue
			}
			if _, err := strconv.ParseFloat(r[j], 64); err != nil {
				numeric = false
				break
			}
		}
		var levels []string
		if !numeric {
			for _, r := range recs {
				if r[j] != "" {
					levels = append(levels, r[j])
				}
			}
			slices.Sort(levels)
			levels = slices.Compact(levels)
		}
		for i, r := range recs {
			v := missing
			switch {
			case r[j] == "":
			case numeric:
				v, _ = strconv.ParseFloat(r[j], 64)
			default:
				k, _ := slices.BinarySearch(levels, r[j])
				v = float64(k)
			}
			X.Set(i, j, v)
		}
	}
	y := make([]float64, n)
	for i, r := range recs {
		y[i], _ = strconv.ParseFloat(r[p], 64)
	}
	d := dataset{all: train.Dataset{X: X, Y: y}}
	d.train = d.all.Subset(indices(t, name+".train_idx.txt"))
	d.test = d.all.Subset(indices(t, name+".test_idx.txt"))
	return d
}

func indices(t testing.TB, file string) []int {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", file))
	if err != nil {
		t.Fatal(err)
	}
	var out []int
	for _, s := range strings.Fields(string(b)) {
		i, err := strconv.Atoi(s)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, i)
	}
	return out
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
