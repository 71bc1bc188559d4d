package train_test

import (
	"encoding/csv"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/loomml/loom/train"
)

// loadCSV reads testdata/NAME.csv: a header, then numeric rows whose last
// column is the target.
func loadCSV(tb testing.TB, name string) (X *mat.Dense, y []float64) {
	tb.Helper()
	f, err := os.Open("testdata/" + name + ".csv")
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		tb.Fatal(err)
	}
	recs = recs[1:]
	p := len(recs[0]) - 1
	data := make([]float64, 0, len(recs)*p)
	for _, r := range recs {
		for j, s := range r {
			v, err := strconv.ParseFloat(s, 64)
			if err != nil {
				tb.Fatal(err)
			}
			if j == p {
				y = append(y, v)
			} else {
				data = append(data, v)
			}
		}
	}
	return mat.NewDense(len(recs), p, data), y
}

// loadIndex reads testdata/NAME.KIND_idx.txt.
func loadIndex(tb testing.TB, name, kind string) []int {
	tb.Helper()
	b, err := os.ReadFile("testdata/" + name + "." + kind + "_idx.txt")
	if err != nil {
		tb.Fatal(err)
	}
	var idx []int
	for _, s := range strings.Fields(string(b)) {
		i, err := strconv.Atoi(s)
		if err != nil {
			tb.Fatal(err)
		}
		idx = append(idx, i)
	}
	return idx
}

// loadSplit returns the fixed 75/25 split of a data set.
func loadSplit(tb testing.TB, name string) (tr, te train.Dataset) {
	tb.Helper()
	X, y := loadCSV(tb, name)
	d := train.Dataset{X: X, Y: y}
	return d.Subset(loadIndex(tb, name, "train")), d.Subset(loadIndex(tb, name, "test"))
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
