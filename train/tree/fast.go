package tree

import (
	"math"
	"unsafe"
)

// fastNode is a node of the prediction form of the trees walked in
// lockstep (numeric splits only): 16 bytes, and a leaf is a split
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

// group is one item of an output's walk plan: a chunk (chunk >= 0)
// scored by chunkSum, up to lanes trees walked in lockstep from their
// roots in fast.nodes (a missing tree walks the leaf of value -0 at node
// 0, which adds nothing to any sum, -0 and +0 included), or one tree
// (single >= 0) walked alone.
type group struct {
	root   [lanes]uint32
	depth  uint32 // steps every tree of the group takes before reaching a leaf
	single int32  // index of a tree walked alone, or -1
	chunk  int32  // index of a chunk in fast.chunks, or -1
}

// fast is the prediction form of an ensemble: the plan of each output
// lists its trees in order, so that the leaf values add up in the order
// of Spec.Trees whatever the grouping.
type fast struct {
	chunks []chunk
	nodes  []fastNode
	value  []float64 // leaf value of each node of nodes
	plans  [][]group // per output
}

// compileTree appends the prediction form of t, whose splits are
// numeric, to f's arrays and returns the index of its root and the depth
// of its shallowest leaf.
func (f *fast) compileTree(t *Tree) (root, depth uint32) {
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
	return base, depth
}

// numeric reports whether every split of t is numeric without
// ZeroMissing.
func numeric(t *Tree) bool {
	for _, n := range t.Nodes {
		if n.Feature >= 0 && n.Flags&(Categorical|ZeroMissing) != 0 {
			return false
		}
	}
	return true
}

// preferChunks reports whether the trees ts of one output are scored
// faster as chunks than walked in lockstep. A chunk costs a row about one
// step per split the row goes right at: half the splits, each step
// about three quarters of a lockstep step (a load, a compare and an OR,
// no chain of dependent loads). A lockstep group costs a row the
// longest of its trees' paths plus a step to find that all stopped:
// about the mean depth of a leaf plus two. Depth-limited trees, as
// XGBoost grows them, favour chunks; leaf-wise trees with a few long
// paths (train/gbdt, LightGBM) favour the walk.
func preferChunks(s *Spec, ts []int32) bool {
	var chunkCost, walkCost float64
	for _, ti := range ts {
		t := &s.Trees[ti]
		if !bitvectorTree(t) {
			continue
		}
		leaves, depths := shape(t)
		chunkCost += 0.75 * float64(leaves-1) / 2
		walkCost += float64(depths)/float64(leaves) + 2
	}
	return chunkCost < walkCost
}

// shape returns the number of leaves of t and the sum of their depths.
func shape(t *Tree) (leaves, depths int) {
	depth := make([]int, len(t.Nodes))
	for i, n := range t.Nodes {
		if n.Feature < 0 {
			leaves++
			depths += depth[i]
			continue
		}
		depth[n.Left], depth[n.Left+1] = depth[i]+1, depth[i]+1
	}
	return leaves, depths
}

// compile builds the prediction form of the trees of s, whose indices
// order lists by output (classStart[k] starting output k). When prefer
// says so for an output's trees, its runs of trees that bitvectorTree
// accepts become chunks; its other trees with numeric splits only are
// walked in lockstep, unless the ensemble has 2^32 nodes or 8192
// features or more (beyond the bits of the indices and offsets); the
// rest take the general walk.
func compile(s *Spec, order, classStart []int32, prefer func(s *Spec, ts []int32) bool) fast {
	f := fast{nodes: []fastNode{{thr: math.Inf(1)}}, value: []float64{math.Copysign(0, -1)}}
	total := 0
	for i := range s.Trees {
		total += len(s.Trees[i].Nodes)
	}
	fits := total < math.MaxUint32 && s.Features < 1<<13
	f.plans = make([][]group, len(classStart)-1)
	for k := range f.plans {
		chunks := prefer(s, order[classStart[k]:classStart[k+1]])
		var plan []group
		pending := group{single: -1, chunk: -1}
		n := 0
		var run []int32 // trees of the next chunk
		flush := func() {
			if n > 0 {
				plan = append(plan, pending)
			}
			pending, n = group{single: -1, chunk: -1}, 0
			if len(run) > 0 {
				plan = append(plan, group{single: -1, chunk: int32(len(f.chunks))})
				f.chunks = append(f.chunks, compileChunk(s, run))
				run = run[:0]
			}
		}
		for _, ti := range order[classStart[k]:classStart[k+1]] {
			t := &s.Trees[ti]
			switch {
			case chunks && bitvectorTree(t):
				if n > 0 {
					flush()
				}
				run = append(run, ti)
				if len(run) == chunkTrees {
					flush()
				}
			case fits && numeric(t):
				if len(run) > 0 {
					flush()
				}
				root, depth := f.compileTree(t)
				if n == 0 {
					pending.depth = depth
				}
				pending.root[n] = root
				pending.depth = min(pending.depth, depth)
				n++
				if n == lanes {
					flush()
				}
			default:
				flush()
				plan = append(plan, group{single: ti, chunk: -1})
			}
		}
		flush()
		f.plans[k] = plan
	}
	return f
}

