package tree

import (
	"slices"
	"unsafe"
)

// The scan form of the quadrature walk (shapquad.go), for trees whose
// precomputed values fit the budget. A row's walk of a tree is a loop
// over its split nodes in preorder computing C (a parent before its
// children), one over its leaves and one over its cherries (below)
// adding their contributions and S to their parents', and a loop over
// the split nodes backwards adding theirs (children before their
// parent), with no recursion and no branch on the row: the case of each
// edge is chosen by
// arithmetic (it follows the row, so a branch would be mispredicted half
// the time), and the points are a fixed-size array (padded with points
// of weight 0), so that the loops over them compile without bounds
// checks.
//
// The values are stored compactly, since reading them is most of a
// walk's memory traffic. The edge into c on a feature first split on
// the path by c's parent (f_p = 1, h_p = 0) needs only two numbers and
// one vector:
//
//	R_c = v·(z_c + (1−z_c)·t) = a + b·t  when the row takes c,
//	R_c = v·z_c·(1−t)         = a − a·t  when it does not,
//	H_c = (1−z_c)/(z_c + (1−z_c)·t)      when it takes c (stored, times the weights),
//	H_c = −1/(1−t)                       when it does not (the same for every edge),
//
// while an edge on a feature split before on the path keeps a table of
// R_c and H_c for each of its three cases. A split whose two children
// are leaves (a cherry: a third of the splits of a tree grown leaf by
// leaf, half of a complete one) is not walked: its S and both
// contributions are products of its parent's C with one of a few
// precomputed combinations, chosen by the case of its edge and the
// row's route at it, so that it costs three n-term products instead of
// the twelve of its three edges.

// points are the array types of the scan's quadrature points, by
// number; a tree's points are padded to the next one.
type points interface {
	[1]float64 | [2]float64 | [3]float64 | [4]float64 | [5]float64 | [6]float64 | [7]float64 | [8]float64 |
		[10]float64 | [12]float64 | [16]float64 | [24]float64 | [32]float64
}

// scanner builds and runs the scan form for one array type.
type scanner struct {
	size  int
	build func(q *quadTree, t *Tree) *scanForm
	run   func(f *scanForm, t *Tree, row, phi []float64, ws *Workspace)
}

// scanners lists the scan's array types, increasing.
var scanners = []scanner{
	{1, buildScan[[1]float64], runScan[[1]float64]},
	{2, buildScan[[2]float64], runScan[[2]float64]},
	{3, buildScan[[3]float64], runScan[[3]float64]},
	{4, buildScan[[4]float64], runScan[[4]float64]},
	{5, buildScan[[5]float64], runScan[[5]float64]},
	{6, buildScan[[6]float64], runScan[[6]float64]},
	{7, buildScan[[7]float64], runScan[[7]float64]},
	{8, buildScan[[8]float64], runScan[[8]float64]},
	{10, buildScan[[10]float64], runScan[[10]float64]},
	{12, buildScan[[12]float64], runScan[[12]float64]},
	{16, buildScan[[16]float64], runScan[[16]float64]},
	{24, buildScan[[24]float64], runScan[[24]float64]},
	{32, buildScan[[32]float64], runScan[[32]float64]},
}

// scannerFor returns the scanner of the smallest array of at least n
// points, or false when n is beyond the largest.
func scannerFor(n int) (scanner, bool) {
	i, _ := slices.BinarySearchFunc(scanners, n, func(s scanner, n int) int { return s.size - n })
	if i == len(scanners) {
		return scanner{}, false
	}
	return scanners[i], true
}

// scanForm is the scan form of one tree, its data a *scanData[V] of its
// scanner's V.
type scanForm struct {
	run    func(f *scanForm, t *Tree, row, phi []float64, ws *Workspace)
	data   any
	floats int // the size of the form, in float64s
}

