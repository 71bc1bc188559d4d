package gbdt

import "golang.org/x/sync/errgroup"

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

// histGroup is the number of features whose histograms one pass over a
// node's rows fills: four histograms of 8 KB fill the 32 KB L1 cache.
const histGroup = 4

// parallel calls fn over [0, n) split into at most workers contiguous
// ranges, each on its own goroutine, and waits for them. With one worker
// or n <= 1 it calls fn(0, n) on the caller's goroutine.
func parallel(n, workers int, fn func(lo, hi int)) {
	if workers <= 1 || n <= 1 {
		fn(0, n)
		return
	}
	w := min(workers, n)
	var g errgroup.Group
	for i := range w {
		lo, hi := i*n/w, (i+1)*n/w
		g.Go(func() error {
			fn(lo, hi)
			return nil
		})
	}
	_ = g.Wait()
}

// gradPair is one row's gradient and hessian, side by side so that a
// kernel loads both at once.
type gradPair struct{ g, h float32 }

// histCols fills hs (one to histGroup features' histograms) from their
// columns cols, n bins each, over the given rows (each below n: the
// assembly kernels do not check them); gh is ordered like rows. constHess tells that every hessian is 1 (the portable kernel
// then counts the rows instead of adding the hessians: the same sums).
// Every bin's sums are taken in row order, whichever kernel runs, so the
// result is the same to the bit.
func histCols(hs []featHist, cols []uint8, n int, rows []uint32, gh []gradPair, constHess bool) {
	clear(hs)
	if len(rows) == 0 {
		return
	}
	gh = gh[:len(rows)]
	_ = cols[len(hs)*n-1]
	if useAVX2 {
		if len(hs) == histGroup {
			histRows4((*[4]featHist)(hs), &cols[0], n, rows, &gh[0])
			return
		}
		f := 0
		for ; f+2 <= len(hs); f += 2 {
			histRows2((*[2]featHist)(hs[f:]), &cols[f*n], n, rows, &gh[0])
		}
		if f < len(hs) {
			histRows1(&hs[f], &cols[f*n], rows, &gh[0])
		}
		return
	}
	for f := range hs {
		histGo(&hs[f], cols[f*n:(f+1)*n], rows, gh, constHess)
	}
}

// histGo is the portable kernel of histCols for one feature.
func histGo(hf *featHist, col []uint8, rows []uint32, gh []gradPair, constHess bool) {
	gh = gh[:len(rows)]
	if constHess {
		for j, r := range rows {
			e := &hf[col[r]]
			e.g += float64(gh[j].g)
			e.n++
		}
		for b := range hf {
			hf[b].h = hf[b].n
		}
		return
	}
	for j, r := range rows {
		e := &hf[col[r]]
		e.g += float64(gh[j].g)
		e.h += float64(gh[j].h)
		e.n++
	}
}

// subtract sets dst = parent - small, bin by bin.
func subtract(dst, parent, small []featHist) {
	for f := range dst {
		d, p, s := &dst[f], &parent[f], &small[f]
		for b := range d {
			d[b] = bin{g: p[b].g - s[b].g, h: p[b].h - s[b].h, n: p[b].n - s[b].n}
		}
	}
}
