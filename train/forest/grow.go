package forest

import (
	"context"
	"math"
	"math/bits"
	"slices"
)

// Constants of scikit-learn's tree builder (sklearn/tree/_splitter.pyx,
// _tree.pyx, _utils.pyx).
const (
	// featureThreshold: values closer than this are one value, and a
	// feature whose values span no more is constant in the node.
	featureThreshold = 1e-7
	// epsilon is DBL_EPSILON: a node this pure is a leaf.
	epsilon = 0x1p-52
	// randMax is RAND_R_MAX, the bound of our_rand_r.
	randMax = 0x7FFFFFFF
	// ctxEvery is how many nodes a grower builds between looks at ctx.
	ctxEvery = 256
)

// criterion is the impurity a tree minimises.
type criterion uint8

const (
	gini criterion = iota
	entropy
	squaredError
)

// data is what every tree of one fit reads: shared and read-only.
type data struct {
	n, p int
	x    []float32 // column-major n×p, rounded to float32 as scikit-learn does
	ord  []uint32  // column-major order-preserving bits of x (ordBits); nil for extra trees
	k    int       // classes; 0 for regression
	yc   []int32   // class index of each row (classification)
	y    []float64 // target of each row (regression)
	w    []float64 // base weight of each row; nil means 1
}

// growth is the resolved settings of one tree.
type growth struct {
	crit        criterion
	random      bool // extra trees: one random threshold per feature
	maxDepth    int
	minSplit    int
	minLeaf     int
	maxFeatures int
	minDecrease float64
}

// node is one node as scikit-learn's builder creates it, in its order
// (depth first, left child first).
type node struct {
	feature     int32 // -1 for a leaf
	left, right int32
	threshold   float64
	impurity    float64
	weight      float64 // weighted_n_node_samples
	value       int32   // offset of the node's value in grower.values
}

// frame is a node waiting on the builder's stack.
type frame struct {
	start, end int
	depth      int
	parent     int32
	isLeft     bool
	impurity   float64
	nConstant  int
}

// split is a candidate or chosen split.
type split struct {
	feature   int
	pos       int
	threshold float64
	impLeft   float64
	impRight  float64
	improve   float64
}

// row is a row's weight in the current tree and its target (the class
// index of a classifier), side by side for one cache miss.
type row struct{ w, y float64 }

// ordBits maps a float32 to a uint32 of the same order, so that keys
// sort by value and carry it.
func ordBits(v float32) uint32 {
	u := math.Float32bits(v)
	if u&(1<<31) != 0 {
		return ^u
	}
	return u | 1<<31
}

// ordValue is the float32 of ordBits o, as a float64.
func ordValue(o uint32) float64 {
	if o&(1<<31) != 0 {
		return float64(math.Float32frombits(o &^ (1 << 31)))
	}
	return float64(math.Float32frombits(^o))
}

// grower grows trees one at a time; it owns its scratch space, reused
// from tree to tree, and is used by one goroutine.
type grower struct {
	d *data
	g *growth

	state uint32 // our_rand_r state

	rows     []row // this tree's weight and target of each row
	samples  []int32
	keys     []uint64
	tmp      []uint64
	xf       []float32
	features []int32
	constant []int32
	count    [1 << 12]int32

	sumTotal, sumLeft, sumRight []float64
	wNode, wLeft, wRight        float64
	sqTotal                     float64 // regression: Σ w·y²
	wRoot                       float64

	nodes  []node
	values []float64
	stack  []frame
}

func newGrower(d *data, g *growth) *grower {
	k := max(d.k, 1)
	gr := &grower{d: d, g: g, rows: make([]row, d.n), samples: make([]int32, 0, d.n),
		features: make([]int32, d.p), constant: make([]int32, d.p),
		sumTotal: make([]float64, k), sumLeft: make([]float64, k), sumRight: make([]float64, k)}
	if g.random {
		gr.xf = make([]float32, d.n)
	} else {
		gr.keys = make([]uint64, d.n)
		gr.tmp = make([]uint64, d.n)
	}
	return gr
}