// sum returns s plus the leaf values x reaches in the trees of output k,
// added one at a time in the order of Spec.Trees in F's precision
// (float32 under Spec.Float32, whose leaf values are float32 values).
// Chunks are scored by chunkSum. Groups of lanes trees are walked in
// lockstep, so that their chains of dependent loads overlap: without a
// test down to the nearest leaf of any of them, then until all stand
// still on their leaves; a row without NaN takes steps that skip the
// missing-value test. Other trees take the general walk.
//
// The lockstep walk reads nodes and x without bounds checks: New checked
// that every child index lies in the node array and every feature below
// Spec.Features, and every caller checked len(x) == Spec.Features.
func sum[F float32 | float64](e *Ensemble, k int, x []float64, s F) F {
	const unknown, clean, missing = 0, 1, 2
	nan := unknown
	nodes := unsafe.Pointer(unsafe.SliceData(e.fast.nodes))
	xp := unsafe.Pointer(unsafe.SliceData(x))
	values := unsafe.Pointer(unsafe.SliceData(e.fast.value))
	plan := e.fast.plans[k]
	for gi := range plan {
		g := &plan[gi]
		if g.chunk >= 0 {
			s = chunkSum(&e.fast.chunks[g.chunk], x, s)
			continue
		}
		if g.single >= 0 {
			t := &e.spec.Trees[g.single]
			s += F(t.Nodes[t.leaf(x)].Value)
			continue
		}
		if nan == unknown {
			nan = clean
			for _, v := range x {
				if v != v {
					nan = missing
					break
				}
			}
		}
		if nan == missing {
			s = walkNaN(g, nodes, xp, values, s)
		} else {
			s = walk(g, nodes, xp, values, s)
		}
	}
	return s
}

// walk walks the trees of g in lockstep for a row without NaN and
// returns s plus the values of the leaves reached, added in order.
func walk[F float32 | float64](g *group, nodes, x, values unsafe.Pointer, s F) F {
	i0, i1, i2, i3 := g.root[0], g.root[1], g.root[2], g.root[3]
	i4, i5, i6, i7 := g.root[4], g.root[5], g.root[6], g.root[7]
	for range g.depth {
		i0, i1, i2, i3 = step(nodes, i0, x), step(nodes, i1, x), step(nodes, i2, x), step(nodes, i3, x)
		i4, i5, i6, i7 = step(nodes, i4, x), step(nodes, i5, x), step(nodes, i6, x), step(nodes, i7, x)
	}
	// A step never lowers an index (children come after their
	// parent), so the lanes stand still once the sum of the indices
	// stops growing: one register instead of eight differences.
	last := total(i0, i1, i2, i3, i4, i5, i6, i7)
	for {
		i0, i1, i2, i3 = step(nodes, i0, x), step(nodes, i1, x), step(nodes, i2, x), step(nodes, i3, x)
		i4, i5, i6, i7 = step(nodes, i4, x), step(nodes, i5, x), step(nodes, i6, x), step(nodes, i7, x)
		t := total(i0, i1, i2, i3, i4, i5, i6, i7)
		if t == last {
			return s + leafValue[F](values, i0) + leafValue[F](values, i1) + leafValue[F](values, i2) + leafValue[F](values, i3) +
				leafValue[F](values, i4) + leafValue[F](values, i5) + leafValue[F](values, i6) + leafValue[F](values, i7)
		}
		last = t
	}
}

// walkNaN is walk for a row with NaN: its steps send NaN where each
// node says.
func walkNaN[F float32 | float64](g *group, nodes, x, values unsafe.Pointer, s F) F {
	i0, i1, i2, i3 := g.root[0], g.root[1], g.root[2], g.root[3]
	i4, i5, i6, i7 := g.root[4], g.root[5], g.root[6], g.root[7]
	for range g.depth {
		i0, i1, i2, i3 = stepNaN(nodes, i0, x), stepNaN(nodes, i1, x), stepNaN(nodes, i2, x), stepNaN(nodes, i3, x)
		i4, i5, i6, i7 = stepNaN(nodes, i4, x), stepNaN(nodes, i5, x), stepNaN(nodes, i6, x), stepNaN(nodes, i7, x)
	}
	// A step never lowers an index (children come after their
	// parent), so the lanes stand still once the sum of the indices
	// stops growing: one register instead of eight differences.
	last := total(i0, i1, i2, i3, i4, i5, i6, i7)
	for {
		i0, i1, i2, i3 = stepNaN(nodes, i0, x), stepNaN(nodes, i1, x), stepNaN(nodes, i2, x), stepNaN(nodes, i3, x)
		i4, i5, i6, i7 = stepNaN(nodes, i4, x), stepNaN(nodes, i5, x), stepNaN(nodes, i6, x), stepNaN(nodes, i7, x)
		t := total(i0, i1, i2, i3, i4, i5, i6, i7)
		if t == last {
			return s + leafValue[F](values, i0) + leafValue[F](values, i1) + leafValue[F](values, i2) + leafValue[F](values, i3) +
				leafValue[F](values, i4) + leafValue[F](values, i5) + leafValue[F](values, i6) + leafValue[F](values, i7)
		}
		last = t
	}
}

// total returns the sum of eight node indices, without overflow.
func total(i0, i1, i2, i3, i4, i5, i6, i7 uint32) uint64 {
	return uint64(i0) + uint64(i1) + uint64(i2) + uint64(i3) + uint64(i4) + uint64(i5) + uint64(i6) + uint64(i7)
}

// leafValue returns the value of leaf i of values (fast.value).
func leafValue[F float32 | float64](values unsafe.Pointer, i uint32) F {
	return F(*(*float64)(unsafe.Add(values, uintptr(i)*8)))
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
