//go:build !purego

package fastmath

import "golang.org/x/sys/cpu"

// useAVX2 selects expAVX2 for ExpInPlace's blocks of four values.
var useAVX2 = cpu.X86.HasAVX2

// expAVX2 replaces z[i] by Exp(z[i]) four values at a time for i < n (a
// multiple of 4), with the operations of expGo in the same order (no
// fused multiply-add), and the same bits. It stops at the first block of
// four holding a value outside (-708, 709) or a NaN, which it leaves as
// it is, and returns the number of values done before it. c is expConst.
//
//go:noescape
func expAVX2(z *float64, n int, c *expConsts) (done int)
