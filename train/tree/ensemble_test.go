package tree_test

import (
	"errors"
	"math"
	"slices"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/loomml/loom/train"
	"github.com/loomml/loom/train/traintest"
	"github.com/loomml/loom/train/tree"
)

func TestPredictRoutes(t *testing.T) {
	e, err := tree.New(tree.Spec{Features: 2, Link: tree.Identity, Base: []float64{0.5}, Trees: []tree.Tree{small(0)}})
	if err != nil {
		t.Fatal(err)
	}
	m := e.Model()
	for _, c := range []struct {
		x    []float64
		want float64
	}{
		{[]float64{0.2, 1}, 1},           // numeric left
		{[]float64{0.5, 1}, 1},           // threshold itself goes left
		{[]float64{nan, 9}, 1},           // missing goes left
		{[]float64{0.7, 1}, -2},          // code 1 in the set
		{[]float64{0.7, 3}, -2},          // code 3 in the set
		{[]float64{0.7, 2}, 3},           // code 2 not in the set
		{[]float64{0.7, nan}, 3},         // missing category goes right
		{[]float64{0.7, 1.5}, 3},         // fractional code counts as missing
		{[]float64{0.7, -1}, 3},          // negative code
		{[]float64{0.7, 64}, 3},          // beyond the bitset
		{[]float64{math.Inf(1), 3}, -2},  // +Inf is a number above the threshold
		{[]float64{math.Inf(-1), 2}, 1},  // -Inf goes left
		{[]float64{0.7, math.Inf(1)}, 3}, // infinite code
		{[]float64{0.7, 1e300}, 3},       // huge code
		{[]float64{0.7, -1e300}, 3},      // huge negative code
		{[]float64{0.7, math.Copysign(0, -1)}, 3},
	} {
		if got := m.Predict(c.x); got != c.want+0.5 {
			t.Errorf("Predict(%v) = %v; want %v", c.x, got, c.want+0.5)
		}
	}
}

