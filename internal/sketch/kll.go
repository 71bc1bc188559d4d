package sketch

import (
	"fmt"
	"math"
	"slices"
)

// DefaultK is the accuracy parameter used by New when k is 0: a rank error
// of at most 1% (see the package documentation) with about 600 items kept.
const DefaultK = 200

const (
	minK     = 8
	maxK     = 1 << 16
	maxLevel = 60
	minWidth = 8
	seed0    = 0x5eed_6b6c_6c5f_4c4d // default seed
)

// KLL is a mergeable quantile sketch. The zero value is not usable; create
// one with New or NewSeeded.
type KLL struct {
	k      int
	n      uint64
	min    float64
	max    float64
	rng    uint64
	size   int         // items held over all levels
	total  int         // sum of level capacities
	levels [][]float64 // levels[h] holds items of weight 2^h, sorted for h ≥ 1
	caps   []int       // caps[h] is the capacity of level h for len(levels)
}

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
	s := &KLL{k: k, rng: seed, levels: make([][]float64, 0, 8), caps: make([]int, 0, maxLevel)}
	s.Reset()
	return s
}

// K returns the accuracy parameter.
func (s *KLL) K() int { return s.k }

// Reset empties the sketch, keeping its buffers and its generator state.
func (s *KLL) Reset() {
	for h := range s.levels {
		s.levels[h] = s.levels[h][:0]
	}
	if len(s.levels) == 0 {
		s.levels = append(s.levels, make([]float64, 0, s.k+1))
	}
	s.levels = s.levels[:1]
	s.n, s.size = 0, 0
	s.min, s.max = math.Inf(1), math.Inf(-1)
	s.total = s.capacitySum()
}

// Count returns the number of values added (merged sketches included).
func (s *KLL) Count() uint64 { return s.n }

// Min returns the smallest value added, or NaN when the sketch is empty.
func (s *KLL) Min() float64 {
	if s.n == 0 {
		return math.NaN()
	}
	return s.min
}

// Max returns the largest value added, or NaN when the sketch is empty.
func (s *KLL) Max() float64 {
	if s.n == 0 {
		return math.NaN()
	}
	return s.max
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
	if x != x {
		return
	}
	s.n++
	if x < s.min {
		s.min = x
	}
	if x > s.max {
		s.max = x
	}
	s.levels[0] = append(s.levels[0], x)
	s.size++
	if s.size > s.total {
		s.compress()
	}
}

// capacity returns the capacity of level h when there are H levels.
func (s *KLL) capacity(h, H int) int {
	c := int(math.Ceil(float64(s.k) * math.Pow(2.0/3.0, float64(H-1-h))))
	return max(c, minWidth)
}

// capacitySum recomputes caps for the current number of levels and returns
// their sum.
func (s *KLL) capacitySum() int {
	s.caps = s.caps[:0]
	t := 0
	for h := range s.levels {
		c := s.capacity(h, len(s.levels))
		s.caps = append(s.caps, c)
		t += c
	}
	return t
}

func (s *KLL) grow() {
	h := len(s.levels)
	if h < cap(s.levels) {
		s.levels = s.levels[:h+1]
		if s.levels[h] == nil {
			s.levels[h] = make([]float64, 0, s.k+1)
		}
		s.levels[h] = s.levels[h][:0]
	} else {
		s.levels = append(s.levels, make([]float64, 0, s.k+1))
	}
	s.total = s.capacitySum()
}

// compress compacts full levels, lowest first, until the sketch fits.
func (s *KLL) compress() {
	// While size > total some level holds more than its capacity (≥ 2
	// items), so every pass compacts at least one level and makes progress.
	for s.size > s.total {
		for h := 0; h < len(s.levels); h++ {
			if len(s.levels[h]) >= s.caps[h] {
				s.compact(h)
				if s.size <= s.total {
					return
				}
			}
		}
	}
}

func (s *KLL) next() uint64 {
	s.rng += 0x9e3779b97f4a7c15
	z := s.rng
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}

// compact halves level h into level h+1. Levels above 0 are kept sorted, so
// only level 0 is sorted here; the halved run is merged into level h+1.
func (s *KLL) compact(h int) {
	if h+1 == len(s.levels) {
		s.grow()
	}
	buf := s.levels[h]
	if h == 0 {
		slices.Sort(buf)
	}
	start := len(buf) & 1 // an odd item (the smallest) stays behind
	off := int(s.next() & 1)
	j := start
	for i := start + off; i < len(buf); i += 2 {
		buf[j] = buf[i] // j ≤ i: compacts the chosen items in place, still sorted
		j++
	}
	run := buf[start:j]
	s.levels[h+1] = mergeSorted(s.levels[h+1], run)
	s.levels[h] = buf[:start]
	s.size -= len(buf) - start - len(run)
}

