package tree

import "unsafe"

// The scan form of the quadrature walk (shapquad.go), for trees whose
// per-edge values fit the budget. A row's walk of a tree is a pass over
// its nodes in preorder computing C (a parent before its children) and
// H, and a pass backwards adding each node's S to its parent's and H·S
// to its feature's accumulator (children before their parent), with no
// recursion and no branch on the row: the case of each edge is chosen by
// selection (it follows the row, so a branch would be mispredicted half
// the time).
//
// The quadrature points are padded (with points of weight 0) to 4 lanes,
// or a multiple of 8, and computed in groups of 4 or 8 lanes, one or two
// 256-bit vectors: by an AVX2 kernel on amd64 (shapscan_amd64.s), by
// scanGroup in Go otherwise or under the purego build tag, the two
// giving the same bits (each product and quotient rounded on its own,
// never fused). Each feature's contributions are accumulated per lane
// across the trees and the lanes summed once per row, so that a node
// costs a few vector operations and no horizontal sum.
//
// The form keeps no vectors per edge, only the edge's scalars (48
// bytes), so that the forms of a 100-tree ensemble stay in the L2 cache:
// R_c and H_c are computed at each visit from v (c's value for a leaf,
// else 1), z_c and, on a feature split before on the path, z_p, as
// quadTree.edge computes them. On a feature first split on the path by
// c's parent (f_p = 1, h_p = 0, the common case), with f_c = z_c +
// (1−z_c)·t,
//
//	R_c = v·f_c,          H_c = w·((1−z_c)/f_c)  when the row takes c,
//	R_c = v·z_c·(1−t),    H_c = −w/(1−t)         when it does not;
//
// on a feature split before, both R_c are divided by f_p = z_p +
// (1−z_p)·t and both H_c less w·(1−z_p)/f_p, and when the row left the
// path at an earlier split on the feature, R_c is c's share of its
// parent's cover (times v) and H_c = 0.

// scanLanes is the width of the form's narrow vector group.
const scanLanes = 4

// scanMaxPoints bounds the quadrature points of a scan form; trees with
// more take the recursive walk.
const scanMaxPoints = 32

// scanForm is the scan form of one tree.
type scanForm struct {
	lanes  int         // quadrature points padded to 4 or a multiple of 8
	recs   []scanRec   // per slot (nodes in preorder), the root's unused
	splits []scanSplit // the split nodes, for routing a row
	// per group of 8 lanes (or the 4 lanes): the points t, the weights
	// w, 1−t and −w/(1−t), a group's lanes each
	tab    []float64
	floats int // the size of the form, in float64s
}

// scanRec is the edge into the node at one slot, laid out as the
// assembly kernels read it (48 bytes).
type scanRec struct {
	par, prev int32 // the parent's slot; the previous edge's on the same feature on the path, 0 if none
	feature   int32 // the parent's split feature
	flags     int32 // scanRight | scanLeaf | scanRepeat
	v         float64
	z, zp     float64 // z_c, and z_p on a feature split before
	fv        float64 // R_c when the row left the path before: c's share of its parent's cover, times v
}

// The flags of a scanRec.
const (
	scanRight  = 1 << iota // c is a right child
	scanLeaf               // c is a leaf
	scanRepeat             // c's parent splits a feature split before on the path
)

// scanSplit is a split, for routing a row.
type scanSplit struct {
	slot      int32
	node      int32
	split     int32 // the split feature
	missRight int32 // 1 when a missing value goes right
	special   bool  // categorical or ZeroMissing: routed by Tree.child
	threshold float64
}

// scanWidth returns the lanes of a scan form of n points.
func scanWidth(n int) int {
	if n <= scanLanes {
		return scanLanes
	}
	return (n + 2*scanLanes - 1) / (2 * scanLanes) * (2 * scanLanes)
}

// scanFloats returns the size in float64s of the scan form of q, with
// points padded to lanes.
func scanFloats(q *quadTree, lanes int) int {
	splits := 0
	for _, e := range q.edges {
		if !e.leaf {
			splits++
		}
	}
	return 4*lanes + len(q.edges)*int(unsafe.Sizeof(scanRec{}))/8 + splits*int(unsafe.Sizeof(scanSplit{}))/8
}