func TestNewRejects(t *testing.T) {
	leaf := tree.Node{Feature: -1}
	split := func(f, left int32) tree.Node { return tree.Node{Feature: f, Left: left} }
	one := func(nodes ...tree.Node) []tree.Tree { return []tree.Tree{{Nodes: nodes}} }
	for _, c := range []struct {
		name string
		s    tree.Spec
	}{
		{"no features", tree.Spec{Link: tree.Identity, Base: []float64{0}}},
		{"classes on a regressor", tree.Spec{Features: 1, Link: tree.Identity, Classes: []float64{0, 1}, Base: []float64{0}}},
		{"logistic with 3 classes", tree.Spec{Features: 1, Link: tree.Logistic, Classes: []float64{0, 1, 2}, Base: []float64{0}}},
		{"softmax with 2 classes", tree.Spec{Features: 1, Link: tree.Softmax, Classes: []float64{0, 1}, Base: []float64{0, 0}}},
		{"unknown link", tree.Spec{Features: 1, Link: 9, Base: []float64{0}}},
		{"classes not increasing", tree.Spec{Features: 1, Link: tree.Logistic, Classes: []float64{1, 1}, Base: []float64{0}}},
		{"NaN class", tree.Spec{Features: 1, Link: tree.Logistic, Classes: []float64{0, nan}, Base: []float64{0}}},
		{"base count", tree.Spec{Features: 1, Link: tree.Softmax, Classes: []float64{0, 1, 2}, Base: []float64{0}}},
		{"NaN base", tree.Spec{Features: 1, Link: tree.Identity, Base: []float64{nan}}},
		{"empty tree", tree.Spec{Features: 1, Link: tree.Identity, Base: []float64{0}, Trees: []tree.Tree{{}}}},
		{"class out of range", tree.Spec{Features: 1, Link: tree.Identity, Base: []float64{0}, Trees: []tree.Tree{{Nodes: []tree.Node{leaf}, Class: 1}}}},
		{"feature out of range", tree.Spec{Features: 1, Link: tree.Identity, Base: []float64{0}, Trees: one(split(1, 1), leaf, leaf)}},
		{"child before parent", tree.Spec{Features: 1, Link: tree.Identity, Base: []float64{0}, Trees: one(split(0, 1), split(0, 0), leaf, leaf)}},
		{"self loop", tree.Spec{Features: 1, Link: tree.Identity, Base: []float64{0}, Trees: one(split(0, 0), leaf)}},
		{"right child missing", tree.Spec{Features: 1, Link: tree.Identity, Base: []float64{0}, Trees: one(split(0, 1), leaf)}},
		{"leaf NaN", tree.Spec{Features: 1, Link: tree.Identity, Base: []float64{0}, Trees: one(tree.Node{Feature: -1, Value: nan})}},
		{"leaf Inf", tree.Spec{Features: 1, Link: tree.Identity, Base: []float64{0}, Trees: one(tree.Node{Feature: -1, Value: math.Inf(1)})}},
		{"leaf with child", tree.Spec{Features: 1, Link: tree.Identity, Base: []float64{0}, Trees: one(tree.Node{Feature: -1, Left: 1})}},
		{"feature -2", tree.Spec{Features: 1, Link: tree.Identity, Base: []float64{0}, Trees: one(tree.Node{Feature: -2})}},
		{"NaN threshold", tree.Spec{Features: 1, Link: tree.Identity, Base: []float64{0}, Trees: one(tree.Node{Feature: 0, Left: 1, Value: nan}, leaf, leaf)}},
		{"-Inf threshold", tree.Spec{Features: 1, Link: tree.Identity, Base: []float64{0}, Trees: one(tree.Node{Feature: 0, Left: 1, Value: math.Inf(-1)}, leaf, leaf)}},
		{"unknown flag", tree.Spec{Features: 1, Link: tree.Identity, Base: []float64{0}, Trees: one(tree.Node{Feature: 0, Left: 1, Flags: 8}, leaf, leaf)}},
		{"bitset outside", tree.Spec{Features: 1, Link: tree.Identity, Base: []float64{0}, Trees: one(tree.Node{Feature: 0, Left: 1, Flags: tree.Categorical, CatWords: 1}, leaf, leaf)}},
		{"empty bitset", tree.Spec{Features: 1, Link: tree.Identity, Base: []float64{0}, Trees: []tree.Tree{{Nodes: []tree.Node{{Feature: 0, Left: 1, Flags: tree.Categorical}, leaf, leaf}, Cats: []uint64{1}}}}},
		{"numeric with bitset", tree.Spec{Features: 1, Link: tree.Identity, Base: []float64{0}, Trees: []tree.Tree{{Nodes: []tree.Node{{Feature: 0, Left: 1, CatWords: 1}, leaf, leaf}, Cats: []uint64{1}}}}},
		{"gain count", tree.Spec{Features: 1, Link: tree.Identity, Base: []float64{0}, Trees: []tree.Tree{{Nodes: []tree.Node{leaf}, Gain: []float64{0, 1}}}}},
		{"NaN gain", tree.Spec{Features: 1, Link: tree.Identity, Base: []float64{0}, Trees: []tree.Tree{{Nodes: []tree.Node{leaf}, Gain: []float64{nan}}}}},
	} {
		if _, err := tree.New(c.s); !errors.Is(err, tree.ErrInvalid) {
			t.Errorf("New(%s) = %v; want ErrInvalid", c.name, err)
		}
	}
}

func TestModels(t *testing.T) {
	xs := rows(1, 40, 5)
	for _, c := range []struct {
		name    string
		link    tree.Link
		classes []float64
	}{
		{"identity", tree.Identity, nil},
		{"exp", tree.Exp, nil},
		{"logistic", tree.Logistic, []float64{-1, 1}},
		{"softmax", tree.Softmax, []float64{0, 1, 2, 5}},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := random(7, 12, 8, 5, c.link, c.classes)
			traintest.TestModel(t, e.Model(), xs)
			_, isClassifier := e.Model().(train.Classifier)
			if isClassifier != (c.classes != nil) {
				t.Errorf("model is a Classifier: %v; want %v", isClassifier, c.classes != nil)
			}
		})
	}
}

