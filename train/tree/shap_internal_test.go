package tree

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// randomTree grows a tree of the given leaves over p features from rng
// by splitting a random leaf each time (so paths are long and repeat
// features), with covers drawn per leaf (some 0); with mixed, some splits
// are categorical or ZeroMissing.
func randomTree(rng *rand.Rand, leaves, p int, mixed bool) Tree {
	t := Tree{Nodes: []Node{{Feature: -1, Value: rng.NormFloat64()}}}
	ls := []int{0}
	for len(ls) < leaves {
		k := rng.IntN(len(ls))
		j := ls[k]
		left := int32(len(t.Nodes))
		nd := Node{Feature: int32(rng.IntN(p)), Left: left, Value: rng.NormFloat64(), Flags: Flags(rng.IntN(2))}
		if mixed {
			switch rng.IntN(4) {
			case 0:
				nd.Flags |= Categorical
				nd.Value = 0
				nd.CatOffset, nd.CatWords = uint32(len(t.Cats)), 1
				t.Cats = append(t.Cats, rng.Uint64()&0xff)
			case 1:
				nd.Flags |= ZeroMissing
			}
		}
		t.Nodes[j] = nd
		t.Nodes = append(t.Nodes, Node{Feature: -1, Value: rng.NormFloat64()}, Node{Feature: -1, Value: rng.NormFloat64()})
		ls[k] = int(left)
		ls = append(ls, int(left)+1)
	}
	t.Cover = make([]float64, len(t.Nodes))
	for i := len(t.Nodes) - 1; i >= 0; i-- {
		if n := t.Nodes[i]; n.Feature < 0 {
			if rng.IntN(6) > 0 {
				t.Cover[i] = float64(1 + rng.IntN(30))
			}
		} else {
			t.Cover[i] = t.Cover[n.Left] + t.Cover[n.Left+1]
		}
	}
	return t
}

// randomRow draws a row of p values with NaN, 0 (ZeroMissing) and small
// integer codes (categorical splits) among them.
func randomRow(rng *rand.Rand, p int) []float64 {
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
	return row
}

// TestQuadratureMatchesAlgorithm2 checks the quadrature form, with its
// tables and with the values computed at each visit, against Algorithm
// 2 of Lundberg et al. on trees too large for brute force: categorical,
// ZeroMissing and missing-value splits, zero covers, shallow and deep
// paths with up to 40 distinct features (21 quadrature points), several
// outputs.
func TestQuadratureMatchesAlgorithm2(t *testing.T) {
	for _, c := range []struct {
		trees, leaves, p, outputs int
		mixed                     bool
	}{
		{20, 15, 6, 1, true},
		{10, 31, 30, 1, false},
		{12, 40, 8, 3, true},
		{4, 200, 40, 1, true},
		{3, 400, 100, 1, false},
	} {
		name := fmt.Sprintf("trees=%d/leaves=%d/p=%d/outputs=%d", c.trees, c.leaves, c.p, c.outputs)
		t.Run(name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(uint64(c.leaves), uint64(c.p)))
			s := Spec{Features: c.p, Link: Identity, Base: []float64{0.5}}
			if c.outputs > 1 {
				s.Link, s.Base = Softmax, make([]float64, c.outputs)
				for k := range c.outputs {
					s.Classes = append(s.Classes, float64(k))
				}
			}
			for i := range c.trees {
				tr := randomTree(rng, c.leaves, c.p, c.mixed)
				tr.Class = i % c.outputs
				s.Trees = append(s.Trees, tr)
			}
			e, err := New(s)
			if err != nil {
				t.Fatal(err)
			}
			tables, err := NewExplainer(e)
			if err != nil {
				t.Fatal(err)
			}
			visits, err := newExplainer(e, 0)
			if err != nil {
				t.Fatal(err)
			}
			for _, q := range tables.quad {
				if q != nil && q.scan == nil {
					t.Fatal("a tree took no table within the budget")
				}
			}
			for _, q := range visits.quad {
				if q != nil && q.scan != nil {
					t.Fatal("a tree took a table with no budget")
				}
			}
			t.Logf("most quadrature points %d, depth %d", tables.points, tables.maxDepth)
			w := c.outputs * (c.p + 1)
			got, got2 := make([]float64, w), make([]float64, w)
			worst := 0.0
			for r := range 20 {
				row := randomRow(rng, c.p)
				want := algorithm2(e, row)
				tables.Explain(got, row)
				visits.Explain(got2, row)
				for j := range want {
					d := max(math.Abs(got[j]-want[j]), math.Abs(got2[j]-want[j]))
					worst = max(worst, d)
					if d > 1e-12 {
						t.Fatalf("row %d: value %d: tables %v, per visit %v; Algorithm 2 %v", r, j, got[j], got2[j], want[j])
					}
				}
			}
			t.Logf("largest difference from Algorithm 2: %.3g", worst)
		})
	}
}