// scanData is the data of a scan form: the edges into the split nodes
// in preorder (inner, the root's first, unused) but the cherries, the
// edges into the leaves but the cherries' (leaves, by parent), the
// cherries and their combinations (ctab), and the tables of the edges
// on a feature split before on the path (reps: R of each case, then H
// of each case).
type scanData[V points] struct {
	inner      []scanInner[V]
	leaves     []scanEdge[V]
	cherries   []scanCherry
	ctab, reps []V
	g          V // H of an edge on a first split that the row does not take
	x          V // the points
}

// scanEdge is the edge into a node from its parent, a split node.
type scanEdge[V points] struct {
	par     int32 // the parent's index in inner
	prev    int32 // the index in inner of the previous edge on the same feature on the path, 0 if none
	feature int32 // the parent's split feature
	right   int32 // 1 for a right child
	rep     int32 // the index of the edge's tables in reps, -1 on a first split
	a, b    float64
	h       V
}

// scanInner is the edge into a split node, and the split.
type scanInner[V points] struct {
	scanEdge[V]
	scanSplit
}

// scanSplit is a split, for routing a row.
type scanSplit struct {
	node      int32
	split     int32 // the split feature
	missRight int32 // 1 when a missing value goes right
	special   bool  // categorical or ZeroMissing: routed by Tree.child
	threshold float64
}

// newScanSplit returns the split of node i of t.
func newScanSplit(t *Tree, i int32) scanSplit {
	nd := &t.Nodes[i]
	return scanSplit{node: i, split: nd.Feature, missRight: int32(nd.Flags&DefaultLeft) ^ 1,
		special: nd.Flags&(Categorical|ZeroMissing) != 0, threshold: nd.Value}
}

// route returns 1 when the row goes right at the split (written out in
// runScan's loops).
func (sp *scanSplit) route(t *Tree, row []float64) int32 {
	v := row[sp.split]
	if sp.special {
		return sp.routeSpecial(t, row)
	}
	return b2i(v > sp.threshold) | b2i(v != v)&sp.missRight
}

// routeSpecial is route for a categorical or ZeroMissing split, apart
// so that the loops stay small.
//
//go:noinline
func (sp *scanSplit) routeSpecial(t *Tree, row []float64) int32 {
	nd := &t.Nodes[sp.node]
	return t.child(nd, row[sp.split]) - nd.Left
}

// scanCherry is a split node (not the root) whose two children are
// leaves, with the edge into it: its contributions and S follow from
// its parent's C and a precomputed combination for each case of its
// edge (2, or 3 on a feature split before on the path) and each state
// of its children (the row goes left or right, or, when its feature was
// split before on the path, left that path).
type scanCherry struct {
	scanSplit
	par      int32 // the parent's index in inner
	prevOwn  int32 // the index in inner of the previous edge on the parent's feature, 0 if none
	prevKids int32 // the same for the children's feature, when own is 0
	own      int32 // 1 when the children's feature is the parent's (prevKids is then this edge)
	feature  int32 // the parent's split feature
	right    int32 // 1 for a right child
	states   int32 // the children's states: 2 or 3
	tab      int32 // the index in the form's cherry tables of the first combination
	// first holds when both the edge into the cherry and its children's
	// are first splits on their features (the common case): then the
	// combination is computed from R = a + b·t of the three edges (own,
	// left, right) and their H when taken, at tab, tab+1, tab+2, which
	// keeps the form small enough to stay in cache
	first                  bool
	ao, bo, al, bl, ar, br float64
}

