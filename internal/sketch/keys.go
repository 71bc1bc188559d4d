package sketch

import (
	"math/bits"
	"slices"
)

// This file sorts and merges the order-preserving keys that levels hold.

// radixSort sorts keys ascending, using tmp (as long as keys) as scratch,
// without allocating. Bits above the highest one on which the smallest and
// largest key differ are common to all keys; a least-significant-digit
// radix sort orders the keys by the 24 bits below and including that one
// (three stable passes of 8 bits; a digit on which all keys agree is
// skipped), then runs of keys equal in those bits are sorted by the full
// key. For continuous data such runs are rare and short (their values
// agree to 1 part in 2^24 of the data's range, in key space); a range
// dominated by an outlier makes them long, and the sort then costs what a
// comparison sort costs.
func radixSort(keys, tmp []uint64) {
	if r := radixSortTo(keys, tmp); &r[0] != &keys[0] {
		copy(keys, r)
	}
}

// radixSortTo is radixSort leaving the sorted keys in keys or in tmp, and
// returning that one; the other holds no meaning.
func radixSortTo(keys, tmp []uint64) []uint64 {
	lo, hi := keyRange(keys)
	if lo == hi {
		return keys
	}
	const width = 24
	low := uint(max(0, 64-bits.LeadingZeros64(lo^hi)-width)) // lowest bit sorted by radix
	// Shift counts are masked to 63 (low ≤ 40) throughout, which spares
	// the compiler's checks for counts of 64 or more.
	// This pass counts the keys by the lowest digit and marks the values
	// of the top digit that occur: a mark is a store, where a count would
	// be a chain of increments of the same few counters (the top digit,
	// sign and exponent bits, takes few values), each waiting on the one
	// before. The other digits are counted only when they get a pass of
	// their own (radixSort3).
	var counts [width / 8][256]uint32
	var seen [256]bool
	for _, k := range keys {
		k >>= low & 63
		counts[0][byte(k)]++
		seen[byte(k>>16)] = true
	}
	var index [256]uint8
	if tops := topIndex(&seen, &index); tops <= maxTops {
		keys = radixSortJoint(keys, tmp, low, &counts[0], &index, tops)
	} else {
		keys = radixSort3(keys, tmp, low, &counts)
	}
	if low == 0 {
		return keys
	}
	// Sort runs of keys equal in the sorted bits by the full key: keys
	// sorted by their top bits can only be out of order inside such a run.
	// next[i] is keys[i+1]; a run sorted, the loop goes on through it (in
	// order now).
	next := keys[1:]
	for i, k := range next {
		if k < keys[i] {
			sortRun(keys, i+1, low)
		}
	}
	return keys
}

// maxTops is the most values the top digit may take for radixSortJoint.
const maxTops = 8

// topIndex numbers the values of the top digit that occur (seen), in
// order, in index, and returns how many there are.
func topIndex(seen *[256]bool, index *[256]uint8) int {
	tops := 0
	for b, v := range seen {
		if v {
			index[b] = uint8(tops)
			tops++
		}
	}
	return tops
}

