//go:build !purego

package fastmath

import "golang.org/x/sys/cpu"

// useAVX2 selects expAVX2 for ExpInPlace's blocks of four values.
var useAVX2 = cpu.X86.HasAVX2

// expAVX2 sets dst[i] = Exp(x) with x = src[i] with the bits of or set,
// four values at a time for i < n (a multiple of 4), with the operations
// of expGo in the same order (no fused multiply-add), and the same bits.
// It stops at the first block of four where an x is outside (-708, 709)
// or a NaN, which it leaves as it is, and returns the number of values
// done before it. c is expConst.
//
//go:noescape
func expAVX2(dst, src *float64, n int, or uint64, c *expConsts) (done int)
