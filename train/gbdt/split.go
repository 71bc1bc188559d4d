package gbdt

import (
	"math"
	"slices"
	"unsafe"
)

// split is the best split of a node found so far.
type split struct {
	gain        float64 // -1 when there is none
	feature     int
	bin         uint8 // numeric: bins <= bin go left
	missingLeft bool
	categorical bool
	cats        [4]uint64 // categorical: bins that go left (including the missing bin)
	gL, hL      float64
	gR, hR      float64
	nL, nR      float64
	valueL      float64
	valueR      float64
}

// splitter finds splits: scikit-learn 1.2's Splitter.
type splitter struct {
	l2             float64
	minSamplesLeaf int
	minHessian     float64
	nbins          []int
	hasMissing     []bool
	missing        uint8
	categorical    []bool
	monotonic      []int
}

// nodeValue is scikit-learn's compute_node_value: the Newton step,
// clipped to the monotonic bounds.
func (s *splitter) nodeValue(g, h, lower, upper float64) float64 {
	v := -g / (h + s.l2 + 1e-15)
	return min(max(v, lower), upper)
}

// gain is scikit-learn's _split_gain: the decrease of the loss from the
// node to its two children, or -1 when the children's values break the
// feature's monotonic constraint. The products are rounded before the
// subtractions (no fused multiply-add, whatever GOAMD64), as gainsGo and
// the assembly kernel round them.
func (s *splitter) gain(c *candidate, gL, hL, gR, hR float64, cst int) (gain, vL, vR float64) {
	vL = s.nodeValue(gL, hL, c.lower, c.upper)
	vR = s.nodeValue(gR, hR, c.lower, c.upper)
	if (cst > 0 && vL > vR) || (cst < 0 && vL < vR) {
		return -1, vL, vR
	}
	return c.loss - float64(gL*vL) - float64(gR*vR), vL, vR
}

// candidate is what the split search needs to know of a node.
type candidate struct {
	g, h         float64 // sums
	n            float64 // rows
	lower, upper float64 // monotonic bounds of the children's values
	loss         float64 // g·value of the node
}

// scanBlock is the number of splits a scan gathers before it evaluates
// them together.
const scanBlock = 32

// scan gathers the splits of one feature that pass the minimum leaf
// size and hessian, and evaluates them a block at a time: the gains of a
// block are independent of each other, so that their divisions overlap
// (four to an instruction in the AVX2 kernel) instead of waiting on the
// branches of the search.
type scan struct {
	s    *splitter
	c    *candidate
	fast bool // no monotonic constraint and infinite bounds: gainsFast
	cst  int
	best split
	st   scanState
	// The sums of the splits of a block on the side the pass accumulates
	// (A: left forward, right backward) and on the other (B), and their
	// bins; the assembly pass (scanBins) writes them at these offsets
	// from gA (TestScanLayout).
	gA, hA, gB, hB, nA [scanBlock]float64
	bin                [scanBlock]uint8
	gains              [scanBlock]float64
}

// scanState is the state of a pass between blocks: the running sums of
// the entries and the node's sums as (g, h, n, 0), the least sums a
// side may have, and the next entry (at byte pos of the histogram, step
// bytes apart, left of them, of split bin b, bins db apart); started
// tells that the first entry was taken (an empty entry after it is
// skipped). The assembly pass reads and writes it at fixed offsets
// (TestScanLayout).
type scanState struct {
	acc, total, least [4]float64
	pos, step, left   int
	b, db             int
	started           int
}

