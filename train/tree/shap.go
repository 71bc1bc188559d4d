package tree

import (
	"errors"
	"fmt"
	"math"
	"sync"
	"unsafe"

	"github.com/loomml/loom/train"
)

// ErrNoCover reports an ensemble that cannot be explained because a tree
// has no node covers (Tree.Cover): TreeSHAP weighs the branches a row does
// not take by the training weight that reached them.
var ErrNoCover = errors.New("tree: no node covers to explain with")

// Explainer computes exact TreeSHAP contributions of an ensemble's raw
// margins: the path-dependent Shapley values of Lundberg, Erion and Lee,
// 2018 ("Consistent individualized feature attribution for tree
// ensembles"), as shap's TreeExplainer(feature_perturbation=
// "tree_path_dependent"), XGBoost's pred_contribs and LightGBM's
// pred_contrib compute them.
//
// The value of a set S of known features is the expected margin given
// x_S, where an unknown feature's split sends the row down both children
// weighed by their covers (cover(child) / (cover(left)+cover(right)), a
// half each when both are 0) and a known feature's split sends it where
// the row goes: a missing value and a categorical code follow the same
// path as in prediction (DefaultLeft, ZeroMissing, the bitset). The
// contributions are the Shapley values of that game, so for every output
// k the expected value (the base margin plus each tree's cover-weighted
// mean leaf value) plus the contributions equals the raw margin.
//
// They are computed in quadrature form (shapquad.go): each leaf's
// Shapley values are integrals of a polynomial of degree below D, the
// most distinct features on a path of its tree, which Gauss–Legendre
// quadrature with ⌈D/2⌉ points integrates exactly; one walk of each tree
// per row does O(⌈D/2⌉) arithmetic per edge, vectorised over the points
// (shapscan.go), from per-split records built by NewExplainer within a
// memory budget.
//
// An Explainer is immutable and safe for concurrent use.
type Explainer struct {
	e        *Ensemble
	expected []float64   // per output
	quad     []*quadTree // per tree, nil for a single leaf
	// workspace sizes: of the trees with tables, the most nodes and
	// the stride of their values (4 or 8 lanes); of the others, the
	// most depth and points
	slots, stride    int
	maxDepth, points int
	// the offsets in the lane accumulators (output·features + feature)
	// of the features split by trees with tables, increasing
	used []int32
	// the jobs of the trees with tables and no categorical or
	// ZeroMissing split, run by one call per row
	batch []scanJob
	pool  sync.Pool // *Workspace
}

// NewExplainer returns the explainer of e. A tree without covers is an
// error wrapping ErrNoCover naming it, and one where a node is the child
// of two splits (which New accepts, though no trainer or importer makes
// it) an error wrapping ErrInvalid.
func NewExplainer(e *Ensemble) (*Explainer, error) {
	return newExplainer(e, tableBudget)
}

// newExplainer is NewExplainer with at most budget floats of tables.
func newExplainer(e *Ensemble, budget int) (*Explainer, error) {
	x := &Explainer{e: e, expected: append([]float64(nil), e.spec.Base...)}
	p := e.spec.Features
	zcur, seen, last := make([]float64, p), make([]int32, p), make([]int32, p)
	used := make([]bool, e.outputs*p) // by the trees with tables
	for i := range zcur {
		zcur[i] = 1
	}
	rules := map[[2]int][2][]float64{} // quadrature rules by points and padding
	rule := func(n, pad int) ([]float64, []float64) {
		r, ok := rules[[2]int{n, pad}]
		if !ok {
			r[0], r[1] = gaussLegendre(n, pad)
			rules[[2]int{n, pad}] = r
		}
		return r[0], r[1]
	}
	for ti := range e.spec.Trees {
		t := &e.spec.Trees[ti]
		if t.Cover == nil {
			return nil, fmt.Errorf("%w: tree %d has none", ErrNoCover, ti)
		}
		if c := t.sharedChild(); c >= 0 {
			return nil, fmt.Errorf("%w: tree %d: node %d is the child of two splits (explaining walks every path)", ErrInvalid, ti, c)
		}
		q := newQuadTree(t, t.shares(), zcur, seen, last)
		x.quad = append(x.quad, q)
		mean, depth := t.meanDepth(0)
		x.expected[t.Class] += mean
		if q == nil {
			continue
		}
		if lanes := scanWidth(q.n); q.n <= scanMaxPoints {
			if fl := scanFloats(q, lanes); fl <= min(budget, tableTree) {
				q.x, q.w = rule(q.n, lanes)
				q.scan = buildScan(q, t, lanes)
				q.scan.setJobs(t.Class, p)
				if len(q.scan.special) == 0 {
					x.batch = append(x.batch, q.scan.jobs...)
				}
				q.z, q.zp, q.fv, q.slot, q.edges, q.inner = nil, nil, nil, nil, nil, nil
				budget -= fl
				for _, r := range q.scan.recs {
					used[t.Class*p+int(r.feature)] = true
				}
				x.slots = max(x.slots, len(t.Nodes))
				x.stride = max(x.stride, min(lanes, 2*scanLanes))
				continue
			}
		}
		q.x, q.w = rule(q.n, q.n)
		q.slot, q.edges, q.inner = nil, nil, nil // the recursive walk's tree
		x.points = max(x.points, q.n)
		x.maxDepth = max(x.maxDepth, depth)
	}
	for i, u := range used {
		if u {
			x.used = append(x.used, int32(i))
		}
	}
	x.pool.New = func() any { return x.NewWorkspace() }
	return x, nil
}

