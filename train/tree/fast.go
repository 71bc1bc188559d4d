package tree

import (
	"math"
	"unsafe"
)

// fastNode is a node of the prediction form of the trees without
// categorical or ZeroMissing splits: 16 bytes, and a leaf is a split
// that always leads back to itself, so that several trees can be walked
// in lockstep for a fixed number of steps without a branch on the path
// taken. The nodes of every such tree of an ensemble lie in one array,
// and child indices point into that array.
type fastNode struct {
	thr       float64 // x > thr goes right; +Inf in a leaf
	next      uint32  // left child (the leaf itself in a leaf)
	off       uint16  // byte offset in a row of the feature tested (8·feature); 0 in a leaf
	missRight uint8   // 1: NaN goes right
	_         uint8
}

// lanes is the number of trees walked in lockstep.
const lanes = 8

// group is one item of an output's walk plan: up to lanes trees walked
// in lockstep from their roots in fast.nodes (a missing tree walks the
// leaf of value 0 at node 0, which adds nothing: the sum of leaf values
// is never -0), or one tree (single >= 0) walked alone.
type group struct {
	root   [lanes]uint32
	depth  uint32 // steps every tree of the group takes before reaching a leaf
	single int32  // index of a tree walked alone, or -1
}

// fast is the prediction form of an ensemble: the plan of each output
// lists its trees in order, so that the leaf values add up in the order
// of Spec.Trees whatever the grouping.
type fast struct {
	nodes []fastNode
	value []float64 // leaf value of each node of nodes
	plans [][]group // per output
}

// compileTree appends the prediction form of t to f's arrays and returns
// the index of its root and the depth of its shallowest leaf, or ok
// false when t has categorical or ZeroMissing splits.
func (f *fast) compileTree(t *Tree) (root, depth uint32, ok bool) {
	for _, n := range t.Nodes {
		if n.Feature >= 0 && n.Flags&(Categorical|ZeroMissing) != 0 {
			return 0, 0, false
		}
	}
	base := uint32(len(f.nodes))
	depths := make([]uint32, len(t.Nodes))
	depth = math.MaxUint32
	for i, n := range t.Nodes {
		if n.Feature < 0 {
			depth = min(depth, depths[i])
			f.nodes = append(f.nodes, fastNode{thr: math.Inf(1), next: base + uint32(i)})
			f.value = append(f.value, n.Value)
			continue
		}
		depths[n.Left] = depths[i] + 1
		depths[n.Left+1] = depths[i] + 1
		var missRight uint8
		if n.Flags&DefaultLeft == 0 {
			missRight = 1
		}
		f.nodes = append(f.nodes, fastNode{thr: n.Value, next: base + uint32(n.Left), off: 8 * uint16(n.Feature), missRight: missRight})
		f.value = append(f.value, 0)
	}
	return base, depth, true
}

// compile builds the prediction form of the trees of s, whose indices
// order lists by output (classStart[k] starting output k). An ensemble
// of 2^32 nodes or 8192 features or more (beyond the bits of the indices
// and offsets) takes the general walk.
func compile(s *Spec, order, classStart []int32) fast {
	f := fast{nodes: []fastNode{{thr: math.Inf(1)}}, value: []float64{0}}
	total := 0
	for i := range s.Trees {
		total += len(s.Trees[i].Nodes)
	}
	fits := total < math.MaxUint32 && s.Features < 1<<13
	f.plans = make([][]group, len(classStart)-1)
	for k := range f.plans {
		var plan []group
		pending := group{single: -1}
		n := 0
		flush := func() {
			if n > 0 {
				plan = append(plan, pending)
			}
			pending, n = group{single: -1}, 0
		}
		for _, ti := range order[classStart[k]:classStart[k+1]] {
			var root, depth uint32
			ok := false
			if fits {
				root, depth, ok = f.compileTree(&s.Trees[ti])
			}
			if !ok {
				flush()
				plan = append(plan, group{single: ti})
				continue
			}
			if n == 0 {
				pending.depth = depth
			}
			pending.root[n] = root
			pending.depth = min(pending.depth, depth)
			n++
			if n == lanes {
				flush()
			}
		}
		flush()
		f.plans[k] = plan
	}
	return f
}

// sum returns the sum of the leaf values x reaches in the trees of
// output k, in the order of Spec.Trees. Groups of lanes trees are walked
// in lockstep, so that their chains of dependent loads overlap: without
// a test down to the nearest leaf of any of them, then until all stand
// still on their leaves. A row without NaN takes steps that skip the
// missing-value test. Trees in no group take the general walk.
//
// The walk reads nodes and x without bounds checks: New checked that
// every child index lies in the node array and every feature below
// Spec.Features, and every caller checked len(x) == Spec.Features.
func (e *Ensemble) sum(k int, x []float64) float64 {
	nan := false
	for _, v := range x {
		nan = nan || v != v
	}
	s := 0.0
	nodes := unsafe.Pointer(unsafe.SliceData(e.fast.nodes))
	xp := unsafe.Pointer(unsafe.SliceData(x))
	plan := e.fast.plans[k]
	for gi := range plan {
		g := &plan[gi]
		if g.single >= 0 {
			t := &e.spec.Trees[g.single]
			s += t.Nodes[t.leaf(x)].Value
			continue
		}
		var i [lanes]uint32
		if nan {
			i = walkNaN(g, nodes, xp)
		} else {
			i = walk(g, nodes, xp)
		}
		for _, j := range i {
			s += e.fast.value[j]
		}
	}
	return s
}