// buildScan builds the scan form of q, whose values per node are
// computed, for tree t.
func buildScan[V points](q *quadTree, t *Tree) *scanForm {
	n := q.n
	buf := make([]float64, 6*n)
	x := vec[V](q.x)
	for k := range q.x {
		buf[k] = -q.w[k] / (1 - q.x[k])
	}
	g := vec[V](buf)
	index := make([]int32, len(q.edges)) // slot → index in inner
	inner := make([]scanInner[V], 0, len(q.inner))
	var leaves []scanEdge[V]
	var reps []V
	var cherries []scanCherry
	var ctab []V
	for si := 0; si < len(q.edges); si++ {
		e := &q.edges[si]
		c := e.node
		if nd := &t.Nodes[c]; si > 0 && !e.leaf && t.Nodes[nd.Left].Feature < 0 && t.Nodes[nd.Left+1].Feature < 0 {
			kp := q.edges[si+1].prev // the children's slots are si+1 and si+2
			ch := scanCherry{scanSplit: newScanSplit(t, c), par: index[e.par], prevOwn: index[e.prev], feature: e.feature, right: e.right,
				states: 2, tab: int32(len(ctab))}
			switch {
			case kp == int32(si):
				ch.own, ch.states = 1, 3
			case kp != 0:
				ch.prevKids, ch.states = index[kp], 3
			}
			if e.prev == 0 && ch.states == 2 {
				ch.first = true
				l := t.Nodes[c].Left
				for j, nd := range []int32{c, l, l + 1} {
					q.edge(t, nd, takes, buf[:n], buf[n:2*n])
					ctab = append(ctab, vec[V](buf[n:]))
					v := 1.0
					if j > 0 {
						v = t.Nodes[nd].Value
					}
					a, b := v*q.z[nd], v*(1-q.z[nd])
					switch j {
					case 0:
						ch.ao, ch.bo = a, b
					case 1:
						ch.al, ch.bl = a, b
					default:
						ch.ar, ch.br = a, b
					}
				}
			} else {
				ctab = appendCherry(ctab, q, t, c, 2+b2i(e.prev != 0), ch.states)
			}
			cherries = append(cherries, ch)
			si += 2
			continue
		}
		ed := scanEdge[V]{par: index[e.par], prev: index[e.prev], feature: e.feature, right: e.right, rep: -1}
		switch {
		case si == 0: // the root
		case e.prev == 0:
			q.edge(t, c, takes, buf[:n], buf[n:2*n])
			ed.h = vec[V](buf[n:])
			v := 1.0
			if e.leaf {
				v = t.Nodes[c].Value
			}
			ed.a, ed.b = v*q.z[c], v*(1-q.z[c])
		default:
			ed.rep = int32(len(reps) / 6)
			for cs := range int32(3) {
				q.edge(t, c, cs, buf[int(cs)*n:], buf[(3+int(cs))*n:])
			}
			for j := range 6 {
				reps = append(reps, vec[V](buf[j*n:]))
			}
		}
		if e.leaf {
			leaves = append(leaves, ed)
			continue
		}
		index[si] = int32(len(inner))
		inner = append(inner, scanInner[V]{scanEdge: ed, scanSplit: newScanSplit(t, c)})
	}
	slices.SortStableFunc(leaves, func(a, b scanEdge[V]) int { return int(a.par - b.par) })
	f := &scanForm{run: runScan[V], data: &scanData[V]{inner: inner, leaves: leaves, cherries: cherries, ctab: ctab, reps: reps, g: g, x: x}}
	f.floats = (len(inner)*int(unsafe.Sizeof(inner[0])) + len(leaves)*int(unsafe.Sizeof(scanEdge[V]{})) + len(cherries)*int(unsafe.Sizeof(scanCherry{}))) / 8
	f.floats += (len(reps) + len(ctab)) * n
	return f
}

// appendCherry appends to tab the combinations of cherry c of t, for
// each of the cases of the edge into it and each of its children's
// states: A = R_c·(R_l + R_r) (S), B = H_c·A (the contribution of the
// parent's feature) and D = R_c·(H_l·R_l + H_r·R_r) (that of c's).
func appendCherry[V points](tab []V, q *quadTree, t *Tree, c int32, cases, states int32) []V {
	n := q.n
	b := make([]float64, 6*n)
	ro, ho, rl, hl, rr, hr := b[:n], b[n:2*n], b[2*n:3*n], b[3*n:4*n], b[4*n:5*n], b[5*n:]
	l := t.Nodes[c].Left
	for e := range cases {
		q.edge(t, c, e, ro, ho)
		for st := range states {
			cl, cr := int32(left), int32(left)
			if st < 2 { // the row goes left (0) or right (1)
				cl, cr = st, 1-st
			}
			q.edge(t, l, cl, rl, hl)
			q.edge(t, l+1, cr, rr, hr)
			var a, bb, d V
			for k := range n {
				a[k] = ro[k] * (rl[k] + rr[k])
				bb[k] = ho[k] * a[k]
				d[k] = ro[k] * (hl[k]*rl[k] + hr[k]*rr[k])
			}
			tab = append(tab, a, bb, d)
		}
	}
	return tab
}

