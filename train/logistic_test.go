package train_test

import (
	"context"
	"errors"
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/loomml/loom/train"
)

func fitLogistic(t *testing.T, lr train.LogisticRegression, d train.Dataset) *train.LogisticModel {
	t.Helper()
	m, err := lr.Fit(context.Background(), d)
	if err != nil {
		t.Fatalf("Fit: %v", err)
	}
	return m.(*train.LogisticModel)
}

func sameModel(t *testing.T, a, b *train.LogisticModel, tol float64) {
	t.Helper()
	ca, cb := a.Coef().RawMatrix().Data, b.Coef().RawMatrix().Data
	ca = append(ca, a.Intercept()...)
	cb = append(cb, b.Intercept()...)
	for j := range ca {
		if tol == 0 && ca[j] != cb[j] || math.Abs(ca[j]-cb[j]) > tol*math.Max(1, math.Abs(cb[j])) {
			t.Errorf("parameter %d: %v vs %v", j, ca[j], cb[j])
		}
	}
}

// The loss is reduced in block order, so the model is bit-identical
// whatever the number of workers.
func TestLogisticDeterministicAcrossWorkers(t *testing.T) {
	for _, k := range []int{2, 3} {
		d := synthetic(9000, 6, k, 11)
		one := fitLogistic(t, train.LogisticRegression{Workers: 1}, d)
		two := fitLogistic(t, train.LogisticRegression{Workers: 2}, d)
		four := fitLogistic(t, train.LogisticRegression{Workers: 4}, d)
		sameModel(t, two, one, 0)
		sameModel(t, four, one, 0)
	}
}

func TestLogisticClassWeights(t *testing.T) {

	tr, te := loadSplit(t, "breast_cancer")
	standardize(tr, te)
	var n0, n1 float64
	for _, y := range tr.Y {
		if y == 0 {
			n0++
		} else {
			n1++
		}
	}
	n := n0 + n1
	tight := train.LogisticRegression{Tol: 1e-6, FuncTol: -1, MaxIter: 10000}
	balanced := tight
	balanced.Balanced = true
	explicit := tight
	explicit.ClassWeight = map[float64]float64{0: n / (2 * n0), 1: n / (2 * n1)}
	sameModel(t, fitLogistic(t, balanced, tr), fitLogistic(t, explicit, tr), 1e-6)

	// Class weights are sample weights by class.
	withWeights := tr
	withWeights.Weights = make([]float64, len(tr.Y))
	for i, y := range tr.Y {
		withWeights.Weights[i] = explicit.ClassWeight[y]
	}
	sameModel(t, fitLogistic(t, tight, withWeights), fitLogistic(t, explicit, tr), 1e-6)
}

func TestLogisticNotConverged(t *testing.T) {
	d := synthetic(500, 5, 3, 2)
	m, err := train.LogisticRegression{MaxIter: 2}.Fit(context.Background(), d)
	var nc *train.NotConvergedError
	if !errors.As(err, &nc) || !errors.Is(err, train.ErrNotConverged) {
		t.Fatalf("Fit with MaxIter 2 = %v; want a *NotConvergedError", err)
	}
	if nc.Iterations != 2 || nc.Gradient <= nc.Tol {
		t.Errorf("NotConvergedError = %+v; want 2 iterations and gradient above tol", nc)
	}
	if m == nil {
		t.Fatal("no model with the not-converged error")
	}
	if acc, _ := train.Accuracy(m, d); acc < 0.4 {
		t.Errorf("accuracy of the unconverged model = %v; want a usable model", acc)
	}
}

func TestLogisticCancel(t *testing.T) {
	d := synthetic(20000, 10, 3, 5)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	after := -1
	lr := train.LogisticRegression{Tol: 1e-12, FuncTol: -1, MaxIter: 1000, Progress: func(p train.Progress) {
		if p.Iteration == 3 {
			cancel()
		}
		if p.Iteration > 3 {
			after = p.Iteration
		}
	}}
	m, err := lr.Fit(ctx, d)
	if !errors.Is(err, context.Canceled) || m != nil {
		t.Fatalf("Fit after cancel = %v, %v; want nil, context.Canceled", m, err)
	}
	if after != -1 {
		t.Errorf("optimizer ran to iteration %d after cancellation at 3", after)
	}
}

