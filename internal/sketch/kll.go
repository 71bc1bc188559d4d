package sketch

import (
	"fmt"
	"math"
	"slices"

	"github.com/loomml/loom/internal/floatsort"
)

// DefaultK is the accuracy parameter used by New when k is 0: a rank error
// of at most 1.5% (see the package documentation) with at most about 800
// items kept.
const DefaultK = 200

const (
	minK     = 8
	maxK     = 1 << 16
	maxLevel = 60
	minWidth = 8
	seed0    = 0x5eed_6b6c_6c5f_4c4d // default seed
	// radixMin is the level-0 length from which compaction sorts by radix
	// rather than by comparison.
	radixMin = 128
)

// KLL is a mergeable quantile sketch. The zero value is not usable; create
// one with New or NewSeeded.
type KLL struct {
	k int
	// nUp and sizeUp are the weight and the number of the items above
	// level 0 (Count and held add level 0's n0), so that Add only
	// counts n0.
	nUp uint64
	// min and max bound the values that left level 0 (or came from a
	// merged sketch); bounds adds those still in level 0, so that Add
	// does not compare.
	min    float64
	max    float64
	rng    uint64
	sizeUp int
	total  int // sum of level capacities
	// lim bounds n0 for Add's fast path: the room left in buf0 and in
	// the sketch (min(len(buf0), total − sizeUp)); setLim keeps it.
	lim int
	// Level 0 (weight 1, unsorted) is buf0[:n0], held as order-preserving
	// keys (see key) so that compaction sorts it by radix; Add writes into
	// buf0 (as long as its capacity, at most 2k) without touching the slice
	// header.
	buf0 []uint64
	n0   int
	scr  *scratch // where compaction sorts, merges and refits
	// levels[h] for h ≥ 1 holds the keys of items of weight 2^h, sorted;
	// levels[0] is an unused placeholder so that len(levels) is the number
	// of levels. The buffers of levels dropped by Reset stay in
	// levels[len(levels):cap(levels)] for reuse.
	levels [][]uint64
	caps   []int // caps[h] is the capacity of level h for len(levels)
}

// scratch is the working memory of compaction: the radix sort's second
// buffer, the two-ended merge's copy of its inputs, refit's copy of the
// levels. It holds nothing between calls, so sketches used by one
// goroutine at a time may share one (ShareScratch).
type scratch struct {
	buf    []uint64
	shared bool // by several sketches (ShareScratch)
}

// key maps a float64 other than NaN to a uint64 in the same order (−0
// just below +0): positive values get the sign bit set, negative values all
// bits flipped (floatsort.Key).
func key(x float64) uint64 { return floatsort.Key(x) }

// unkey inverts key.
func unkey(k uint64) float64 { return floatsort.Float(k) }

// New returns an empty sketch with accuracy parameter k (0 means DefaultK).
// It panics when k is outside [8, 65536].
func New(k int) *KLL { return NewSeeded(k, seed0) }

// NewSeeded is New with an explicit seed for the compaction coin flips.
func NewSeeded(k int, seed uint64) *KLL {
	if k == 0 {
		k = DefaultK
	}
	if k < minK || k > maxK {
		panic(fmt.Sprintf("sketch: k must be in [%d, %d], got %d", minK, maxK, k))
	}
	s := &KLL{k: k, rng: seed, levels: make([][]uint64, 1, 8), caps: make([]int, 0, maxLevel), scr: &scratch{}}
	s.setLevel0(make([]uint64, 0, k+1))
	s.Reset()
	return s
}

// K returns the accuracy parameter.
func (s *KLL) K() int { return s.k }

// Reset empties the sketch, keeping its buffers and its generator state.
func (s *KLL) Reset() {
	s.n0 = 0
	s.levels = s.levels[:1]
	s.nUp, s.sizeUp = 0, 0
	s.min, s.max = math.Inf(1), math.Inf(-1)
	s.setCaps()
	s.setLim()
}

// Count returns the number of values added (merged sketches included).
func (s *KLL) Count() uint64 { return s.nUp + uint64(s.n0) }

// held returns the number of items held over all levels.
func (s *KLL) held() int { return s.sizeUp + s.n0 }

// setLim recomputes lim after anything but Add's fast path changed the
// sketch.
func (s *KLL) setLim() { s.lim = max(0, min(len(s.buf0), s.total-s.sizeUp)) }

