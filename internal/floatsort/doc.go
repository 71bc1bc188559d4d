// Package floatsort sorts float64 values by a least-significant-digit radix
// sort of their order-preserving integer keys.
//
// # Overview
//
// Key maps a float64 to a uint64 whose unsigned order is the order of the
// floats: the sign bit is flipped for positive values and every bit for
// negative ones, so −Inf < negative values < −0 < +0 < positive values <
// +Inf (NaN keys sort after +Inf when the sign bit is clear, before −Inf
// when set; callers drop NaN first). Float inverts Key.
//
// Sorted sorts by six stable counting passes over 11-bit digits of the
// keys (the last one 9 bits): a first pass over the values counts every
// digit, and a digit on which all keys agree (the low mantissa bits of
// integer-valued data or of widened float32s, the exponent of data within
// one binade) costs no pass. The first moving pass converts the values to
// keys as it reads them and the last converts them back as it writes, so
// the sort touches the result and one scratch slice. It takes O(n) time
// where a comparison sort takes O(n log n): for a million normal values
// about 0.4x the time of slices.Sort (BENCHMARKS.md).
//
// Sorted returns the values of a slice that are not NaN, sorted; the
// two-sample tests of drift sort their samples with it. Below 4,096 values
// it sorts the keys with slices.Sort.
//
// # Invariants
//
// The sort is total and deterministic: values that compare equal as floats
// but differ in their bits are ordered by their keys (−0 before +0).
// Nothing allocates besides the slices Sorted returns.
package floatsort
