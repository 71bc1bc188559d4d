package floatsort

import (
	"math"
	"slices"
)

// Key returns the order-preserving key of x: for floats a < b (neither
// NaN), Key(a) < Key(b).
func Key(x float64) uint64 {
	b := math.Float64bits(x)
	return b ^ (uint64(int64(b)>>63) | 1<<63)
}

// Float inverts Key.
func Float(k uint64) float64 {
	return math.Float64frombits(k ^ (uint64(int64(^k)>>63) | 1<<63))
}

const (
	digitBits = 11
	digits    = (64 + digitBits - 1) / digitBits // 6
	buckets   = 1 << digitBits
	mask      = buckets - 1
	// radixMin is the length below which a comparison sort is faster than
	// the counting passes (whose histograms hold 6 × 2,048 counters).
	radixMin = 4096
)

// histogram counts the keys by each of their digits.
type histogram [digits][buckets]uint32

func (h *histogram) add(k uint64) {
	h[0][k&mask]++
	h[1][k>>digitBits&mask]++
	h[2][k>>(2*digitBits)&mask]++
	h[3][k>>(3*digitBits)&mask]++
	h[4][k>>(4*digitBits)&mask]++
	h[5][k>>(5*digitBits)]++
}

// Sorted returns the values of x that are not NaN, in ascending order, in
// a new slice; x is not modified. Equal values that differ in their bits
// (−0 and +0) are ordered by Key.
func Sorted(x []float64) []float64 {
	var tmp []uint64
	return SortedInto(nil, &tmp, x)
}

// SortedInto is Sorted with the result in buf's memory and the scratch
// keys in *scratch, each grown (and *scratch set) only when shorter than x, for
// callers that sort many slices in turn. buf must not overlap x.
func SortedInto(buf []float64, scratch *[]uint64, x []float64) []float64 {
	if cap(buf) < len(x) {
		buf = make([]float64, len(x))
	}
	out := buf[:len(x)]
	if len(x) < radixMin {
		keys := keysOf(out)
		m := 0
		for _, v := range x {
			if v == v {
				keys[m] = Key(v)
				m++
			}
		}
		slices.Sort(keys[:m])
		out = out[:m]
		for i, k := range keys[:m] {
			out[i] = Float(k)
		}
		return out
	}
	var h histogram
	m := 0
	for _, v := range x {
		if v == v {
			h.add(Key(v))
			m++
		}
	}
	out = out[:m]
	if m == 0 {
		return out
	}
	// The passes that move keys: a digit on which all keys agree is skipped.
	var first float64
	for _, v := range x {
		if v == v {
			first = v
			break
		}
	}
	var pass [digits]int
	np := 0
	for d := range h {
		if h[d][Key(first)>>(d*digitBits)&mask] != uint32(m) {
			pass[np] = d
			np++
		}
	}
	if np == 0 { // all values have the same bits
		for i := range out {
			out[i] = first
		}
		return out
	}
	// The first pass reads x, converting to keys, and the last one writes
	// floats; they alternate between out (viewed as keys) and a scratch
	// slice, starting with the one that makes the last pass land in out.
	if cap(*scratch) < m {
		*scratch = make([]uint64, m)
	}
	keys, tmp := keysOf(out), (*scratch)[:m]
	dst := keys
	if np%2 == 0 {
		dst = tmp
	}
	var src []uint64
	for p, d := range pass[:np] {
		c := &h[d]
		shift := uint(d * digitBits)
		var sum uint32
		for i, v := range c {
			c[i] = sum
			sum += v
		}
		switch {
		case p == 0 && np == 1:
			for _, v := range x {
				if v == v {
					k := Key(v)
					b := k >> shift & mask
					out[c[b]] = v
					c[b]++
				}
			}
			return out
		case p == 0:
			for _, v := range x {
				if v == v {
					k := Key(v)
					b := k >> shift & mask
					dst[c[b]] = k
					c[b]++
				}
			}
		case p == np-1:
			for _, k := range src {
				b := k >> shift & mask
				out[c[b]] = Float(k)
				c[b]++
			}
			return out
		default:
			for _, k := range src {
				b := k >> shift & mask
				dst[c[b]] = k
				c[b]++
			}
		}
		src = dst
		if &dst[0] == &keys[0] {
			dst = tmp
		} else {
			dst = keys
		}
	}
	panic("unreachable")
}
