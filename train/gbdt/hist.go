package gbdt

// bin is one histogram bin: the sums of the gradients and hessians of its
// rows, and their number. The three sums are float64 lanes of one 32-byte
// value, so that the AVX2 kernel (hist_amd64.s) adds a row's (g, h, 1, 0)
// to a bin with one load, one add and one store; a count held as a
// float64 is exact up to 2^53 rows.
type bin struct {
	g, h, n float64
	_       float64
}

// featHist is the histogram of one feature: 255 value bins and the
// missing bin fit in 256, so a uint8 bin needs no bounds check.
type featHist [256]bin

// histGroup is the number of features stored together and filled by one
// pass over a node's rows: a row's bins of a group are one 4-byte word
// (see grower.bins), and the group's four histograms of 8 KB fill half
// of the L1 cache.
const histGroup = 4

// gradPair is one row's gradient and hessian, side by side so that a
// kernel loads both at once.
type gradPair struct{ g, h float32 }

// histCols adds to the first k (1 to 4) of the four histograms hs the m
// rows of one group of features whose bins (four bytes a row, feature
// j's at byte j) start grp, and whose gradient pairs gh holds in the same
// order; k is below 4 in the last group when it is padded with unused
// features, whose histograms are left alone. constHess tells that every
// hessian is 1 (the portable kernel then counts the rows instead of
// adding the hessians: the same sums). Every bin's sums are taken in row
// order, whichever kernel runs, so the result is the same to the bit.
func histCols(hs *[histGroup]featHist, k int, grp []uint8, m int, gh []gradPair, constHess bool) {
	if m == 0 {
		return
	}
	gh = gh[:m]
	grp = grp[:histGroup*m]
	if useAVX2 {
		switch {
		case k >= 4:
			histSeq4(hs, &grp[0], m, &gh[0])
		case k == 3:
			histSeq3(hs, &grp[0], m, &gh[0])
		case k == 2:
			histSeq2(hs, &grp[0], m, &gh[0])
		default:
			histSeq1(hs, &grp[0], m, &gh[0])
		}
		return
	}
	for j := range hs[:min(k, histGroup)] {
		histGo(&hs[j], grp[j:], gh, constHess)
	}
}

// histGo is the portable kernel of histCols for feature k of a group,
// whose bins are grp[histGroup*j] for row j.
func histGo(hf *featHist, grp []uint8, gh []gradPair, constHess bool) {
	if constHess {
		for j, p := range gh {
			e := &hf[grp[histGroup*j]]
			e.g += float64(p.g)
			e.n++
		}
		for b := range hf {
			hf[b].h = hf[b].n
		}
		return
	}
	for j, p := range gh {
		e := &hf[grp[histGroup*j]]
		e.g += float64(p.g)
		e.h += float64(p.h)
		e.n++
	}
}

// subtract sets dst = parent - small, bin by bin: the g, h and n lanes
// (and the padding lane, which nothing reads: it stays 0, as the
// kernels add 0 to it and build clears it), with the AVX2 kernel one
// 32-byte subtraction a bin.
func subtract(dst, parent, small []featHist) {
	if len(dst) == 0 {
		return
	}
	parent, small = parent[:len(dst)], small[:len(dst)]
	if useAVX2 {
		subBins(&dst[0][0], &parent[0][0], &small[0][0], len(dst)*len(dst[0]))
		return
	}
	for f := range dst {
		d, p, s := &dst[f], &parent[f], &small[f]
		for b := range d {
			d[b] = bin{g: p[b].g - s[b].g, h: p[b].h - s[b].h, n: p[b].n - s[b].n}
		}
	}
}