// pass accumulates the count entries of hf from first, step apart (1
// forward, -1 backward), as scikit-learn's two loops do: split i puts
// the accumulated entries on one side (left forward, right backward,
// where the missing bin goes left), at bin first+i*step-off. A split
// whose accumulated side is too small is passed over; the first whose
// other side is too small ends the pass.
//
// An entry with zero sums and no rows (past the first) is skipped: the
// sums it leaves unchanged (adding ±0 to a sum never changes it, as
// the sums start at +0 and so are never -0) give the split before the
// same gain, which the search, keeping the first strictly greater gain,
// never prefers; and if that split was passed over, so is this one.
// (Skipping is optional, so the assembly pass, scanBins, skips only the
// entries whose 32 bytes are all zero: a -0 sum is taken.)
func (sc *scan) pass(hf *featHist, first, count, step, off int, forward bool) {
	if count <= 0 {
		return
	}
	if useAVX2 {
		c := sc.c
		sc.st = scanState{total: [4]float64{c.g, c.h, c.n, 0}, least: [4]float64{math.Inf(-1), sc.s.minHessian, float64(sc.s.minSamplesLeaf), math.Inf(-1)},
			pos: first * int(unsafe.Sizeof(bin{})), step: step * int(unsafe.Sizeof(bin{})), left: count, b: first - off, db: step}
		for {
			k, stopped := scanBins(&sc.st, hf, &sc.gA[0])
			sc.flush(k, forward)
			if stopped || sc.st.left == 0 {
				return
			}
		}
	}
	minLeaf, minHess := float64(sc.s.minSamplesLeaf), sc.s.minHessian
	cn, cg, ch := sc.c.n, sc.c.g, sc.c.h
	var gA, hA, nA float64
	k := 0
	for i := range count {
		j := first + i*step
		e := &hf[uint8(j)]
		if i > 0 && e.n == 0 && e.g == 0 && e.h == 0 {
			continue
		}
		nA += e.n
		gA += e.g
		hA += e.h
		nB, gB, hB := cn-nA, cg-gA, ch-hA
		if nA < minLeaf || hA < minHess {
			continue
		}
		if nB < minLeaf || hB < minHess {
			break
		}
		sc.gA[k], sc.hA[k], sc.gB[k], sc.hB[k] = gA, hA, gB, hB
		sc.nA[k], sc.bin[k] = nA, uint8(j-off)
		if k++; k == scanBlock {
			sc.flush(k, forward)
			k = 0
		}
	}
	sc.flush(k, forward)
}

// flush evaluates the k splits gathered and keeps the first whose gain is
// positive and above the best so far.
func (sc *scan) flush(k int, forward bool) {
	if k == 0 {
		return
	}
	s, c := sc.s, sc.c
	gL, hL, gR, hR := &sc.gA, &sc.hA, &sc.gB, &sc.hB
	if !forward {
		gL, hL, gR, hR = gR, hR, gL, hL
	}
	var top float64
	if sc.fast {
		top = gainsFast(&sc.gains, gL, hL, gR, hR, k, c.loss, s.l2)
	} else {
		for i := range k {
			g, _, _ := s.gain(c, gL[i], hL[i], gR[i], hR[i], sc.cst)
			sc.gains[i], top = g, topGain(top, g)
		}
	}
	// The first strictly greater gain of a loop over the splits is the
	// first split of the greatest gain.
	if top <= 0 || top <= sc.best.gain {
		return
	}
	bi := 0
	for sc.gains[bi] != top {
		bi++
	}
	b := &sc.best
	b.gain, b.bin, b.missingLeft = top, sc.bin[bi], !forward
	b.gL, b.hL, b.gR, b.hR = gL[bi], hL[bi], gR[bi], hR[bi]
	if forward {
		b.nL = sc.nA[bi]
		b.nR = c.n - b.nL
	} else {
		b.nR = sc.nA[bi]
		b.nL = c.n - b.nR
	}
	b.valueL = s.nodeValue(b.gL, b.hL, c.lower, c.upper)
	b.valueR = s.nodeValue(b.gR, b.hR, c.lower, c.upper)
}

// topGain returns the greater of top and g, or top when g is NaN: the
// running greatest gain (with VMAXPD's operand order in the kernel).
func topGain(top, g float64) float64 {
	if g > top {
		return g
	}
	return top
}

// gainsGo is the portable gainsFast: gains[i] for i < k is the gain of
// the split of sums gL[i], hL[i] | gR[i], hR[i] for a node of loss
// loss, without bounds, exactly as splitter.gain computes it (the clamp
// to infinite bounds is the identity, NaN and -0 included). It returns
// the greatest of the gains that are not NaN, or 0 when none is above.
func gainsGo(gains, gL, hL, gR, hR *[scanBlock]float64, k int, loss, l2 float64) float64 {
	top := 0.0
	for i := range k {
		vL := -gL[i] / (hL[i] + l2 + 1e-15)
		vR := -gR[i] / (hR[i] + l2 + 1e-15)
		gains[i] = loss - float64(gL[i]*vL) - float64(gR[i]*vR)
		top = topGain(top, gains[i])
	}
	return top
}

