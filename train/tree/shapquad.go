package tree

import "gonum.org/v1/gonum/integrate/quad"

// The quadrature form of path-dependent TreeSHAP: one walk of each tree
// per row, O(n) arithmetic per edge for n = ⌈D/2⌉ (D the most distinct
// features on a root-to-leaf path), with no per-leaf polynomial work. It
// is the reformulation of Quadrature-TreeSHAP (Wettenstein, Mitchell and
// Yu, 2026, arXiv:2605.04497), derived here with as many Gauss–Legendre
// points as make it exact rather than a fixed 8.
//
// For a leaf l of value v, let F be the distinct features on its path,
// z_j the product of the cover shares of the path's children over the
// splits on feature j, and a_j = 1 when the row follows the path at every
// split on j, else 0. The leaf's part of the conditional expectation
// given the known features S is v·Π_{j∈S} a_j·Π_{j∈F\S} z_j, whose
// Shapley values are, since the Shapley weight s!(d−s−1)!/d! is the Beta
// integral ∫₀¹ t^s (1−t)^(d−s−1) dt,
//
//	φ_i = v·(a_i − z_i)·∫₀¹ Π_{j∈F, j≠i} f_j(t) dt,   f_j(t) = z_j + (a_j − z_j)·t
//	    = ∫₀¹ h_i(t)·C_l(t) dt,                       C_l = v·Π_{j∈F} f_j, h_i = (a_i − z_i)/f_i.
//
// The integrand is a polynomial of degree |F|−1 < D, so Gauss–Legendre
// quadrature with n points integrates it exactly. Along a path, f_j and
// h_j change only at the splits on j: a split into child c (on feature j,
// whose factor was f_p before it) multiplies C by R_c = f_c/f_p and
// changes h_j by H_c = h_c − h_p. Writing h_j at the leaf as the sum of
// these changes (h = 0 before the first split on j, where f = 1) gives
//
//	φ_j = Σ_c ∫ H_c(t)·S_c(t) dt,   S_c = Σ_{leaves l under c} C_l,
//
// the sum over every split on j into a child c that the walk visits. So
// one walk per row carries C down (n products per edge) and S up (n sums
// per edge) and adds one n-term dot product per edge to φ. R_c and H_c
// depend on the row only through whether the row agrees with the split
// (c is the child it takes) and whether it agreed with every earlier
// split on j; when it did not, f_p = z_p·(1−t) and f_c = z_c·(1−t), so
// R_c is the constant z_c/z_p (the child's cover share) and H_c = 0. The
// two other cases' values at the n points are row-independent; the scan
// form (shapscan.go) of each tree that fits the budget computes them
// from a few scalars per edge in vectors over the points, and the
// recursive walk below for the others (deep trees: forests grown until
// their leaves are pure).
//
// The quadrature is exact, and numerically stable: on a path of 120
// distinct features the contributions still sum to the margin within
// 1e-15, where Algorithm 2's unwinding of its subset weights drifts by
// 1e-2 (TestLongPath).

// tableBudget bounds the floats (16 MiB) of one Explainer's scan forms,
// and tableTree those of one tree (512 KiB, which bounds the workspace
// of the scan); trees beyond either take the recursive walk.
const (
	tableBudget = 1 << 21
	tableTree   = 1 << 16
)

// The three cases of an edge into child c on feature j, by the row:
const (
	takes  = iota // it agreed with the earlier splits on j and takes c
	leaves        // it agreed with them and does not take c
	left          // it left the path at an earlier split on j
)

// quadTree is the quadrature form of one tree.
type quadTree struct {
	n    int       // quadrature points
	x, w []float64 // Gauss–Legendre nodes and weights on [0, 1]
	// per node c (but the root), for the feature f split by c's parent:
	z  []float64 // z_c: the product of the cover shares of the splits on f down to c
	zp []float64 // the same product before the parent's split (1 if it is the first on f)
	fv []float64 // c's share of its parent's cover, times c's value for a leaf

	// the nodes in preorder (slots), the root at 0, while the scan
	// form is built
	slot  []int32    // per node: its slot
	edges []quadEdge // per slot
	inner []int32    // the split nodes, in slot order

	scan *scanForm // nil for the recursive walk
}

// quadEdge is the edge into the node at one slot.
type quadEdge struct {
	par     int32 // the parent's slot
	prev    int32 // the slot of the previous edge on the same feature on the path, 0 (the root's) if none
	feature int32 // the parent's split feature
	right   int32 // 1 for a right child
	leaf    bool
	node    int32 // the node at the slot
}