// Min returns the smallest value added, or NaN when the sketch is empty.
func (s *KLL) Min() float64 {
	if s.Count() == 0 {
		return math.NaN()
	}
	mn, _ := s.bounds()
	return mn
}

// Max returns the largest value added, or NaN when the sketch is empty.
func (s *KLL) Max() float64 {
	if s.Count() == 0 {
		return math.NaN()
	}
	_, mx := s.bounds()
	return mx
}

// bounds returns the smallest and largest values added (+Inf and −Inf for
// an empty sketch), scanning level 0.
func (s *KLL) bounds() (float64, float64) {
	l0 := s.level0()
	if len(l0) == 0 {
		return s.min, s.max
	}
	lo, hi := l0[0], l0[0]
	for _, k := range l0[1:] {
		lo, hi = min(lo, k), max(hi, k)
	}
	return math.Min(s.min, unkey(lo)), math.Max(s.max, unkey(hi))
}

// Exact reports whether every value added is still held with weight 1, so
// that Quantile and Rank are exact (always the case while Count() ≤ K()).
func (s *KLL) Exact() bool { return len(s.levels) == 1 }

// Epsilon returns the documented bound on the normalised rank error, 0 when
// the sketch is exact.
func (s *KLL) Epsilon() float64 {
	if s.Exact() {
		return 0
	}
	return 3 / float64(s.k)
}

// Add adds one value. NaN is ignored (callers count missing values
// themselves); ±Inf are ordinary values.
func (s *KLL) Add(x float64) {
	// Small enough to be inlined; the rare cases go to addSlow.
	if x != x || s.n0 >= s.lim {
		s.addSlow(x)
		return
	}
	s.buf0[s.n0] = key(x)
	s.n0++
}

// AddBatch adds the values of xs in order, as that many calls of Add
// would (the sketch it leaves is the same), in one loop: a caller that
// gathers a column's values in a small buffer and adds them by blocks
// writes level 0 in one sequential stream, instead of one store among
// many others per value.
func (s *KLL) AddBatch(xs []float64) {
	for len(xs) > 0 {
		n, room := s.n0, s.lim-s.n0
		if room <= 0 {
			s.addSlow(xs[0])
			xs = xs[1:]
			continue
		}
		m := min(room, len(xs))
		buf, i := s.buf0[n:n+m], 0
		for _, x := range xs[:m] {
			if x == x {
				buf[i] = key(x)
				i++
			}
		}
		s.n0 = n + i
		xs = xs[m:]
	}
}

// addSlow is Add for NaN, a full level 0 buffer or a full sketch.
func (s *KLL) addSlow(x float64) {
	if x != x {
		return
	}
	l := s.level0()
	if len(l) == cap(l) {
		l = append(make([]uint64, 0, max(2*s.k+1, len(l)+1)), l...)
	}
	s.setLevel0(append(l, key(x)))
	if s.held() > s.total || s.n0 > s.hard(0) {
		s.compress()
	}
	s.setLim()
}

// capacity returns the capacity of level h when there are H levels: k
// shrunk by 2/3 per level below the top, at least minWidth, and never
// below k for level 0, which takes every input.
func (s *KLL) capacity(h, H int) int {
	if h == 0 {
		return s.k
	}
	c := int(math.Ceil(float64(s.k) * math.Pow(2.0/3.0, float64(H-1-h))))
	return max(c, minWidth)
}

// setCaps recomputes caps and total for the current number of levels.
func (s *KLL) setCaps() {
	s.caps = s.caps[:0]
	s.total = 0
	for h := range s.levels {
		c := s.capacity(h, len(s.levels))
		s.caps = append(s.caps, c)
		s.total += c
	}
}

// level0 returns the items of level 0.
func (s *KLL) level0() []uint64 { return s.buf0[:s.n0] }

// setLevel0 makes l level 0, using its capacity up to the hard bound of
// level 0 (2k), so that Add's fast path never takes level 0 past it.
func (s *KLL) setLevel0(l []uint64) {
	s.buf0, s.n0 = l[:max(len(l), min(cap(l), 2*s.k))], len(l)
}

// grow adds a level on top and refits the level buffers.
func (s *KLL) grow() {
	h := len(s.levels)
	if h < cap(s.levels) {
		s.levels = s.levels[:h+1] // a buffer left by Reset, or nil
		s.levels[h] = s.levels[h][:0]
	} else {
		s.levels = append(s.levels, nil)
	}
	s.setCaps()
	s.refit()
}

