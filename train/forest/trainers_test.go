package forest_test

import (
	"bytes"
	"context"
	"errors"
	"math"
	"slices"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/loomml/loom/train"
	"github.com/loomml/loom/train/forest"
	"github.com/loomml/loom/train/tree"
)

// TestWorkersBitIdentical fits each forest with 1, 2 and 5 workers: the
// encoded models are byte for byte the same.
func TestWorkersBitIdentical(t *testing.T) {
	d := load(t, "breast_cancer").train
	dr := load(t, "diabetes").train
	fo := func(w int) forest.ForestOptions { return forest.ForestOptions{Trees: 12, Workers: w} }
	o := forest.Options{Seed: 42, MaxDepth: 8}
	cases := []struct {
		name string
		d    train.Dataset
		fit  func(w int) train.Trainer
	}{
		{"Classifier", d, func(w int) train.Trainer { return forest.Classifier{Options: o, ForestOptions: fo(w)} }},
		{"Regressor", dr, func(w int) train.Trainer { return forest.Regressor{Options: o, ForestOptions: fo(w)} }},
		{"ExtraClassifier", d, func(w int) train.Trainer { return forest.ExtraClassifier{Options: o, ForestOptions: fo(w)} }},
		{"ExtraRegressor", dr, func(w int) train.Trainer { return forest.ExtraRegressor{Options: o, ForestOptions: fo(w)} }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var first []byte
			for _, w := range []int{1, 2, 5} {
				m, err := c.fit(w).Fit(context.Background(), c.d)
				if err != nil {
					t.Fatal(err)
				}
				b, err := train.Encode(m)
				if err != nil {
					t.Fatal(err)
				}
				if first == nil {
					first = b
				} else if !bytes.Equal(b, first) {
					t.Fatalf("workers %d: the model differs from the one of 1 worker", w)
				}
			}
		})
	}
}

// TestSeedChangesForest checks that the seed drives the forest.
func TestSeedChangesForest(t *testing.T) {
	d := load(t, "iris").train
	enc := func(seed uint64) []byte {
		m, err := forest.Classifier{Options: forest.Options{Seed: seed}, ForestOptions: forest.ForestOptions{Trees: 5}}.Fit(context.Background(), d)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := train.Encode(m)
		return b
	}
	if bytes.Equal(enc(1), enc(2)) {
		t.Error("seeds 1 and 2 gave the same forest")
	}
	if !bytes.Equal(enc(3), enc(3)) {
		t.Error("seed 3 gave two different forests")
	}
}

// TestEnsembleShape checks the representation: links, classes, trees per
// forest tree, covers and gains present, leaves scaled by the number of
// trees, and a round trip through train.Encode.
func TestEnsembleShape(t *testing.T) {
	iris, bc, dia := load(t, "iris").train, load(t, "breast_cancer").train, load(t, "diabetes").train
	fo := forest.ForestOptions{Trees: 4}
	cases := []struct {
		name  string
		tr    train.Trainer
		d     train.Dataset
		link  tree.Link
		trees int
	}{
		{"binary forest", forest.Classifier{ForestOptions: fo}, bc, tree.Probability, 4},
		{"3-class forest", forest.Classifier{ForestOptions: fo}, iris, tree.Probability, 12},
		{"regression forest", forest.Regressor{ForestOptions: fo}, dia, tree.Identity, 4},
		{"3-class tree", forest.TreeClassifier{}, iris, tree.Probability, 3},
		{"regression tree", forest.TreeRegressor{}, dia, tree.Identity, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, err := c.tr.Fit(context.Background(), c.d)
			if err != nil {
				t.Fatal(err)
			}
			s := ensembleOf(t, m).Spec()
			if s.Link != c.link || len(s.Trees) != c.trees {
				t.Fatalf("link %v, %d trees; want %v, %d", s.Link, len(s.Trees), c.link, c.trees)
			}
			for i, tr := range s.Trees {
				if len(tr.Cover) != len(tr.Nodes) || len(tr.Gain) != len(tr.Nodes) {
					t.Fatalf("tree %d: %d covers, %d gains for %d nodes", i, len(tr.Cover), len(tr.Gain), len(tr.Nodes))
				}
				n, _ := c.d.Dims()
				if tr.Cover[0] <= 0 || tr.Cover[0] > float64(n) || tr.Cover[1]+tr.Cover[2] != tr.Cover[0] {
					t.Fatalf("tree %d: root cover %v, children %v + %v", i, tr.Cover[0], tr.Cover[1], tr.Cover[2])
				}
			}
			b, err := train.Encode(m)
			if err != nil {
				t.Fatal(err)
			}
			back, err := train.Decode(b)
			if err != nil {
				t.Fatal(err)
			}
			x := c.d.X.RawRowView(0)
			if got, want := back.Predict(x), m.Predict(x); got != want {
				t.Fatalf("decoded model predicts %v; want %v", got, want)
			}
		})
	}
}