// rand is scikit-learn's our_rand_r: a 32-bit xorshift reduced modulo
// RAND_R_MAX+1.
func (gr *grower) rand() uint32 {
	if gr.state == 0 {
		gr.state = 1
	}
	gr.state ^= gr.state << 13
	gr.state ^= gr.state >> 17
	gr.state ^= gr.state << 5
	return gr.state % (randMax + 1)
}

// randInt is rand_int: a value in [low, high).
func (gr *grower) randInt(low, high int) int {
	return low + int(gr.rand()%uint32(high-low))
}

// randUniform is rand_uniform: a value in [low, high].
func (gr *grower) randUniform(low, high float64) float64 {
	return (high-low)*float64(gr.rand())/randMax + low
}

// grow builds one tree on the rows of positive weight, weighing row i by
// weight[i] (which the caller has filled), with the xorshift seed state.
// It looks at ctx every ctxEvery nodes.
func (gr *grower) grow(ctx context.Context, state uint32) error {
	d, g := gr.d, gr.g
	gr.state = state
	gr.samples = gr.samples[:0]
	gr.wRoot = 0
	for i, r := range gr.rows {
		if r.w != 0 {
			gr.samples = append(gr.samples, int32(i))
			gr.wRoot += r.w
		}
	}
	for j := range gr.features {
		gr.features[j] = int32(j)
		gr.constant[j] = int32(j)
	}
	gr.nodes, gr.values = gr.nodes[:0], gr.values[:0]
	gr.stack = append(gr.stack[:0], frame{start: 0, end: len(gr.samples), parent: -1})
	k := max(d.k, 1)
	first := true
	for len(gr.stack) > 0 {
		if len(gr.nodes)%ctxEvery == ctxEvery-1 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		f := gr.stack[len(gr.stack)-1]
		gr.stack = gr.stack[:len(gr.stack)-1]
		nNode := f.end - f.start
		gr.initNode(f.start, f.end)
		isLeaf := f.depth >= g.maxDepth || nNode < g.minSplit || nNode < 2*g.minLeaf
		impurity := f.impurity
		if first {
			impurity = gr.nodeImpurity()
			first = false
		}
		isLeaf = isLeaf || impurity <= epsilon
		var s split
		nConstant := f.nConstant
		if !isLeaf {
			if g.random {
				s, nConstant = gr.randomSplit(f.start, f.end, impurity, f.nConstant)
			} else {
				s, nConstant = gr.bestSplit(f.start, f.end, impurity, f.nConstant)
			}
			isLeaf = s.pos >= f.end || s.improve+epsilon < g.minDecrease
		}
		id := int32(len(gr.nodes))
		nd := node{feature: -1, impurity: impurity, weight: gr.wNode, value: int32(len(gr.values))}
		if f.parent >= 0 {
			if f.isLeft {
				gr.nodes[f.parent].left = id
			} else {
				gr.nodes[f.parent].right = id
			}
		}
		if d.k > 0 {
			gr.values = append(gr.values, gr.sumTotal[:k]...)
		} else {
			gr.values = append(gr.values, gr.sumTotal[0]/gr.wNode)
		}
		if !isLeaf {
			nd.feature, nd.threshold = int32(s.feature), s.threshold
			gr.stack = append(gr.stack,
				frame{start: s.pos, end: f.end, depth: f.depth + 1, parent: id, impurity: s.impRight, nConstant: nConstant},
				frame{start: f.start, end: s.pos, depth: f.depth + 1, parent: id, isLeft: true, impurity: s.impLeft, nConstant: nConstant})
		}
		gr.nodes = append(gr.nodes, nd)
	}
	return nil
}

// initNode sums the weights and targets of samples[start:end]
// (criterion.init).
func (gr *grower) initNode(start, end int) {
	d := gr.d
	clear(gr.sumTotal)
	gr.wNode, gr.sqTotal = 0, 0
	if d.k > 0 {
		for _, s := range gr.samples[start:end] {
			r := gr.rows[s]
			gr.sumTotal[int(r.y)] += r.w
			gr.wNode += r.w
		}
		return
	}
	var sum float64
	for _, s := range gr.samples[start:end] {
		w, y := gr.rows[s].w, gr.rows[s].y
		sum += w * y
		gr.sqTotal += w * y * y
		gr.wNode += w
	}
	gr.sumTotal[0] = sum
}

