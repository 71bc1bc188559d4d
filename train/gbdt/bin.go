package gbdt

import (
	"math"
	"math/bits"
	"math/rand/v2"
	"runtime"
	"slices"

	"github.com/loomml/loom/internal/floatsort"
)

// binSubsample is the number of rows the bin thresholds of a numeric
// feature are computed from, as scikit-learn's _BinMapper(subsample=2e5).
const binSubsample = 200_000

// binFitChunk is the number of features whose sampled values fitBinner
// reads together: 4 features of a row (32 bytes) are mostly in one cache
// line.
const binFitChunk = 4

// binTouch is the number of sampled rows whose values fitBinner loads
// into the cache before it copies them.
const binTouch = 64

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
		// The sampled rows are read binFitChunk features at a time, row
		// by row (reading each feature alone would fetch a cache line
		// per value), into one column per feature, NaN left out. A
		// column's thresholds come from the selector, or, when it
		// declines, from the column sorted into spare, whose memory
		// becomes the next spare.
		chunk := min(binFitChunk, hi-lo)
		cols := make([][]float64, chunk)
		for k := range cols {
			cols[k] = make([]float64, len(sample))
		}
		var spare []float64 // allocated by the first sort
		var scratch []uint64
		var sel *selector // allocated by the first long column (260 KB)
		var lens [binFitChunk]int
		for f0 := lo; f0 < hi; f0 += chunk {
			c := min(chunk, hi-f0)
			lens = [binFitChunk]int{}
			var touched uint64
			for j := 0; j < len(sample); j += binTouch {
				batch := sample[j:min(j+binTouch, len(sample))]
				// The rows are far apart in memory: a first loop, small
				// enough that the processor runs many of its iterations at
				// once, loads (into the cache) the batch's values from
				// memory in parallel.
				for _, r := range batch {
					touched += math.Float64bits(X[r*p+f0]) ^ math.Float64bits(X[r*p+f0+c-1])
				}
				for _, r := range batch {
					for k, v := range X[r*p+f0 : r*p+f0+c] {
						// Written in any case, kept unless NaN: no branch.
						cols[k][lens[k]] = v
						if v == v {
							lens[k]++
						}
					}
				}
			}
			runtime.KeepAlive(touched)
			for k := range c {
				f, col := f0+k, cols[k][:lens[k]]
				if categorical != nil && categorical[f] {
					for _, v := range col {
						b.known[f][int(v)>>6] |= 1 << (int(v) & 63)
						b.nbins[f] = max(b.nbins[f], int(v)+1)
					}
					continue
				}
				var t []float64
				ok := false
				if len(col) >= selMin {
					if sel == nil {
						sel = new(selector)
					}
					t, ok = sel.thresholds(col, maxBins)
				}
				if !ok {
					// A radix sort (col holds no NaN).
					if spare == nil {
						spare = make([]float64, len(sample))
					}
					sorted := floatsort.SortedInto(spare, &scratch, col)
					t = thresholds(sorted, maxBins)
					spare, cols[k] = cols[k], spare
				}
				b.thresholds[f] = t
				b.nbins[f] = len(t) + 1
			}
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
		mid = percentiles(len(col), maxBins, func(i int) float64 { return col[i] })
	}
	for i := range mid {
		mid[i] = min(mid[i], almostInf)
	}
	return mid
}

// percentiles returns the "midpoint" percentiles at 100·i/maxBins, i = 1
// .. maxBins-1, of n sorted values, the one of rank i being at(i).
func percentiles(n, maxBins int, at func(int) float64) []float64 {
	mid := make([]float64, maxBins-1)
	step := 100 / float64(maxBins)
	for i := range mid {
		q := (float64(i+1) * step) / 100
		idx := (float64(n) - 1) * q
		lo := math.Floor(idx)
		a := at(int(lo))
		if idx == lo {
			mid[i] = a
			continue
		}
		bb := at(min(int(lo)+1, n-1))
		d := bb - a
		mid[i] = bb - d*0.5
	}
	return mid
}

