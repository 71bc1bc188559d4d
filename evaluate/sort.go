package evaluate

import (
	"math"
	"slices"
	"sync"
)

// floatKey maps a finite float64 to a uint64 whose unsigned order is the
// numeric order; -0 and +0 map to the same key, as they compare equal.
func floatKey(v float64) uint64 {
	if v == 0 {
		v = 0 // fold -0 into +0
	}
	b := math.Float64bits(v)
	if b>>63 != 0 {
		return ^b
	}
	return b | 1<<63
}

// entry is one example in sort order: its key (the complement of
// floatKey(score), so that ascending keys are descending scores), its
// index and its label, kept together so that walking the sorted examples
// reads memory in order.
type entry struct {
	key   uint64
	idx   int32
	label int32
}

// radixBelow is the size below which an insertion sort is used;
// radixBits the width of a digit: 2048 counts per digit fit in L1 cache
// and keep the scatter's write positions few.
const (
	radixBelow = 256
	radixBits  = 11
)

// sortDescending returns the examples ordered by decreasing score. The
// order among equal scores is unspecified: every curve in this package
// groups tied scores into one point, so it does not matter. It is an LSD
// radix sort, O(n), on 11-bit digits (six passes), with all digit
// histograms built in one read and digits that are the same for every key
// skipped, its scratch buffer pooled; below 256 examples it is an
// insertion sort.
func sortDescending(labels []int, scores []float64) []entry {
	n := len(scores)
	if n > math.MaxInt32 {
		panic("evaluate: more than 2^31-1 examples")
	}
	a := make([]entry, n)
	for i, s := range scores {
		a[i] = entry{key: ^floatKey(s), idx: int32(i), label: int32(labels[i])}
	}
	if n < radixBelow {
		for i := 1; i < n; i++ {
			e := a[i]
			j := i
			for ; j > 0 && a[j-1].key > e.key; j-- {
				a[j] = a[j-1]
			}
			a[j] = e
		}
		return a
	}
	const bits = radixBits
	size := 1 << bits
	mask := uint64(size - 1)
	const passes = (64 + bits - 1) / bits
	count := make([]int, passes*size)
	for _, e := range a {
		k := e.key
		for p := range passes {
			count[p*size+int((k>>(p*bits))&mask)]++
		}
	}
	bp := scratch.Get().(*[]entry)
	if cap(*bp) < n {
		*bp = make([]entry, n)
	}
	b := (*bp)[:n]
	for p := range passes {
		shift := uint(p * bits)
		c := count[p*size : (p+1)*size]
		if c[(a[0].key>>shift)&mask] == n {
			continue // every key has this digit: the pass would not move anything
		}
		pos := 0
		for d, k := range c {
			c[d] = pos
			pos += k
		}
		for _, e := range a {
			d := (e.key >> shift) & mask
			b[c[d]] = e
			c[d]++
		}
		a, b = b, a
	}
	// b is whichever buffer is not the result: the pooled one, or the
	// caller's first buffer when an odd number of passes ran.
	*bp = b
	scratch.Put(bp)
	return a
}

// scratch holds radix-sort buffers between calls, sparing a large
// allocation per sort; bootstrap workers and concurrent callers each take
// their own.
var scratch = sync.Pool{New: func() any { return new([]entry) }}

// sortKeys sorts a ascending, as sortDescending sorts entries.
func sortKeys(a []uint64) []uint64 {
	n := len(a)
	if n < radixBelow {
		slices.Sort(a)
		return a
	}
	const bits = radixBits
	const size = 1 << bits
	const mask = uint64(size - 1)
	const passes = (64 + bits - 1) / bits
	count := make([]int, passes*size)
	for _, k := range a {
		for p := range passes {
			count[p*size+int((k>>(p*bits))&mask)]++
		}
	}
	bp := keyScratch.Get().(*[]uint64)
	if cap(*bp) < n {
		*bp = make([]uint64, n)
	}
	b := (*bp)[:n]
	for p := range passes {
		shift := uint(p * bits)
		c := count[p*size : (p+1)*size]
		if c[(a[0]>>shift)&mask] == n {
			continue
		}
		pos := 0
		for d, k := range c {
			c[d] = pos
			pos += k
		}
		for _, k := range a {
			d := (k >> shift) & mask
			b[c[d]] = k
			c[d]++
		}
		a, b = b, a
	}
	*bp = b // whichever buffer is not the result
	keyScratch.Put(bp)
	return a
}

var keyScratch = sync.Pool{New: func() any { return new([]uint64) }}

// aucPacked computes the unweighted ROC AUC from 8-byte sort keys that
// carry the label in their lowest bit: half the memory traffic of sorting
// entries. It applies when every score has the same sign (always so for
// probabilities), since the key's top bit is then free; ok is false
// otherwise.
func aucPacked(labels []int, scores []float64) (auc float64, ok bool, err error) {
	n := len(scores)
	keys := make([]uint64, n)
	var top uint64
	for i, s := range scores {
		k := ^floatKey(s)
		if i == 0 {
			top = k >> 63
		} else if k>>63 != top {
			return 0, false, nil
		}
		keys[i] = k<<1 | uint64(labels[i])
	}
	keys = sortKeys(keys)
	var fp, tp, area float64
	for start := 0; start < n; {
		k := keys[start] >> 1
		end := start
		var dtp float64
		for end < n && keys[end]>>1 == k {
			dtp += float64(keys[end] & 1)
			end++
		}
		dfp := float64(end-start) - dtp
		area += dfp * (2*tp + dtp)
		fp += dfp
		tp += dtp
		start = end
	}
	if fp == 0 || tp == 0 {
		return 0, true, ErrSingleClass
	}
	return area / (2 * fp * tp), true, nil
}