// need ranks the room level h will want: its capacity, plus the share of
// level 0's large runs (k/2 items into level 1, half as many a level up)
// that reaches it.
func (s *KLL) need(h int) int { return s.caps[h] + s.k>>(h-1) }

// refit hands the buffers of levels ≥ 1 out again, the largest to the
// level with the largest need. Level capacities shift down as levels are
// added on top, so without this every level would keep the buffer it grew
// when it was near the top, and memory would grow with the number of
// levels (log(n/k)); with it, memory follows the items held. It runs when
// a level is added (log(n/k) times), moving the held items through the scratch.
func (s *KLL) refit() {
	H := len(s.levels)
	if H <= 2 {
		return
	}
	held := 0
	for h := 1; h < H; h++ {
		held += len(s.levels[h])
	}
	if cap(s.scr.buf) < held {
		room := max(held+held/4, len(s.buf0))
		if s.scr.shared {
			// Room at once for what the levels above 0 hold at most
			// (about 3.5k items for k = 1,024): sketches that share the
			// scratch (a monitor's, merged and swapped at each window)
			// would otherwise keep growing it by records, and its cost
			// is spread over them.
			room = max(room, 4*s.k)
		}
		s.scr.buf = make([]uint64, held, room)
	}
	flat := s.scr.buf[:0]
	var lens [maxLevel]int
	var bufs [maxLevel][]uint64
	var order [maxLevel]int
	for h := 1; h < H; h++ {
		flat = append(flat, s.levels[h]...)
		lens[h] = len(s.levels[h])
		bufs[h-1] = s.levels[h][:0]
		order[h-1] = h
	}
	slices.SortFunc(bufs[:H-1], func(a, b []uint64) int { return cap(b) - cap(a) })
	slices.SortStableFunc(order[:H-1], func(a, b int) int { return s.need(b) - s.need(a) })
	var at [maxLevel]int
	for h, o := 1, 0; h < H; h++ {
		at[h] = o
		o += lens[h]
	}
	for i, h := range order[:H-1] {
		s.levels[h] = append(bufs[i], flat[at[h]:at[h]+lens[h]]...)
	}
}

// mergeInto merges the sorted keys run (not in level h's buffer) into
// level h.
func (s *KLL) mergeInto(h int, run []uint64) {
	if lv := s.levels[h]; cap(lv) < len(lv)+len(run) {
		// Room for the level's hard bound at once, not append's doubling.
		s.levels[h] = append(make([]uint64, 0, max(roomFor(len(lv)+len(run)), s.hard(h)+1)), lv...)
	}
	lv := s.levels[h]
	if need := len(lv) + len(run) + 4; cap(s.scr.buf) >= need {
		s.levels[h] = mergeKeysScratch(lv, run, s.scr.buf[:need])
	} else {
		s.levels[h] = mergeKeys(lv, run)
	}
}

// hard returns the most items level h may hold whatever the room left in
// the sketch: twice its capacity, plus for levels above 0 their share of
// level 0's runs (see need). Compaction is lazy — a level over its
// capacity is compacted only when the sketch as a whole is full, which
// uses the room of the other levels and keeps the error low — but not
// beyond this bound, which keeps every level's buffer, and so the sketch's
// memory, bounded by O(k).
func (s *KLL) hard(h int) int {
	if h == 0 {
		return 2 * s.caps[0]
	}
	return 2*s.caps[h] + s.k>>(h-1)
}

// compress compacts levels, lowest first, until the sketch fits and no
// level holds more than its hard bound: while the sketch is full, the
// lowest level at or over its capacity; and any level over its bound.
func (s *KLL) compress() {
	for {
		h := 0
		if s.held() > s.total {
			// Some level holds more than its capacity (≥ 2 items).
			for s.levelLen(h) < s.caps[h] {
				h++
			}
		} else {
			for h < len(s.levels) && s.levelLen(h) <= s.hard(h) {
				h++
			}
			if h == len(s.levels) {
				return
			}
		}
		s.compact(h)
	}
}

// levelLen returns the number of items held at level h.
func (s *KLL) levelLen(h int) int {
	if h == 0 {
		return s.n0
	}
	return len(s.levels[h])
}

func (s *KLL) next() uint64 {
	s.rng += 0x9e3779b97f4a7c15
	z := s.rng
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}