// TestMarginsSum checks Raw against a sum written out by hand, and the
// links against their formulas.
func TestMarginsSum(t *testing.T) {
	e := random(3, 9, 6, 4, tree.Softmax, []float64{0, 1, 2})
	spec := e.Spec()
	leaves := make([]int, e.Len())
	for _, x := range rows(5, 30, 4) {
		want := slices.Clone(spec.Base)
		for i, l := range e.Leaves(leaves, x) {
			want[spec.Trees[i].Class] += spec.Trees[i].Nodes[l].Value
		}
		got := e.Raw(make([]float64, 3), x)
		for k := range want {
			if math.Abs(got[k]-want[k]) > 1e-12 {
				t.Fatalf("Raw(%v) = %v; want %v", x, got, want)
			}
		}
		p := e.Model().(train.Classifier).PredictProba(make([]float64, 3), x)
		z := math.Exp(want[0]) + math.Exp(want[1]) + math.Exp(want[2])
		for k := range p {
			if math.Abs(p[k]-math.Exp(want[k])/z) > 1e-12 {
				t.Fatalf("PredictProba(%v) = %v; want softmax of %v", x, p, want)
			}
		}
	}
	reg := random(3, 9, 6, 4, tree.Exp, nil)
	for _, x := range rows(6, 10, 4) {
		if got, want := reg.Model().Predict(x), math.Exp(reg.Raw(make([]float64, 1), x)[0]); got != want {
			t.Errorf("Exp link Predict = %v; want %v", got, want)
		}
	}
}

func TestBatchMatchesRows(t *testing.T) {
	for _, link := range []tree.Link{tree.Logistic, tree.Softmax, tree.Identity} {
		var classes []float64
		switch link {
		case tree.Logistic:
			classes = []float64{0, 1}
		case tree.Softmax:
			classes = []float64{0, 1, 2}
		}
		e := random(11, 20, 16, 6, link, classes)
		xs := rows(12, 1300, 6)
		X := mat.NewDense(len(xs), 6, slices.Concat(xs...))
		pred := e.PredictBatch(nil, X)
		raw := e.RawBatch(nil, X)
		var proba *mat.Dense
		if classes != nil {
			proba = e.PredictProbaBatch(nil, X)
		}
		buf := make([]float64, 3)
		for i, x := range xs {
			if got := e.Model().Predict(x); got != pred[i] {
				t.Fatalf("%v: PredictBatch row %d = %v; Predict = %v", link, i, pred[i], got)
			}
			if !slices.Equal(e.Raw(buf, x), raw.RawRowView(i)) {
				t.Fatalf("%v: RawBatch row %d = %v; Raw = %v", link, i, raw.RawRowView(i), e.Raw(buf, x))
			}
			if proba != nil && !slices.Equal(e.Model().(train.Classifier).PredictProba(buf, x), proba.RawRowView(i)) {
				t.Fatalf("%v: PredictProbaBatch row %d differs", link, i)
			}
		}
		// A matrix without raw storage takes the copying path.
		T := X.T().T()
		if got := e.PredictBatch(nil, T); !slices.Equal(got, pred) {
			t.Errorf("%v: PredictBatch of a non-raw matrix differs", link)
		}
	}
}

func TestImportances(t *testing.T) {
	e, err := tree.New(tree.Spec{Features: 3, Link: tree.Identity, Base: []float64{0}, Trees: []tree.Tree{small(0), small(0)}})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := e.Importances(tree.SplitCount), []float64{2, 2, 0}; !slices.Equal(got, want) {
		t.Errorf("Importances(SplitCount) = %v; want %v", got, want)
	}
	if got, want := e.Importances(tree.Gain), []float64{20, 8, 0}; !slices.Equal(got, want) {
		t.Errorf("Importances(Gain) = %v; want %v", got, want)
	}
}

func TestPredictAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are not meaningful under -race")
	}
	e := random(2, 100, 31, 30, tree.Softmax, []float64{0, 1, 2})
	x := rows(3, 1, 30)[0]
	m := e.Model().(train.Classifier)
	buf := make([]float64, 3)
	for name, fn := range map[string]func(){
		"Predict":      func() { m.Predict(x) },
		"PredictProba": func() { m.PredictProba(buf, x) },
		"Raw":          func() { e.Raw(buf, x) },
	} {
		if a := testing.AllocsPerRun(100, fn); a != 0 {
			t.Errorf("%s allocates %v times; want 0", name, a)
		}
	}
}

