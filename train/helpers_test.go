package train_test

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/loomml/loom/internal/datasets"
	"github.com/loomml/loom/train"
)

// loadCSV reads testdata/NAME.csv: a header, then numeric rows whose last
// column is the target.
func loadCSV(tb testing.TB, name string) (X *mat.Dense, y []float64) {
	tb.Helper()
	tab, err := datasets.Load("testdata", name, math.NaN())
	if err != nil {
		tb.Fatal(err)
	}
	return mat.NewDense(tab.N, tab.P, tab.X), tab.Y
}

// loadSplit returns the fixed 75/25 split of a data set.
func loadSplit(tb testing.TB, name string) (tr, te train.Dataset) {
	tb.Helper()
	tab, trIdx, teIdx, err := datasets.LoadSplit("testdata", name, math.NaN())
	if err != nil {
		tb.Fatal(err)
	}
	d := train.Dataset{X: mat.NewDense(tab.N, tab.P, tab.X), Y: tab.Y}
	return d.Subset(trIdx), d.Subset(teIdx)
}

// standardize scales the columns of tr and te by the mean and population
// standard deviation of tr, like scikit-learn's StandardScaler.
func standardize(tr, te train.Dataset) {
	n, p := tr.X.Dims()
	for j := range p {
		mean, ss := 0.0, 0.0
		for i := range n {
			mean += tr.X.At(i, j)
		}
		mean /= float64(n)
		for i := range n {
			d := tr.X.At(i, j) - mean
			ss += d * d
		}
		sd := math.Sqrt(ss / float64(n))
		for _, d := range []train.Dataset{tr, te} {
			rows, _ := d.X.Dims()
			for i := range rows {
				d.X.Set(i, j, (d.X.At(i, j)-mean)/sd)
			}
		}
	}
}

// synthetic returns n rows of p standard normal features and labels drawn
// from a logistic model with k classes, deterministic in seed.
func synthetic(n, p, k int, seed uint64) train.Dataset {
	r := newRand(seed)
	data := make([]float64, n*p)
	for i := range data {
		data[i] = r.NormFloat64()
	}
	coef := make([]float64, k*p)
	for i := range coef {
		coef[i] = r.NormFloat64() * 0.5
	}
	y := make([]float64, n)
	z := make([]float64, k)
	for i := range n {
		row := data[i*p : (i+1)*p]
		sum := 0.0
		for c := range k {
			v := 0.0
			for j, x := range row {
				v += x * coef[c*p+j]
			}
			if c == 0 {
				v = 0
			}
			z[c] = math.Exp(v)
			sum += z[c]
		}
		u := r.Float64() * sum
		c := 0
		for ; c < k-1 && u > z[c]; c++ {
			u -= z[c]
		}
		y[i] = float64(c)
	}
	return train.Dataset{X: mat.NewDense(n, p, data), Y: y}
}
