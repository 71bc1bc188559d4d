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
	lanes   int          // quadrature points padded to 4 or a multiple of 8
	recs    []scanRec    // per split node, in preorder
	special []scanRouted // the categorical and ZeroMissing splits
	// per group of 8 lanes (or the 4 lanes): the points t, the weights
	// w, 1−t and −w/(1−t), a group's lanes each
	tab    []float64
	floats int // the size of the form, in float64s
	// the walks of its groups of lanes, for its output's accumulators at
	// phi (set by scanJobs)
	jobs []scanJob
}

// scanJob is the walk of one group of 4 or 8 lanes of a scan form, laid
// out as the assembly kernel reads it (64 bytes).
type scanJob struct {
	recs []scanRec
	tab  []float64 // the group's block
	phi  int       // the byte offset of the accumulators of the tree's output
	wide int       // 1 for 8 lanes
}

// scanRec is a split node and the edges into its two children, laid
// out as the assembly kernels read it (88 bytes). The children share
// the split feature, the previous edge on it and z_p.
type scanRec struct {
	slot      int32    // the split's slot (nodes in preorder)
	kids      [2]int32 // the children's slots, left and right
	feature   int32
	prev      int32 // the slot of the previous edge on feature on the path, 0 if none
	flags     int32 // scanMissRight | scanRepeat | scanSpecial | scanCherry
	threshold float64
	zp        float64    // z_p, on a feature split before on the path
	z, v, fv  [2]float64 // per child: z_c, its value (1 for a split), its share of the cover times v
}

// The flags of a scanRec.
const (
	scanMissRight = 1 << iota // a missing value goes right
	scanRepeat                // the feature was split before on the path
	scanSpecial               // categorical or ZeroMissing: routed by Tree.child before the walk
	scanCherry                // both children are leaves: the forward pass adds their contributions
)

// scanRouted is a categorical or ZeroMissing split.
type scanRouted struct {
	slot, node int32
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
	return 4*lanes + len(q.inner)*int(unsafe.Sizeof(scanRec{}))/8
}

// buildScan builds the scan form of q, whose values per node are
// computed and whose points x, w are padded to lanes, for tree t.
func buildScan(q *quadTree, t *Tree, lanes int) *scanForm {
	f := &scanForm{lanes: lanes, recs: make([]scanRec, 0, len(q.inner)), tab: make([]float64, 4*lanes)}
	g := min(lanes, 2*scanLanes)
	for k := range lanes {
		v := f.tab[4*(k/g)*g+k%g:]
		v[0], v[g], v[2*g], v[3*g] = q.x[k], q.w[k], 1-q.x[k], -q.w[k]/(1-q.x[k])
	}
	for _, i := range q.inner {
		nd := &t.Nodes[i]
		l := nd.Left
		r := scanRec{slot: q.slot[i], kids: [2]int32{q.slot[l], q.slot[l+1]}, feature: nd.Feature,
			prev: q.edges[q.slot[l]].prev, threshold: nd.Value, zp: q.zp[l]}
		r.flags = int32(nd.Flags&DefaultLeft) ^ 1
		if r.prev != 0 {
			r.flags |= scanRepeat
		}
		if nd.Flags&(Categorical|ZeroMissing) != 0 {
			r.flags |= scanSpecial
			f.special = append(f.special, scanRouted{slot: r.slot, node: i})
		}
		if t.Nodes[l].Feature < 0 && t.Nodes[l+1].Feature < 0 {
			r.flags |= scanCherry
		}
		for k, c := range [2]int32{l, l + 1} {
			r.z[k], r.v[k], r.fv[k] = q.z[c], 1, q.fv[c]
			if t.Nodes[c].Feature < 0 {
				r.v[k] = t.Nodes[c].Value
			}
		}
		f.recs = append(f.recs, r)
	}
	f.floats = scanFloats(q, lanes)
	return f
}

// setJobs sets the jobs of f, a form of a tree of output class with p
// features.
func (f *scanForm) setJobs(class, p int) {
	w := min(f.lanes, 2*scanLanes)
	for g := 0; g < f.lanes; g += w {
		f.jobs = append(f.jobs, scanJob{recs: f.recs, tab: f.tab[4*g : 4*(g+w)], phi: class * p * 64, wide: w / (2 * scanLanes)})
	}
}

// run adds the contributions of tree t, of scan form f, for row to the
// lane accumulators phi, after routing its categorical and ZeroMissing
// splits.
func (f *scanForm) run(t *Tree, row, phi []float64, ws *Workspace) {
	for _, sp := range f.special {
		nd := &t.Nodes[sp.node]
		ws.route[sp.slot] = t.child(nd, row[nd.Feature]) - nd.Left
	}
	scanBatch(f.jobs, row, ws, phi)
}