// compact halves level h into level h+1: every other item of the sorted
// level, starting at a random offset, moves up with twice the weight.
// Levels above 0 are kept sorted; level 0 is sorted here.
func (s *KLL) compact(h int) {
	if h+1 == len(s.levels) {
		s.grow()
	}
	if h == 0 {
		s.compact0()
		return
	}
	buf := s.levels[h]
	start := len(buf) & 1 // an odd item (the smallest) stays behind
	off := int(s.next() & 1)
	j := start
	for i := start + off; i < len(buf); i += 2 {
		buf[j] = buf[i] // j ≤ i: compacts the chosen items in place, still sorted
		j++
	}
	run := buf[start:j]
	s.mergeInto(h+1, run)
	s.levels[h] = buf[:start]
	s.sizeUp -= len(buf) - start - len(run)
}

// compact0 is compact(0): it sorts the keys of level 0, halves them in
// place and merges the halved run, decoded, into level 1.
func (s *KLL) compact0() {
	buf := s.level0()
	sorted := buf
	if len(buf) >= radixMin {
		if cap(s.scr.buf) < len(buf) {
			s.scr.buf = make([]uint64, len(buf), cap(buf))
		}
		sorted = radixSortTo(buf, s.scr.buf[:len(buf)])
	} else {
		slices.Sort(buf)
	}
	s.min = math.Min(s.min, unkey(sorted[0]))
	s.max = math.Max(s.max, unkey(sorted[len(sorted)-1]))
	start := len(buf) & 1
	buf[0] = sorted[0] // an odd item (the smallest) stays behind
	off := int(s.next() & 1)
	j := start
	for i := start + off; i < len(sorted); i += 2 {
		sorted[j] = sorted[i]
		j++
	}
	run := sorted[start:j]
	s.mergeInto(1, run)
	s.n0 = start
	s.sizeUp += len(run)
	s.nUp += uint64(len(buf) - start) // run's items weigh 2
}

// Merge adds every value summarised by other into s. other is unchanged; the
// result's error bound is that of a sketch with s's k over all inputs.
func (s *KLL) Merge(other *KLL) {
	if other == nil || other.Count() == 0 {
		return
	}
	for len(s.levels) < len(other.levels) {
		s.grow()
	}
	s.setLevel0(append(s.level0(), other.level0()...))
	for h := 1; h < len(other.levels); h++ {
		lv := other.levels[h]
		s.mergeInto(h, lv)
		s.sizeUp += len(lv)
	}
	s.nUp += other.nUp
	mn, mx := other.bounds()
	s.min = math.Min(s.min, mn)
	s.max = math.Max(s.max, mx)
	s.compress()
	s.setLim()
}

// ShareScratch makes s compact in the working memory of other, which
// holds nothing between calls: sketches filled in turn by one goroutine
// (the numeric columns of a row) then keep one buffer warm in cache, and
// in memory, instead of one each. Sketches that share it must not be
// changed (Add, Merge into, Reset) concurrently; reading them (Merge from,
// SortedView, Quantile) does not use it. Clone and UnmarshalBinary give a
// sketch scratch of its own.
func (s *KLL) ShareScratch(other *KLL) {
	s.scr = other.scr
	s.scr.shared = true
}

// Clone returns an independent copy of s.
func (s *KLL) Clone() *KLL {
	c := *s
	c.caps = append(make([]int, 0, maxLevel), s.caps...)
	c.setLevel0(append(make([]uint64, 0, max(len(s.buf0), s.k+1)), s.level0()...))
	c.scr = &scratch{}
	c.levels = make([][]uint64, len(s.levels), max(cap(s.levels), len(s.levels)))
	for h := 1; h < len(s.levels); h++ {
		lv := s.levels[h]
		c.levels[h] = append(make([]uint64, 0, cap(lv)), lv...)
	}
	c.setLim()
	return &c
}

// SortedView appends the held items in ascending order to vals and their
// weights to wts, and returns both. The weights sum to Count(). It sorts
// level 0 and merges the sorted levels into it, in time linear in the
// number of held items per level.
func (s *KLL) SortedView(vals []float64, wts []uint64) ([]float64, []uint64) {
	vals, wts, _ = s.SortedViewScratch(vals, wts, nil)
	return vals, wts
}