// nodeImpurity is the impurity of the node initNode summed.
func (gr *grower) nodeImpurity() float64 {
	switch gr.g.crit {
	case gini:
		return giniOf(gr.sumTotal, gr.wNode)
	case entropy:
		return entropyOf(gr.sumTotal, gr.wNode)
	}
	m := gr.sumTotal[0] / gr.wNode
	return gr.sqTotal/gr.wNode - m*m
}

func giniOf(counts []float64, w float64) float64 {
	sq := 0.0
	for _, c := range counts {
		sq += c * c
	}
	return 1 - sq/(w*w)
}

func entropyOf(counts []float64, w float64) float64 {
	e := 0.0
	for _, c := range counts {
		if c > 0 {
			c /= w
			e -= c * (math.Log(c) / math.Ln2)
		}
	}
	return e
}

// resetLeft empties the left child.
func (gr *grower) resetLeft() {
	clear(gr.sumLeft)
	gr.wLeft = 0
}

// addLeft moves samples[from:to] into the left child.
func (gr *grower) addLeft(from, to int) {
	d := gr.d
	if d.k > 0 {
		for _, s := range gr.samples[from:to] {
			r := gr.rows[s]
			gr.sumLeft[int(r.y)] += r.w
			gr.wLeft += r.w
		}
		return
	}
	sum := gr.sumLeft[0]
	for _, s := range gr.samples[from:to] {
		r := gr.rows[s]
		sum += r.w * r.y
		gr.wLeft += r.w
	}
	gr.sumLeft[0] = sum
}

// setLeft makes samples[start:pos] the left child of the node
// samples[start:end], summing the shorter side as criterion.update does.
func (gr *grower) setLeft(start, pos, end int) {
	gr.resetLeft()
	if pos-start <= end-pos {
		gr.addLeft(start, pos)
		return
	}
	gr.addLeft(pos, end) // the right side, then complemented
	for c := range gr.sumLeft {
		gr.sumLeft[c] = gr.sumTotal[c] - gr.sumLeft[c]
	}
	gr.wLeft = gr.wNode - gr.wLeft
}

// proxy is the criterion's proxy_impurity_improvement of the current
// left/right partition: larger is better.
func (gr *grower) proxy() float64 {
	gr.wRight = gr.wNode - gr.wLeft
	if gr.g.crit == squaredError {
		l := gr.sumLeft[0]
		r := gr.sumTotal[0] - l
		return l*l/gr.wLeft + r*r/gr.wRight
	}
	for c, t := range gr.sumTotal {
		gr.sumRight[c] = t - gr.sumLeft[c]
	}
	var il, ir float64
	if gr.g.crit == gini {
		il, ir = giniOf(gr.sumLeft, gr.wLeft), giniOf(gr.sumRight, gr.wRight)
	} else {
		il, ir = entropyOf(gr.sumLeft, gr.wLeft), entropyOf(gr.sumRight, gr.wRight)
	}
	return -gr.wRight*ir - gr.wLeft*il
}

// children computes the impurities and the improvement of split s of the
// node samples[start:end] (of impurity imp), whose samples are
// partitioned already.
func (gr *grower) children(s *split, start, end int, imp float64) {
	gr.setLeft(start, s.pos, end)
	gr.wRight = gr.wNode - gr.wLeft
	switch gr.g.crit {
	case squaredError:
		sqLeft := 0.0
		for _, i := range gr.samples[start:s.pos] {
			r := gr.rows[i]
			sqLeft += r.w * r.y * r.y
		}
		sqRight := gr.sqTotal - sqLeft
		ml := gr.sumLeft[0] / gr.wLeft
		mr := (gr.sumTotal[0] - gr.sumLeft[0]) / gr.wRight
		s.impLeft = sqLeft/gr.wLeft - ml*ml
		s.impRight = sqRight/gr.wRight - mr*mr
	default:
		for c, t := range gr.sumTotal {
			gr.sumRight[c] = t - gr.sumLeft[c]
		}
		if gr.g.crit == gini {
			s.impLeft, s.impRight = giniOf(gr.sumLeft, gr.wLeft), giniOf(gr.sumRight, gr.wRight)
		} else {
			s.impLeft, s.impRight = entropyOf(gr.sumLeft, gr.wLeft), entropyOf(gr.sumRight, gr.wRight)
		}
	}
	s.improve = gr.wNode / gr.wRoot * (imp - gr.wRight/gr.wNode*s.impRight - gr.wLeft/gr.wNode*s.impLeft)
}

