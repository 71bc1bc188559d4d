package lightgbm_test

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/loomml/loom/train"
	"github.com/loomml/loom/train/lightgbm"
)

// small is a hand-written model: a regression tree on feature 0 (missing
// type NaN, default left) with a categorical split on feature 1 below it,
// and a one-leaf tree.
const small = `tree
version=v3
num_class=1
num_tree_per_iteration=1
label_index=0
max_feature_idx=1
objective=regression
feature_names=x c
feature_infos=[-5:5] 0:1:2:3
tree_sizes=1 1

Tree=0
num_leaves=3
num_cat=1
split_feature=0 1
split_gain=10 4
threshold=1.5 0
decision_type=10 9
left_child=1 -1
right_child=-2 -3
leaf_value=1 2 3
leaf_weight=1 1 1
leaf_count=5 3 2
internal_value=0 0
internal_weight=0 0
internal_count=10 5
cat_boundaries=0 1
cat_threshold=5
is_linear=0
shrinkage=1


Tree=1
num_leaves=1
num_cat=0
split_feature=
split_gain=
threshold=
decision_type=
left_child=
right_child=
leaf_value=0.25
leaf_weight=
leaf_count=
internal_value=
internal_weight=
internal_count=
is_linear=0
shrinkage=1


end of trees

feature_importances:
x=1
`

func TestSmall(t *testing.T) {
	b, err := lightgbm.Parse([]byte(small), nil)
	if err != nil {
		t.Fatal(err)
	}
	m, err := b.Model("fp")
	if err != nil {
		t.Fatal(err)
	}
	if got := b.FeatureNames(); len(got) != 2 || got[0] != "x" || got[1] != "c" {
		t.Errorf("FeatureNames() = %v", got)
	}
	if got := b.Categorical(); got[0] || !got[1] {
		t.Errorf("Categorical() = %v", got)
	}
	nan := math.NaN()
	// Node 0: x <= 1.5 (NaN: default left) goes to node 1, else leaf 1 (2).
	// Node 1: code c in {0, 2} (bitset 5) goes to leaf 0 (1), else leaf 2 (3);
	// NaN goes right (missing type NaN), so do negative and unseen codes.
	for _, c := range []struct{ x, c, want float64 }{
		{0, 0, 1.25}, {0, 2, 1.25}, {0, 1, 3.25}, {0, nan, 3.25}, {0, 70, 3.25}, {0, -1, 3.25},
		{2, 0, 2.25}, {nan, 0, 1.25}, {1.5, 2, 1.25},
	} {
		if got := m.Predict([]float64{c.x, c.c}); got != c.want {
			t.Errorf("Predict(%v, %v) = %v; want %v", c.x, c.c, got, c.want)
		}
	}
	// Under missing type None LightGBM takes a NaN code as 0, in the set here.
	none, err := lightgbm.Parse([]byte(strings.Replace(small, "decision_type=10 9", "decision_type=10 1", 1)), nil)
	if err != nil {
		t.Fatal(err)
	}
	if mn, _ := none.Model(""); mn.Predict([]float64{0, nan}) != 1.25 {
		t.Errorf("missing type None: Predict(0, NaN) = %v; want 1.25 (code 0)", mn.Predict([]float64{0, nan}))
	}
	s := b.Ensemble().Spec()
	if s.Trees[0].Gain[0] != 10 || s.Trees[0].Cover[0] != 10 || s.Trees[1].Nodes[0].Value != 0.25 {
		t.Errorf("gain %v, cover %v, one-leaf tree %v", s.Trees[0].Gain, s.Trees[0].Cover, s.Trees[1].Nodes)
	}
	enc, err := train.Encode(m)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := train.Decode(enc); err != nil {
		t.Fatal(err)
	}
}