// SortedViewScratch is SortedView sorting level 0 in scratch, which it
// grows as needed and returns: a caller that passes back the returned
// scratch (and vals and wts emptied) does not allocate once they are large
// enough. The sketch is only read, as by SortedView.
func (s *KLL) SortedViewScratch(vals []float64, wts []uint64, scratch []uint64) ([]float64, []uint64, []uint64) {
	base := len(vals)
	vals, wts = slices.Grow(vals, s.held()), slices.Grow(wts, s.held())
	n0 := s.n0
	scratch = slices.Grow(scratch[:0], 2*n0)[:2*n0]
	keys := scratch[:n0]
	copy(keys, s.level0())
	if len(keys) >= radixMin {
		radixSort(keys, scratch[n0:])
	} else {
		slices.Sort(keys)
	}
	for _, k := range keys {
		vals = append(vals, unkey(k))
		wts = append(wts, 1)
	}
	for h := 1; h < len(s.levels); h++ {
		vals, wts = mergeWeighted(vals, wts, base, s.levels[h], 1<<uint(h))
	}
	return vals, wts, scratch
}

// mergeWeighted merges the sorted keys run, decoded, each item of weight
// w, into the sorted tail vals[base:] (weights in wts[base:]), from the
// back, and returns the grown slices. Among equal values the run's items
// come last.
func mergeWeighted(vals []float64, wts []uint64, base int, run []uint64, w uint64) ([]float64, []uint64) {
	m := len(vals)
	vals = slices.Grow(vals, len(run))[:m+len(run)]
	wts = slices.Grow(wts, len(run))[:m+len(run)]
	i, o := m-1, len(vals)-1
	for j := len(run) - 1; j >= 0; j-- {
		y := unkey(run[j])
		for i >= base && vals[i] > y {
			vals[o], wts[o] = vals[i], wts[i]
			i--
			o--
		}
		vals[o], wts[o] = y, w
		o--
	}
	return vals, wts
}

// Rank returns the estimated fraction of values ≤ x, in [0, 1]; 0 for an
// empty sketch.
func (s *KLL) Rank(x float64) float64 {
	if s.Count() == 0 {
		return 0
	}
	var w uint64
	for _, k := range s.level0() {
		if unkey(k) <= x {
			w++
		}
	}
	for h := 1; h < len(s.levels); h++ {
		for _, k := range s.levels[h] {
			if unkey(k) <= x {
				w += 1 << uint(h)
			}
		}
	}
	return float64(w) / float64(s.Count())
}

// Quantile returns the smallest held value whose estimated rank is at
// least q (the inverted empirical CDF; q ≤ 0 gives Min, q ≥ 1 gives Max). It
// returns NaN for an empty sketch and panics when q is NaN.
func (s *KLL) Quantile(q float64) float64 {
	if q != q {
		panic("sketch: quantile must not be NaN, got NaN")
	}
	if s.Count() == 0 {
		return math.NaN()
	}
	mn, mx := s.bounds()
	if q <= 0 {
		return mn
	}
	if q >= 1 {
		return mx
	}
	vals, wts := s.SortedView(nil, nil)
	target := q * float64(s.Count())
	var cum uint64
	for i, v := range vals {
		cum += wts[i]
		if float64(cum) >= target {
			return v
		}
	}
	return mx
}

// Quantiles writes Quantile(q) for each q in qs into dst (grown as needed)
// and returns it, sorting the view once.
func (s *KLL) Quantiles(dst []float64, qs []float64) []float64 {
	dst = dst[:0]
	if s.Count() == 0 {
		for range qs {
			dst = append(dst, math.NaN())
		}
		return dst
	}
	vals, wts := s.SortedView(nil, nil)
	mn, mx := s.bounds()
	for _, q := range qs {
		if q != q {
			panic("sketch: quantile must not be NaN, got NaN")
		}
		switch {
		case q <= 0:
			dst = append(dst, mn)
			continue
		case q >= 1:
			dst = append(dst, mx)
			continue
		}
		target := q * float64(s.Count())
		var cum uint64
		r := mx
		for i, v := range vals {
			cum += wts[i]
			if float64(cum) >= target {
				r = v
				break
			}
		}
		dst = append(dst, r)
	}
	return dst
}

// roomFor returns the capacity to give a buffer that must hold n items:
// a quarter more, so that a buffer grown by a merge (two sketches' levels,
// as a drift monitor's shards make at every window) is not grown again
// by one item more the next time.
func roomFor(n int) int { return n + n/4 }
