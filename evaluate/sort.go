package evaluate

import (
	"math"
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

// descendingOrder returns the indexes of scores ordered by decreasing
// score. The order among equal scores is unspecified: every curve in this
// package groups tied scores into one point, so it does not matter. It is
// an LSD radix sort on 16-bit digits, O(n), skipping digits that are the
// same for every key; for n below 256 it uses insertion order by
// comparison instead.
func descendingOrder(scores []float64) []int32 {
	n := len(scores)
	if n > math.MaxInt32 {
		panic("evaluate: more than 2^31-1 examples")
	}
	keys := make([]uint64, n)
	idx := make([]int32, n)
	for i, s := range scores {
		keys[i] = ^floatKey(s) // ascending order of ^key is descending score
		idx[i] = int32(i)
	}
	if n < 256 {
		for i := 1; i < n; i++ {
			k, x := keys[i], idx[i]
			j := i
			for ; j > 0 && keys[j-1] > k; j-- {
				keys[j], idx[j] = keys[j-1], idx[j-1]
			}
			keys[j], idx[j] = k, x
		}
		return idx
	}
	keys2 := make([]uint64, n)
	idx2 := make([]int32, n)
	var count [1 << 16]int
	for shift := uint(0); shift < 64; shift += 16 {
		clear(count[:])
		for _, k := range keys {
			count[(k>>shift)&0xffff]++
		}
		if count[(keys[0]>>shift)&0xffff] == n {
			continue // every key has this digit: the pass would not move anything
		}
		pos := 0
		for d, c := range count {
			count[d] = pos
			pos += c
		}
		for i, k := range keys {
			d := (k >> shift) & 0xffff
			p := count[d]
			count[d]++
			keys2[p], idx2[p] = k, idx[i]
		}
		keys, keys2 = keys2, keys
		idx, idx2 = idx2, idx
	}
	return idx
}