// vec returns the first N values of s as a V = [N]float64.
func vec[V points](s []float64) V {
	var v V
	for k := range len(v) {
		v[k] = s[k]
	}
	return v
}

// runScan adds the contributions of tree t, of scan form f, for row to
// phi: C forwards over the split nodes (a parent before its children),
// the leaves' C and their contributions and S, then S backwards over the
// split nodes (children before their parent). A child with C = 0 below
// it (a zero cover the row does not take) is walked as any other, its S
// being 0.
func runScan[V points](f *scanForm, t *Tree, row, phi []float64, ws *Workspace) {
	d := f.data.(*scanData[V])
	inner, leaves, reps := d.inner, d.leaves, d.reps
	x, g := &d.x, &d.g
	var zero V
	n := len(zero)
	route, cases := ws.route[:len(inner)], ws.cases[:len(inner)]
	cv, sv := arrays[V](ws.c)[:len(inner)], arrays[V](ws.s)[:len(inner)]
	for k := 0; k < n; k++ {
		cv[0][k], sv[0][k] = 1, 0
	}
	cases[0] = takes
	route[0] = inner[0].route(t, row)
	for i := 1; i < len(inner); i++ {
		in := &inner[i]
		cold := in.right ^ route[in.par]
		cp, ci := &cv[in.par], &cv[i]
		sv[i] = zero
		if in.rep < 0 { // a first split: the row agreed with every earlier one
			cases[i] = cold
			a, b := in.a, in.b+float64(cold)*(-in.a-in.b)
			k := 0
			for ; k+1 < n; k += 2 {
				(*ci)[k] = (*cp)[k] * (a + b*(*x)[k])
				(*ci)[k+1] = (*cp)[k+1] * (a + b*(*x)[k+1])
			}
			if n%2 == 1 {
				(*ci)[k] = (*cp)[k] * (a + b*(*x)[k])
			}
		} else {
			e := cold + b2i(cases[in.prev] != takes)*(2-cold)
			cases[i] = e
			r := &reps[6*int(in.rep)+int(e)]
			k := 0
			for ; k+1 < n; k += 2 {
				(*ci)[k] = (*cp)[k] * (*r)[k]
				(*ci)[k+1] = (*cp)[k+1] * (*r)[k+1]
			}
			if n%2 == 1 {
				(*ci)[k] = (*cp)[k] * (*r)[k]
			}
		}
		v := row[in.split] // route, written out: a call would cost more than it
		route[i] = b2i(v > in.threshold) | b2i(v != v)&in.missRight
		if in.special {
			route[i] = in.routeSpecial(t, row)
		}
	}
	for j := range leaves {
		lf := &leaves[j]
		cold := lf.right ^ route[lf.par]
		cp, sp := &cv[lf.par], &sv[lf.par]
		acc := 0.0
		if lf.rep < 0 {
			a, b := lf.a, lf.b+float64(cold)*(-lf.a-lf.b)
			h := [2]*V{&lf.h, g}[cold]
			k := 0
			for ; k+1 < n; k += 2 {
				v0 := (*cp)[k] * (a + b*(*x)[k])
				v1 := (*cp)[k+1] * (a + b*(*x)[k+1])
				acc += (*h)[k]*v0 + (*h)[k+1]*v1
				(*sp)[k] += v0
				(*sp)[k+1] += v1
			}
			if n%2 == 1 {
				v := (*cp)[k] * (a + b*(*x)[k])
				acc += (*h)[k] * v
				(*sp)[k] += v
			}
		} else {
			e := cold + b2i(cases[lf.prev] != takes)*(2-cold)
			r, h := &reps[6*int(lf.rep)+int(e)], &reps[6*int(lf.rep)+3+int(e)]
			k := 0
			for ; k+1 < n; k += 2 {
				v0, v1 := (*cp)[k]*(*r)[k], (*cp)[k+1]*(*r)[k+1]
				acc += (*h)[k]*v0 + (*h)[k+1]*v1
				(*sp)[k] += v0
				(*sp)[k+1] += v1
			}
			if n%2 == 1 {
				v := (*cp)[k] * (*r)[k]
				acc += (*h)[k] * v
				(*sp)[k] += v
			}
		}
		phi[lf.feature] += acc
	}
	ctab := d.ctab
	for j := range d.cherries {
		ch := &d.cherries[j]
		cold := ch.right ^ route[ch.par]
		e := cold + b2i(cases[ch.prevOwn] != takes)*(2-cold)
		v := row[ch.split]
		r := b2i(v > ch.threshold) | b2i(v != v)&ch.missRight
		if ch.special {
			r = ch.routeSpecial(t, row)
		}
		cp, sp := &cv[ch.par], &sv[ch.par]
		if ch.first {
			// R = a + b·t, b for the edge taken, −a for the other; the
			// left child is taken when r is 0
			bo, bl, br := ch.bo+float64(cold)*(-ch.ao-ch.bo), ch.bl+float64(r)*(-ch.al-ch.bl), -ch.ar+float64(r)*(ch.br+ch.ar)
			ho, hl, hr := [2]*V{&ctab[ch.tab], g}[cold], [2]*V{&ctab[ch.tab+1], g}[r], [2]*V{g, &ctab[ch.tab+2]}[r]
			acc, acc2 := 0.0, 0.0
			for k := 0; k < n; k++ {
				xk := (*x)[k]
				c := (*cp)[k] * (ch.ao + bo*xk)
				rl, rr := ch.al+bl*xk, ch.ar+br*xk
				sk := c * (rl + rr)
				(*sp)[k] += sk
				acc += (*ho)[k] * sk
				acc2 += c * ((*hl)[k]*rl + (*hr)[k]*rr)
			}
			phi[ch.feature] += acc
			phi[ch.split] += acc2
			continue
		}
		dis := b2i(cases[ch.prevKids] != takes)
		dis += ch.own * (b2i(e != takes) - dis)
		o := int(ch.tab) + 3*int(e*ch.states+r+dis*(2-r))
		a, b, dd := &ctab[o], &ctab[o+1], &ctab[o+2]
		acc, acc2 := 0.0, 0.0
		for k := 0; k < n; k++ {
			c := (*cp)[k]
			(*sp)[k] += c * (*a)[k]
			acc += c * (*b)[k]
			acc2 += c * (*dd)[k]
		}
		phi[ch.feature] += acc
		phi[ch.split] += acc2
	}
	for i := len(inner) - 1; i > 0; i-- {
		in := &inner[i]
		var h *V
		if in.rep < 0 {
			h = [2]*V{&in.h, g}[cases[i]]
		} else {
			h = &reps[6*int(in.rep)+3+int(cases[i])]
		}
		si, sp := &sv[i], &sv[in.par]
		acc := 0.0
		k := 0
		for ; k+1 < n; k += 2 {
			acc += (*h)[k]*(*si)[k] + (*h)[k+1]*(*si)[k+1]
			(*sp)[k] += (*si)[k]
			(*sp)[k+1] += (*si)[k+1]
		}
		if n%2 == 1 {
			acc += (*h)[k] * (*si)[k]
			(*sp)[k] += (*si)[k]
		}
		phi[in.feature] += acc
	}
}

// arrays views s as len(s)/N arrays of its values, V being [N]float64.
func arrays[V points](s []float64) []V {
	var v V
	return unsafe.Slice((*V)(unsafe.Pointer(unsafe.SliceData(s))), len(s)/len(v))
}
