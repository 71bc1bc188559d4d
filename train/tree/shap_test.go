package tree_test

import (
	"bytes"
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/loomml/loom/train"
	"github.com/loomml/loom/train/tree"
)

// withCovers returns e's spec with random covers: leaf weights drawn
// from seed (some 0), summed up to the root; with mixed, some numeric
// splits become categorical or ZeroMissing.
func withCovers(e *tree.Ensemble, seed uint64, mixed bool) tree.Spec {
	rng := rand.New(rand.NewPCG(seed, 3))
	s := e.Spec()
	trees := make([]tree.Tree, len(s.Trees))
	for ti, t := range s.Trees {
		t.Nodes = append([]tree.Node(nil), t.Nodes...)
		t.Cover = make([]float64, len(t.Nodes))
		t.Cats = nil
		for i := len(t.Nodes) - 1; i >= 0; i-- {
			n := &t.Nodes[i]
			if n.IsLeaf() {
				if rng.IntN(8) > 0 {
					t.Cover[i] = float64(1 + rng.IntN(50))
				}
				continue
			}
			t.Cover[i] = t.Cover[n.Left] + t.Cover[n.Left+1]
			if !mixed {
				continue
			}
			switch rng.IntN(4) {
			case 0:
				n.Flags = tree.Categorical | n.Flags&tree.DefaultLeft
				n.Value = 0
				n.CatOffset, n.CatWords = uint32(len(t.Cats)), 1
				t.Cats = append(t.Cats, rng.Uint64()&0xff)
			case 1:
				n.Flags |= tree.ZeroMissing
			}
		}
		trees[ti] = t
	}
	s.Trees = trees
	return s
}

// route is the child of split n that value v takes, written apart from
// the package's walk.
func route(t *tree.Tree, n *tree.Node, v float64) int32 {
	missing := math.IsNaN(v) || (n.Flags&tree.ZeroMissing != 0 && math.Abs(v) <= 1e-35)
	if n.Flags&tree.Categorical != 0 {
		c := int64(v)
		if !missing && float64(c) == v && c >= 0 && c < 64*int64(n.CatWords) {
			if t.Cats[int64(n.CatOffset)+c/64]>>(c%64)&1 == 1 {
				return n.Left
			}
			return n.Left + 1
		}
		missing = true
	}
	if missing {
		if n.Flags&tree.DefaultLeft != 0 {
			return n.Left
		}
		return n.Left + 1
	}
	if v <= n.Value {
		return n.Left
	}
	return n.Left + 1
}

// condExp is the expected value of tree t under node i given the
// features in known (a bit set) of x: known splits follow x, unknown ones
// weigh both children by their covers.
func condExp(t *tree.Tree, i int32, x []float64, known uint) float64 {
	n := &t.Nodes[i]
	if n.IsLeaf() {
		return n.Value
	}
	if known>>n.Feature&1 == 1 {
		return condExp(t, route(t, n, x[n.Feature]), x, known)
	}
	cl, cr := t.Cover[n.Left], t.Cover[n.Left+1]
	fl, fr := 0.5, 0.5
	if cl+cr > 0 {
		fl, fr = cl/(cl+cr), cr/(cl+cr)
	}
	return fl*condExp(t, n.Left, x, known) + fr*condExp(t, n.Left+1, x, known)
}

// bruteShapley returns the Shapley values of output k's conditional
// expectation by enumerating every subset of the p features, and the
// value of the empty set.
func bruteShapley(s tree.Spec, k int, x []float64) ([]float64, float64) {
	p := s.Features
	v := make([]float64, 1<<p)
	for set := range v {
		v[set] = s.Base[k]
		for ti := range s.Trees {
			if s.Trees[ti].Class == k {
				v[set] += condExp(&s.Trees[ti], 0, x, uint(set))
			}
		}
	}
	fact := func(n int) float64 {
		f := 1.0
		for i := 2; i <= n; i++ {
			f *= float64(i)
		}
		return f
	}
	phi := make([]float64, p)
	for j := range p {
		for set := range v {
			if set>>j&1 == 1 {
				continue
			}
			size := 0
			for b := set; b != 0; b &= b - 1 {
				size++
			}
			w := fact(size) * fact(p-size-1) / fact(p)
			phi[j] += w * (v[set|1<<j] - v[set])
		}
	}
	return phi, v[0]
}