// newQuadTree prepares t, whose node shares of their parent's cover are
// frac, for p features; zcur and seen are scratch of p values, 1 and 0 on
// entry and on return, last of p slots. It returns nil for a tree that
// is a single leaf.
func newQuadTree(t *Tree, frac, zcur []float64, seen, last []int32) *quadTree {
	if t.Nodes[0].Feature < 0 {
		return nil
	}
	nn := len(t.Nodes)
	q := &quadTree{z: make([]float64, nn), zp: make([]float64, nn), fv: make([]float64, nn), slot: make([]int32, nn), edges: make([]quadEdge, nn)}
	q.z[0], q.zp[0] = 1, 1
	most, next := 0, int32(0)
	var walk func(i int32, distinct int)
	walk = func(i int32, distinct int) {
		si := next
		q.slot[i] = si
		next++
		n := &t.Nodes[i]
		if n.Feature < 0 {
			q.edges[si].leaf = true
			most = max(most, distinct)
			return
		}
		q.inner = append(q.inner, i)
		f := n.Feature
		if seen[f] == 0 {
			distinct++
		}
		seen[f]++
		prev, prevSlot := zcur[f], last[f]
		for c := n.Left; c <= n.Left+1; c++ {
			q.zp[c], q.z[c] = prev, prev*frac[c]
			q.fv[c] = frac[c]
			if t.Nodes[c].Feature < 0 {
				q.fv[c] *= t.Nodes[c].Value
			}
			zcur[f] = q.z[c]
			last[f] = next
			q.edges[next] = quadEdge{par: si, prev: prevSlot, feature: f, right: c - n.Left, node: c}
			walk(c, distinct)
		}
		zcur[f], last[f] = prev, prevSlot
		seen[f]--
	}
	walk(0, 0)
	q.edges = q.edges[:next] // the nodes reached from the root
	q.n = (most + 1) / 2
	return q
}

// gaussLegendre returns the n-point Gauss–Legendre nodes and weights on
// [0, 1] (exact for polynomials of degree up to 2n−1), padded to pad
// points of weight 0.
func gaussLegendre(n, pad int) (x, w []float64) {
	x, w = make([]float64, pad), make([]float64, pad)
	quad.Legendre{}.FixedLocations(x[:n], w[:n], 0, 1)
	for k := n; k < pad; k++ {
		x[k] = 0.5
	}
	return x, w
}

// edge writes R_c and H_c (times the quadrature weights) at the n points
// into r and h for case e of the edge into c.
func (q *quadTree) edge(t *Tree, c, e int32, r, h []float64) {
	zc, zp, v := q.z[c], q.zp[c], 1.0
	if n := &t.Nodes[c]; n.Feature < 0 {
		v = n.Value
	}
	r, h = r[:len(q.x)], h[:len(q.x)]
	for k, x := range q.x {
		switch fp, hp := zp+(1-zp)*x, (1-zp)/(zp+(1-zp)*x); e {
		case takes: // a_c = 1
			fc := zc + (1-zc)*x
			r[k] = v * fc / fp
			h[k] = q.w[k] * ((1-zc)/fc - hp)
		case leaves: // a_c = 0: f_c = z_c·(1−t), h_c = −1/(1−t)
			r[k] = v * zc * (1 - x) / fp
			h[k] = q.w[k] * (-1/(1-x) - hp)
		default: // f_p = z_p·(1−t), f_c = z_c·(1−t): h unchanged
			r[k], h[k] = q.fv[c], 0
		}
	}
}

// quadWalk is the state of one row's recursive walk of one tree without
// tables.
type quadWalk struct {
	t        *Tree
	q        *quadTree
	row, phi []float64
	dis      []bool // per feature: the row left the path at a split on it
}

// node adds the contributions of the subtree of split node i, reached
// with C = c at the n points, and writes its S into s; buf holds 4n
// values per level below. A child the row does not take with z_c = 0
// has C = 0 below it and is walked as any other, its S being 0.
func (w *quadWalk) node(i int32, c, s, buf []float64) {
	t, q := w.t, w.q
	nd := &t.Nodes[i]
	f := nd.Feature
	hot := t.child(nd, w.row[f])
	n := len(c)
	s = s[:n]
	clear(s)
	cc, sc, r, h, below := buf[:n], buf[n:2*n], buf[2*n:3*n], buf[3*n:4*n], buf[4*n:]
	dis := w.dis[f]
	for ch := nd.Left; ch <= nd.Left+1; ch++ {
		e := int32(takes)
		if dis {
			e = left
		} else if ch != hot {
			e = leaves
		}
		q.edge(t, ch, e, r, h)
		acc := 0.0
		if t.Nodes[ch].Feature < 0 {
			for k, ck := range c {
				v := ck * r[k]
				acc += h[k] * v
				s[k] += v
			}
			w.phi[f] += acc
			continue
		}
		for k, ck := range c {
			cc[k] = ck * r[k]
		}
		w.dis[f] = e != takes
		w.node(ch, cc, sc, below)
		w.dis[f] = dis
		for k, sk := range sc[:n] {
			acc += h[k] * sk
			s[k] += sk
		}
		w.phi[f] += acc
	}
}
