package tree

import (
	"errors"
	"fmt"
	"math"
	"sync"

	"github.com/loomml/loom/train"
)

// ErrNoCover reports an ensemble that cannot be explained because a tree
// has no node covers (Tree.Cover): TreeSHAP weighs the branches a row does
// not take by the training weight that reached them.
var ErrNoCover = errors.New("tree: no node covers to explain with")

// Explainer computes exact TreeSHAP contributions of an ensemble's raw
// margins: the path-dependent algorithm of Lundberg, Erion and Lee, 2018
// ("Consistent individualized feature attribution for tree ensembles",
// Algorithm 2), as shap's TreeExplainer(feature_perturbation=
// "tree_path_dependent"), XGBoost's pred_contribs and LightGBM's
// pred_contrib compute it.
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
// An Explainer is immutable and safe for concurrent use.
type Explainer struct {
	e        *Ensemble
	expected []float64    // per output
	frac     [][]float64  // per tree, each node's share of its parent's cover
	tables   []*tableTree // per tree, its per-leaf form or nil
	weights  [][]float64  // Shapley weights up to maxDepth players
	maxDepth int
	pool     sync.Pool // *Workspace
}

// NewExplainer returns the explainer of e. A tree without covers is an
// error wrapping ErrNoCover naming it.
func NewExplainer(e *Ensemble) (*Explainer, error) {
	x := &Explainer{e: e, expected: append([]float64(nil), e.spec.Base...)}
	for ti := range e.spec.Trees {
		t := &e.spec.Trees[ti]
		if t.Cover == nil {
			return nil, fmt.Errorf("%w: tree %d has none", ErrNoCover, ti)
		}
		frac := make([]float64, len(t.Nodes))
		for i := range t.Nodes {
			if n := &t.Nodes[i]; n.Feature >= 0 {
				frac[n.Left], frac[n.Left+1] = t.fractions(n)
			}
		}
		x.frac = append(x.frac, frac)
		x.tables = append(x.tables, newTableTree(t, frac))
		mean, depth := t.meanDepth(0)
		x.expected[t.Class] += mean
		x.maxDepth = max(x.maxDepth, depth)
	}
	x.weights = shapleyWeights(min(x.maxDepth, maxLeafFeatures) + 1)
	x.pool.New = func() any { return x.NewWorkspace() }
	return x, nil
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

// pathElem is one feature on the path from the root, with the fraction of
// the paths where it is unknown (zero) and known (one) that pass, and the
// weight of the subsets of each size (pweight).
type pathElem struct {
	feature       int32
	zero, one, pw float64
}

// Workspace is the scratch space of one explanation at a time; reuse one
// per goroutine so that explaining does not allocate.
type Workspace struct {
	path         []pathElem
	inv          []float64 // inv[i] = 1/i
	e, e2, q, za []float64
	fa           []int32
}

// NewWorkspace returns a workspace for x. Its size grows with the depth
// of the trees times the longest path's number of distinct features (at
// most the ensemble's features).
func (x *Explainer) NewWorkspace() *Workspace {
	// Algorithm 2 keeps a path of distinct features (a repeated feature
	// is unwound before it is extended again): at most Features + 1
	// elements with the root's dummy, copied once per level of the
	// recursion, each copy one element longer than its parent's path.
	u := min(x.maxDepth, x.e.spec.Features) + 1 // longest path
	size := 2
	for level := range x.maxDepth + 2 {
		size += min(level, u) + 2
	}
	k := min(x.maxDepth, maxLeafFeatures) + 2 // per-leaf form scratch
	ws := &Workspace{path: make([]pathElem, size), inv: make([]float64, u+3),
		e: make([]float64, k), e2: make([]float64, k), q: make([]float64, k), za: make([]float64, k), fa: make([]int32, k)}
	for i := 1; i < len(ws.inv); i++ {
		ws.inv[i] = 1 / float64(i)
	}
	return ws
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
	for ti := range e.spec.Trees {
		t := &e.spec.Trees[ti]
		s := shapWalk{t: t, phi: dst[t.Class*(p+1) : t.Class*(p+1)+p], row: row, inv: ws.inv, frac: x.frac[ti], w: x.weights, e: ws.e, e2: ws.e2, q: ws.q, za: ws.za, fa: ws.fa}
		if tt := x.tables[ti]; tt != nil {
			s.table(tt, 0, ^uint64(0))
			continue
		}
		s.node(ws.path, 0, 0, 1, 1, -1)
	}
	return dst
}

// shapWalk is the state of Algorithm 2 over one tree for one row.
type shapWalk struct {
	t        *Tree
	phi, row []float64
	inv      []float64
	frac     []float64   // share of its parent's cover of each node
	w        [][]float64 // Shapley weights by number of players
	e, e2, q []float64   // scratch of the per-leaf form
	za       []float64
	fa       []int32
}

// node is the recursion of Algorithm 2 at node i: path holds the parent's
// path of depth+1 elements and room for the children's; the node is
// reached with the fractions zero and one (0 or 1: no conditioning) of
// the split on feature.
func (s *shapWalk) node(path []pathElem, i int32, depth int, zero, one float64, feature int32) {
	cur := path[depth+1:]
	copy(cur, path[:depth+1])
	s.extend(cur, depth, zero, one, feature)
	t := s.t
	n := &t.Nodes[i]
	if n.Feature < 0 {
		s.leaf(cur, depth, n.Value)
		return
	}
	hot := t.child(n, s.row[n.Feature])
	cold := 2*n.Left + 1 - hot
	hotZero, coldZero := s.frac[hot], s.frac[cold]
	inZero, inOne := 1.0, 1.0
	for j := 0; j <= depth; j++ {
		if cur[j].feature == n.Feature {
			inZero, inOne = cur[j].zero, cur[j].one
			s.unwind(cur, depth, j)
			depth--
			break
		}
	}
	if z := hotZero * inZero; z != 0 || inOne != 0 {
		s.node(cur, hot, depth+1, z, inOne, n.Feature)
	}
	if z := coldZero * inZero; z != 0 {
		s.node(cur, cold, depth+1, z, 0, n.Feature)
	}
}

// extend adds a feature with fractions zero and one to the path of
// depth+1 elements, updating the subset weights.
func (s *shapWalk) extend(path []pathElem, depth int, zero, one float64, feature int32) {
	path[depth] = pathElem{feature: feature, zero: zero, one: one}
	if depth == 0 {
		path[0].pw = 1
		return
	}
	inv := s.inv[depth+1]
	for i := depth - 1; i >= 0; i-- {
		path[i+1].pw += one * path[i].pw * float64(i+1) * inv
		path[i].pw = zero * path[i].pw * float64(depth-i) * inv
	}
}

// unwind removes element j from the path of depth+1 elements, undoing
// extend.
func (s *shapWalk) unwind(path []pathElem, depth, j int) {
	one, zero := path[j].one, path[j].zero
	next := path[depth].pw
	d1 := float64(depth + 1)
	if one != 0 {
		for i := depth - 1; i >= 0; i-- {
			tmp := path[i].pw
			path[i].pw = next * d1 * s.inv[i+1]
			next = tmp - path[i].pw*zero*float64(depth-i)*s.inv[depth+1]
		}
	} else {
		r := d1 / zero
		for i := depth - 1; i >= 0; i-- {
			path[i].pw *= r * s.inv[depth-i]
		}
	}
	for i := j; i < depth; i++ {
		path[i].feature, path[i].zero, path[i].one = path[i+1].feature, path[i+1].zero, path[i+1].one
	}
}

// leaf adds the contributions of a leaf of value v reached with the path
// of depth+1 elements. Each element j contributes (one_j − zero_j)·v
// times the total subset weight of the path without it (Algorithm 2's
// UnwoundSum). For an element with one_j = 0 that weight is
// (depth+1)·Σ_i pw_i/(depth−i) / zero_j, so its contribution is the same
// −(depth+1)·Σ_i pw_i/(depth−i)·v for every such element: computed once.
// Elements with one_j = 1 take the O(depth) recursion each.
func (s *shapWalk) leaf(path []pathElem, depth int, v float64) {
	d1 := float64(depth + 1)
	cold, coldDone := 0.0, false
	for j := 1; j <= depth; j++ {
		el := &path[j]
		if el.one == 0 {
			if !coldDone {
				for i := depth - 1; i >= 0; i-- {
					cold += path[i].pw * s.inv[depth-i]
				}
				cold *= d1 * v
				coldDone = true
			}
			s.phi[el.feature] -= cold
			continue
		}
		zero := el.zero
		next := path[depth].pw
		total := 0.0
		for i := depth - 1; i >= 0; i-- {
			tmp := next * s.inv[i+1]
			total += tmp
			next = path[i].pw - tmp*zero*float64(depth-i)
		}
		s.phi[el.feature] += total * d1 * (1 - zero) * v
	}
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
