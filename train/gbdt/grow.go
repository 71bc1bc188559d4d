package gbdt

import (
	"container/heap"
	"context"
	"math"
	"unsafe"

	"github.com/loomml/loom/train/tree"
)

// grower grows one tree leaf-wise: scikit-learn 1.2's TreeGrower. Its
// buffers are reused from tree to tree.
type grower struct {
	s      splitter
	n, p   int
	groups int // of histGroup features: p rounded up
	// bins holds the bins by group of histGroup features (the last one
	// padded with bin 0), each group's row a 4-byte word: feature
	// histGroup*q+k of the row at position i is bins[histGroup*(q*n+i)+k].
	bins      []uint8
	constHess bool
	w         []float64 // training weights; nil when every row weighs 1
	maxLeaves int
	maxDepth  int
	lr        float64
	workers   int
	team      *team
	bn        *binner

	// rows maps positions to rows: the rows of a node are at the
	// positions [start, end), and bins is kept in position order too
	// (position i holds the bins of row rows[i]), so that a node's bins
	// are contiguous in each group. Each split reorders both; neither is
	// reset between trees.
	rows []uint32
	// pos holds the gradients and hessians of the current tree's output in
	// position order: gathered from gh for the root, then moved with the
	// rows by each partition.
	pos    []gradPair
	gh     []gradPair // gradients and hessians of the current output, by row
	pool   [][]featHist
	splits []split // per feature, scratch
	// chunkLeft counts the left rows of each worker's chunk in partition.
	chunkLeft []int
	plan      partPlan // of the current partition
	// marks holds a byte per position: 0xFF for the rows going left in
	// partition, then each row's leaf in addLeaves.
	marks []uint8

	// output of the current tree
	nodes  []tree.Node
	gains  []float64
	covers []float64
	cats   []uint64
	binned []binNode
	leaves []*gnode
	heap   gheap
	serial int
}

// binNode is a node of the tree in bin space, to predict binned rows.
type binNode struct {
	feature int32
	left    int32
	sp      *split
	value   float64
}

// gnode is a node being grown.
type gnode struct {
	start, end   int // range of rows
	g, h         float64
	cover        float64 // weight of the rows
	value        float64 // unshrunk
	depth        int
	hist         []featHist
	sp           split
	index        int32 // in nodes
	lower, upper float64
	serial       int
}

func (g *grower) getHist() []featHist {
	if k := len(g.pool); k > 0 {
		h := g.pool[k-1]
		g.pool = g.pool[:k-1]
		return h
	}
	return make([]featHist, histGroup*g.groups)
}

func (g *grower) putHist(h []featHist) {
	if h != nil {
		g.pool = append(g.pool, h)
	}
}

// build computes the histogram of node nd's rows, whose bins and
// gradient pairs are contiguous (in position order) in each group and in
// pos. Each pass over the rows fills the histograms of a group, groups
// split among the workers; each feature's sums run in position order, so
// the result does not depend on the number of workers.
func (g *grower) build(nd *gnode) {
	nd.hist = g.getHist()
	clear(nd.hist)
	m, pos := nd.end-nd.start, g.pos[nd.start:nd.end]
	g.team.parallel(g.groups, g.groups, func(lo, hi int) {
		for q := lo; q < hi; q++ {
			histCols((*[histGroup]featHist)(nd.hist[histGroup*q:]), g.p-histGroup*q, g.bins[histGroup*(q*g.n+nd.start):], m, pos, g.constHess)
		}
	})
}

// gatherAll sets pos to the gradient pairs of the rows in position order,
// the tree's first step: gathered from gh by row at random, after which
// each partition moves them with the rows. A non-nil alongside runs once
// on one of the team's goroutines while the others gather.
func (g *grower) gatherAll(alongside func()) {
	c := max(g.n/minParallelRows, 1)
	// Item 0 is alongside, claimed first; item i the gather's range i-1.
	g.team.parallel(c+1, c+1, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			if i == 0 {
				alongside()
				continue
			}
			a, b := (i-1)*g.n/c, i*g.n/c
			gather(g.pos[a:b], g.gh, g.rows[a:b])
		}
	})
}

// gather sets og[j] = all[rows[j]] for each j.
func gather(og, all []gradPair, rows []uint32) {
	og = og[:len(rows)]
	if hasGatherKernel && len(rows) > 0 {
		// Every row is below len(all) (rows is a permutation of the
		// training rows): the kernel does not check.
		gatherPairs(&og[0], &all[0], &rows[0], len(rows))
		return
	}
	for j, r := range rows {
		og[j] = all[r]
	}
}