// walk walks the trees of g in lockstep for a row without NaN and
// returns the leaves reached.
func walk(g *group, nodes, x unsafe.Pointer) [lanes]uint32 {
	i0, i1, i2, i3 := g.root[0], g.root[1], g.root[2], g.root[3]
	i4, i5, i6, i7 := g.root[4], g.root[5], g.root[6], g.root[7]
	for range g.depth {
		i0, i1, i2, i3 = step(nodes, i0, x), step(nodes, i1, x), step(nodes, i2, x), step(nodes, i3, x)
		i4, i5, i6, i7 = step(nodes, i4, x), step(nodes, i5, x), step(nodes, i6, x), step(nodes, i7, x)
	}
	for {
		moved := uint32(0)
		var n uint32
		n = step(nodes, i0, x)
		moved, i0 = moved|(n^i0), n
		n = step(nodes, i1, x)
		moved, i1 = moved|(n^i1), n
		n = step(nodes, i2, x)
		moved, i2 = moved|(n^i2), n
		n = step(nodes, i3, x)
		moved, i3 = moved|(n^i3), n
		n = step(nodes, i4, x)
		moved, i4 = moved|(n^i4), n
		n = step(nodes, i5, x)
		moved, i5 = moved|(n^i5), n
		n = step(nodes, i6, x)
		moved, i6 = moved|(n^i6), n
		n = step(nodes, i7, x)
		moved, i7 = moved|(n^i7), n
		if moved == 0 {
			return [lanes]uint32{i0, i1, i2, i3, i4, i5, i6, i7}
		}
	}
}

// walkNaN is walk for a row with NaN: its steps send NaN where each
// node says.
func walkNaN(g *group, nodes, x unsafe.Pointer) [lanes]uint32 {
	i0, i1, i2, i3 := g.root[0], g.root[1], g.root[2], g.root[3]
	i4, i5, i6, i7 := g.root[4], g.root[5], g.root[6], g.root[7]
	for range g.depth {
		i0, i1, i2, i3 = stepNaN(nodes, i0, x), stepNaN(nodes, i1, x), stepNaN(nodes, i2, x), stepNaN(nodes, i3, x)
		i4, i5, i6, i7 = stepNaN(nodes, i4, x), stepNaN(nodes, i5, x), stepNaN(nodes, i6, x), stepNaN(nodes, i7, x)
	}
	for {
		moved := uint32(0)
		var n uint32
		n = stepNaN(nodes, i0, x)
		moved, i0 = moved|(n^i0), n
		n = stepNaN(nodes, i1, x)
		moved, i1 = moved|(n^i1), n
		n = stepNaN(nodes, i2, x)
		moved, i2 = moved|(n^i2), n
		n = stepNaN(nodes, i3, x)
		moved, i3 = moved|(n^i3), n
		n = stepNaN(nodes, i4, x)
		moved, i4 = moved|(n^i4), n
		n = stepNaN(nodes, i5, x)
		moved, i5 = moved|(n^i5), n
		n = stepNaN(nodes, i6, x)
		moved, i6 = moved|(n^i6), n
		n = stepNaN(nodes, i7, x)
		moved, i7 = moved|(n^i7), n
		if moved == 0 {
			return [lanes]uint32{i0, i1, i2, i3, i4, i5, i6, i7}
		}
	}
}

// node returns node i of nodes.
func node(nodes unsafe.Pointer, i uint32) *fastNode {
	return (*fastNode)(unsafe.Add(nodes, uintptr(i)*unsafe.Sizeof(fastNode{})))
}

// feature returns the feature of row x at byte offset off.
func feature(x unsafe.Pointer, off uint16) float64 {
	return *(*float64)(unsafe.Add(x, uintptr(off)))
}

// step moves from node i one level down for a row x without NaN.
func step(nodes unsafe.Pointer, i uint32, x unsafe.Pointer) uint32 {
	c := node(nodes, i)
	return c.next + b2u(feature(x, c.off) > c.thr)
}

// stepNaN moves from node i one level down for row x, NaN going where
// the node says.
func stepNaN(nodes unsafe.Pointer, i uint32, x unsafe.Pointer) uint32 {
	c := node(nodes, i)
	v := feature(x, c.off)
	return c.next + (b2u(v > c.thr) | b2u(v != v)&uint32(c.missRight))
}

func b2u(b bool) uint32 {
	var r uint32
	if b {
		r = 1
	}
	return r
}