// scanBatch runs jobs in order for row, by the AVX2 kernel where there
// is one, else by scanGroup.
func scanBatch(jobs []scanJob, row []float64, ws *Workspace, phi []float64) {
	if useAVX2 {
		scanBatchAVX2(jobs, row, ws.route, ws.cases, ws.vals, phi)
		return
	}
	for i := range jobs {
		j := &jobs[i]
		w := scanLanes << j.wide
		vals := ws.vals[:2*w*(2*len(j.recs)+1)]
		for k := range w {
			vals[k] = 1 // the root's C
		}
		ws.cases[0] = takes
		scanGroup(j.recs, j.tab, row, ws.route, ws.cases, vals, phi[j.phi/8:], w)
	}
}

// scanGroup walks w lanes (4 or 8) of a scan form of split records
// recs: tab holds the group's points, weights, 1−t and −w/(1−t); C
// (then S) and H of slot i are at vals[2wi:] and vals[2wi+w:], with C of
// the root set to 1 and cases[0] = takes; route holds the route of the
// special splits, and feature j's accumulators are at phi[8j:]. It is
// the walk of the AVX2 kernels in Go, in the same order of operations,
// so with the same bits: each product and quotient is rounded on its
// own (the conversions keep the compiler from fusing them).
//
// The forward pass visits each split once for both its edges: the child
// the row takes (t) and the other (o) share the split's feature, its
// previous edge and z_p, so that only the taken edge needs a division
// on a first split. A split node's C is not needed once its children's
// are computed, so the backward pass writes its S over it; a split
// whose children are both leaves (a cherry: a third of the splits of a
// tree grown leaf by leaf, half of a complete one) gets its S and adds
// its children's contributions in the forward pass, which stores nothing
// for its children, and the backward pass skips it.
func scanGroup(recs []scanRec, tab, row []float64, route, cases []int32, vals, phi []float64, w int) {
	x, wt, omx, g := tab[:w], tab[w:2*w], tab[2*w:3*w], tab[3*w:4*w]
	st := 2 * w
	for i := range recs {
		r := &recs[i]
		var side int32 // the child the row takes
		if r.flags&scanSpecial != 0 {
			side = route[r.slot]
		} else {
			v := row[r.feature]
			side = b2i(v > r.threshold) | b2i(v != v)&(r.flags&scanMissRight)
		}
		other := side ^ 1
		ts, os := int(r.kids[side]), int(r.kids[other])
		cp, ct, co := vals[st*int(r.slot):][:w], vals[st*ts:][:st], vals[st*os:][:st]
		zt, vt, zo, vo := r.z[side], r.v[side], r.z[other], r.v[other]
		ut := 1 - zt
		var d bool
		if r.flags&scanRepeat == 0 {
			cases[ts], cases[os] = takes, leaves
		} else {
			d = cases[r.prev] != takes
			de := b2i(d)
			cases[ts], cases[os] = 2*de, 1+de
		}
		zp := r.zp
		up := 1 - zp
		ph := phi[8*int(r.feature):][:w]
		for k := range w {
			fc := zt + float64(ut*x[k])
			var rt, ht, rc, hc float64
			if r.flags&scanRepeat == 0 {
				rt, ht = float64(vt*fc), wt[k]*float64(ut/fc)
				rc, hc = float64(float64(vo*zo)*omx[k]), g[k]
			} else {
				fp := zp + float64(up*x[k])
				hp := up / fp
				rt, ht = float64(vt*fc)/fp, wt[k]*float64(float64(ut/fc)-hp)
				rc, hc = float64(float64(vo*zo)*omx[k])/fp, g[k]-float64(wt[k]*hp)
				if d {
					rt, ht, rc, hc = r.fv[side], 0, r.fv[other], 0
				}
			}
			c, o := cp[k]*rt, cp[k]*rc
			if r.flags&scanCherry != 0 {
				cp[k] = float64(c) + float64(o)
				ph[k] += float64(ht*c) + float64(hc*o)
				continue
			}
			ct[k], ct[w+k] = c, ht
			co[k], co[w+k] = o, hc
		}
	}
	for i := len(recs) - 1; i >= 0; i-- {
		r := &recs[i]
		if r.flags&scanCherry != 0 {
			continue
		}
		l, rr := vals[st*int(r.kids[0]):][:st], vals[st*int(r.kids[1]):][:st]
		sp, ph := vals[st*int(r.slot):][:w], phi[8*int(r.feature):][:w]
		for k := range w {
			sp[k] = l[k] + rr[k]
			ph[k] += float64(l[w+k]*l[k]) + float64(rr[w+k]*rr[k])
		}
	}
}