// findSplit sets nd.sp to the best split over all features.
func (g *grower) findSplit(nd *gnode) {
	c := candidate{g: nd.g, h: nd.h, n: float64(nd.end - nd.start), lower: nd.lower, upper: nd.upper}
	c.loss = nd.g * nd.value
	g.team.parallel(g.p, g.p, func(lo, hi int) {
		for f := lo; f < hi; f++ {
			g.splits[f] = g.s.best(&nd.hist[f], f, &c)
		}
	})
	best := split{gain: -1}
	for f := range g.splits {
		if g.splits[f].gain > best.gain {
			best = g.splits[f]
		}
	}
	nd.sp = best
}

// grow fits one tree to the gradients g.gh and returns the leaves
// (with their row ranges in g.rows) after filling g.nodes.
func (g *grower) grow(ctx context.Context) error {
	g.nodes, g.gains, g.covers, g.cats, g.binned, g.leaves = g.nodes[:0], g.gains[:0], g.covers[:0], g.cats[:0], g.binned[:0], g.leaves[:0]
	g.heap = g.heap[:0]
	root := &gnode{end: g.n, cover: g.weight(g.rows), lower: math.Inf(-1), upper: math.Inf(1)}
	// The sums of the gradients, in row order, run alongside the
	// gather (a serial pass of a millisecond for a million rows).
	sums := func() {
		var sg, sh float64
		for _, p := range g.gh[:g.n] {
			sg += float64(p.g)
			sh += float64(p.h)
		}
		if g.constHess {
			sh = float64(g.n)
		}
		root.g, root.h = sg, sh
	}
	split := g.n >= 2*g.s.minSamplesLeaf
	if split {
		g.gatherAll(sums)
		g.build(root)
	} else {
		sums()
	}
	root.value = g.s.nodeValue(root.g, root.h, root.lower, root.upper)
	g.addNode(root)
	if !split || root.h < g.s.minHessian {
		g.putHist(root.hist)
		root.hist = nil
		g.finalize(root)
		return nil
	}
	g.pushOrFinalize(root)
	leaves := 1
	for len(g.heap) > 0 {
		if err := ctx.Err(); err != nil {
			for _, nd := range g.heap {
				g.putHist(nd.hist)
			}
			return err
		}
		nd := heap.Pop(&g.heap).(*gnode)
		left, right := g.split(nd)
		leaves++
		if g.maxLeaves > 0 && leaves == g.maxLeaves {
			g.putHist(nd.hist)
			g.finalize(left)
			g.finalize(right)
			for _, o := range g.heap {
				g.putHist(o.hist)
				o.hist = nil
				g.finalize(o)
			}
			g.heap = g.heap[:0]
			break
		}
		if g.maxDepth > 0 && left.depth == g.maxDepth {
			g.putHist(nd.hist)
			g.finalize(left)
			g.finalize(right)
			continue
		}
		splitL := left.end-left.start >= 2*g.s.minSamplesLeaf
		splitR := right.end-right.start >= 2*g.s.minSamplesLeaf
		if !splitL {
			g.finalize(left)
		}
		if !splitR {
			g.finalize(right)
		}
		if splitL || splitR {
			small, large := left, right
			if left.end-left.start >= right.end-right.start {
				small, large = right, left
			}
			g.build(small)
			large.hist = g.getHist()
			subtract(large.hist, nd.hist, small.hist)
			if splitL {
				g.pushOrFinalize(left)
			}
			if splitR {
				g.pushOrFinalize(right)
			}
			if !splitL {
				g.putHist(left.hist)
				left.hist = nil
			}
			if !splitR {
				g.putHist(right.hist)
				right.hist = nil
			}
		}
		g.putHist(nd.hist)
		nd.hist = nil
	}
	return nil
}

// addNode appends a leaf for nd to the output tree.
func (g *grower) addNode(nd *gnode) {
	nd.index = int32(len(g.nodes))
	nd.serial = g.serial
	g.serial++
	g.nodes = append(g.nodes, tree.Node{Feature: -1})
	g.gains = append(g.gains, 0)
	g.covers = append(g.covers, nd.cover)
	g.binned = append(g.binned, binNode{feature: -1})
}

// pushOrFinalize finds nd's best split and queues nd, or makes it a leaf
// when no split gains anything.
func (g *grower) pushOrFinalize(nd *gnode) {
	g.findSplit(nd)
	if nd.sp.gain <= 0 {
		g.putHist(nd.hist)
		nd.hist = nil
		g.finalize(nd)
		return
	}
	heap.Push(&g.heap, nd)
}

// finalize makes nd a leaf with its shrunk value.
func (g *grower) finalize(nd *gnode) {
	v := g.lr * nd.value
	g.nodes[nd.index] = tree.Node{Feature: -1, Value: v}
	g.binned[nd.index] = binNode{feature: -1, value: v}
	g.leaves = append(g.leaves, nd)
}