// mergeSorted merges the sorted run into the sorted slice a, from the back,
// and returns the grown slice.
func mergeSorted(a, run []float64) []float64 {
	m := len(a)
	a = append(a, run...)
	i, j, w := m-1, len(run)-1, len(a)-1
	for j >= 0 {
		if i >= 0 && a[i] > run[j] {
			a[w] = a[i]
			i--
		} else {
			a[w] = run[j]
			j--
		}
		w--
	}
	return a
}

// Merge adds every value summarised by other into s. other is unchanged; the
// result's error bound is that of a sketch with s's k over all inputs.
func (s *KLL) Merge(other *KLL) {
	if other == nil || other.n == 0 {
		return
	}
	for len(s.levels) < len(other.levels) {
		s.grow()
	}
	for h, lv := range other.levels {
		if h == 0 {
			s.levels[0] = append(s.levels[0], lv...)
		} else {
			s.levels[h] = mergeSorted(s.levels[h], lv)
		}
		s.size += len(lv)
	}
	s.n += other.n
	s.min = math.Min(s.min, other.min)
	s.max = math.Max(s.max, other.max)
	if s.size > s.total {
		s.compress()
	}
}

// Clone returns an independent copy of s.
func (s *KLL) Clone() *KLL {
	c := *s
	c.caps = append(make([]int, 0, maxLevel), s.caps...)
	c.levels = make([][]float64, len(s.levels), max(cap(s.levels), len(s.levels)))
	for h, lv := range s.levels {
		c.levels[h] = append(make([]float64, 0, max(cap(lv), s.k+1)), lv...)
	}
	return &c
}

// SortedView appends the held items in ascending order to vals and their
// weights to wts, and returns both. The weights sum to Count().
func (s *KLL) SortedView(vals []float64, wts []uint64) ([]float64, []uint64) {
	base := len(vals)
	for h, lv := range s.levels {
		for _, x := range lv {
			vals = append(vals, x)
			wts = append(wts, 1<<uint(h))
		}
	}
	sortPairs(vals[base:], wts[base:])
	return vals, wts
}

// sortPairs sorts vals ascending, permuting wts alike, with a heap sort that
// does not allocate.
func sortPairs(vals []float64, wts []uint64) {
	n := len(vals)
	down := func(i, n int) {
		for {
			c := 2*i + 1
			if c >= n {
				return
			}
			if c+1 < n && vals[c+1] > vals[c] {
				c++
			}
			if vals[c] <= vals[i] {
				return
			}
			vals[i], vals[c] = vals[c], vals[i]
			wts[i], wts[c] = wts[c], wts[i]
			i = c
		}
	}
	for i := n/2 - 1; i >= 0; i-- {
		down(i, n)
	}
	for end := n - 1; end > 0; end-- {
		vals[0], vals[end] = vals[end], vals[0]
		wts[0], wts[end] = wts[end], wts[0]
		down(0, end)
	}
}

// Rank returns the estimated fraction of values ≤ x, in [0, 1]; 0 for an
// empty sketch.
func (s *KLL) Rank(x float64) float64 {
	if s.n == 0 {
		return 0
	}
	var w uint64
	for h, lv := range s.levels {
		for _, v := range lv {
			if v <= x {
				w += 1 << uint(h)
			}
		}
	}
	return float64(w) / float64(s.n)
}

// Quantile returns the smallest held value whose estimated rank is at
// least q (the inverted empirical CDF; q ≤ 0 gives Min, q ≥ 1 gives Max). It
// returns NaN for an empty sketch and panics when q is NaN.
func (s *KLL) Quantile(q float64) float64 {
	if q != q {
		panic("sketch: quantile must not be NaN, got NaN")
	}
	if s.n == 0 {
		return math.NaN()
	}
	if q <= 0 {
		return s.min
	}
	if q >= 1 {
		return s.max
	}
	vals, wts := s.SortedView(nil, nil)
	target := q * float64(s.n)
	var cum uint64
	for i, v := range vals {
		cum += wts[i]
		if float64(cum) >= target {
			return v
		}
	}
	return s.max
}

// Quantiles writes Quantile(q) for each q in qs into dst (grown as needed)
// and returns it, sorting the view once.
func (s *KLL) Quantiles(dst []float64, qs []float64) []float64 {
	dst = dst[:0]
	if s.n == 0 {
		for range qs {
			dst = append(dst, math.NaN())
		}
		return dst
	}
	vals, wts := s.SortedView(nil, nil)
	for _, q := range qs {
		if q != q {
			panic("sketch: quantile must not be NaN, got NaN")
		}
		switch {
		case q <= 0:
			dst = append(dst, s.min)
			continue
		case q >= 1:
			dst = append(dst, s.max)
			continue
		}
		target := q * float64(s.n)
		var cum uint64
		r := s.max
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