func TestLogisticProgress(t *testing.T) {
	d := synthetic(2000, 4, 2, 1)
	var got []train.Progress
	m := fitLogistic(t, train.LogisticRegression{Progress: func(p train.Progress) { got = append(got, p) }}, d)
	if len(got) != m.Iterations() || len(got) == 0 {
		t.Fatalf("%d progress reports for %d iterations", len(got), m.Iterations())
	}
	for i, p := range got {
		if p.Iteration != i+1 || p.Total != 100 || (i > 0 && p.Loss > got[i-1].Loss) {
			t.Errorf("report %d = %+v; want iteration %d of 100 with decreasing loss", i, p, i+1)
		}
	}
}

func TestLogisticPredictDoesNotAllocate(t *testing.T) {
	for _, k := range []int{2, 4} {
		d := synthetic(1000, 30, k, 9)
		m := fitLogistic(t, train.LogisticRegression{}, d)
		x := d.X.RawRowView(7)
		proba := make([]float64, k)
		if a := testing.AllocsPerRun(100, func() { m.Predict(x) }); a != 0 {
			t.Errorf("Predict allocates %v times; want 0", a)
		}
		if a := testing.AllocsPerRun(100, func() { m.PredictProba(proba, x) }); a != 0 {
			t.Errorf("PredictProba allocates %v times; want 0", a)
		}
		sum := 0.0
		best := 0
		for j, q := range proba {
			sum += q
			if q > proba[best] {
				best = j
			}
		}
		if math.Abs(sum-1) > 1e-12 || m.Predict(x) != m.Info().Classes[best] {
			t.Errorf("PredictProba = %v (sum %v), Predict = %v", proba, sum, m.Predict(x))
		}
	}
}

func TestLogisticArbitraryLabels(t *testing.T) {
	d := synthetic(600, 3, 3, 4)
	plain := fitLogistic(t, train.LogisticRegression{}, d)
	relabelled := d
	relabelled.Y = make([]float64, len(d.Y))
	for i, y := range d.Y {
		relabelled.Y[i] = []float64{-5, 2.5, 40}[int(y)]
	}
	m := fitLogistic(t, train.LogisticRegression{}, relabelled)
	if got := m.Info().Classes; len(got) != 3 || got[0] != -5 || got[2] != 40 {
		t.Fatalf("Classes = %v; want [-5 2.5 40]", got)
	}
	sameModel(t, m, plain, 0)
	a, _ := train.Accuracy(plain, d)
	b, _ := train.Accuracy(m, relabelled)
	if a != b {
		t.Errorf("accuracy with labels -5, 2.5, 40 = %v; with 0, 1, 2 = %v", b, a)
	}
}

func TestLogisticPanicsOnBadSettings(t *testing.T) {
	d := synthetic(100, 2, 2, 1)
	for _, lr := range []train.LogisticRegression{{C: -1}, {Tol: -1}, {MaxIter: -3}, {ClassWeight: map[float64]float64{0: -1}}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Fit with %+v did not panic", lr)
				}
			}()
			lr.Fit(context.Background(), d)
		}()
	}
}

// A strided view of a larger matrix fits exactly like a contiguous copy.
func TestLogisticOnMatrixView(t *testing.T) {
	d := synthetic(3000, 6, 2, 12)
	view := train.Dataset{X: d.X.Slice(0, 3000, 1, 5).(*mat.Dense), Y: d.Y}
	n, p := view.X.Dims()
	contiguous := train.Dataset{X: mat.NewDense(n, p, nil), Y: d.Y}
	contiguous.X.Copy(view.X)
	sameModel(t, fitLogistic(t, train.LogisticRegression{}, view), fitLogistic(t, train.LogisticRegression{}, contiguous), 0)
	if train.Fingerprint(view) != train.Fingerprint(contiguous) {
		t.Error("a view and its copy have different fingerprints")
	}
}