// sharedChild returns a node that is the child of two splits, or -1.
// New accepts such a graph (prediction follows one path), but its paths
// can be exponentially many.
func (t *Tree) sharedChild() int32 {
	seen := make([]bool, len(t.Nodes))
	for i := range t.Nodes {
		if n := &t.Nodes[i]; n.Feature >= 0 {
			for c := n.Left; c <= n.Left+1; c++ {
				if seen[c] {
					return c
				}
				seen[c] = true
			}
		}
	}
	return -1
}

// meanDepth returns the cover-weighted mean leaf value under node i and
// the depth of its subtree (0 for a leaf). Children come after their
// parent (New checks it), so the recursion ends.
func (t *Tree) meanDepth(i int32) (float64, int) {
	n := &t.Nodes[i]
	if n.Feature < 0 {
		return n.Value, 0
	}
	fl, fr := t.fractions(n)
	ml, dl := t.meanDepth(n.Left)
	mr, dr := t.meanDepth(n.Left + 1)
	return fl*ml + fr*mr, 1 + max(dl, dr)
}

// shares returns each node's share of its parent's cover (0 at the
// root).
func (t *Tree) shares() []float64 {
	frac := make([]float64, len(t.Nodes))
	for i := range t.Nodes {
		if n := &t.Nodes[i]; n.Feature >= 0 {
			frac[n.Left], frac[n.Left+1] = t.fractions(n)
		}
	}
	return frac
}

// fractions returns the shares of split n's cover that went left and
// right.
func (t *Tree) fractions(n *Node) (left, right float64) {
	cl, cr := t.Cover[n.Left], t.Cover[n.Left+1]
	if cl+cr == 0 {
		return 0.5, 0.5
	}
	return cl / (cl + cr), cr / (cl + cr)
}

// child returns the child of split n that a row with value v takes, as
// leaf walks.
func (t *Tree) child(n *Node, v float64) int32 {
	if n.Flags&Categorical != 0 {
		return n.Left + t.catRight(n, v)
	}
	if v != v || (n.Flags&ZeroMissing != 0 && math.Abs(v) <= zeroEpsilon) {
		return n.Left + (int32(n.Flags&DefaultLeft) ^ 1)
	}
	return n.Left + b2i(v > n.Value)
}

// Features returns the number of features of a row.
func (x *Explainer) Features() int { return x.e.spec.Features }

// Outputs returns the number of raw margins explained (Ensemble.Outputs).
func (x *Explainer) Outputs() int { return x.e.outputs }

// Expected returns the expected raw margin of each output (a new slice):
// the base margin plus each tree's cover-weighted mean leaf value.
func (x *Explainer) Expected() []float64 { return append([]float64(nil), x.expected...) }

// Workspace is the scratch space of one explanation at a time; reuse one
// per goroutine so that explaining does not allocate.
type Workspace struct {
	route, cases []int32   // per node of a tree with tables
	vals         []float64 // per node of a tree with tables: C (then S) and H of a group of lanes
	phi          []float64 // per output, feature and lane: the accumulators of the trees with tables
	dis          []bool    // per feature
	buf          []float64 // 4 values per quadrature point per level of depth, and the root's 2
}