// radixSortJoint sorts keys by the 24 bits from bit low in two passes
// where the top digit takes at most maxTops values (index numbers them,
// c0 counts the keys by the lowest digit): by the lowest 8 bits, then by
// the 16 above, the top 8 of which replaced by their index, so that one
// pass over at most maxTops × 256 buckets does the work of two over 256.
// The first pass counts the keys by that joint digit as it moves them.
// It returns the slice that holds the result, keys or tmp.
func radixSortJoint(keys, tmp []uint64, low uint, c0 *[256]uint32, index *[256]uint8, tops int) []uint64 {
	n := uint32(len(keys))
	// One variable shift a key (d = k >> low); the digits are then bytes
	// of d at constant shifts, which spares the registers and moves that
	// three variable shifts (all through CL) cost.
	sh := low & 63
	var top [256]uint16 // the top digit's index, shifted into place
	for t, i := range index {
		top[t] = uint16(i&(maxTops-1)) << 8
	}
	joint := func(d uint64) int {
		return int(top[byte(d>>16)]) | int(byte(d>>8))
	}
	var cj [maxTops * 256]uint32
	src, dst := keys, tmp
	if c0[byte(src[0]>>sh)] == n {
		for _, k := range src {
			cj[joint(k>>sh)]++
		}
	} else {
		var sum uint32
		for i, v := range c0 {
			c0[i] = sum
			sum += v
		}
		for _, k := range src {
			d := k >> sh
			b := byte(d)
			dst[c0[b]] = k
			c0[b]++
			cj[joint(d)]++
		}
		src, dst = dst, src
	}
	if cj[joint(src[0]>>sh)] == n {
		return src
	}
	var sum uint32
	for i, v := range cj[:tops*256] {
		cj[i] = sum
		sum += v
	}
	for _, k := range src {
		b := joint(k >> sh)
		dst[cj[b]] = k
		cj[b]++
	}
	return dst
}

// radixSort3 sorts keys by the 24 bits from bit low in three passes of 8
// bits (counts holds the keys by the lowest digit; it counts the other
// two), skipping a digit all keys share, and returns the slice that holds
// the result, keys or tmp.
func radixSort3(keys, tmp []uint64, low uint, counts *[3][256]uint32) []uint64 {
	n := uint32(len(keys))
	for _, k := range keys {
		k >>= low & 63
		counts[1][byte(k>>8)]++
		counts[2][byte(k>>16)]++
	}
	src, dst := keys, tmp
	for d := range counts {
		c := &counts[d]
		shift := (low + uint(8*d)) & 63
		var most uint32
		for _, v := range c {
			most = max(most, v)
		}
		switch {
		case most == n:
			continue // every key has this digit: the pass would not move anything
		case most > n/8 && n >= 64:
			// One bucket takes many keys (the sign and exponent bits of
			// the top digit often take few values): spread the counter
			// updates over four chains.
			scatterQuarters(src, dst, shift)
		default:
			var sum uint32
			for i, v := range c {
				c[i] = sum
				sum += v
			}
			scatter(src, dst, c, shift)
		}
		src, dst = dst, src
	}
	return src
}

// keyRange returns the smallest and largest of keys (not empty), with two
// independent chains of comparisons.
func keyRange(keys []uint64) (uint64, uint64) {
	lo0, hi0 := keys[0], keys[0]
	lo1, hi1 := lo0, hi0
	i := 1
	for ; i+1 < len(keys); i += 2 {
		a, b := keys[i], keys[i+1]
		lo0, hi0 = min(lo0, a), max(hi0, a)
		lo1, hi1 = min(lo1, b), max(hi1, b)
	}
	if i < len(keys) {
		lo0, hi0 = min(lo0, keys[i]), max(hi0, keys[i])
	}
	return min(lo0, lo1), max(hi0, hi1)
}

// sortRun sorts the run of keys equal to keys[i] above bit low, which
// holds keys[i−1] > keys[i].
func sortRun(keys []uint64, i int, low uint) {
	top := keys[i] >> low
	first := i - 1
	for first > 0 && keys[first-1]>>low == top {
		first--
	}
	end := i + 1
	for end < len(keys) && keys[end]>>low == top {
		end++
	}
	slices.Sort(keys[first:end])
}

// scatter moves src into dst by the digit at shift, stably, c holding
// each digit's first position.
func scatter(src, dst []uint64, c *[256]uint32, shift uint) {
	for _, k := range src {
		b := byte(k >> (shift & 63))
		dst[c[b]] = k
		c[b]++
	}
}