func TestExplainMatchesBruteForce(t *testing.T) {
	for _, c := range []struct {
		name    string
		link    tree.Link
		classes []float64
		mixed   bool
	}{
		{"regression", tree.Identity, nil, false},
		{"binary/categorical+zero", tree.Logistic, []float64{0, 1}, true},
		{"softmax/categorical+zero", tree.Softmax, []float64{0, 1, 2}, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			for seed := range uint64(6) {
				p := 3 + int(seed%3)
				s := withCovers(random(seed, 6, 2+int(seed)*2, p, c.link, c.classes), seed, c.mixed)
				e, err := tree.New(s)
				if err != nil {
					t.Fatal(err)
				}
				x, err := tree.NewExplainer(e)
				if err != nil {
					t.Fatal(err)
				}
				for ri, row := range rows(seed+10, 8, p) {
					if c.mixed && ri%2 == 0 {
						row[0] = float64(ri % 9) // a category code
						row[p-1] = 0             // a ZeroMissing value
					}
					got := x.Explain(make([]float64, e.Outputs()*(p+1)), row)
					for k := range e.Outputs() {
						want, base := bruteShapley(s, k, row)
						blk := got[k*(p+1) : (k+1)*(p+1)]
						if d := math.Abs(blk[p] - base); d > 1e-12 {
							t.Errorf("seed %d row %d output %d: expected %v; brute force %v", seed, ri, k, blk[p], base)
						}
						for j := range p {
							if d := math.Abs(blk[j] - want[j]); d > 1e-12 {
								t.Errorf("seed %d row %d output %d: phi[%d] = %v; brute force %v", seed, ri, k, j, blk[j], want[j])
							}
						}
					}
				}
			}
		})
	}
}

// TestExplainSumsToMargin checks expected + Σ contributions = Raw on
// ensembles of the benchmark's size.
func TestExplainSumsToMargin(t *testing.T) {
	for _, c := range []struct {
		link    tree.Link
		classes []float64
		mixed   bool
	}{{tree.Identity, nil, false}, {tree.Logistic, []float64{0, 1}, true}, {tree.Softmax, []float64{0, 1, 2, 3}, true}} {
		t.Run(c.link.String(), func(t *testing.T) {
			e, err := tree.New(withCovers(random(7, 40, 31, 20, c.link, c.classes), 7, c.mixed))
			if err != nil {
				t.Fatal(err)
			}
			x, err := tree.NewExplainer(e)
			if err != nil {
				t.Fatal(err)
			}
			ws := x.NewWorkspace()
			raw := make([]float64, e.Outputs())
			dst := make([]float64, e.Outputs()*21)
			for ri, row := range rows(8, 50, 20) {
				x.ExplainTo(dst, row, ws)
				e.Raw(raw, row)
				for k := range e.Outputs() {
					sum := 0.0
					for _, v := range dst[k*21 : (k+1)*21] {
						sum += v
					}
					if d := math.Abs(sum - raw[k]); d > 1e-9 {
						t.Errorf("row %d output %d: expected + contributions = %v; margin %v", ri, k, sum, raw[k])
					}
				}
			}
		})
	}
}

func TestExplainerErrors(t *testing.T) {
	e := random(1, 3, 4, 3, tree.Identity, nil)
	if _, err := tree.NewExplainer(e); !errors.Is(err, tree.ErrNoCover) {
		t.Fatalf("NewExplainer without covers: %v; want ErrNoCover", err)
	}
	if _, err := train.NewExplainer(e.Model(), nil); !errors.Is(err, tree.ErrNoCover) {
		t.Fatalf("train.NewExplainer without covers: %v; want ErrNoCover", err)
	}
	e2, err := tree.New(withCovers(e, 1, false))
	if err != nil {
		t.Fatal(err)
	}
	x, err := train.NewExplainer(e2.Model(), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		dst  []float64
		row  []float64
	}{{"short dst", make([]float64, 3), make([]float64, 3)}, {"wrong width", make([]float64, 4), make([]float64, 2)}} {
		t.Run(c.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("Explain with %s did not panic", c.name)
				}
			}()
			x.Explain(c.dst, c.row)
		})
	}
}

func TestExplainAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("allocations differ under -race")
	}
	e, err := tree.New(withCovers(random(1, 100, 31, 30, tree.Logistic, []float64{0, 1}), 1, false))
	if err != nil {
		t.Fatal(err)
	}
	x, _ := tree.NewExplainer(e)
	ws := x.NewWorkspace()
	row := rows(2, 1, 30)[0]
	dst := make([]float64, 31)
	if a := testing.AllocsPerRun(50, func() { x.ExplainTo(dst, row, ws) }); a != 0 {
		t.Errorf("ExplainTo allocates %v times; want 0", a)
	}
	if a := testing.AllocsPerRun(50, func() { x.Explain(dst, row) }); a != 0 {
		t.Errorf("Explain allocates %v times; want 0", a)
	}
}