// selBuckets is the number of equal-width buckets the selector spreads
// a column's values over.
const selBuckets = 1 << 15

// selector finds the thresholds of a column of many more distinct values
// than bins without sorting it: the values are counted by bucket of
// equal width between their minimum and maximum (a non-decreasing
// function of the value), which locates the bucket of each rank the
// percentiles need; only those buckets' values are then collected and
// sorted. Its buffers are reused from column to column.
type selector struct {
	count  [selBuckets]int32
	start  [selBuckets + 1]int32 // the first rank of each bucket, then the number of values
	needed [selBuckets / 64]uint64
	keys   []uint64 // the needed buckets' values, as floatsort keys
	ranks  []int
}

// selMin is the smallest column the selector takes: below it, sorting
// is as fast.
const selMin = 8192

// thresholds returns thresholds(sorted col, maxBins) and true, or false
// when col may hold at most maxBins distinct values (fewer than
// maxBins+1 buckets hold values) or its values span no finite, positive
// width: then col must be sorted. col holds no NaN and is not empty.
func (s *selector) thresholds(col []float64, maxBins int) ([]float64, bool) {
	n := len(col)
	lo, hi := col[0], col[0]
	for _, v := range col {
		if v < lo {
			lo = v
		}
		if v > hi {
			hi = v
		}
	}
	span := hi - lo
	scale := selBuckets / span
	if !(span > 0) || math.IsInf(span, 0) || math.IsInf(scale, 0) {
		return nil, false
	}
	bucket := func(v float64) int {
		return min(int((v-lo)*scale), selBuckets-1)
	}
	s.count = [selBuckets]int32{}
	for _, v := range col {
		s.count[bucket(v)]++
	}
	used := 0
	for _, c := range s.count {
		if c != 0 {
			used++
		}
	}
	if used <= maxBins {
		return nil, false
	}
	// The ranks the percentiles read, found by a dry run, and their
	// buckets.
	s.ranks = s.ranks[:0]
	percentiles(n, maxBins, func(i int) float64 {
		s.ranks = append(s.ranks, i)
		return 0
	})
	var sum int32
	for k, c := range s.count {
		s.start[k] = sum
		sum += c
	}
	s.start[selBuckets] = sum
	s.needed = [selBuckets / 64]uint64{}
	k := 0
	for _, r := range s.ranks {
		k = s.bucketOf(k, r)
		s.needed[k>>6] |= 1 << (k & 63)
	}
	// Collect the needed buckets' values into s.keys, bucket after
	// bucket (s.count[k] becomes the next free place of bucket k), to
	// be sorted bucket by bucket when a percentile first reads one.
	var m int32
	for k := range selBuckets {
		if s.needed[k>>6]>>(k&63)&1 != 0 {
			s.count[k] = m // next free place
			m += s.start[k+1] - s.start[k]
		}
	}
	if cap(s.keys) < int(m) {
		s.keys = make([]uint64, m)
	}
	keys := s.keys[:m]
	for _, v := range col {
		if k := bucket(v); s.needed[k>>6]>>(k&63)&1 != 0 {
			keys[s.count[k]] = floatsort.Key(v)
			s.count[k]++
		}
	}
	// s.count[k] is now the end of bucket k's keys.
	k = 0
	mid := percentiles(n, maxBins, func(i int) float64 {
		k = s.bucketOf(k, i)
		end := int(s.count[k])
		size := int(s.start[k+1] - s.start[k])
		b := keys[end-size : end]
		if size > 1 && !slices.IsSorted(b) {
			slices.Sort(b)
		}
		return floatsort.Float(b[i-int(s.start[k])])
	})
	for i := range mid {
		mid[i] = min(mid[i], almostInf)
	}
	return mid, true
}