// partition reorders samples[start:end] so that the rows with x <= t of
// feature f come first, as scikit-learn's splitters do.
func (gr *grower) partition(start, end, f int, t float64) {
	col := gr.d.x[f*gr.d.n : (f+1)*gr.d.n]
	s := gr.samples
	p, e := start, end
	for p < e {
		if float64(col[s[p]]) <= t {
			p++
		} else {
			e--
			s[p], s[e] = s[e], s[p]
		}
	}
}

// drawer is the state of one node's draw of candidate features, as
// scikit-learn's splitters keep it: gr.features[:nDrawn] are known
// constant features drawn already, [nDrawn:nKnown] the known constant
// ones not drawn, [nKnown:nTotal] the ones found constant in this node,
// [nTotal:fi] the ones not drawn yet, [fi:] the ones evaluated.
type drawer struct {
	fi, nFound, nDrawn, nKnown, nTotal, visited int
}

// next draws the next feature to evaluate and returns its index in
// gr.features, or -1 when the node has drawn enough: maxFeatures
// features, more while those drawn were constant.
func (gr *grower) next(dr *drawer) int {
	features := gr.features
	for dr.fi > dr.nTotal && (dr.visited < gr.g.maxFeatures || dr.visited <= dr.nFound+dr.nDrawn) {
		dr.visited++
		fj := gr.randInt(dr.nDrawn, dr.fi-dr.nFound)
		if fj < dr.nKnown {
			features[dr.nDrawn], features[fj] = features[fj], features[dr.nDrawn]
			dr.nDrawn++
			continue
		}
		return fj + dr.nFound
	}
	return -1
}

// constantFeature records that feature gr.features[fj] is constant in the
// node.
func (gr *grower) constantFeature(dr *drawer, fj int) {
	gr.features[fj], gr.features[dr.nTotal] = gr.features[dr.nTotal], gr.features[fj]
	dr.nFound++
	dr.nTotal++
}

// useFeature records that feature gr.features[fj] is evaluated.
func (gr *grower) useFeature(dr *drawer, fj int) {
	dr.fi--
	gr.features[dr.fi], gr.features[fj] = gr.features[fj], gr.features[dr.fi]
}

// endNode restores the known constant features for the node's siblings
// and keeps the ones found here for its children, whose number it
// returns.
func (gr *grower) endNode(dr *drawer) int {
	copy(gr.features[:dr.nKnown], gr.constant[:dr.nKnown])
	copy(gr.constant[dr.nKnown:dr.nKnown+dr.nFound], gr.features[dr.nKnown:dr.nKnown+dr.nFound])
	return dr.nTotal
}

// bestSplit is BestSplitter.node_split: the best threshold of up to
// maxFeatures features drawn at random (more when constant ones are
// drawn), features found constant remembered for the node's children.
func (gr *grower) bestSplit(start, end int, imp float64, nKnown int) (split, int) {
	d, g := gr.d, gr.g
	dr := drawer{fi: d.p, nTotal: nKnown, nKnown: nKnown}
	best := split{pos: end}
	bestProxy := math.Inf(-1)
	for fj := gr.next(&dr); fj >= 0; fj = gr.next(&dr) {
		f := int(gr.features[fj])
		// Gather the keys; a feature whose values span at most
		// featureThreshold is constant here.
		ord := d.ord[f*d.n : (f+1)*d.n]
		keys := gr.keys[start:end]
		lo, hi := uint32(math.MaxUint32), uint32(0)
		for i, s := range gr.samples[start:end] {
			o := ord[s]
			lo, hi = min(lo, o), max(hi, o)
			keys[i] = uint64(o)<<32 | uint64(uint32(s))
		}
		if ordValue(hi) <= ordValue(lo)+featureThreshold {
			gr.constantFeature(&dr, fj)
			continue
		}
		gr.useFeature(&dr, fj)
		gr.sortKeys(keys, lo, bits.Len32(hi-lo))
		for i, key := range keys {
			gr.samples[start+i] = int32(uint32(key))
		}
		// Evaluate every position between distinct values.
		gr.resetLeft()
		added := start
		p := start
		for p < end {
			// A value within featureThreshold of the previous one is
			// the same value.
			v := ordValue(uint32(keys[p-start] >> 32))
			for p+1 < end {
				next := ordValue(uint32(keys[p+1-start] >> 32))
				if next > v+featureThreshold {
					break
				}
				v = next
				p++
			}
			p++
			if p >= end {
				break
			}
			if p-start < g.minLeaf || end-p < g.minLeaf {
				continue
			}
			gr.addLeft(added, p)
			added = p
			if pr := gr.proxy(); pr > bestProxy {
				bestProxy = pr
				next := ordValue(uint32(keys[p-start] >> 32))
				t := v/2 + next/2
				if t == next || math.IsInf(t, 0) {
					t = v
				}
				best = split{feature: f, pos: p, threshold: t}
			}
		}
	}
	if best.pos < end {
		gr.partition(start, end, best.feature, best.threshold)
		gr.children(&best, start, end, imp)
	}
	return best, gr.endNode(&dr)
}

