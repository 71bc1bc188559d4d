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

// hist4 is histFeature for four adjacent features at once: cols holds
// their four columns of n bins.
func hist4(hs *[4]featHist, cols []uint8, n int, rows []uint32, g, h []float32, constHess bool) {
	*hs = [4]featHist{}
	c0, c1, c2, c3 := cols[:n], cols[n:2*n], cols[2*n:3*n], cols[3*n:4*n]
	h0, h1, h2, h3 := &hs[0], &hs[1], &hs[2], &hs[3]
	if rows == nil {
		g = g[:n]
		c1, c2, c3 = c1[:len(c0)], c2[:len(c0)], c3[:len(c0)]
		if constHess {
			for i, b := range c0 {
				gi := float64(g[i])
				h0[b].g += gi
				h0[b].n++
				h1[c1[i]].g += gi
				h1[c1[i]].n++
				h2[c2[i]].g += gi
				h2[c2[i]].n++
				h3[c3[i]].g += gi
				h3[c3[i]].n++
			}
		} else {
			h = h[:n]
			for i, b := range c0 {
				gi, hi := float64(g[i]), float64(h[i])
				e := &h0[b]
				e.g += gi
				e.h += hi
				e.n++
				e = &h1[c1[i]]
				e.g += gi
				e.h += hi
				e.n++
				e = &h2[c2[i]]
				e.g += gi
				e.h += hi
				e.n++
				e = &h3[c3[i]]
				e.g += gi
				e.h += hi
				e.n++
			}
		}
	} else if constHess {
		g = g[:len(rows)]
		for j, r := range rows {
			gi := float64(g[j])
			e := &h0[c0[r]]
			e.g += gi
			e.n++
			e = &h1[c1[r]]
			e.g += gi
			e.n++
			e = &h2[c2[r]]
			e.g += gi
			e.n++
			e = &h3[c3[r]]
			e.g += gi
			e.n++
		}
	} else {
		g, h = g[:len(rows)], h[:len(rows)]
		for j, r := range rows {
			gi, hi := float64(g[j]), float64(h[j])
			e := &h0[c0[r]]
			e.g += gi
			e.h += hi
			e.n++
			e = &h1[c1[r]]
			e.g += gi
			e.h += hi
			e.n++
			e = &h2[c2[r]]
			e.g += gi
			e.h += hi
			e.n++
			e = &h3[c3[r]]
			e.g += gi
			e.h += hi
			e.n++
		}
	}
	if constHess {
		for k := range hs {
			for b := range hs[k] {
				hs[k][b].h = float64(hs[k][b].n)
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
