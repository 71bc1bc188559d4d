package gbdt_test

import (
	"bytes"
	"context"
	"errors"
	"math"
	"slices"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/loomml/loom/train"
	"github.com/loomml/loom/train/gbdt"
	"github.com/loomml/loom/train/traintest"
	"github.com/loomml/loom/train/tree"
)

func fit(t testing.TB, tr train.Trainer, d train.Dataset) train.Model {
	t.Helper()
	m, err := tr.Fit(context.Background(), d)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func encode(t testing.TB, m train.Model) []byte {
	t.Helper()
	b, err := train.Encode(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func firstRows(d train.Dataset, k int) [][]float64 {
	n, _ := d.Dims()
	out := make([][]float64, min(k, n))
	for i := range out {
		out[i] = mat.Row(nil, i, d.X)
	}
	return out
}

// TestModelConformance runs traintest's model checks on fitted models of
// every loss.
func TestModelConformance(t *testing.T) {
	bc, ir, di := load(t, "breast_cancer"), load(t, "iris"), load(t, "diabetes")
	opts := gbdt.Options{MaxIter: 10}
	for name, c := range map[string]struct {
		tr train.Trainer
		d  train.Dataset
	}{
		"binary":      {gbdt.Classifier{Options: opts}, bc.train},
		"multinomial": {gbdt.Classifier{Options: opts}, ir.train},
		"squared":     {gbdt.Regressor{Options: opts}, di.train},
		"absolute":    {gbdt.Regressor{Options: opts, Loss: gbdt.AbsoluteError}, di.train},
		"poisson":     {gbdt.Regressor{Options: opts, Loss: gbdt.Poisson}, di.train},
	} {
		t.Run(name, func(t *testing.T) {
			c.d.FeatureFingerprint = "fp"
			m := fit(t, c.tr, c.d)
			if m.Info().FeatureFingerprint != "fp" {
				t.Errorf("fingerprint %q; want fp", m.Info().FeatureFingerprint)
			}
			traintest.TestModel(t, m, firstRows(c.d, 20))
		})
	}
}

// TestDeterministicAcrossWorkers checks that the model is bit-identical
// whatever the number of workers, with and without early stopping.
func TestDeterministicAcrossWorkers(t *testing.T) {
	d := synthetic(1500, 7, 5)
	for _, es := range []gbdt.EarlyStopping{gbdt.Off, gbdt.On} {
		var want []byte
		for _, w := range []int{1, 2, 5} {
			m := fit(t, gbdt.Classifier{Options: gbdt.Options{MaxIter: 8, Workers: w, EarlyStopping: es, Seed: 3}}, d)
			b := encode(t, m)
			if want == nil {
				want = b
			} else if !bytes.Equal(b, want) {
				t.Errorf("early stopping %v: model with %d workers differs from 1 worker", es, w)
			}
		}
	}
}

func TestEarlyStopping(t *testing.T) {
	// Pure noise: validation loss stops improving quickly.
	d := synthetic(4000, 5, 9)
	for i := range d.Y {
		d.Y[i] = float64(i % 2)
	}
	var reports []train.Progress
	m := fit(t, gbdt.Classifier{Options: gbdt.Options{EarlyStopping: gbdt.On, MaxIter: 200,
		Progress: func(p train.Progress) { reports = append(reports, p) }}}, d)
	iters := m.(*tree.Classifier).Len()
	if iters >= 200 || iters < 10 {
		t.Errorf("early stopping on noise ran %d iterations; want 10 to 199", iters)
	}
	if len(reports) != iters {
		t.Errorf("%d progress reports for %d iterations", len(reports), iters)
	}
	for i, r := range reports {
		if r.Iteration != i+1 || r.Total != 200 || !(r.Loss > 0) || !(r.ValidationLoss > 0) {
			t.Errorf("report %d = %+v", i, r)
			break
		}
	}
	// Auto: off at 4,000 rows.
	m = fit(t, gbdt.Classifier{Options: gbdt.Options{MaxIter: 30}}, d)
	if n := m.(*tree.Classifier).Len(); n != 30 {
		t.Errorf("auto early stopping at 4000 rows ran %d iterations; want 30", n)
	}
}

func TestCancel(t *testing.T) {
	d := synthetic(2000, 5, 1)
	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	tr := gbdt.Classifier{Options: gbdt.Options{MaxIter: 1000, Progress: func(train.Progress) {
		n++
		if n == 3 {
			cancel()
		}
	}}}
	m, err := tr.Fit(ctx, d)
	if !errors.Is(err, context.Canceled) || m != nil {
		t.Fatalf("Fit after cancel = %v, %v; want nil, context.Canceled", m, err)
	}
	if n != 3 {
		t.Errorf("%d iterations reported; want the fit to stop within the fourth", n)
	}
	if _, err := tr.Fit(ctx, d); !errors.Is(err, context.Canceled) {
		t.Errorf("Fit with a cancelled context = %v", err)
	}
}

func TestBadData(t *testing.T) {
	d := synthetic(100, 3, 1)
	bad := d.Subset(seq(100))
	bad.X.Set(7, 2, math.Inf(1))
	cat := d.Subset(seq(100))
	cat.Categorical = []bool{false, true, false}
	for i := range 100 {
		cat.X.Set(i, 1, float64(i%4))
	}
	cat.X.Set(4, 1, 2.5)
	neg := d.Subset(seq(100))
	neg.Y[9] = -1
	short := d
	short.Y = d.Y[:99]
	for _, c := range []struct {
		name       string
		tr         train.Trainer
		d          train.Dataset
		want       error
		row, col   int
		checkWhere bool
	}{
		{"Inf in X", gbdt.Classifier{}, bad, train.ErrNonFinite, 7, 2, true},
		{"fractional category", gbdt.Classifier{}, cat, gbdt.ErrCategory, 4, 1, true},
		{"negative Poisson target", gbdt.Regressor{Loss: gbdt.Poisson}, neg, gbdt.ErrTarget, 9, -1, true},
		{"short y", gbdt.Regressor{}, short, train.ErrShape, 0, 0, false},
		{"empty", gbdt.Regressor{}, train.Dataset{X: &mat.Dense{}}, train.ErrEmpty, 0, 0, false},
		{"one class", gbdt.Classifier{}, train.Dataset{X: d.X, Y: make([]float64, 100)}, train.ErrSingleClass, 0, 0, false},
	} {
		m, err := c.tr.Fit(context.Background(), c.d)
		if !errors.Is(err, c.want) || m != nil {
			t.Errorf("%s: Fit = %v, %v; want %v", c.name, m, err, c.want)
			continue
		}
		var de *train.DataError
		if c.checkWhere && (!errors.As(err, &de) || de.Row != c.row || de.Column != c.col) {
			t.Errorf("%s: error %v does not name row %d, column %d", c.name, err, c.row, c.col)
		}
	}
}

// TestMissingDirection checks that NaN at prediction goes where training
// sent missing values: here missing means the positive class.
func TestMissingDirection(t *testing.T) {
	n := 600
	X := mat.NewDense(n, 2, nil)
	y := make([]float64, n)
	for i := range n {
		X.Set(i, 0, float64(i%50))
		X.Set(i, 1, float64(i%7))
		if i%3 == 0 {
			X.Set(i, 0, nan)
			y[i] = 1
		}
	}
	m := fit(t, gbdt.Classifier{Options: gbdt.Options{MaxIter: 20}}, train.Dataset{X: X, Y: y})
	if got := m.Predict([]float64{nan, 3}); got != 1 {
		t.Errorf("Predict(NaN) = %v; want 1", got)
	}
	if got := m.Predict([]float64{10, 3}); got != 0 {
		t.Errorf("Predict(10) = %v; want 0", got)
	}
	// Without missing values in training, NaN follows the larger child.
	d := synthetic(500, 2, 4)
	for i := range 500 {
		for j := range 2 {
			if math.IsNaN(d.X.At(i, j)) {
				d.X.Set(i, j, 0)
			}
		}
	}
	m = fit(t, gbdt.Regressor{Options: gbdt.Options{MaxIter: 5}}, d)
	if v := m.Predict([]float64{nan, nan}); math.IsNaN(v) {
		t.Errorf("Predict(NaN, NaN) = NaN")
	}
}

// TestCategorical checks a split that a single threshold cannot make:
// codes 1 and 3 are positive, 0, 2 and 4 negative.
func TestCategorical(t *testing.T) {
	n := 1000
	X := mat.NewDense(n, 1, nil)
	y := make([]float64, n)
	for i := range n {
		c := i % 5
		X.Set(i, 0, float64(c))
		if c == 1 || c == 3 {
			y[i] = 1
		}
	}
	d := train.Dataset{X: X, Y: y, Categorical: []bool{true}}
	m := fit(t, gbdt.Classifier{Options: gbdt.Options{MaxIter: 3, MaxLeafNodes: 2}}, d)
	for c := range 5 {
		want := 0.0
		if c == 1 || c == 3 {
			want = 1
		}
		if got := m.Predict([]float64{float64(c)}); got != want {
			t.Errorf("Predict(code %d) = %v; want %v", c, got, want)
		}
	}
	e := m.(*tree.Classifier)
	if nd := e.Spec().Trees[0].Nodes[0]; nd.Flags&tree.Categorical == 0 {
		t.Errorf("root split %+v is not categorical", nd)
	}
}

// TestMonotonic checks that predictions never decrease along a feature
// constrained to increase, though the data say otherwise in places.
func TestMonotonic(t *testing.T) {
	d := load(t, "diabetes").train
	cst := []int{0, 0, 1, -1, 0, 0, 0, 0, 1, 0}
	m := fit(t, gbdt.Regressor{Options: gbdt.Options{Monotonic: cst}}, d)
	for _, row := range firstRows(d, 20) {
		for j, c := range cst {
			if c == 0 {
				continue
			}
			x := slices.Clone(row)
			prev := math.Inf(-c)
			for v := -0.2; v <= 0.2; v += 0.01 {
				x[j] = v
				p := m.Predict(x)
				if float64(c)*(p-prev) < -1e-9 {
					t.Fatalf("feature %d (constraint %d): prediction went from %v to %v at %v", j, c, prev, p, v)
				}
				prev = p
			}
		}
	}
}

// TestWeights checks that weights of 2 equal duplicated rows, and that
// class weights change the model.
func TestWeights(t *testing.T) {
	d := synthetic(300, 4, 2)
	// Few distinct values, so that duplicated rows do not move the bins.
	raw := d.X.RawMatrix().Data
	for i, v := range raw {
		raw[i] = math.Round(v * 10)
	}
	w := make([]float64, 300)
	var dup []int
	for i := range w {
		w[i] = 1
		dup = append(dup, i)
		if i%4 == 0 {
			w[i] = 2
			dup = append(dup, i)
		}
	}
	slices.Sort(dup)
	opts := gbdt.Options{MaxIter: 10, MinSamplesLeaf: 1}
	weighted := d
	weighted.Weights = w
	a := fit(t, gbdt.Regressor{Options: opts}, weighted)
	b := fit(t, gbdt.Regressor{Options: opts}, d.Subset(dup))
	for _, x := range firstRows(d, 50) {
		if pa, pb := a.Predict(x), b.Predict(x); math.Abs(pa-pb) > 1e-6 {
			t.Fatalf("weighted Predict = %v; duplicated rows give %v", pa, pb)
		}
	}
	plain := encode(t, fit(t, gbdt.Classifier{Options: opts}, d))
	cw := encode(t, fit(t, gbdt.Classifier{Options: opts, ClassWeight: map[float64]float64{1: 3}}, d))
	if bytes.Equal(plain, cw) {
		t.Error("ClassWeight did not change the model")
	}
}

func TestParams(t *testing.T) {
	p := gbdt.Classifier{Balanced: true}.Params()
	if p.Float("learning_rate") != 0.1 || p.Int("max_iter") != 100 || p.Int("max_leaf_nodes") != 31 ||
		p.Int("min_samples_leaf") != 20 || p.Int("max_bins") != 255 || p.Str("class_weight") != "balanced" ||
		p.Str("early_stopping") != "auto" {
		t.Errorf("Classifier{}.Params() = %v", p)
	}
	if got := (gbdt.Regressor{Loss: gbdt.Poisson}).Params().Str("loss"); got != "poisson" {
		t.Errorf("loss = %q; want poisson", got)
	}
}

func seq(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

// TestWithTrain checks that the trainer works where any trainer does:
// cross-validation (with NaN in X) and experiment records.
func TestWithTrain(t *testing.T) {
	d := synthetic(600, 5, 8)
	tr := gbdt.Classifier{Options: gbdt.Options{MaxIter: 10}}
	cv, err := train.CrossValidate(context.Background(), tr, d, &train.CVOptions{Splitter: train.StratifiedKFold{K: 3}})
	if err != nil {
		t.Fatal(err)
	}
	if len(cv.Folds) != 3 || !(cv.Mean > 0.6) {
		t.Errorf("CrossValidate = %+v; want 3 folds with accuracy above 0.6", cv)
	}
	m, rec, err := train.Fit(context.Background(), tr, d, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Kind != tree.Kind || m.Info().Kind != tree.Kind {
		t.Errorf("record kind %q, model kind %q; want %q", rec.Kind, m.Info().Kind, tree.Kind)
	}
}

// TestCover checks Tree.Cover: the root holds the training weight, each
// split node the sum of its children, and each leaf of an unweighted fit
// the number of training rows that reach it.
func TestCover(t *testing.T) {
	d := synthetic(2000, 6, 4)
	n, _ := d.Dims()
	w := make([]float64, n)
	total := 0.0
	for i := range w {
		w[i] = 0.5 + float64(i%3)
		total += w[i]
	}
	weighted := d
	weighted.Weights = w
	opts := gbdt.Options{MaxIter: 5, EarlyStopping: gbdt.Off}
	for _, c := range []struct {
		name string
		tr   train.Trainer
		d    train.Dataset
		root float64
	}{
		{"binary", gbdt.Classifier{Options: opts}, d, float64(n)},
		{"weighted", gbdt.Regressor{Options: opts}, weighted, total},
		{"early stopping", gbdt.Classifier{Options: gbdt.Options{MaxIter: 5, EarlyStopping: gbdt.On, ValidationFraction: 0.25}}, d, float64(n - n/4)},
	} {
		t.Run(c.name, func(t *testing.T) {
			var e *tree.Ensemble
			switch m := fit(t, c.tr, c.d).(type) {
			case *tree.Classifier:
				e = m.Ensemble
			case *tree.Regressor:
				e = m.Ensemble
			}
			trees := e.Spec().Trees
			counts := make([][]float64, len(trees))
			for ti, tr := range trees {
				counts[ti] = make([]float64, len(tr.Nodes))
			}
			leaves := make([]int, len(trees))
			if c.d.Weights == nil && c.name == "binary" {
				for _, x := range firstRows(c.d, n) {
					for ti, l := range e.Leaves(leaves, x) {
						counts[ti][l]++
					}
				}
			}
			for ti, tr := range trees {
				if len(tr.Cover) != len(tr.Nodes) {
					t.Fatalf("tree %d: %d covers for %d nodes", ti, len(tr.Cover), len(tr.Nodes))
				}
				if math.Abs(tr.Cover[0]-c.root) > 1e-9*c.root {
					t.Errorf("tree %d: root cover %v; want %v", ti, tr.Cover[0], c.root)
				}
				for i, nd := range tr.Nodes {
					if nd.IsLeaf() {
						if c.name == "binary" && tr.Cover[i] != counts[ti][i] {
							t.Errorf("tree %d leaf %d: cover %v; %v training rows reach it", ti, i, tr.Cover[i], counts[ti][i])
						}
						continue
					}
					if sum := tr.Cover[nd.Left] + tr.Cover[nd.Left+1]; math.Abs(sum-tr.Cover[i]) > 1e-9*tr.Cover[i] {
						t.Errorf("tree %d node %d: cover %v; children sum to %v", ti, i, tr.Cover[i], sum)
					}
				}
			}
		})
	}
}