// TestTableBudget checks the fallback of trees beyond the table budget:
// the tables taken stay within it, the trees after it compute their
// values at each visit, and the contributions do not change.
func TestTableBudget(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	s := Spec{Features: 12, Link: Identity, Base: []float64{0}}
	for range 30 {
		s.Trees = append(s.Trees, randomTree(rng, 25, 12, true))
	}
	e, err := New(s)
	if err != nil {
		t.Fatal(err)
	}
	full, err := NewExplainer(e)
	if err != nil {
		t.Fatal(err)
	}
	need := 0
	for _, q := range full.quad {
		need += q.scan.floats
	}
	budget := need / 2
	half, err := newExplainer(e, budget)
	if err != nil {
		t.Fatal(err)
	}
	used, with, without := 0, 0, 0
	for _, q := range half.quad {
		if q.scan != nil {
			used += q.scan.floats
			with++
		} else {
			without++
		}
	}
	if used > budget || with == 0 || without == 0 {
		t.Fatalf("budget %d of %d: %d floats of tables, %d trees with, %d without", budget, need, used, with, without)
	}
	a, b := make([]float64, 13), make([]float64, 13)
	for r := range 100 {
		row := randomRow(rng, 12)
		full.Explain(a, row)
		half.Explain(b, row)
		for j := range a {
			if math.Abs(a[j]-b[j]) > 1e-13 {
				t.Fatalf("row %d: value %d: all tables %v, half %v", r, j, a[j], b[j])
			}
		}
	}
}

// TestDeepChain explains a chain of 2000 splits over 3 features with
// and without tables: the workspace stays small (it grows with depth ×
// distinct features, not depth²) and the contributions sum to the margin.
func TestDeepChain(t *testing.T) {
	const depth = 2000
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
	for _, budget := range []int{tableBudget, 0} {
		x, err := newExplainer(e, budget)
		if err != nil {
			t.Fatal(err)
		}
		if got := x.quad[0].scan != nil; got != (budget > 0) {
			t.Fatalf("budget %d: table %v", budget, got)
		}
		ws := x.NewWorkspace()
		// a few vectors of 4 lanes per node (the scan form's C, S and
		// H), against depth² for a workspace per level of depth
		if n := len(ws.buf) + len(ws.vals); n > 30*depth {
			t.Fatalf("workspace of %d floats for a chain of %d", n, depth)
		}
		raw := make([]float64, 1)
		for _, row := range [][]float64{{0, 0, 0}, {-10, 10, math.NaN()}, {1.5, -0.5, 2.5}} {
			c := x.ExplainTo(make([]float64, 4), row, ws)
			if sum, m := c[0]+c[1]+c[2]+c[3], e.Raw(raw, row)[0]; math.Abs(sum-m) > 1e-9 {
				t.Errorf("budget %d: row %v: expected + contributions = %v; margin %v", budget, row, sum, m)
			}
			want := algorithm2(e, row)
			for j := range c {
				if math.Abs(c[j]-want[j]) > 1e-9 {
					t.Errorf("budget %d: row %v: value %d = %v; Algorithm 2 %v", budget, row, j, c[j], want[j])
				}
			}
		}
	}
}

// BenchmarkExplainForms explains one row of 30 features with every
// tree's per-node tables (within the default budget) and with the values
// computed at each visit (the form of trees beyond the budget), through
// 100 trees of 31 leaves and through a deep forest: 100 trees of 2,000
// leaves (depth about 30, the shape of trees grown until their leaves
// are pure), of which the default budget tables the first few.
func BenchmarkExplainForms(b *testing.B) {
	for _, c := range []struct {
		name   string
		trees  int
		leaves int
	}{{"trees=100/leaves=31", 100, 31}, {"forest/trees=100/leaves=2000", 100, 2000}} {
		rng := rand.New(rand.NewPCG(1, uint64(c.leaves)))
		s := Spec{Features: 30, Link: Identity, Base: []float64{0}}
		for range c.trees {
			s.Trees = append(s.Trees, randomTree(rng, c.leaves, 30, false))
		}
		e, err := New(s)
		if err != nil {
			b.Fatal(err)
		}
		rows := make([][]float64, 64)
		for i := range rows {
			rows[i] = randomRow(rng, 30)
		}
		for _, f := range []struct {
			name   string
			budget int
		}{{"default", tableBudget}, {"per-visit", 0}} {
			b.Run(c.name+"/"+f.name, func(b *testing.B) {
				x, _ := newExplainer(e, f.budget)
				ws := x.NewWorkspace()
				dst := make([]float64, 31)
				b.ReportAllocs()
				i := 0
				for b.Loop() {
					x.ExplainTo(dst, rows[i&63], ws)
					i++
				}
			})
		}
	}
}