// TestBadData checks the errors that name what was wrong and where.
func TestBadData(t *testing.T) {
	X := mat.NewDense(3, 2, []float64{1, 2, 3, math.NaN(), 5, 6})
	y := []float64{0, 1, 0}
	trainers := []train.Trainer{forest.TreeClassifier{}, forest.TreeRegressor{}, forest.Classifier{},
		forest.Regressor{}, forest.ExtraClassifier{}, forest.ExtraRegressor{}}
	for _, tr := range trainers {
		_, err := tr.Fit(context.Background(), train.Dataset{X: X, Y: y})
		var de *train.DataError
		if !errors.As(err, &de) || de.Row != 1 || de.Column != 1 || !errors.Is(err, train.ErrNonFinite) {
			t.Errorf("%T: NaN at row 1, column 1 gave %v", tr, err)
		}
	}
	cases := []struct {
		name string
		tr   train.Trainer
		d    train.Dataset
		want error
	}{
		{"float32 overflow", forest.Classifier{}, train.Dataset{X: mat.NewDense(2, 1, []float64{1, 1e39}), Y: []float64{0, 1}}, forest.ErrTooLarge},
		{"single class", forest.TreeClassifier{}, train.Dataset{X: mat.NewDense(2, 1, []float64{1, 2}), Y: []float64{1, 1}}, train.ErrSingleClass},
		{"zero weights", forest.TreeRegressor{}, train.Dataset{X: mat.NewDense(2, 1, []float64{1, 2}), Y: []float64{1, 1}, Weights: []float64{0, 0}}, train.ErrEmpty},
		{"negative weight", forest.Regressor{}, train.Dataset{X: mat.NewDense(2, 1, []float64{1, 2}), Y: []float64{1, 1}, Weights: []float64{1, -1}}, train.ErrNegativeWeight},
		{"empty", forest.Regressor{}, train.Dataset{}, train.ErrEmpty},
		{"short y", forest.Classifier{}, train.Dataset{X: mat.NewDense(2, 1, []float64{1, 2}), Y: []float64{1}}, train.ErrShape},
	}
	for _, c := range cases {
		if _, err := c.tr.Fit(context.Background(), c.d); !errors.Is(err, c.want) {
			t.Errorf("%s: error %v; want %v", c.name, err, c.want)
		}
	}
}

// TestCancel checks that a done context stops a fit with its error.
func TestCancel(t *testing.T) {
	d := load(t, "breast_cancer").train
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, tr := range []train.Trainer{forest.Classifier{}, forest.TreeClassifier{}, forest.ExtraClassifier{}} {
		if _, err := tr.Fit(ctx, d); !errors.Is(err, context.Canceled) {
			t.Errorf("%T: error %v; want context.Canceled", tr, err)
		}
	}
	// Cancelled from the progress report after the third tree.
	ctx, cancel = context.WithCancel(context.Background())
	defer cancel()
	done := 0
	c := forest.Classifier{ForestOptions: forest.ForestOptions{Trees: 50, Workers: 1, Progress: func(p train.Progress) {
		done = p.Iteration
		if p.Iteration == 3 {
			cancel()
		}
	}}}
	if _, err := c.Fit(ctx, d); !errors.Is(err, context.Canceled) || done != 3 {
		t.Errorf("error %v after %d trees; want context.Canceled after 3", err, done)
	}
}

// TestProgress checks one report per tree.
func TestProgress(t *testing.T) {
	d := load(t, "iris").train
	var got []int
	c := forest.Regressor{ForestOptions: forest.ForestOptions{Trees: 7, Progress: func(p train.Progress) {
		if p.Total != 7 {
			t.Errorf("Total = %d; want 7", p.Total)
		}
		got = append(got, p.Iteration)
	}}}
	if _, err := c.Fit(context.Background(), d); err != nil {
		t.Fatal(err)
	}
	if want := []int{1, 2, 3, 4, 5, 6, 7}; !slices.Equal(got, want) {
		t.Errorf("reports %v; want %v", got, want)
	}
}