// buildScan builds the scan form of q, whose values per node are
// computed and whose points x, w are padded to lanes, for tree t.
func buildScan(q *quadTree, t *Tree, lanes int) *scanForm {
	f := &scanForm{lanes: lanes, recs: make([]scanRec, len(q.edges)), tab: make([]float64, 4*lanes)}
	g := min(lanes, 2*scanLanes)
	for k := range lanes {
		v := f.tab[4*(k/g)*g+k%g:]
		v[0], v[g], v[2*g], v[3*g] = q.x[k], q.w[k], 1-q.x[k], -q.w[k]/(1-q.x[k])
	}
	for si := range q.edges {
		e := &q.edges[si]
		c := e.node
		if !e.leaf {
			nd := &t.Nodes[c]
			f.splits = append(f.splits, scanSplit{slot: int32(si), node: c, split: nd.Feature,
				missRight: int32(nd.Flags&DefaultLeft) ^ 1, special: nd.Flags&(Categorical|ZeroMissing) != 0, threshold: nd.Value})
		}
		if si == 0 {
			continue
		}
		r := scanRec{par: e.par, prev: e.prev, feature: e.feature, flags: e.right, v: 1, z: q.z[c], zp: 1, fv: q.fv[c]}
		if e.leaf {
			r.flags |= scanLeaf
			r.v = t.Nodes[c].Value
		}
		if e.prev != 0 {
			r.flags |= scanRepeat
			r.zp = q.zp[c]
		}
		f.recs[si] = r
	}
	f.floats = scanFloats(q, lanes)
	return f
}

// run adds the contributions of tree t, of scan form f, for row to phi,
// the per-lane accumulators of t's output (8 floats per feature).
func (f *scanForm) run(t *Tree, row, phi []float64, ws *Workspace) {
	n := len(f.recs)
	route, cases := ws.route[:n], ws.cases[:n]
	for i := range f.splits {
		sp := &f.splits[i]
		v := row[sp.split]
		r := b2i(v > sp.threshold) | b2i(v != v)&sp.missRight
		if sp.special {
			r = sp.routeSpecial(t, row)
		}
		route[sp.slot] = r
	}
	w := min(f.lanes, 2*scanLanes)
	vals := ws.vals[:3*w*n]
	for g := 0; g < f.lanes; g += w {
		for k := range w {
			vals[k], vals[w+k] = 1, 0 // the root's C and S
		}
		cases[0] = takes
		tab := f.tab[4*g : 4*(g+w)]
		switch {
		case w == scanLanes && useAVX2:
			scanGroup4AVX2(f.recs, tab, route, cases, vals, phi)
		case useAVX2:
			scanGroup8AVX2(f.recs, tab, route, cases, vals, phi)
		default:
			scanGroup(f.recs, tab, route, cases, vals, phi, w)
		}
	}
}

// routeSpecial returns 1 when the row goes right at a categorical or
// ZeroMissing split, apart so that the routing loop stays small.
//
//go:noinline
func (sp *scanSplit) routeSpecial(t *Tree, row []float64) int32 {
	nd := &t.Nodes[sp.node]
	return t.child(nd, row[sp.split]) - nd.Left
}

// scanGroup walks w lanes (4 or 8) of a scan form of records recs: tab
// holds the group's points, weights, 1−t and −w/(1−t), C, S and H of
// slot i are at vals[3wi:], vals[3wi+w:] and vals[3wi+2w:], with those
// of the root set (1 and 0) and cases[0] = takes, and feature j's
// accumulators at phi[8j:]. It is the walk of the AVX2 kernels in Go,
// in the same order of operations, so with the same bits: each product
// and quotient is rounded on its own (the conversions keep the compiler
// from fusing them).
func scanGroup(recs []scanRec, tab []float64, route, cases []int32, vals, phi []float64, w int) {
	x, wt, omx, g := tab[:w], tab[w:2*w], tab[2*w:3*w], tab[3*w:4*w]
	for i := 1; i < len(recs); i++ {
		r := &recs[i]
		e := r.flags&scanRight ^ route[r.par]
		if cases[r.prev] != takes {
			e = left
		}
		cases[i] = e
		v, z, zp := r.v, r.z, r.zp
		u, up := 1-z, 1-zp
		cp, ci := vals[3*w*int(r.par):][:w], vals[3*w*i:][:3*w]
		for k := range w {
			fc := z + float64(u*x[k])
			var rc, hc float64
			if r.flags&scanRepeat == 0 {
				rc, hc = v*fc, wt[k]*float64(u/fc)
				if e == leaves {
					rc, hc = float64(v*z)*omx[k], g[k]
				}
			} else {
				fp := zp + float64(up*x[k])
				hp := up / fp
				rc, hc = float64(v*fc)/fp, wt[k]*float64(float64(u/fc)-hp)
				if e == leaves {
					rc, hc = float64(float64(v*z)*omx[k])/fp, g[k]-float64(wt[k]*hp)
				}
				if e == left {
					rc, hc = r.fv, 0
				}
			}
			c := cp[k] * rc
			ci[k], ci[w+k], ci[2*w+k] = c, 0, hc
			if r.flags&scanLeaf != 0 {
				ci[w+k] = c
			}
		}
	}
	for i := len(recs) - 1; i > 0; i-- {
		r := &recs[i]
		si, h := vals[3*w*i+w:][:w], vals[3*w*i+2*w:][:w]
		sp, ph := vals[3*w*int(r.par)+w:][:w], phi[8*int(r.feature):][:w]
		for k := range w {
			ph[k] += float64(h[k] * si[k])
			sp[k] += si[k]
		}
	}
}
