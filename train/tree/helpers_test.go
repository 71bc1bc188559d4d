package tree_test

import (
	"math"
	"math/rand/v2"

	"github.com/loomml/loom/train/tree"
)

var nan = math.NaN()

// small is one tree over two features: a numeric split on x0 (missing
// left), then a categorical split on x1 sending codes 1 and 3 left
// (missing right).
func small(class int) tree.Tree {
	return tree.Tree{
		Nodes: []tree.Node{
			{Feature: 0, Left: 1, Value: 0.5, Flags: tree.DefaultLeft},
			{Feature: -1, Value: 1},
			{Feature: 1, Left: 3, CatWords: 1, Flags: tree.Categorical},
			{Feature: -1, Value: -2},
			{Feature: -1, Value: 3},
		},
		Cats:  []uint64{1<<1 | 1<<3},
		Gain:  []float64{10, 0, 4, 0, 0},
		Class: class,
	}
}

// random builds an ensemble of n trees of up to leaves leaves over p
// numeric features, with outputs margins, from seed.
func random(seed uint64, n, leaves, p int, link tree.Link, classes []float64) *tree.Ensemble {
	rng := rand.New(rand.NewPCG(seed, 1))
	outputs := 1
	if link == tree.Softmax {
		outputs = len(classes)
	}
	s := tree.Spec{Features: p, Classes: classes, Link: link, Base: make([]float64, outputs)}
	for i := range n {
		t := tree.Tree{Nodes: []tree.Node{{Feature: -1, Value: rng.NormFloat64()}}, Class: i % outputs}
		for len(t.Nodes)+1 < 2*leaves {
			// split a random leaf
			var ls []int
			for j, nd := range t.Nodes {
				if nd.Feature < 0 {
					ls = append(ls, j)
				}
			}
			j := ls[rng.IntN(len(ls))]
			left := int32(len(t.Nodes))
			t.Nodes[j] = tree.Node{Feature: int32(rng.IntN(p)), Left: left, Value: rng.NormFloat64(), Flags: tree.Flags(rng.IntN(2))}
			t.Nodes = append(t.Nodes, tree.Node{Feature: -1, Value: rng.NormFloat64() / 10}, tree.Node{Feature: -1, Value: rng.NormFloat64() / 10})
		}
		s.Trees = append(s.Trees, t)
	}
	e, err := tree.New(s)
	if err != nil {
		panic(err)
	}
	return e
}

func rows(seed uint64, n, p int) [][]float64 {
	rng := rand.New(rand.NewPCG(seed, 2))
	out := make([][]float64, n)
	for i := range out {
		out[i] = make([]float64, p)
		for j := range out[i] {
			out[i][j] = rng.NormFloat64()
			if rng.IntN(20) == 0 {
				out[i][j] = nan
			}
		}
	}
	return out
}
