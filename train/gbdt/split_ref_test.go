package gbdt

// bestRef is best as it was before the fast path (split14): the
// reference the tests hold the search to, split struct and all.
func (s *splitter) bestRef(hf *featHist, f int, c *candidate) split {
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
