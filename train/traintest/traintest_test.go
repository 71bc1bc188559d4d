package traintest_test

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/loomml/loom/train"
	"github.com/loomml/loom/train/traintest"
)

func data(n, p int, classes int) train.Dataset {
	X := mat.NewDense(n, p, nil)
	y := make([]float64, n)
	for i := range n {
		s := 0.0
		for j := range p {
			v := math.Sin(float64(i*(j+3)) + float64(j))
			X.Set(i, j, v)
			s += v * float64(j+1)
		}
		s += 0.5 * math.Cos(float64(7*i))
		y[i] = s
		if classes > 0 {
			y[i] = float64(int(math.Abs(s*3)) % classes)
		}
	}
	return train.Dataset{X: X, Y: y}
}

func TestBuiltinTrainersConform(t *testing.T) {
	tests := []struct {
		name string
		tr   train.Trainer
		d    train.Dataset
	}{
		{"ols", train.LinearRegression{}, data(60, 4, 0)},
		{"ridge", train.Ridge{Alpha: 2}, data(60, 4, 0)},
		{"logistic binary", train.LogisticRegression{}, data(200, 5, 2)},
		{"logistic multinomial", train.LogisticRegression{MaxIter: 500}, data(200, 5, 3)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { traintest.TestTrainer(t, tt.tr, tt.d) })
	}
}

// recorder is a testing.TB that records failures instead of failing.
type recorder struct {
	testing.TB
	errs []string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

// badModel breaks several guarantees: it allocates in Predict, its
// probabilities do not sum to 1, and its kind is not registered.
type badModel struct{}

func (badModel) Info() train.Info {
	return train.Info{Kind: "traintest-bad", Features: 2, Classes: []float64{0, 1}}
}
func (badModel) Predict(x []float64) float64 {
	sink = append([]float64(nil), x...)
	return 1
}
func (badModel) PredictProba(dst, x []float64) []float64 {
	dst[0], dst[1] = 0.5, 0.7
	return dst[:2]
}

var sink []float64

func TestSuiteCatchesBrokenModel(t *testing.T) {
	r := &recorder{TB: t}
	traintest.TestModel(r, badModel{}, [][]float64{{1, 2}})
	all := strings.Join(r.errs, "\n")
	for _, want := range []string{"not registered", "Predict allocates", "sum to", "Encode"} {
		if !strings.Contains(all, want) {
			t.Errorf("suite did not report %q; reported:\n%s", want, all)
		}
	}
}