// TestLockstepExact checks that the prediction form (chunks of trees of
// up to 64 leaves, lockstep groups of larger trees, trees walked alone)
// gives exactly the sum, in tree order, of the leaf values the general
// walk reaches, for any number of trees, trees with categorical or
// ZeroMissing splits anywhere among them, small and large trees mixed,
// and rows with and without NaN.
func TestLockstepExact(t *testing.T) {
	for _, c := range []struct {
		trees   int
		leaves  []int // leaves of tree i: leaves[i%len(leaves)]
		general []int // trees turned into general ones
		p       int   // features
		link    tree.Link
		classes []float64
	}{
		{1, []int{12}, nil, 5, tree.Identity, nil},
		{7, []int{12}, nil, 5, tree.Identity, nil},
		{8, []int{70}, nil, 5, tree.Identity, nil},
		{19, []int{70}, []int{0}, 5, tree.Identity, nil},
		{25, []int{12, 70, 3}, []int{3, 11, 24}, 5, tree.Identity, nil},
		{40, []int{64, 65}, []int{8, 9}, 5, tree.Softmax, []float64{0, 1, 2}},
		{100, []int{31}, nil, 5, tree.Logistic, []float64{0, 1}},
		{160, []int{5, 12, 40}, []int{130}, 5, tree.Identity, nil},
		{30, []int{1, 2, 100, 9, 9, 9, 9, 9, 9, 9, 9, 80}, nil, 5, tree.Softmax, []float64{0, 1, 2}},
		{9, []int{12, 70}, nil, 8200, tree.Identity, nil}, // too wide for the lockstep nodes
		{9, []int{12, 70}, nil, 8191, tree.Identity, nil},
	} {
		s := mixed(uint64(c.trees), c.trees, c.leaves, c.p, c.link, c.classes)
		for _, ti := range c.general {
			tr := &s.Trees[ti]
			for i := range tr.Nodes {
				if !tr.Nodes[i].IsLeaf() {
					if ti%2 == 0 {
						tr.Nodes[i].Flags |= tree.ZeroMissing
					} else {
						tr.Nodes[i] = tree.Node{Feature: tr.Nodes[i].Feature, Left: tr.Nodes[i].Left, CatWords: 1, Flags: tree.Categorical}
						tr.Cats = []uint64{0b1010}
					}
					break
				}
			}
		}
		for k := range s.Base {
			s.Base[k] = 0.25 * float64(k+1)
		}
		e, err := tree.New(s)
		if err != nil {
			t.Fatal(err)
		}
		leaves := make([]int, e.Len())
		xs := rows(uint64(c.trees)+1, 200, c.p)
		for i := range 50 {
			for j := range xs[i] {
				if math.IsNaN(xs[i][j]) {
					xs[i][j] = float64(j)
				}
			}
			xs[i][i%5] = float64(i % 4) // codes and zeros
		}
		for i := 50; i < 60; i++ { // thresholds themselves, infinities
			for j := range xs[i] {
				xs[i][j] = [...]float64{math.Inf(1), math.Inf(-1), s.Trees[0].Nodes[0].Value, 0}[(i+j)%4]
			}
		}
		for _, x := range xs {
			want := make([]float64, len(s.Base))
			for ti, l := range e.Leaves(leaves, x) {
				want[s.Trees[ti].Class] += s.Trees[ti].Nodes[l].Value
			}
			for k := range want {
				want[k] = s.Base[k] + want[k]
			}
			if got := e.Raw(make([]float64, len(want)), x); !slices.Equal(got, want) {
				t.Fatalf("%d trees of %v leaves, general %v: Raw(%v) = %v; want %v", c.trees, c.leaves, c.general, x, got, want)
			}
		}
	}
}

// mixed is random's spec with trees of several sizes: tree i has
// leaves[i%len(leaves)] leaves.
func mixed(seed uint64, n int, leaves []int, p int, link tree.Link, classes []float64) tree.Spec {
	var s tree.Spec
	for l, size := range leaves {
		part := random(seed+uint64(l), n, size, p, link, classes).Spec()
		if l == 0 {
			s = part
			s.Trees = slices.Clone(part.Trees)
			s.Base = slices.Clone(part.Base)
			continue
		}
		for i := l; i < n; i += len(leaves) {
			s.Trees[i] = part.Trees[i]
		}
	}
	for i := range s.Trees {
		s.Trees[i].Nodes = slices.Clone(s.Trees[i].Nodes)
	}
	return s
}