// TestParams checks the names and defaults searches and records see.
func TestParams(t *testing.T) {
	cases := []struct {
		name string
		p    train.Params
		want string
	}{
		{"TreeClassifier", forest.TreeClassifier{}.Params(),
			"class_weight=none criterion=gini max_depth=0 max_features=all min_impurity_decrease=0 min_samples_leaf=1 min_samples_split=2"},
		{"TreeRegressor", forest.TreeRegressor{Options: forest.Options{MaxFeatures: forest.Fraction(0.5)}}.Params(),
			"criterion=squared_error max_depth=0 max_features=0.5 min_impurity_decrease=0 min_samples_leaf=1 min_samples_split=2"},
		{"Classifier", forest.Classifier{Criterion: forest.Entropy, Balanced: true}.Params(),
			"bootstrap=true class_weight=balanced criterion=entropy max_depth=0 max_features=sqrt min_impurity_decrease=0 min_samples_leaf=1 min_samples_split=2 n_estimators=100"},
		{"Regressor", forest.Regressor{Options: forest.Options{MaxDepth: 5, MaxFeatures: forest.Count(3)}}.Params(),
			"bootstrap=true criterion=squared_error max_depth=5 max_features=3 min_impurity_decrease=0 min_samples_leaf=1 min_samples_split=2 n_estimators=100"},
		{"ExtraClassifier", forest.ExtraClassifier{ForestOptions: forest.ForestOptions{Trees: 10}}.Params(),
			"bootstrap=false class_weight=none criterion=gini max_depth=0 max_features=sqrt min_impurity_decrease=0 min_samples_leaf=1 min_samples_split=2 n_estimators=10"},
		{"ExtraRegressor", forest.ExtraRegressor{Options: forest.Options{MaxFeatures: forest.Log2}, ForestOptions: forest.ForestOptions{Sampling: forest.Bootstrap}}.Params(),
			"bootstrap=true criterion=squared_error max_depth=0 max_features=log2 min_impurity_decrease=0 min_samples_leaf=1 min_samples_split=2 n_estimators=100"},
	}
	for _, c := range cases {
		if got := c.p.String(); got != c.want {
			t.Errorf("%s.Params() = %q; want %q", c.name, got, c.want)
		}
	}
}

// TestBadOptions checks that settings out of range panic with the field.
func TestBadOptions(t *testing.T) {
	d := load(t, "iris").train
	cases := []struct {
		name string
		tr   train.Trainer
	}{
		{"MaxDepth", forest.TreeClassifier{Options: forest.Options{MaxDepth: -1}}},
		{"MinSamplesSplit", forest.TreeClassifier{Options: forest.Options{MinSamplesSplit: 1}}},
		{"MaxFeatures", forest.Classifier{Options: forest.Options{MaxFeatures: forest.Fraction(1.5)}}},
		{"MaxFeatures", forest.Classifier{Options: forest.Options{MaxFeatures: forest.Count(9)}}},
		{"Trees", forest.Regressor{ForestOptions: forest.ForestOptions{Trees: -1}}},
		{"Criterion", forest.TreeClassifier{Criterion: 7}},
	}
	for _, c := range cases {
		func() {
			defer func() {
				if r := recover(); r == nil {
					t.Errorf("%s: no panic", c.name)
				}
			}()
			c.tr.Fit(context.Background(), d)
		}()
	}
	defer func() {
		if recover() == nil {
			t.Error("FitOOB without bootstrap: no panic")
		}
	}()
	forest.ExtraClassifier{}.FitOOB(context.Background(), d)
}

// TestForestImportances checks that a forest's importances are the mean
// of its trees' normalised importances and sum to 1.
func TestForestImportances(t *testing.T) {
	d := load(t, "iris").train
	m, err := forest.Classifier{ForestOptions: forest.ForestOptions{Trees: 6}}.Fit(context.Background(), d)
	if err != nil {
		t.Fatal(err)
	}
	imp := forest.Importances(m)
	s := ensembleOf(t, m).Spec()
	want := make([]float64, 4)
	for i := 0; i < len(s.Trees); i += 3 { // one of each forest tree's three class trees
		one, _ := tree.New(tree.Spec{Features: 4, Link: tree.Identity, Base: []float64{0}, Trees: s.Trees[i : i+1]})
		for j, v := range forest.Importances(one.Model()) {
			want[j] += v / 6
		}
	}
	sum := 0.0
	for j := range imp {
		sum += imp[j]
		if math.Abs(imp[j]-want[j]) > 1e-12 {
			t.Errorf("importance[%d] = %v; want %v", j, imp[j], want[j])
		}
	}
	if math.Abs(sum-1) > 1e-12 {
		t.Errorf("importances sum to %v", sum)
	}
	if forest.Importances(nil) != nil {
		t.Error("Importances(nil) is not nil")
	}
}

// TestClassWeightCustom checks that a custom class weight equals
// duplicating the rows of that class.
func TestClassWeightCustom(t *testing.T) {
	d := load(t, "breast_cancer").train
	w := make([]float64, len(d.Y))
	for i, y := range d.Y {
		w[i] = 1
		if y == 1 {
			w[i] = 3
		}
	}
	a, err := forest.TreeClassifier{ClassWeight: map[float64]float64{1: 3}}.Fit(context.Background(), d)
	if err != nil {
		t.Fatal(err)
	}
	dw := d
	dw.Weights = w
	b, err := forest.TreeClassifier{}.Fit(context.Background(), dw)
	if err != nil {
		t.Fatal(err)
	}
	ea, _ := train.Encode(a)
	eb, _ := train.Encode(b)
	if !bytes.Equal(ea, eb) {
		t.Error("ClassWeight {1: 3} and weights 3 on class 1 gave different trees")
	}
}