// NewWorkspace returns a workspace for x. Its size grows with the nodes
// of the largest tree with tables (bounded) times 4 or 8, the depth
// times the quadrature points of the deepest tree without tables, and
// the features (8 floats per feature and output when a tree has tables:
// the lanes of the contributions, of which a row clears and sums only
// those of the features the trees with tables split).
func (x *Explainer) NewWorkspace() *Workspace {
	acc := 0 // lane accumulators, when a tree has tables
	if len(x.used) > 0 {
		acc = x.e.outputs * x.e.spec.Features * 2 * scanLanes
	}
	return &Workspace{
		route: make([]int32, x.slots), cases: make([]int32, x.slots),
		vals: aligned(2 * x.stride * x.slots),
		phi:  aligned(acc),
		dis:  make([]bool, x.e.spec.Features), buf: make([]float64, (4*x.maxDepth+2)*x.points),
	}
}

// aligned returns n floats starting on a 64-byte boundary, so that the
// scan form's vectors of 4 lanes do not straddle cache lines.
func aligned(n int) []float64 {
	s := make([]float64, n+7)
	off := int(uintptr(unsafe.Pointer(unsafe.SliceData(s)))%64) / 8
	return s[(8-off)%8:][:n:n]
}

// Explain writes the contributions of row x into dst and returns
// dst[:Outputs()*(Features()+1)]: for output k, dst[k*(p+1)+j] is the
// contribution of feature j and dst[k*(p+1)+p] the expected margin
// (XGBoost's pred_contribs layout), so that each block sums to the raw
// margin. It implements train.Explainer; it takes a pooled workspace and
// does not allocate in the steady state. It panics when dst is too short
// or x has the wrong width.
func (x *Explainer) Explain(dst, row []float64) []float64 {
	ws := x.pool.Get().(*Workspace)
	dst = x.ExplainTo(dst, row, ws)
	x.pool.Put(ws)
	return dst
}

// ExplainTo is Explain with a caller's workspace: it does not allocate.
// ws must come from x's NewWorkspace.
func (x *Explainer) ExplainTo(dst, row []float64, ws *Workspace) []float64 {
	e := x.e
	e.check(row)
	p := e.spec.Features
	w := e.outputs * (p + 1)
	if len(dst) < w {
		panic(fmt.Sprintf("tree: Explain dst must hold %d values, got %d", w, len(dst)))
	}
	dst = dst[:w]
	clear(dst)
	for k := range e.outputs {
		dst[k*(p+1)+p] = x.expected[k]
	}
	const lanes = 2 * scanLanes
	acc := ws.phi
	for _, i := range x.used {
		clear(acc[int(i)*lanes:][:lanes])
	}
	scanBatch(x.batch, row, ws, acc)
	for ti, q := range x.quad {
		if q == nil {
			continue
		}
		t := &e.spec.Trees[ti]
		if q.scan != nil {
			if len(q.scan.special) > 0 {
				q.scan.run(t, row, acc, ws)
			}
			continue
		}
		phi := dst[t.Class*(p+1) : t.Class*(p+1)+p]
		s := quadWalk{t: t, q: q, row: row, phi: phi, dis: ws.dis}
		n := q.n
		c, root, buf := ws.buf[:n], ws.buf[n:2*n], ws.buf[2*n:]
		for k := range c {
			c[k] = 1
		}
		s.node(0, c, root, buf)
	}
	for _, i := range x.used {
		a := acc[int(i)*lanes:][:lanes]
		dst[int(i)+int(i)/p] += ((a[0] + a[1]) + (a[2] + a[3])) + ((a[4] + a[5]) + (a[6] + a[7]))
	}
	return dst
}

// Explainer returns the TreeSHAP explainer of the ensemble as a
// train.Explainer, making tree models train.Explainable; the feature
// means are not used (the covers stand for the training data).
func (e *Ensemble) Explainer(means []float64) (train.Explainer, error) {
	return NewExplainer(e)
}

var (
	_ train.Explainer   = (*Explainer)(nil)
	_ train.Explainable = (*Classifier)(nil)
	_ train.Explainable = (*Regressor)(nil)
)