// randomSplit is RandomSplitter.node_split (extra trees): for each drawn
// feature one threshold uniform between the node's least and greatest
// values, the best of them kept.
func (gr *grower) randomSplit(start, end int, imp float64, nKnown int) (split, int) {
	d, g := gr.d, gr.g
	dr := drawer{fi: d.p, nTotal: nKnown, nKnown: nKnown}
	best := split{pos: end}
	bestProxy := math.Inf(-1)
	current := -1
	xf := gr.xf[start:end]
	samples := gr.samples[start:end]
	for fj := gr.next(&dr); fj >= 0; fj = gr.next(&dr) {
		f := int(gr.features[fj])
		current = f
		col := d.x[f*d.n : (f+1)*d.n]
		lo, hi := float32(math.Inf(1)), float32(math.Inf(-1))
		for i, s := range samples {
			v := col[s]
			xf[i] = v
			lo, hi = min(lo, v), max(hi, v)
		}
		if float64(hi) <= float64(lo)+featureThreshold {
			gr.constantFeature(&dr, fj)
			continue
		}
		gr.useFeature(&dr, fj)
		t := gr.randUniform(float64(lo), float64(hi))
		if t == float64(hi) {
			t = float64(lo)
		}
		p, e := 0, len(xf)
		for p < e {
			if float64(xf[p]) <= t {
				p++
			} else {
				e--
				xf[p], xf[e] = xf[e], xf[p]
				samples[p], samples[e] = samples[e], samples[p]
			}
		}
		pos := start + e
		if pos-start < g.minLeaf || end-pos < g.minLeaf {
			continue
		}
		gr.setLeft(start, pos, end)
		if pr := gr.proxy(); pr > bestProxy {
			bestProxy = pr
			best = split{feature: f, pos: pos, threshold: t}
		}
	}
	if best.pos < end {
		if current != best.feature {
			gr.partition(start, end, best.feature, best.threshold)
		}
		gr.children(&best, start, end, imp)
	}
	return best, gr.endNode(&dr)
}

// sortKeys sorts keys (ordBits<<32 | sample) by value, whose ordBits less
// lo need the given number of bits: a least-significant-digit radix sort
// for large nodes, pdqsort for small ones.
func (gr *grower) sortKeys(keys []uint64, lo uint32, nbits int) {
	n := len(keys)
	if n < 256 {
		slices.Sort(keys)
		return
	}
	passes := (nbits + 11) / 12
	digit := (nbits + passes - 1) / passes
	mask := uint64(1)<<digit - 1
	count := gr.count[:1<<digit]
	src, dst := keys, gr.tmp[:n]
	base := uint64(lo)
	shift := 0
	for range passes {
		clear(count)
		for _, k := range src {
			count[((k>>32)-base)>>shift&mask]++
		}
		var sum int32
		for i, c := range count {
			count[i] = sum
			sum += c
		}
		for _, k := range src {
			b := ((k >> 32) - base) >> shift & mask
			dst[count[b]] = k
			count[b]++
		}
		src, dst = dst, src
		shift += digit
	}
	if passes%2 == 1 {
		copy(keys, src)
	}
}
