package tree_test

import (
	"errors"
	"math"
	"testing"

	"github.com/loomml/loom/train"
	"github.com/loomml/loom/train/tree"
)

// stump splits x0 at 0.5 (missing left) into two leaves.
func stump(lo, hi float64, class int) tree.Tree {
	return tree.Tree{
		Nodes: []tree.Node{
			{Feature: 0, Left: 1, Value: 0.5, Flags: tree.DefaultLeft},
			{Feature: -1, Value: lo},
			{Feature: -1, Value: hi},
		},
		Cover: []float64{10, 4, 6},
		Class: class,
	}
}

func TestLinks(t *testing.T) {
	for _, c := range []struct {
		name      string
		spec      tree.Spec
		x         float64
		wantPred  float64
		wantProba []float64 // nil for a regressor
	}{
		{"logistic regressor", tree.Spec{Features: 1, Link: tree.Logistic, Base: []float64{0}, Trees: []tree.Tree{stump(-1, 2, 0)}},
			0.7, 1 / (1 + math.Exp(-2)), nil},
		{"probability binary right", tree.Spec{Features: 1, Link: tree.Probability, Classes: []float64{0, 1}, Base: []float64{0},
			Trees: []tree.Tree{stump(0.1, 0.3, 0), stump(0.2, 0.4, 0)}}, 0.7, 1, []float64{0.3, 0.7}},
		{"probability binary left", tree.Spec{Features: 1, Link: tree.Probability, Classes: []float64{0, 1}, Base: []float64{0},
			Trees: []tree.Tree{stump(0.1, 0.3, 0), stump(0.2, 0.4, 0)}}, 0.2, 0, []float64{0.7, 0.3}},
		{"probability binary clamped", tree.Spec{Features: 1, Link: tree.Probability, Classes: []float64{0, 1}, Base: []float64{0.5},
			Trees: []tree.Tree{stump(0.1, 0.9, 0)}}, 0.7, 1, []float64{0, 1}},
		{"probability three classes", tree.Spec{Features: 1, Link: tree.Probability, Classes: []float64{1, 2, 3}, Base: []float64{0, 0, 0},
			Trees: []tree.Tree{stump(0.5, 0.2, 0), stump(0.25, 0.2, 1), stump(0.25, 0.6, 2)}}, 0.7, 3, []float64{0.2, 0.2, 0.6}},
		{"probability normalised", tree.Spec{Features: 1, Link: tree.Probability, Classes: []float64{1, 2, 3}, Base: []float64{0, 0, 0},
			Trees: []tree.Tree{stump(1, -0.5, 0), stump(1, 1, 1), stump(2, 3, 2)}}, 0.2, 3, []float64{0.25, 0.25, 0.5}},
	} {
		t.Run(c.name, func(t *testing.T) {
			e, err := tree.New(c.spec)
			if err != nil {
				t.Fatal(err)
			}
			m := e.Model()
			x := []float64{c.x}
			if got := m.Predict(x); math.Abs(got-c.wantPred) > 1e-15 {
				t.Errorf("Predict = %v; want %v", got, c.wantPred)
			}
			cl, ok := m.(train.Classifier)
			if ok != (c.wantProba != nil) {
				t.Fatalf("model is a classifier: %v; want %v", ok, c.wantProba != nil)
			}
			if !ok {
				return
			}
			p := cl.PredictProba(make([]float64, len(c.wantProba)), x)
			for k := range p {
				if math.Abs(p[k]-c.wantProba[k]) > 1e-15 {
					t.Errorf("PredictProba = %v; want %v", p, c.wantProba)
					break
				}
			}
		})
	}
}

func TestZeroMissing(t *testing.T) {
	// x0 <= -1 goes left; zero (and NaN) count as missing and go left too.
	zm := tree.Tree{Nodes: []tree.Node{
		{Feature: 0, Left: 1, Value: -1, Flags: tree.DefaultLeft | tree.ZeroMissing},
		{Feature: -1, Value: 1},
		{Feature: -1, Value: 2},
	}}
	// Enough trees for the lockstep walk, which ZeroMissing trees leave.
	e, err := tree.New(tree.Spec{Features: 1, Link: tree.Identity, Base: []float64{0}, Trees: []tree.Tree{zm, zm, zm, zm}})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ x, want float64 }{
		{-2, 4}, {0, 4}, {math.Copysign(0, -1), 4}, {1e-36, 4}, {-1e-36, 4}, {nan, 4},
		{1e-30, 8}, {0.5, 8}, {-0.5, 8},
	} {
		if got := e.Model().Predict([]float64{c.x}); got != c.want {
			t.Errorf("Predict(%v) = %v; want %v", c.x, got, c.want)
		}
	}
	b, err := train.Encode(e.Model())
	if err != nil {
		t.Fatal(err)
	}
	m, err := train.Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	if got := m.Predict([]float64{0}); got != 4 {
		t.Errorf("decoded Predict(0) = %v; want 4", got)
	}
}

func TestCoverRoundTrip(t *testing.T) {
	e, err := tree.New(tree.Spec{Features: 1, Link: tree.Identity, Base: []float64{0}, Trees: []tree.Tree{stump(1, 2, 0)}})
	if err != nil {
		t.Fatal(err)
	}
	b, err := train.Encode(e.Model())
	if err != nil {
		t.Fatal(err)
	}
	m, err := train.Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	got := m.(*tree.Regressor).Spec().Trees[0].Cover
	if len(got) != 3 || got[0] != 10 || got[1] != 4 || got[2] != 6 {
		t.Errorf("decoded cover %v; want [10 4 6]", got)
	}
}

func TestNewRejectsParts(t *testing.T) {
	one := func(tr tree.Tree) tree.Spec {
		return tree.Spec{Features: 1, Link: tree.Identity, Base: []float64{0}, Trees: []tree.Tree{tr}}
	}
	shortCover := stump(0, 1, 0)
	shortCover.Cover = []float64{1}
	negCover := stump(0, 1, 0)
	negCover.Cover = []float64{1, -1, 2}
	nanCover := stump(0, 1, 0)
	nanCover.Cover = []float64{1, nan, 2}
	catZero := small(0)
	catZero.Nodes[2].Flags |= tree.ZeroMissing
	for _, c := range []struct {
		name string
		s    tree.Spec
	}{
		{"cover length", one(shortCover)},
		{"negative cover", one(negCover)},
		{"NaN cover", one(nanCover)},
		{"categorical ZeroMissing", tree.Spec{Features: 2, Link: tree.Identity, Base: []float64{0}, Trees: []tree.Tree{catZero}}},
		{"probability with one class", tree.Spec{Features: 1, Link: tree.Probability, Classes: []float64{0}, Base: []float64{0}}},
		{"probability without classes", tree.Spec{Features: 1, Link: tree.Probability, Base: []float64{0}}},
		{"probability base count", tree.Spec{Features: 1, Link: tree.Probability, Classes: []float64{0, 1, 2}, Base: []float64{0}}},
	} {
		if _, err := tree.New(c.s); !errors.Is(err, tree.ErrInvalid) {
			t.Errorf("%s: New error %v; want ErrInvalid", c.name, err)
		}
	}
}
