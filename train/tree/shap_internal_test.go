package tree

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestTableMatchesAlgorithm2 checks that the precomputed form and
// Algorithm 2's recursion (the form of trees with long paths) give the
// same contributions, on trees with categorical, ZeroMissing and
// missing-value splits and zero covers.
func TestTableMatchesAlgorithm2(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	p := 6
	var trees []Tree
	for range 20 {
		tr := Tree{Nodes: []Node{{Feature: -1, Value: rng.NormFloat64()}}}
		for len(tr.Nodes) < 2*15-1 {
			var ls []int
			for j, nd := range tr.Nodes {
				if nd.Feature < 0 {
					ls = append(ls, j)
				}
			}
			j := ls[rng.IntN(len(ls))]
			left := int32(len(tr.Nodes))
			nd := Node{Feature: int32(rng.IntN(p)), Left: left, Value: rng.NormFloat64(), Flags: Flags(rng.IntN(2))}
			switch rng.IntN(4) {
			case 0:
				nd.Flags |= Categorical
				nd.Value = 0
				nd.CatOffset, nd.CatWords = uint32(len(tr.Cats)), 1
				tr.Cats = append(tr.Cats, rng.Uint64()&0xff)
			case 1:
				nd.Flags |= ZeroMissing
			}
			tr.Nodes[j] = nd
			tr.Nodes = append(tr.Nodes, Node{Feature: -1, Value: rng.NormFloat64()}, Node{Feature: -1, Value: rng.NormFloat64()})
		}
		tr.Cover = make([]float64, len(tr.Nodes))
		for i := len(tr.Nodes) - 1; i >= 0; i-- {
			if n := tr.Nodes[i]; n.Feature < 0 {
				tr.Cover[i] = float64(rng.IntN(30))
			} else {
				tr.Cover[i] = tr.Cover[n.Left] + tr.Cover[n.Left+1]
			}
		}
		trees = append(trees, tr)
	}
	e, err := New(Spec{Features: p, Link: Identity, Base: []float64{0.5}, Trees: trees})
	if err != nil {
		t.Fatal(err)
	}
	x, err := NewExplainer(e)
	if err != nil {
		t.Fatal(err)
	}
	slow, _ := NewExplainer(e)
	tables := 0
	for i := range slow.tables {
		if slow.tables[i] != nil {
			tables++
		}
		slow.tables[i] = nil
	}
	if tables == 0 {
		t.Fatal("no tree took the precomputed form")
	}
	got, want := make([]float64, p+1), make([]float64, p+1)
	for r := range 200 {
		row := make([]float64, p)
		for j := range row {
			switch rng.IntN(6) {
			case 0:
				row[j] = math.NaN()
			case 1:
				row[j] = 0
			case 2:
				row[j] = float64(rng.IntN(10))
			default:
				row[j] = rng.NormFloat64()
			}
		}
		x.Explain(got, row)
		slow.Explain(want, row)
		for j := range got {
			if math.Abs(got[j]-want[j]) > 1e-12 {
				t.Fatalf("row %d: feature %d: table %v, Algorithm 2 %v", r, j, got[j], want[j])
			}
		}
	}
}

// BenchmarkExplainAlgorithm2 is BenchmarkExplain with every tree on
// Algorithm 2's recursion, to compare with the per-leaf form.
func BenchmarkExplainAlgorithm2(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	var trees []Tree
	for range 100 {
		tr := Tree{Nodes: []Node{{Feature: -1}}}
		for len(tr.Nodes) < 2*31-1 {
			var ls []int
			for j, nd := range tr.Nodes {
				if nd.Feature < 0 {
					ls = append(ls, j)
				}
			}
			j := ls[rng.IntN(len(ls))]
			tr.Nodes[j] = Node{Feature: int32(rng.IntN(30)), Left: int32(len(tr.Nodes)), Value: rng.NormFloat64(), Flags: Flags(rng.IntN(2))}
			tr.Nodes = append(tr.Nodes, Node{Feature: -1, Value: rng.NormFloat64() / 10}, Node{Feature: -1, Value: rng.NormFloat64() / 10})
		}
		tr.Cover = make([]float64, len(tr.Nodes))
		for i := len(tr.Nodes) - 1; i >= 0; i-- {
			if n := tr.Nodes[i]; n.Feature < 0 {
				tr.Cover[i] = float64(1 + rng.IntN(50))
			} else {
				tr.Cover[i] = tr.Cover[n.Left] + tr.Cover[n.Left+1]
			}
		}
		trees = append(trees, tr)
	}
	e, err := New(Spec{Features: 30, Link: Identity, Base: []float64{0}, Trees: trees})
	if err != nil {
		b.Fatal(err)
	}
	row := make([]float64, 30)
	for j := range row {
		row[j] = rng.NormFloat64()
	}
	for _, form := range []string{"per-leaf", "algorithm2"} {
		b.Run(form, func(b *testing.B) {
			x, _ := NewExplainer(e)
			if form == "algorithm2" {
				clear(x.tables)
			}
			ws := x.NewWorkspace()
			dst := make([]float64, 31)
			b.ReportAllocs()
			for b.Loop() {
				x.ExplainTo(dst, row, ws)
			}
		})
	}
}

// TestDeepChain explains a chain of 3000 splits over 3 features with
// both forms: the workspace stays small (it grows with depth × distinct
// features, not depth²) and the contributions sum to the margin.
func TestDeepChain(t *testing.T) {
	const depth = 3000
	// Split i at node 2i: its left child 2i+1 is a leaf, its right child
	// 2i+2 the next split (or the last leaf).
	tr := Tree{Nodes: make([]Node, 2*depth+1)}
	for i := range depth {
		tr.Nodes[2*i] = Node{Feature: int32(i % 3), Left: int32(2*i + 1), Value: float64(i%7) - 3, Flags: Flags(i % 2)}
		tr.Nodes[2*i+1] = Node{Feature: -1, Value: float64(i%5) - 2}
	}
	tr.Nodes[2*depth] = Node{Feature: -1, Value: 1}
	tr.Cover = make([]float64, len(tr.Nodes))
	for i := len(tr.Nodes) - 1; i >= 0; i-- {
		if n := tr.Nodes[i]; n.Feature < 0 {
			tr.Cover[i] = float64(1 + i%4)
		} else {
			tr.Cover[i] = tr.Cover[n.Left] + tr.Cover[n.Left+1]
		}
	}
	e, err := New(Spec{Features: 3, Link: Identity, Base: []float64{0}, Trees: []Tree{tr}})
	if err != nil {
		t.Fatal(err)
	}
	for _, form := range []string{"per-leaf", "algorithm2"} {
		x, err := NewExplainer(e)
		if err != nil {
			t.Fatal(err)
		}
		if form == "algorithm2" {
			clear(x.tables)
		} else if x.tables[0] == nil {
			t.Fatal("the chain did not take the per-leaf form")
		}
		ws := x.NewWorkspace()
		if n := len(ws.path); n > 10*depth {
			t.Fatalf("%s: workspace of %d path elements for a chain of %d", form, n, depth)
		}
		raw := make([]float64, 1)
		for _, row := range [][]float64{{0, 0, 0}, {-10, 10, math.NaN()}, {1.5, -0.5, 2.5}} {
			c := x.ExplainTo(make([]float64, 4), row, ws)
			if sum, m := c[0]+c[1]+c[2]+c[3], e.Raw(raw, row)[0]; math.Abs(sum-m) > 1e-9 {
				t.Errorf("%s: row %v: expected + contributions = %v; margin %v", form, row, sum, m)
			}
		}
	}
}