// balanced returns n complete trees of the given depth over p features
// with covers, from seed: the shape of XGBoost's depth-wise growth.
func balanced(seed uint64, n, depth, p int) *tree.Ensemble {
	rng := rand.New(rand.NewPCG(seed, 5))
	s := tree.Spec{Features: p, Link: tree.Logistic, Classes: []float64{0, 1}, Base: []float64{0}}
	for range n {
		var t tree.Tree
		internal := 1<<depth - 1
		for i := range 2*internal + 1 {
			if i < internal {
				// children of node i at 2i+1, 2i+2: adjacent and after it
				t.Nodes = append(t.Nodes, tree.Node{Feature: int32(rng.IntN(p)), Left: int32(2*i + 1), Value: rng.NormFloat64(), Flags: tree.Flags(rng.IntN(2))})
			} else {
				t.Nodes = append(t.Nodes, tree.Node{Feature: -1, Value: rng.NormFloat64() / 10})
			}
		}
		t.Cover = make([]float64, len(t.Nodes))
		for i := len(t.Nodes) - 1; i >= 0; i-- {
			if i >= internal {
				t.Cover[i] = float64(1 + rng.IntN(50))
			} else {
				t.Cover[i] = t.Cover[2*i+1] + t.Cover[2*i+2]
			}
		}
		s.Trees = append(s.Trees, t)
	}
	e, err := tree.New(s)
	if err != nil {
		panic(err)
	}
	return e
}

// BenchmarkExplain is TreeSHAP for one row of 30 features through 100
// trees of 31 leaves grown leaf by leaf (random shape, depth 7 to 13),
// and through 100 complete trees of depth 5 (32 leaves) and of depth 6
// (64 leaves, XGBoost's default), with a caller's workspace.
func BenchmarkExplain(b *testing.B) {
	for _, c := range []struct {
		name string
		e    *tree.Ensemble
	}{
		{"trees=100/leaves=31", must(tree.New(withCovers(random(1, 100, 31, 30, tree.Logistic, []float64{0, 1}), 1, false)))},
		{"trees=100/depth=5", balanced(1, 100, 5, 30)},
		{"trees=100/depth=6", balanced(1, 100, 6, 30)},
	} {
		b.Run(c.name, func(b *testing.B) {
			x, _ := tree.NewExplainer(c.e)
			ws := x.NewWorkspace()
			xs := rows(2, 64, 30)
			dst := make([]float64, 31)
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				x.ExplainTo(dst, xs[i&63], ws)
				i++
			}
		})
	}
}

func must(e *tree.Ensemble, err error) *tree.Ensemble {
	if err != nil {
		panic(err)
	}
	return e
}

// FuzzExplain explains ensembles decoded from outside bytes: no panic,
// no runaway allocation, and where the values are moderate the
// contributions sum to the margin.
func FuzzExplain(f *testing.F) {
	for seed := range uint64(3) {
		e := must(tree.New(withCovers(random(seed, 3, 6, 4, tree.Logistic, []float64{0, 1}), seed, seed > 0)))
		b, err := train.Encode(e.Model())
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	// a node that is the child of two splits: New accepts it,
	// NewExplainer must reject it rather than walk every path
	dag := must(tree.New(tree.Spec{Features: 2, Link: tree.Identity, Base: []float64{0}, Trees: []tree.Tree{{
		Nodes: []tree.Node{{Feature: 0, Left: 1}, {Feature: 1, Left: 3}, {Feature: 1, Left: 3}, {Feature: -1, Value: 1}, {Feature: -1, Value: 2}},
		Cover: []float64{4, 2, 2, 1, 1},
	}}}))
	b, err := train.Encode(dag.Model())
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Fuzz(func(t *testing.T, b []byte) {
		// the checksum resealed, so that mutations reach the ensemble
		m, err := train.Decode(resealCRC(bytes.Clone(b)))
		if err != nil {
			return
		}
		var e *tree.Ensemble
		switch m := m.(type) {
		case *tree.Classifier:
			e = m.Ensemble
		case *tree.Regressor:
			e = m.Ensemble
		default:
			return
		}
		if e.Spec().Features > 1<<16 {
			return // a row and its contributions would be this harness's allocation, not the explainer's
		}
		x, err := tree.NewExplainer(e)
		if err != nil {
			if !errors.Is(err, tree.ErrNoCover) && !errors.Is(err, tree.ErrInvalid) {
				t.Fatalf("NewExplainer: %v; want nil, ErrNoCover or ErrInvalid", err)
			}
			return
		}
		p := e.Spec().Features
		row := make([]float64, p)
		for i := range row {
			row[i] = []float64{0, 1, -1.5, math.NaN(), 2}[i%5]
		}
		c := x.Explain(make([]float64, e.Outputs()*(p+1)), row)
		raw := e.Raw(make([]float64, e.Outputs()), row)
		scale := 1.0
		for _, t := range e.Spec().Trees {
			for _, n := range t.Nodes {
				scale += math.Abs(n.Value)
			}
		}
		for _, v := range e.Spec().Base {
			scale += math.Abs(v)
		}
		if scale > 1e9 {
			return
		}
		for k := range e.Outputs() {
			sum := 0.0
			for _, v := range c[k*(p+1) : (k+1)*(p+1)] {
				sum += v
			}
			if math.Abs(sum-raw[k]) > 1e-9*scale {
				t.Fatalf("output %d: expected + contributions = %v; margin %v", k, sum, raw[k])
			}
		}
	})
}
