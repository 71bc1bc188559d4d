package gbdt

import (
	"math"
	"math/rand/v2"

	"github.com/loomml/loom/internal/floatsort"
)

// binSubsample is the number of rows the bin thresholds of a numeric
// feature are computed from, as scikit-learn's _BinMapper(subsample=2e5).
const binSubsample = 200_000

// almostInf caps the thresholds, as scikit-learn's ALMOST_INF: +Inf is
// kept for splits on missingness.
const almostInf = 1e300

// binner maps feature values to bins: bins 0 .. nbins[f]-1 for values,
// bin missing (= MaxBins) for NaN.
type binner struct {
	thresholds  [][]float64 // per feature, increasing; value v is in bin b when thr[b-1] < v <= thr[b]
	nbins       []int       // non-missing bins per feature: len(thresholds)+1 (categories: codes seen + 1)
	missing     uint8       // the missing-value bin
	categorical []bool
	known       [][4]uint64 // categorical features: codes seen in training
}

// fitBinner computes each feature's thresholds from the rows rows of X
// (row-major, p columns; nil rows means every row), in parallel over
// features.
func fitBinner(X []float64, p int, rows []int, maxBins int, categorical []bool, seed uint64, tm *team) *binner {
	n := len(rows)
	if rows == nil {
		n = len(X) / p
	}
	sample := rows
	switch {
	case n > binSubsample:
		// Selection sampling (Knuth's algorithm S): each row is kept with
		// probability needed/left, so binSubsample rows come out, in
		// order, without a permutation of all rows.
		rng := rand.New(rand.NewPCG(seed, 0xb1))
		sample = make([]int, 0, binSubsample)
		for i := range n {
			if rng.IntN(n-i) < binSubsample-len(sample) {
				if rows != nil {
					sample = append(sample, rows[i])
				} else {
					sample = append(sample, i)
				}
			}
		}
	case rows == nil:
		sample = make([]int, n)
		for i := range sample {
			sample[i] = i
		}
	}
	b := &binner{thresholds: make([][]float64, p), nbins: make([]int, p), missing: uint8(maxBins),
		categorical: categorical, known: make([][4]uint64, p)}
	tm.parallel(p, tm.size, func(lo, hi int) {
		col := make([]float64, 0, len(sample))
		var sorted []float64
		var scratch []uint64
		for f := lo; f < hi; f++ {
			col = col[:0]
			for _, r := range sample {
				if v := X[r*p+f]; !math.IsNaN(v) {
					col = append(col, v)
				}
			}
			if categorical != nil && categorical[f] {
				for _, v := range col {
					b.known[f][int(v)>>6] |= 1 << (int(v) & 63)
					b.nbins[f] = max(b.nbins[f], int(v)+1)
				}
				continue
			}
			// A radix sort (col holds no NaN), into buffers reused from
			// feature to feature.
			sorted = floatsort.SortedInto(sorted, &scratch, col)
			b.thresholds[f] = thresholds(sorted, maxBins)
			b.nbins[f] = len(b.thresholds[f]) + 1
		}
	})
	return b
}

// thresholds returns scikit-learn's bin thresholds of the non-missing
// values col, sorted: the midpoints between distinct values when
// there are at most maxBins of them, else the "midpoint" percentiles at
// 100·i/maxBins, i = 1 .. maxBins-1.
func thresholds(col []float64, maxBins int) []float64 {
	distinct := 0
	for i := range col {
		if i == 0 || col[i] != col[i-1] {
			distinct++
		}
	}
	var mid []float64
	if distinct <= maxBins {
		mid = make([]float64, 0, max(distinct-1, 0))
		for i := 1; i < len(col); i++ {
			if col[i] != col[i-1] {
				m := col[i-1] + col[i]
				mid = append(mid, m*0.5)
			}
		}
	} else {
		mid = make([]float64, maxBins-1)
		n := float64(len(col))
		step := 100 / float64(maxBins)
		for i := range mid {
			q := (float64(i+1) * step) / 100
			idx := (n - 1) * q
			lo := math.Floor(idx)
			a := col[int(lo)]
			bb := col[min(int(lo)+1, len(col)-1)]
			if idx == lo {
				mid[i] = a
				continue
			}
			d := bb - a
			mid[i] = bb - d*0.5
		}
	}
	for i := range mid {
		mid[i] = min(mid[i], almostInf)
	}
	return mid
}