// split partitions nd's rows by its split and returns its two children.
func (g *grower) split(nd *gnode) (left, right *gnode) {
	sp := &nd.sp
	var goLeft [256]uint8 // 0xFF where the bin goes left
	for b := range goLeft {
		if sp.goesLeft(uint8(b), g.s.missing) {
			goLeft[b] = 0xFF
		}
	}
	nl := g.partition(nd.start, nd.end, sp, &goLeft)
	rows := g.rows[nd.start:nd.end]
	nr := len(rows) - nl
	mid := nd.start + nl
	left = &gnode{start: nd.start, end: mid, g: sp.gL, h: sp.hL, cover: g.weight(rows[:nl]), value: sp.valueL, depth: nd.depth + 1}
	right = &gnode{start: mid, end: nd.end, g: sp.gR, h: sp.hR, cover: g.weight(rows[nl:]), value: sp.valueR, depth: nd.depth + 1}
	if !g.s.hasMissing[sp.feature] {
		// scikit-learn: missing values at prediction time go to the
		// child with more rows.
		sp.missingLeft = nl > nr
	}
	left.lower, left.upper = nd.lower, nd.upper
	right.lower, right.upper = nd.lower, nd.upper
	if cst := g.monotonic(sp.feature); cst != 0 {
		m := (left.value + right.value) / 2
		if cst > 0 {
			left.upper, right.lower = m, m
		} else {
			left.lower, right.upper = m, m
		}
	}
	g.addNode(left)
	g.addNode(right)
	n := tree.Node{Feature: int32(sp.feature), Left: left.index}
	if sp.missingLeft {
		n.Flags = tree.DefaultLeft
	}
	if sp.categorical {
		n.Flags |= tree.Categorical
		n.CatOffset, n.CatWords = uint32(len(g.cats)), 4
		known := g.bn.known[sp.feature]
		for w := range 4 {
			// Codes unseen in training follow missing values, as in
			// scikit-learn.
			word := sp.cats[w] & known[w]
			if sp.missingLeft {
				word |= ^known[w]
			}
			g.cats = append(g.cats, word)
		}
	} else {
		n.Value = g.threshold(sp.feature, sp.bin)
	}
	g.nodes[nd.index] = n
	g.gains[nd.index] = sp.gain
	g.binned[nd.index] = binNode{feature: int32(sp.feature), left: left.index, sp: sp}
	return left, right
}

// addLeaves adds the values of the leaves of the tree just grown to
// output k of the training margins raw (row-major, K outputs per row):
// one addition per row, as by walking the tree. With at most 256 leaves it
// marks each row's leaf in a byte (scattered writes to 1 byte a row, which
// stay in the cache) and then adds in row order, one pass over raw
// instead of a scattered pass per leaf.
func (g *grower) addLeaves(raw []float64, K, k int) {
	if len(g.leaves) > 256 {
		// The leaves hold disjoint rows.
		g.team.parallel(len(g.leaves), len(g.leaves), func(lo, hi int) {
			for _, leaf := range g.leaves[lo:hi] {
				v := g.nodes[leaf.index].Value
				for _, r := range g.rows[leaf.start:leaf.end] {
					raw[int(r)*K+k] += v
				}
			}
		})
		return
	}
	leafOf := g.marks[:g.n]
	var vals [256]float64
	for i, leaf := range g.leaves {
		vals[i] = g.nodes[leaf.index].Value
	}
	g.team.parallel(len(g.leaves), len(g.leaves), func(lo, hi int) {
		for i := lo; i < hi; i++ {
			leaf := g.leaves[i]
			for _, r := range g.rows[leaf.start:leaf.end] {
				leafOf[r] = uint8(i)
			}
		}
	})
	g.team.parallel(g.n, g.n/minParallelRows, func(lo, hi int) {
		if K == 1 {
			for i, l := range leafOf[lo:hi] {
				raw[lo+i] += vals[l]
			}
			return
		}
		for i := lo; i < hi; i++ {
			raw[i*K+k] += vals[leafOf[i]]
		}
	})
}

// minParallelRows is the fewest rows a pass over rows is split among
// workers for, and the size of the ranges the team's goroutines claim
// in a pass whose result does not depend on them.
const minParallelRows = 1 << 12

// rowWorkers returns the workers for a pass over n rows.
func (g *grower) rowWorkers(n int) int {
	if n < minParallelRows {
		return 1
	}
	return g.workers
}

