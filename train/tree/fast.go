package tree

import "math"

// fastNode is a node of the prediction form of a tree without
// categorical or ZeroMissing splits: 16 bytes, and a leaf is a split that always leads
// back to itself, so that several trees can be walked in lockstep for a
// fixed number of steps without a branch on the path taken.
type fastNode struct {
	thr  float64 // x > thr goes right; +Inf in a leaf
	feat int32   // feature tested; 0 in a leaf
	next uint32  // left child (the leaf itself in a leaf); bit 31 set: missing goes right
}

const missRightBit = 1 << 31

// fastTree is the prediction form of one tree.
type fastTree struct {
	nodes []fastNode // nil when the tree has categorical or ZeroMissing splits
	depth int        // steps from the root to the nearest leaf
	value []float64  // output of each node (leaves only matter)
}

func compile(t *Tree) fastTree {
	ft := fastTree{value: make([]float64, len(t.Nodes))}
	depth := make([]int, len(t.Nodes))
	general := false
	ft.depth = len(t.Nodes)
	for i, n := range t.Nodes {
		ft.value[i] = n.Value
		if n.Feature >= 0 {
			depth[n.Left] = depth[i] + 1
			depth[n.Left+1] = depth[i] + 1
			general = general || n.Flags&(Categorical|ZeroMissing) != 0
		} else {
			ft.depth = min(ft.depth, depth[i])
		}
	}
	if general {
		return ft
	}
	ft.nodes = make([]fastNode, len(t.Nodes))
	for i, n := range t.Nodes {
		if n.Feature < 0 {
			ft.nodes[i] = fastNode{thr: math.Inf(1), next: uint32(i)}
			continue
		}
		next := uint32(n.Left)
		if n.Flags&DefaultLeft == 0 {
			next |= missRightBit
		}
		ft.nodes[i] = fastNode{thr: n.Value, feat: n.Feature, next: next}
	}
	return ft
}

// step moves from node i one level down for row x.
func step(nodes []fastNode, i uint32, x []float64) uint32 {
	c := &nodes[i]
	v := x[c.feat]
	r := b2u(v > c.thr) | b2u(v != v)&(c.next>>31)
	return c.next&^missRightBit + r
}

func b2u(b bool) uint32 {
	var r uint32
	if b {
		r = 1
	}
	return r
}

// sum returns the sum of the leaf values x reaches in the trees order
// lists, in that order. Four trees at a time are walked in lockstep, so
// that their four chains of dependent loads overlap: without a test down
// to the nearest leaf of any of them, then until all four stand still on
// their leaves. Trees with categorical or ZeroMissing splits take the
// general walk.
func (e *Ensemble) sum(order []int32, x []float64) float64 {
	s := 0.0
	j := 0
	for ; j+4 <= len(order); j += 4 {
		a, b, c, d := &e.fast[order[j]], &e.fast[order[j+1]], &e.fast[order[j+2]], &e.fast[order[j+3]]
		if a.nodes == nil || b.nodes == nil || c.nodes == nil || d.nodes == nil {
			break
		}
		var ia, ib, ic, id uint32
		for range min(a.depth, b.depth, c.depth, d.depth) {
			ia = step(a.nodes, ia, x)
			ib = step(b.nodes, ib, x)
			ic = step(c.nodes, ic, x)
			id = step(d.nodes, id, x)
		}
		for {
			na, nb, nc, nd := step(a.nodes, ia, x), step(b.nodes, ib, x), step(c.nodes, ic, x), step(d.nodes, id, x)
			if na == ia && nb == ib && nc == ic && nd == id {
				break
			}
			ia, ib, ic, id = na, nb, nc, nd
		}
		s += a.value[ia]
		s += b.value[ib]
		s += c.value[ic]
		s += d.value[id]
	}
	for ; j < len(order); j++ {
		ti := order[j]
		s += e.fast[ti].value[e.spec.Trees[ti].leaf(x)]
	}
	return s
}
