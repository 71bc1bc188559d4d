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

// histFeature accumulates the rows of one feature's column into hf: rows
// nil means every row in order (the root), with gradients g and h indexed
// by row; otherwise g and h are ordered like rows.
func histFeature(hf *featHist, col []uint8, rows []uint32, g, h []float32, constHess bool) {
	*hf = featHist{}
	switch {
	case rows == nil && constHess:
		g = g[:len(col)]
		for i, b := range col {
			e := &hf[b]
			e.g += float64(g[i])
			e.n++
		}
	case rows == nil:
		g, h = g[:len(col)], h[:len(col)]
		for i, b := range col {
			e := &hf[b]
			e.g += float64(g[i])
			e.h += float64(h[i])
			e.n++
		}
	case constHess:
		g = g[:len(rows)]
		for j, r := range rows {
			e := &hf[col[r]]
			e.g += float64(g[j])
			e.n++
		}
	default:
		g, h = g[:len(rows)], h[:len(rows)]
		for j, r := range rows {
			e := &hf[col[r]]
			e.g += float64(g[j])
			e.h += float64(h[j])
			e.n++
		}
	}
	if constHess {
		for b := range hf {
			hf[b].h = float64(hf[b].n)
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