// TestLongPath explains chains of splits on distinct features: 40 (20
// quadrature points, the scan padded to 24) against Algorithm 2, and 120
// (60 points, beyond the scan's largest array: the recursive walk) by
// the sum of the contributions, since Algorithm 2 itself drifts there
// (its sum is off by 6e-9 at 80 features and 1e-2 at 120, while the
// quadrature's stays within 1e-15).
func TestLongPath(t *testing.T) {
	for _, c := range []struct {
		depth int
		scan  bool
	}{{40, true}, {120, false}} {
		rng := rand.New(rand.NewPCG(7, 7))
		tr := Tree{Nodes: make([]Node, 2*c.depth+1)}
		for i := range c.depth {
			tr.Nodes[2*i] = Node{Feature: int32(i), Left: int32(2*i + 1), Value: rng.NormFloat64(), Flags: Flags(i % 2)}
			tr.Nodes[2*i+1] = Node{Feature: -1, Value: rng.NormFloat64()}
		}
		tr.Nodes[2*c.depth] = Node{Feature: -1, Value: 1}
		tr.Cover = make([]float64, len(tr.Nodes))
		for i := len(tr.Nodes) - 1; i >= 0; i-- {
			if n := tr.Nodes[i]; n.Feature < 0 {
				tr.Cover[i] = float64(1 + rng.IntN(4))
			} else {
				tr.Cover[i] = tr.Cover[n.Left] + tr.Cover[n.Left+1]
			}
		}
		e, err := New(Spec{Features: c.depth, Link: Identity, Base: []float64{0}, Trees: []Tree{tr}})
		if err != nil {
			t.Fatal(err)
		}
		x, err := NewExplainer(e)
		if err != nil {
			t.Fatal(err)
		}
		if q := x.quad[0]; (q.scan != nil) != c.scan {
			t.Fatalf("depth %d: %d points, scan %v; want scan %v", c.depth, q.n, q.scan != nil, c.scan)
		}
		got, raw := make([]float64, c.depth+1), make([]float64, 1)
		for r := range 5 {
			row := make([]float64, c.depth)
			for j := range row {
				row[j] = rng.NormFloat64()
				if r == 4 {
					row[j] = -10 // down the whole chain
				}
			}
			x.Explain(got, row)
			sum := 0.0
			for _, v := range got {
				sum += v
			}
			if m := e.Raw(raw, row)[0]; math.Abs(sum-m) > 1e-12 {
				t.Errorf("depth %d: row %d: expected + contributions = %v; margin %v", c.depth, r, sum, m)
			}
			if !c.scan {
				continue
			}
			want := algorithm2(e, row)
			for j := range want {
				if math.Abs(got[j]-want[j]) > 1e-12 {
					t.Fatalf("depth %d: row %d: value %d = %v; Algorithm 2 %v", c.depth, r, j, got[j], want[j])
				}
			}
		}
	}
}

// TestSharedChild checks that NewExplainer rejects a tree where a node
// is the child of two splits, whose paths could be exponentially many.
func TestSharedChild(t *testing.T) {
	tr := Tree{
		Nodes: []Node{
			{Feature: 0, Left: 1},
			{Feature: 1, Left: 3}, {Feature: 1, Left: 3},
			{Feature: -1, Value: 1}, {Feature: -1, Value: 2},
		},
		Cover: []float64{4, 2, 2, 1, 1},
	}
	e, err := New(Spec{Features: 2, Link: Identity, Base: []float64{0}, Trees: []Tree{tr}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := NewExplainer(e); !errors.Is(err, ErrInvalid) {
		t.Fatalf("NewExplainer of a shared child: %v; want ErrInvalid", err)
	}
}