// bucketOf returns the bucket of rank r, walking from bucket k (the
// ranks come in increasing order, but for an occasional step back).
func (s *selector) bucketOf(k, r int) int {
	for int(s.start[k]) > r {
		k--
	}
	for int(s.start[k+1]) <= r {
		k++
	}
	return k
}

// binColumn writes the bins of column f of the given rows of X into dst;
// s is f's binSearch (see padded).
func (b *binner) binColumn(dst []uint8, X []float64, p, f int, rows []int, s *binSearch) {
	var buf [256]float64
	for a := 0; a < len(rows); a += len(buf) {
		z := min(a+len(buf), len(rows))
		vals := buf[:z-a]
		for i, r := range rows[a:z] {
			vals[i] = X[r*p+f]
		}
		b.binValues(dst[a:z], 1, vals, f, s)
	}
}

// binValues writes the bins of the values vals of feature f into
// dst[0], dst[stride], dst[2*stride], ...; s is f's binSearch (see
// padded).
func (b *binner) binValues(dst []uint8, stride int, vals []float64, f int, s *binSearch) {
	if len(vals) == 0 {
		return
	}
	dst = dst[:(len(vals)-1)*stride+1]
	if b.categorical != nil && b.categorical[f] {
		nb := b.nbins[f]
		for i, v := range vals {
			c := int(v)
			if math.IsNaN(v) || float64(c) != v || c < 0 || c >= nb || b.known[f][c>>6]>>(c&63)&1 == 0 {
				dst[i*stride] = b.missing
			} else {
				dst[i*stride] = uint8(c)
			}
		}
		return
	}
	thr := &s.thr
	lo, scale := s.lo, s.scale
	switch s.steps {
	case 0:
		for i, v := range vals {
			dst[i*stride] = b.search(v, thr)
		}
	case 1: // the common case, unrolled
		for i, v := range vals {
			x := (v - lo) * scale
			if !(x >= 0 && x < binBuckets) { // also NaN and ±Inf
				dst[i*stride] = b.outside(v, x, s)
				continue
			}
			base := int(s.first[int(x)&(binBuckets-1)])
			base += 1 & below(thr[base&255], v)
			dst[i*stride] = uint8(base)
		}
	default:
		half := 1 << (s.steps - 1)
		for i, v := range vals {
			x := (v - lo) * scale
			if !(x >= 0 && x < binBuckets) {
				dst[i*stride] = b.outside(v, x, s)
				continue
			}
			base := int(s.first[int(x)&(binBuckets-1)])
			for h := half; h > 0; h >>= 1 {
				base += h & below(thr[(base+h-1)&255], v)
			}
			dst[i*stride] = uint8(base)
		}
	}
}

// outside is the bin of a value v outside s's buckets (x = (v - lo) *
// scale), with steps > 0: bin 0 below the first threshold (-Inf too),
// the missing bin for NaN, the number of thresholds for a finite value
// above the last, and the full search's bin for the others (+Inf, and
// values beyond the buckets but not above the last threshold).
func (b *binner) outside(v, x float64, s *binSearch) uint8 {
	switch {
	case x < 0: // v < s.lo <= every threshold
		return 0
	case v != v:
		return b.missing
	case v > s.hi && v <= math.MaxFloat64: // every threshold is below v, +Inf padding not
		return uint8(s.n)
	}
	return b.search(v, &s.thr)
}