// scatterQuarters is a stable counting pass on the digit at shift, which
// counts src by quarters and moves one key of each quarter per step, each
// quarter with its own positions: where most keys share a digit, one
// chain of updates to its counter would serialise the pass, four
// independent ones do not. Quarter j's keys of a digit go after those of
// quarters before j, so the pass stays stable.
func scatterQuarters(src, dst []uint64, shift uint) {
	shift &= 63
	q := len(src) / 4
	s0, s1, s2, s3 := src[:q], src[q:2*q], src[2*q:3*q], src[3*q:]
	var c [4][256]uint32
	for i, k := range s0 {
		c[0][byte(k>>shift)]++
		c[1][byte(s1[i]>>shift)]++
		c[2][byte(s2[i]>>shift)]++
		c[3][byte(s3[i]>>shift)]++
	}
	for _, k := range s3[q:] {
		c[3][byte(k>>shift)]++
	}
	var sum uint32
	for b := range 256 {
		for j := range c {
			v := c[j][b]
			c[j][b] = sum
			sum += v
		}
	}
	c0, c1, c2, c3 := &c[0], &c[1], &c[2], &c[3]
	for i, k0 := range s0 {
		k1, k2, k3 := s1[i], s2[i], s3[i]
		b0, b1, b2, b3 := byte(k0>>shift), byte(k1>>shift), byte(k2>>shift), byte(k3>>shift)
		dst[c0[b0]] = k0
		c0[b0]++
		dst[c1[b1]] = k1
		c1[b1]++
		dst[c2[b2]] = k2
		c2[b2]++
		dst[c3[b3]] = k3
		c3[b3]++
	}
	for _, k := range s3[q:] {
		b := byte(k >> shift)
		dst[c3[b]] = k
		c3[b]++
	}
}

// mergeKeys merges the sorted keys run into the sorted keys a, from the
// back, and returns the grown slice. The loop has no data-dependent branch
// (the comparison selects by conditional moves), since sketch inputs make
// the order of the next two items a coin flip.
func mergeKeys(a, run []uint64) []uint64 {
	m := len(a)
	a = slices.Grow(a, len(run))[:m+len(run)]
	i, j, w := m-1, len(run)-1, len(a)-1
	for i >= 0 && j >= 0 {
		x, y := a[i], run[j]
		v, di, dj := y, 0, 1
		if x > y {
			v, di, dj = x, 1, 0
		}
		a[w] = v
		i -= di
		j -= dj
		w--
	}
	copy(a[:j+1], run[:j+1]) // a's items are used up: w == j
	return a
}

// Sentinel keys: the keys of NaNs with every bit set or every bit but the
// sign, which levels never hold.
const (
	keyBelow = 0
	keyAbove = ^uint64(0)
)

// mergeKeysScratch is mergeKeys using scratch, exactly len(a)+len(run)+4
// keys long, which may hold run itself: it copies run and a there between
// sentinels and merges from both ends at once, the smallest keys forwards
// and the largest backwards, half the output each. A branch-free merge
// waits at each step on the load its previous choice addressed; two
// independent merges hide half of that wait.
func mergeKeysScratch(a, run, scratch []uint64) []uint64 {
	m, r := len(a), len(run)
	total := m + r
	s := scratch[:total+4]
	copy(s[m+3:], run) // first: run may lie in scratch below m+3
	copy(s[1:], a)
	s[0], s[m+1], s[m+2], s[total+3] = keyBelow, keyAbove, keyBelow, keyAbove
	a = slices.Grow(a, r)[:total]
	i, j := 1, m+3     // next of a's and run's keys, forwards
	p, q := m, total+2 // next of a's and run's keys, backwards
	e := total - 1
	for w := range total / 2 {
		x, y := s[i], s[j]
		le := 0
		if x <= y {
			le = 1
		}
		a[w] = min(x, y)
		i += le
		j += 1 - le
		x, y = s[p], s[q]
		gt := 0
		if x > y {
			gt = 1
		}
		a[e] = max(x, y)
		e--
		p -= gt
		q -= 1 - gt
	}
	if total&1 == 1 {
		a[total/2] = min(s[i], s[j])
	}
	return a
}
