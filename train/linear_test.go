package train_test

import (
	"context"
	"errors"
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/loomml/loom/train"
)

func TestBadInput(t *testing.T) {
	good := func() train.Dataset {
		return train.Dataset{X: mat.NewDense(4, 2, []float64{1, 2, 2, 1, 3, 5, 4, 3}), Y: []float64{0, 1, 0, 1}}
	}
	nanX := good()
	nanX.X.Set(2, 1, math.NaN())
	infY := good()
	infY.Y[3] = math.Inf(1)
	short := good()
	short.Y = short.Y[:3]
	negW := good()
	negW.Weights = []float64{1, 1, -1, 1}
	badW := good()
	badW.Weights = []float64{1, 1}
	single := good()
	single.Y = []float64{1, 1, 1, 1}
	wide := train.Dataset{X: mat.NewDense(2, 3, []float64{1, 2, 3, 4, 5, 7}), Y: []float64{1, 2}}
	collinear := train.Dataset{X: mat.NewDense(4, 2, []float64{1, 2, 2, 4, 3, 6, 4, 8}), Y: []float64{1, 2, 3, 5}}

	trainers := map[string]train.Trainer{
		"ols": train.LinearRegression{}, "ridge": train.Ridge{}, "logistic": train.LogisticRegression{},
	}
	tests := []struct {
		name   string
		d      train.Dataset
		only   string // trainer the case applies to; "" for all
		want   error
		row    int // for *DataError
		column int
	}{
		{"empty", train.Dataset{}, "", train.ErrEmpty, 0, 0},
		{"NaN in X", nanX, "", train.ErrNonFinite, 2, 1},
		{"Inf in y", infY, "", train.ErrNonFinite, 3, -1},
		{"mismatched y", short, "", train.ErrShape, 0, 0},
		{"mismatched weights", badW, "", train.ErrShape, 0, 0},
		{"negative weight", negW, "", train.ErrNegativeWeight, 2, -1},
		{"single class", single, "logistic", train.ErrSingleClass, 0, 0},
		{"more features than rows", wide, "ols", train.ErrUnderdetermined, 0, 0},
		{"collinear", collinear, "ols", train.ErrSingular, 0, 0},
	}
	for _, tt := range tests {
		for name, tr := range trainers {
			if tt.only != "" && tt.only != name {
				continue
			}
			t.Run(tt.name+"/"+name, func(t *testing.T) {
				m, err := tr.Fit(context.Background(), tt.d)
				if !errors.Is(err, tt.want) {
					t.Fatalf("Fit = %v; want %v", err, tt.want)
				}
				if m != nil {
					t.Errorf("Fit returned a model with error %v", err)
				}
				var de *train.DataError
				if errors.As(err, &de) && (de.Row != tt.row || de.Column != tt.column) {
					t.Errorf("DataError at row %d column %d; want %d, %d", de.Row, de.Column, tt.row, tt.column)
				}
			})
		}
	}
}

func TestRidgeWithMorefeaturesThanRows(t *testing.T) {
	d := train.Dataset{X: mat.NewDense(2, 3, []float64{1, 2, 3, 4, 5, 7}), Y: []float64{1, 2}}
	m, err := train.Ridge{Alpha: 0.5}.Fit(context.Background(), d)
	if err != nil {
		t.Fatalf("Ridge with p > n: %v", err)
	}
	for _, c := range m.(*train.LinearModel).Coef() {
		if math.IsNaN(c) {
			t.Fatalf("Ridge coefficients contain NaN: %v", m.(*train.LinearModel).Coef())
		}
	}
}

// Integer sample weights must give the model of the data with rows
// repeated.
func TestWeightsEqualRepeatedRows(t *testing.T) {
	tr, _ := loadSplit(t, "diabetes")
	sub := tr.Subset([]int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19})
	w := make([]float64, 20)
	var rep []int
	for i := range w {
		w[i] = float64(1 + i%3)
		for range int(w[i]) {
			rep = append(rep, i)
		}
	}
	weighted := sub
	weighted.Weights = w
	repeated := sub.Subset(rep)
	for _, tr := range []train.Trainer{train.LinearRegression{}, train.Ridge{Alpha: 0.1}} {
		a, err := tr.Fit(context.Background(), weighted)
		if err != nil {
			t.Fatal(err)
		}
		b, err := tr.Fit(context.Background(), repeated)
		if err != nil {
			t.Fatal(err)
		}
		ca, cb := a.(*train.LinearModel).Coef(), b.(*train.LinearModel).Coef()
		for j := range ca {
			if !relClose(ca[j], cb[j], 1e-8) {
				t.Errorf("%T coef[%d] weighted = %v; repeated = %v", tr, j, ca[j], cb[j])
			}
		}
	}
}

func TestLinearRecoversExactModel(t *testing.T) {
	r := newRand(3)
	n, p := 50, 4
	X := mat.NewDense(n, p, nil)
	y := make([]float64, n)
	coef := []float64{1.5, -2, 0.25, 3}
	for i := range n {
		y[i] = 7
		for j := range p {
			v := r.NormFloat64()
			X.Set(i, j, v)
			y[i] += coef[j] * v
		}
	}
	m, err := train.LinearRegression{}.Fit(context.Background(), train.Dataset{X: X, Y: y})
	if err != nil {
		t.Fatal(err)
	}
	lm := m.(*train.LinearModel)
	for j, w := range coef {
		if got := lm.Coef()[j]; math.Abs(got-w) > 1e-12 {
			t.Errorf("coef[%d] = %v; want %v", j, got, w)
		}
	}
	if got := lm.Intercept(); math.Abs(got-7) > 1e-12 {
		t.Errorf("intercept = %v; want 7", got)
	}
}
