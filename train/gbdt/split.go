package gbdt

import "slices"

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
// feature's monotonic constraint.
func (s *splitter) gain(c *candidate, gL, hL, gR, hR float64, cst int) (gain, vL, vR float64) {
	vL = s.nodeValue(gL, hL, c.lower, c.upper)
	vR = s.nodeValue(gR, hR, c.lower, c.upper)
	if (cst > 0 && vL > vR) || (cst < 0 && vL < vR) {
		return -1, vL, vR
	}
	return c.loss - gL*vL - gR*vR, vL, vR
}

// candidate is what the split search needs to know of a node.
type candidate struct {
	g, h         float64 // sums
	n            float64 // rows
	lower, upper float64 // monotonic bounds of the children's values
	loss         float64 // g·value of the node
}

// best finds the best split of feature f of a node with histogram hf.
func (s *splitter) best(hf *featHist, f int, c *candidate) split {
	if s.categorical != nil && s.categorical[f] {
		return s.bestCategorical(hf, f, c)
	}
	best := split{gain: -1, feature: f}
	nb := s.nbins[f]
	cst := 0
	if s.monotonic != nil {
		cst = s.monotonic[f]
	}
	minLeaf := float64(s.minSamplesLeaf)
	end := nb - 1
	if s.hasMissing[f] {
		end = nb
	}
	var gL, hL float64
	var nL float64
	for b := range end {
		e := &hf[b]
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
		gain, vL, vR := s.gain(c, gL, hL, gR, hR, cst)
		if gain > best.gain && gain > 0 {
			best = split{gain: gain, feature: f, bin: uint8(b), gL: gL, hL: hL, gR: gR, hR: hR, nL: nL, nR: nR, valueL: vL, valueR: vR}
		}
	}
	if !s.hasMissing[f] {
		return best
	}
	var gR, hR float64
	var nR float64
	for b := nb - 2; b >= 0; b-- {
		e := &hf[b+1]
		nR += e.n
		gR += e.g
		hR += e.h
		nL, gL, hL := c.n-nR, c.g-gR, c.h-hR
		if nR < minLeaf || hR < s.minHessian {
			continue
		}
		if nL < minLeaf || hL < s.minHessian {
			break
		}
		gain, vL, vR := s.gain(c, gL, hL, gR, hR, cst)
		if gain > best.gain && gain > 0 {
			best = split{gain: gain, feature: f, bin: uint8(b), missingLeft: true, gL: gL, hL: hL, gR: gR, hR: hR, nL: nL, nR: nR, valueL: vL, valueR: vR}
		}
	}
	return best
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