// binColumn writes the bins of column f of the given rows of X into dst;
// thr holds f's thresholds padded to 255 with +Inf (see padded).
func (b *binner) binColumn(dst []uint8, X []float64, p, f int, rows []int, thr *[256]float64) {
	if b.categorical != nil && b.categorical[f] {
		nb := b.nbins[f]
		for i, r := range rows {
			v := X[r*p+f]
			c := int(v)
			if math.IsNaN(v) || float64(c) != v || c < 0 || c >= nb || b.known[f][c>>6]>>(c&63)&1 == 0 {
				dst[i] = b.missing
			} else {
				dst[i] = uint8(c)
			}
		}
		return
	}
	// Four searches at a time: their steps are independent, so their
	// loads overlap.
	dst = dst[:len(rows)]
	i := 0
	for ; i+4 <= len(rows); i += 4 {
		v0, v1, v2, v3 := X[rows[i]*p+f], X[rows[i+1]*p+f], X[rows[i+2]*p+f], X[rows[i+3]*p+f]
		b0, b1, b2, b3 := 0, 0, 0, 0
		for half := 128; half > 0; half >>= 1 {
			b0 += half & below(thr[(b0+half-1)&255], v0)
			b1 += half & below(thr[(b1+half-1)&255], v1)
			b2 += half & below(thr[(b2+half-1)&255], v2)
			b3 += half & below(thr[(b3+half-1)&255], v3)
		}
		dst[i], dst[i+1], dst[i+2], dst[i+3] = b.numericBin(v0, b0), b.numericBin(v1, b1), b.numericBin(v2, b2), b.numericBin(v3, b3)
	}
	for ; i < len(rows); i++ {
		v := X[rows[i]*p+f]
		base := 0
		for half := 128; half > 0; half >>= 1 {
			base += half & below(thr[(base+half-1)&255], v)
		}
		dst[i] = b.numericBin(v, base)
	}
}

// below returns -1 (all bits set) when t < v, else 0, without a branch
// (the comparisons of a search are unpredictable): t - v is negative
// exactly when t < v, for a finite v and t finite or +Inf (the
// difference of two different floats is never zero). A NaN v gives
// either, and numericBin sends it to the missing bin.
func below(t, v float64) int {
	return -int(math.Float64bits(t-v) >> 63)
}

// numericBin is the bin of value v whose search ended at base.
func (b *binner) numericBin(v float64, base int) uint8 {
	if v != v { // NaN
		return b.missing
	}
	return uint8(base)
}

// padded returns the thresholds of every feature padded to 255 with
// +Inf, so that an 8-step search without branches finds the number of
// thresholds below a value.
func (b *binner) padded() [][256]float64 {
	out := make([][256]float64, len(b.thresholds))
	for f := range out {
		n := copy(out[f][:255], b.thresholds[f])
		for i := n; i < len(out[f]); i++ {
			out[f][i] = math.Inf(1)
		}
	}
	return out
}

// binBlock is the number of rows binned together: their values (30
// features of 1024 rows take 240 KB) stay in the cache while each
// feature is binned in turn, so that X is read from memory once.
const binBlock = 1024

// bin returns the column-major bins of the given rows of X (nil: every
// row): column f at [f*len(rows), (f+1)*len(rows)). Blocks of rows go to
// the workers.
func (b *binner) bin(X []float64, p int, rows []int, tm *team) []uint8 {
	return b.binLayout(X, p, rows, tm, false)
}

// binGrouped returns the bins of the given rows of X (nil: every row) by
// group of histGroup features, a row's bins of a group side by side (the
// layout of grower.bins; bin 0 pads the last group).
func (b *binner) binGrouped(X []float64, p int, rows []int, tm *team) []uint8 {
	return b.binLayout(X, p, rows, tm, true)
}

func (b *binner) binLayout(X []float64, p int, rows []int, tm *team, grouped bool) []uint8 {
	n := len(rows)
	if rows == nil {
		n = len(X) / p
	}
	groups := (p + histGroup - 1) / histGroup
	var out []uint8
	if grouped {
		out = make([]uint8, histGroup*groups*n)
	} else {
		out = make([]uint8, n*p)
	}
	thr := b.padded()
	blocks := (n + binBlock - 1) / binBlock
	tm.parallel(blocks, tm.size, func(lo, hi int) {
		var all []int
		if rows == nil {
			all = make([]int, binBlock)
		}
		var buf []uint8 // a block's columns, when grouped
		if grouped {
			buf = make([]uint8, binBlock)
		}
		for k := lo; k < hi; k++ {
			a, z := k*binBlock, min((k+1)*binBlock, n)
			var block []int
			if rows != nil {
				block = rows[a:z]
			} else {
				block = all[:z-a]
				for i := range block {
					block[i] = a + i
				}
			}
			for f := range p {
				if !grouped {
					b.binColumn(out[f*n+a:f*n+z], X, p, f, block, &thr[f])
					continue
				}
				col := buf[:z-a]
				b.binColumn(col, X, p, f, block, &thr[f])
				grp := out[histGroup*((f/histGroup)*n+a):]
				for i, v := range col {
					grp[histGroup*i+f%histGroup] = v
				}
			}
		}
	})
	return out
}