// TestHostile checks that broken, hostile or unsupported files give an
// *Error naming the line, tree and field, never a panic.
func TestHostile(t *testing.T) {
	rep := func(old, new string) string { return strings.Replace(small, old, new, 1) }
	cases := []struct {
		name, doc, where string
		unsupported      bool
	}{
		{"empty", ``, "line 1: want the first line", false},
		{"no trees", "tree\nversion=v3\n", "no trees", false},
		{"linear", rep("is_linear=0\nshrinkage=1\n\n\nTree=1", "is_linear=1\nshrinkage=1\n\n\nTree=1"), "line 29, tree 0, is_linear: linear trees", true},
		{"objective", rep("objective=regression", "objective=multiclassova num_class:3"), `line 7, objective: objective "multiclassova" is not supported`, true},
		{"sqrt", rep("objective=regression", "objective=regression sqrt"), "sqrt output transform", true},
		{"feature", rep("split_feature=0 1", "split_feature=0 9"), "tree 0, split_feature[1]", false},
		{"cycle", rep("left_child=1 -1", "left_child=1 0"), "tree 0, left_child[1]", false},
		{"unreachable", rep("right_child=-2 -3", "right_child=-2 -2"), "tree 0, left_child", false},
		{"count", rep("leaf_value=1 2 3", "leaf_value=1 2"), "tree 0, leaf_value: 2 values, want 3", false},
		{"number", rep("threshold=1.5 0", "threshold=x 0"), "tree 0, threshold[0]", false},
		{"bitset", rep("cat_boundaries=0 1", "cat_boundaries=0 9"), "cat_threshold: 1 values, want 9", false},
		{"cat index", rep("threshold=1.5 0", "threshold=1.5 3"), "tree 0, threshold[1]: categorical split 3 of 1 bitsets", false},
		{"missing type", rep("decision_type=10 9", "decision_type=14 9"), "decision_type[0]: missing type 3", false},
		{"tree order", rep("Tree=1", "Tree=5"), "want Tree=1", false},
		{"no end", strings.Split(small, "end of trees")[0], `no "end of trees" line`, false},
		{"header", rep("max_feature_idx=1", "max_feature_idx=-4"), "max_feature_idx", false},
		{"names", rep("feature_names=x c", "feature_names=x"), "feature_names: 1 names for 2 features", false},
	}
	for _, c := range cases {
		_, err := lightgbm.Parse([]byte(c.doc), nil)
		var e *lightgbm.Error
		if !errors.As(err, &e) || !strings.Contains(err.Error(), c.where) {
			t.Errorf("%s: Parse error %v; want an *Error containing %q", c.name, err, c.where)
			continue
		}
		if errors.Is(err, lightgbm.ErrUnsupported) != c.unsupported || errors.Is(err, lightgbm.ErrFormat) == c.unsupported {
			t.Errorf("%s: error %v: unsupported %v, want %v", c.name, err, errors.Is(err, lightgbm.ErrUnsupported), c.unsupported)
		}
	}
	if _, err := lightgbm.Parse([]byte(small), &lightgbm.Options{MaxBytes: 100}); !errors.Is(err, lightgbm.ErrFormat) {
		t.Errorf("MaxBytes: %v", err)
	}
	if _, err := lightgbm.Parse([]byte(small), &lightgbm.Options{MaxNodes: 4}); err == nil || !strings.Contains(err.Error(), "more than 4 nodes") {
		t.Errorf("MaxNodes: %v", err)
	}
}

// FuzzParse checks that no file makes Parse panic, and that a model it
// accepts builds, scores and encodes.
func FuzzParse(f *testing.F) {
	f.Add([]byte(small))
	files, _ := filepath.Glob("testdata/*.model.txt")
	for _, p := range files {
		if data, err := os.ReadFile(p); err == nil && len(data) < 32<<10 {
			f.Add(data)
		}
	}
	opts := &lightgbm.Options{MaxBytes: 1 << 20, MaxNodes: 1 << 14, MaxFeatures: 1 << 12, MaxDepth: 64}
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := lightgbm.Parse(data, opts)
		if err != nil {
			if !errors.Is(err, lightgbm.ErrFormat) && !errors.Is(err, lightgbm.ErrUnsupported) {
				t.Fatalf("error %v wraps neither ErrFormat nor ErrUnsupported", err)
			}
			return
		}
		m, err := b.Model("")
		if err != nil {
			t.Fatalf("Model after a successful Parse: %v", err)
		}
		x := make([]float64, m.Info().Features)
		for _, v := range []float64{0, math.NaN(), 1e300, -3, 1e-36} {
			for j := range x {
				x[j] = v
			}
			m.Predict(x)
		}
		enc, err := train.Encode(m)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := train.Decode(enc); err != nil {
			t.Fatalf("Decode(Encode(m)): %v", err)
		}
	})
}