// search is the bin of v by an 8-step search of all of thr, without
// branches.
func (b *binner) search(v float64, thr *[256]float64) uint8 {
	base := 0
	for half := 128; half > 0; half >>= 1 {
		base += half & below(thr[(base+half-1)&255], v)
	}
	return b.numericBin(v, base)
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

// binBuckets is the number of equal-width buckets between a feature's
// first and last thresholds in its binSearch table (2 KB).
const binBuckets = 2048

// binSearch is what binColumn needs to bin a numeric feature.
//
// The bucket of a value v is x = (v - lo) * scale truncated, when
// 0 <= x < binBuckets: a non-decreasing function of v. first[k] is the
// number of thresholds in buckets before k, all of them below any value
// of bucket k (or fewer, so that the search stays within thr); the
// thresholds after bucket k are all above it, and bucket k holds at most
// 2^steps - 1 of them. So a search of steps steps from first[k] gives
// the count of thresholds below v that the full 8-step search gives,
// with the same comparisons (below), for every value in a bucket; the
// others (NaN, ±Inf, values beyond the first and last thresholds) are
// placed by outside. steps is 0 when the thresholds are not all finite
// and in increasing order of floatsort.Key (so that below(t, v) is
// Key(t) < Key(v) and rises along them): then every value takes the
// full search.
type binSearch struct {
	thr       [256]float64 // the thresholds padded to 255 with +Inf
	lo, scale float64
	hi        float64 // the last threshold
	n         int     // the number of thresholds
	steps     int
	first     [binBuckets]uint8
}

// padded returns the binSearch of every feature (categorical ones
// unused).
func (b *binner) padded() []binSearch {
	out := make([]binSearch, len(b.thresholds))
	for f := range out {
		s := &out[f]
		t := b.thresholds[f]
		n := copy(s.thr[:255], t)
		for i := n; i < len(s.thr); i++ {
			s.thr[i] = math.Inf(1)
		}
		s.steps = 0
		if n < 2 {
			continue
		}
		ok := true
		for i, v := range t {
			if math.IsNaN(v) || math.IsInf(v, 0) || i > 0 && floatsort.Key(t[i-1]) > floatsort.Key(v) {
				ok = false
				break
			}
		}
		s.lo, s.hi, s.n = t[0], t[n-1], n
		span := t[n-1] - t[0]
		s.scale = binBuckets / span
		if !ok || !(span > 0) || math.IsInf(s.scale, 0) || !(s.scale > 0) {
			continue
		}
		// count[k]: the thresholds in bucket k; the last ones may lie
		// beyond the buckets (x >= binBuckets after rounding).
		var count [binBuckets]int
		most := 0
		for _, v := range t {
			if x := (v - s.lo) * s.scale; x < binBuckets {
				k := int(x)
				count[k]++
				most = max(most, count[k])
			}
		}
		// A search that would read beyond thr[254] starts lower: the
		// thresholds it adds are below the bucket's values.
		s.steps = bits.Len(uint(most))
		sum := 0
		for k := range s.first {
			s.first[k] = uint8(min(sum, 256-1<<s.steps))
			sum += count[k]
		}
	}
	return out
}

// binBlock is the number of rows binned together: their values (30
// features of 256 rows take 60 KB) are read row by row, in the order of
// memory, into columns, which are then binned feature by feature.
const binBlock = 256

// binColStride is the distance between a block's columns: one cache line
// more than a column, so that the columns written row by row do not all
// fall in the same sets of the cache (a stride of 2 KB would).
const binColStride = binBlock + 8

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
	srch := b.padded()
	blocks := (n + binBlock - 1) / binBlock
	tm.parallel(blocks, tm.size, func(lo, hi int) {
		cols := make([]float64, p*binColStride) // a block's values, by feature
		for k := lo; k < hi; k++ {
			a, z := k*binBlock, min((k+1)*binBlock, n)
			for i := range z - a {
				r := a + i
				if rows != nil {
					r = rows[r]
				}
				for f, v := range X[r*p : r*p+p] {
					cols[f*binColStride+i] = v
				}
			}
			for f := range p {
				vals := cols[f*binColStride : f*binColStride+z-a]
				if grouped {
					b.binValues(out[histGroup*((f/histGroup)*n+a)+f%histGroup:], histGroup, vals, f, &srch[f])
				} else {
					b.binValues(out[f*n+a:f*n+z], 1, vals, f, &srch[f])
				}
			}
		}
	})
	return out
}
