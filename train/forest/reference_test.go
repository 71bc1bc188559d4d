package forest_test

import (
	"context"
	"math"
	"slices"
	"sort"
	"testing"

	"github.com/loomml/loom/train"
	"github.com/loomml/loom/train/forest"
	"github.com/loomml/loom/train/tree"
)

// treeOptions maps a reference case's scikit-learn parameters.
func treeOptions(t *testing.T, r treeReference) (forest.Options, forest.Criterion, bool) {
	o := forest.Options{Seed: r.Seed}
	crit, balanced := forest.Gini, false
	for k, v := range r.Params {
		switch k {
		case "criterion":
			if v == "entropy" {
				crit = forest.Entropy
			}
		case "max_depth":
			o.MaxDepth = int(v.(float64))
		case "min_samples_leaf":
			o.MinSamplesLeaf = int(v.(float64))
		case "min_samples_split":
			o.MinSamplesSplit = int(v.(float64))
		case "min_impurity_decrease":
			o.MinImpurityDecrease = v.(float64)
		case "class_weight":
			balanced = v == "balanced"
		case "max_features":
			switch v := v.(type) {
			case nil:
				o.MaxFeatures = forest.All
			case string:
				o.MaxFeatures = map[string]forest.MaxFeatures{"sqrt": forest.Sqrt, "log2": forest.Log2}[v]
			case float64:
				o.MaxFeatures = forest.Fraction(v)
			}
		default:
			t.Fatalf("unknown parameter %q", k)
		}
	}
	return o, crit, balanced
}

// TestSklearnTrees grows the reference cases' trees and compares them
// with scikit-learn's node by node: same features, thresholds, covers and
// leaf values, same impurity importances and test predictions.
func TestSklearnTrees(t *testing.T) {
	ref := loadReference(t)
	names := make([]string, 0, len(ref.Trees))
	for name := range ref.Trees {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		r := ref.Trees[name]
		t.Run(name, func(t *testing.T) {
			d := load(t, r.Data)
			tr := d.train
			if r.Weights {
				tr.Weights = make([]float64, len(tr.Y))
				for i := range tr.Weights {
					tr.Weights[i] = float64(1 + i%3)
				}
			}
			o, crit, balanced := treeOptions(t, r)
			var trainer train.Trainer = forest.TreeRegressor{Options: o}
			if r.Classifier {
				trainer = forest.TreeClassifier{Options: o, Criterion: crit, Balanced: balanced}
			}
			if r.Extra {
				trainer = train.TrainerFunc(func(ctx context.Context, d train.Dataset) (train.Model, error) {
					return forest.FitExtraTree(ctx, d, o, crit, r.Classifier)
				})
			}
			m, err := trainer.Fit(context.Background(), tr)
			if err != nil {
				t.Fatal(err)
			}
			e := ensembleOf(t, m)
			compareTree(t, r, e.Spec())
			imp := forest.Importances(m)
			for j, want := range r.Importances {
				if math.Abs(imp[j]-want) > 1e-12 {
					t.Errorf("importance[%d] = %v; want %v", j, imp[j], want)
				}
			}
			n, _ := d.test.Dims()
			p := make([]float64, 3)
			for i := range n {
				x := d.test.X.RawRowView(i)
				if r.Classifier {
					got := m.(train.Classifier).PredictProba(p, x)
					if !close(got, r.Proba[i], 1e-12) {
						t.Fatalf("test row %d: PredictProba = %v; want %v", i, got, r.Proba[i])
					}
				} else if got := m.Predict(x); math.Abs(got-r.Predict[i]) > 1e-9*math.Abs(r.Predict[i]) {
					t.Fatalf("test row %d: Predict = %v; want %v", i, got, r.Predict[i])
				}
			}
		})
	}
}

func ensembleOf(t testing.TB, m train.Model) *tree.Ensemble {
	t.Helper()
	switch m := m.(type) {
	case *tree.Classifier:
		return m.Ensemble
	case *tree.Regressor:
		return m.Ensemble
	}
	t.Fatalf("model %T is not a tree ensemble", m)
	return nil
}

func close(a, b []float64, tol float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Abs(a[i]-b[i]) > tol {
			return false
		}
	}
	return true
}

// compareTree walks scikit-learn's tree and ours together.
func compareTree(t *testing.T, r treeReference, s tree.Spec) {
	t.Helper()
	sk := r.Tree
	if got, want := len(s.Trees[0].Nodes), len(sk.Left); got != want {
		t.Errorf("tree has %d nodes; scikit-learn's has %d", got, want)
	}
	var walk func(i, j int, path string)
	walk = func(i, j int, path string) {
		if t.Failed() {
			return
		}
		for c, tr := range s.Trees {
			if got, want := tr.Cover[j], sk.Weight[i]; math.Abs(got-want) > 1e-9*want {
				t.Errorf("node %s (tree %d): cover %v; want %v", path, c, got, want)
			}
		}
		n := s.Trees[0].Nodes[j]
		if sk.Left[i] < 0 {
			if !n.IsLeaf() {
				t.Errorf("node %s: split on feature %d; scikit-learn has a leaf", path, n.Feature)
				return
			}
			v := sk.Value[i]
			if r.Classifier {
				sum := 0.0
				for _, x := range v {
					sum += x
				}
				want := slices.Clone(v)
				for c := range want {
					want[c] /= sum
				}
				if len(want) == 2 {
					want = want[1:]
				}
				for c, w := range want {
					if got := s.Trees[c].Nodes[j].Value; math.Abs(got-w) > 1e-12 {
						t.Errorf("node %s: leaf value of class %d = %v; want %v", path, c, got, w)
					}
				}
			} else if got := n.Value; math.Abs(got-v[0]) > 1e-9*math.Abs(v[0]) {
				t.Errorf("node %s: leaf value %v; want %v", path, got, v[0])
			}
			return
		}
		if n.IsLeaf() || int(n.Feature) != sk.Feature[i] || !sameFloat32Split(n.Value, sk.Threshold[i]) {
			t.Errorf("node %s: split x[%d] <= %v; scikit-learn splits x[%d] <= %v", path, n.Feature, n.Value, sk.Feature[i], sk.Threshold[i])
			return
		}
		walk(sk.Left[i], int(n.Left), path+"L")
		walk(sk.Right[i], int(n.Left)+1, path+"R")
	}
	walk(0, 0, "root")
}

// sameFloat32Split reports whether float64 threshold got routes every
// float64 x as scikit-learn's threshold want routes float32(x): the
// largest float32 c <= want is <= got, and the next float32 is above it.
func sameFloat32Split(got, want float64) bool {
	c := float32(want)
	if float64(c) > want {
		c = math.Nextafter32(c, float32(math.Inf(-1)))
	}
	up := math.Nextafter32(c, float32(math.Inf(1)))
	return float64(c) <= got && got < float64(up) && float32(got) == c &&
		float32(math.Nextafter(got, math.Inf(1))) == up
}
