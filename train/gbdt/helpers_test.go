package gbdt_test

import (
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/loomml/loom/internal/datasets"
	"github.com/loomml/loom/train"
)

// dataset is one of the shared data sets with its fixed split; string
// columns are coded as ordinal codes in sorted order, missing as NaN.
type dataset struct {
	all         train.Dataset
	train, test train.Dataset
}

func load(t testing.TB, name string) dataset {
	t.Helper()
	tab, tr, te, err := datasets.LoadSplit("testdata", name, nan)
	if err != nil {
		t.Fatal(err)
	}
	all := train.Dataset{X: mat.NewDense(tab.N, tab.P, tab.X), Y: tab.Y, Categorical: tab.Categorical}
	return dataset{all: all, train: all.Subset(tr), test: all.Subset(te)}
}
