package tree

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestPlansExact compiles ensembles of trees of many sizes with chunks
// always and never preferred, and checks each plan's margins against the
// sum, in tree order, of the leaf values the general walk reaches.
func TestPlansExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	const p = 6
	for _, c := range []struct {
		trees, outputs int
		leaves         []int
	}{
		{1, 1, []int{1}},
		{30, 1, []int{2, 31, 64, 65, 3}},
		{260, 1, []int{5, 12, 40}}, // chunks of 128 trees
		{45, 3, []int{9, 70, 20}},
	} {
		s := Spec{Features: p, Link: Identity, Base: make([]float64, c.outputs)}
		if c.outputs > 1 {
			s.Link, s.Classes = Softmax, make([]float64, c.outputs)
			for k := range s.Classes {
				s.Classes[k] = float64(k)
			}
		}
		for i := range c.trees {
			s.Trees = append(s.Trees, growRandom(rng, c.leaves[i%len(c.leaves)], p, i%c.outputs))
		}
		e, err := New(s)
		if err != nil {
			t.Fatal(err)
		}
		xs := make([][]float64, 300)
		for i := range xs {
			xs[i] = make([]float64, p)
			for j := range xs[i] {
				switch rng.IntN(12) {
				case 0:
					xs[i][j] = math.NaN()
				case 1:
					xs[i][j] = math.Inf(2*rng.IntN(2) - 1)
				case 2: // a threshold itself
					nd := s.Trees[rng.IntN(len(s.Trees))].Nodes[0]
					xs[i][j] = nd.Value
				default:
					xs[i][j] = rng.NormFloat64()
				}
			}
		}
		for _, chunks := range []bool{false, true} {
			e.fast = compile(&e.spec, e.order, e.classStart, func(*Spec, []int32) bool { return chunks })
			if got := len(e.fast.chunks) > 0; got != chunks {
				t.Fatalf("%d trees of %v leaves: chunks %v; want %v", c.trees, c.leaves, got, chunks)
			}
			for _, x := range xs {
				want := slices.Clone(s.Base)
				for ti := range s.Trees {
					tr := &s.Trees[ti]
					want[tr.Class] += tr.Nodes[tr.leaf(x)].Value
				}
				if got := e.Raw(make([]float64, c.outputs), x); !slices.Equal(got, want) {
					t.Fatalf("%d trees of %v leaves, chunks %v: Raw(%v) = %v; want %v", c.trees, c.leaves, chunks, x, got, want)
				}
			}
		}
	}
}

// growRandom grows a tree of the given leaves by splitting random leaves
// on random features (NaN sent either way).
func growRandom(rng *rand.Rand, leaves, p, class int) Tree {
	t := Tree{Nodes: []Node{{Feature: -1, Value: rng.NormFloat64()}}, Class: class}
	for len(t.Nodes)+1 < 2*leaves {
		var ls []int
		for j, nd := range t.Nodes {
			if nd.Feature < 0 {
				ls = append(ls, j)
			}
		}
		j := ls[rng.IntN(len(ls))]
		left := int32(len(t.Nodes))
		t.Nodes[j] = Node{Feature: int32(rng.IntN(p)), Left: left, Value: rng.NormFloat64(), Flags: Flags(rng.IntN(2))}
		t.Nodes = append(t.Nodes, Node{Feature: -1, Value: rng.NormFloat64() / 10}, Node{Feature: -1, Value: rng.NormFloat64() / 10})
	}
	return t
}