// partition reorders the positions [s, e) by split sp, whose bins goLeft
// marks (0xFF where a bin goes left), those going left first: the rows,
// the bins of every group and the gradient pairs, all the same way (see
// part.go). It returns the number of left rows. The left marks go to
// g.marks first, counted by contiguous chunk; then one plan is made from
// them and the arrays follow it, a whole array per worker at a time: the
// same order whatever the number of workers.
func (g *grower) partition(s, e int, sp *split, goLeft *[256]uint8) int {
	m := e - s
	f := sp.feature
	ws := g.words(f / histGroup)[s:e]
	shift := byteShift[f%histGroup] // feature f's byte in a word
	marks := g.marks[:m]
	w := g.rowWorkers(m)
	left := g.chunkLeft[:0]
	for range w {
		left = append(left, 0)
	}
	g.chunkLeft = left
	g.team.parallel(w, w, func(lo, hi int) {
		for c := lo; c < hi; c++ {
			a, b := c*m/w, (c+1)*m/w
			left[c] = leftMarks(ws[a:b], marks[a:b], shift, sp, g.s.missing, goLeft)
		}
	})
	nl := 0
	for _, c := range left {
		nl += c
	}
	g.plan.plan(marks)
	// The gradient pairs (twice the bytes of the others, claimed first so
	// that the workers end together), the rows and the groups' words.
	arrays, chunks := g.groups+2, 1
	if w > 1 {
		chunks = arrays
	}
	g.team.parallel(arrays, chunks, func(lo, hi int) {
		for j := lo; j < hi; j++ {
			switch j {
			case 0:
				g.plan.applyPairs(g.pos[s:e], marks)
			case 1:
				g.plan.apply(g.rows[s:e], marks)
			default:
				g.plan.apply(g.words(j - 2)[s:e], marks)
			}
		}
	})
	return nl
}

// leftMarks sets marks[i] to 0xFF where the bin of ws[i] at shift goes
// left by sp (as goLeft says), to 0 elsewhere, and returns the number of
// left words. A numeric split's compare runs in AVX2 (marks32) when it
// can; the table serves categorical splits and the tail.
func leftMarks(ws []uint32, marks []uint8, shift uint, sp *split, missing uint8, goLeft *[256]uint8) int {
	marks = marks[:len(ws)]
	i, cnt := 0, 0
	if useAVX2 && !sp.categorical && len(ws) >= 8 {
		missLeft := 0
		if sp.missingLeft {
			missLeft = -1
		}
		cnt = marks32(&ws[0], &marks[0], len(ws), shift, int(sp.bin), int(missing), missLeft)
		i = len(ws) &^ 7
	}
	for ; i < len(ws); i++ {
		l := goLeft[uint8(ws[i]>>shift)]
		marks[i] = l
		cnt += int(l & 1)
	}
	return cnt
}

// byteShift[k] is the shift that brings byte k of a word's memory to the
// low byte, on this machine's byte order.
var byteShift = func() (sh [histGroup]uint) {
	w := uint32(0x03020100)
	b := unsafe.Slice((*uint8)(unsafe.Pointer(&w)), histGroup)
	for k := range sh {
		sh[k] = 8 * uint(b[k])
	}
	return sh
}()

// words returns group q's bins as one word per position.
func (g *grower) words(q int) []uint32 {
	b := g.bins[histGroup*q*g.n : histGroup*(q+1)*g.n]
	return unsafe.Slice((*uint32)(unsafe.Pointer(unsafe.SliceData(b))), g.n)
}

// packTable[i] lists the set bits of i in increasing order, then the
// others: the VPERMD indices that pack the words a byte of marks selects.
var packTable = func() (t [256][8]uint32) {
	for i := range t {
		k := 0
		for b := range 8 {
			if i>>b&1 != 0 {
				t[i][k] = uint32(b)
				k++
			}
		}
		for b := range 8 {
			if i>>b&1 == 0 {
				t[i][k] = uint32(b)
				k++
			}
		}
	}
	return t
}()

// weight returns the training weight of rows: their number, or the sum
// of their weights (in row order within the node, so the same for any
// number of workers).
func (g *grower) weight(rows []uint32) float64 {
	if g.w == nil {
		return float64(len(rows))
	}
	s := 0.0
	for _, r := range rows {
		s += g.w[r]
	}
	return s
}

func (g *grower) monotonic(f int) int {
	if g.s.monotonic == nil {
		return 0
	}
	return g.s.monotonic[f]
}

// threshold maps a split's bin to its real threshold: the bin's upper
// threshold, or +Inf for the last non-missing bin (a split that sends
// only missing values right).
func (g *grower) threshold(f int, b uint8) float64 {
	thr := g.bn.thresholds[f]
	if int(b) >= len(thr) {
		return math.Inf(1)
	}
	return thr[b]
}

// gheap orders nodes by decreasing gain, then by creation.
type gheap []*gnode

func (h gheap) Len() int { return len(h) }
func (h gheap) Less(i, j int) bool {
	if h[i].sp.gain != h[j].sp.gain {
		return h[i].sp.gain > h[j].sp.gain
	}
	return h[i].serial < h[j].serial
}
func (h gheap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *gheap) Push(x any)   { *h = append(*h, x.(*gnode)) }
func (h *gheap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}