// best finds the best split of feature f of a node with histogram hf:
// scikit-learn 1.2's loop over the bins left to right, the missing bin
// right, then (when the feature has missing values) right to left, the
// missing bin left; the first split of the greatest positive gain wins.
func (s *splitter) best(hf *featHist, f int, c *candidate) split {
	if s.categorical != nil && s.categorical[f] {
		return s.bestCategorical(hf, f, c)
	}
	sc := scan{s: s, c: c}
	if s.monotonic != nil {
		sc.cst = s.monotonic[f]
	}
	sc.fast = sc.cst == 0 && math.IsInf(c.lower, -1) && math.IsInf(c.upper, 1)
	sc.best.gain = -1
	nb := s.nbins[f]
	if !s.hasMissing[f] {
		sc.pass(hf, 0, nb-1, 1, 0, true)
	} else {
		sc.pass(hf, 0, nb, 1, 0, true)
		sc.pass(hf, nb-1, nb-1, -1, 1, false)
	}
	if sc.best.gain < 0 {
		return split{gain: -1, feature: f}
	}
	sc.best.feature = f
	return sc.best
}

// minCatSupport is scikit-learn's MIN_CAT_SUPPORT: categories of less
// hessian (scaled to rows) stay on the right, and it smooths the ratios
// categories are sorted by.
const minCatSupport = 10

type catInfo struct {
	bin   int
	value float64
}

// bestCategorical is scikit-learn 1.2's split search over categories:
// the categories of enough support (the missing bin among them) sorted
// by g/(h+10), then splits of the first i categories from either end, up
// to the middle, against the rest.
func (s *splitter) bestCategorical(hf *featHist, f int, c *candidate) split {
	best := split{gain: -1, feature: f, categorical: true}
	var buf [256]catInfo
	infos := buf[:0]
	support := c.n / c.h
	minLeaf := float64(s.minSamplesLeaf)
	add := func(b int) {
		if e := &hf[b]; e.h*support >= minCatSupport {
			infos = append(infos, catInfo{bin: b, value: e.g / (e.h + minCatSupport)})
		}
	}
	for b := range s.nbins[f] {
		add(b)
	}
	if s.hasMissing[f] {
		add(int(s.missing))
	}
	used := len(infos)
	if used <= 1 {
		return split{gain: -1, feature: f}
	}
	slices.SortStableFunc(infos, func(a, b catInfo) int {
		switch {
		case a.value < b.value:
			return -1
		case a.value > b.value:
			return 1
		}
		return 0
	})
	bestI, bestDir := -1, 0
	for _, dir := range [2]int{1, -1} {
		middle := (used + 1) / 2
		if dir < 0 {
			middle--
		}
		var gL, hL float64
		var nL float64
		for i := range middle {
			k := i
			if dir < 0 {
				k = used - 1 - i
			}
			e := &hf[infos[k].bin]
			nL += e.n
			gL += e.g
			hL += e.h
			nR, gR, hR := c.n-nL, c.g-gL, c.h-hL
			if nL < minLeaf || hL < s.minHessian {
				continue
			}
			if nR < minLeaf || hR < s.minHessian {
				break
			}
			gain, vL, vR := s.gain(c, gL, hL, gR, hR, 0)
			if gain > best.gain && gain > 0 {
				best = split{gain: gain, feature: f, categorical: true, gL: gL, hL: hL, gR: gR, hR: hR, nL: nL, nR: nR, valueL: vL, valueR: vR}
				bestI, bestDir = k, dir
			}
		}
	}
	if bestI < 0 {
		return split{gain: -1, feature: f}
	}
	lo, hi := 0, bestI+1
	if bestDir < 0 {
		lo, hi = bestI, used
	}
	for _, ci := range infos[lo:hi] {
		best.cats[ci.bin>>6] |= 1 << (ci.bin & 63)
	}
	best.missingLeft = best.cats[s.missing>>6]>>(s.missing&63)&1 != 0
	return best
}

// goesLeft reports whether bin b goes left under sp.
func (sp *split) goesLeft(b, missing uint8) bool {
	switch {
	case b == missing:
		return sp.missingLeft
	case sp.categorical:
		return sp.cats[b>>6]>>(b&63)&1 != 0
	}
	return b <= sp.bin
}
