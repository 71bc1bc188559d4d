package gbdt

import "golang.org/x/sync/errgroup"

// bin is one histogram bin: the sums of the gradients and hessians of its
// rows, and their number.
type bin struct {
	g, h float64
	n    uint32
	_    uint32
}

// featHist is the histogram of one feature: 255 value bins and the
// missing bin fit in 256, so a uint8 bin needs no bounds check.
type featHist [256]bin

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

// histRows accumulates features [lo, hi) of the given rows (nil: every
// row in order, the root) into hist: bins is row-major with p bytes per
// row, gh holds each row's gradient and hessian side by side.
func histRows(hist []featHist, bins []uint8, p, lo, hi int, rows []uint32, gh []float32, constHess bool) {
	hs := hist[lo:hi]
	for f := range hs {
		hs[f] = featHist{}
	}
	w := hi - lo
	switch {
	case rows == nil && constHess:
		n := len(gh) / 2
		for r := range n {
			g := float64(gh[2*r])
			b := bins[r*p+lo : r*p+lo+w]
			b = b[:len(hs)]
			for f, v := range b {
				e := &hs[f][v]
				e.g += g
				e.n++
			}
		}
	case rows == nil:
		n := len(gh) / 2
		for r := range n {
			g, h := float64(gh[2*r]), float64(gh[2*r+1])
			b := bins[r*p+lo : r*p+lo+w]
			b = b[:len(hs)]
			for f, v := range b {
				e := &hs[f][v]
				e.g += g
				e.h += h
				e.n++
			}
		}
	case constHess:
		for _, r := range rows {
			g := float64(gh[2*r])
			o := int(r)*p + lo
			b := bins[o : o+w]
			b = b[:len(hs)]
			for f, v := range b {
				e := &hs[f][v]
				e.g += g
				e.n++
			}
		}
	default:
		for _, r := range rows {
			g, h := float64(gh[2*r]), float64(gh[2*r+1])
			o := int(r)*p + lo
			b := bins[o : o+w]
			b = b[:len(hs)]
			for f, v := range b {
				e := &hs[f][v]
				e.g += g
				e.h += h
				e.n++
			}
		}
	}
	if constHess {
		for f := range hs {
			for b := range hs[f] {
				hs[f][b].h = float64(hs[f][b].n)
			}
		}
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
