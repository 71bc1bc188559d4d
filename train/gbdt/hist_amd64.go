//go:build !purego

package gbdt

import "golang.org/x/sys/cpu"

// useAVX2 selects the assembly histogram kernels.
var useAVX2 = cpu.X86.HasAVX2

// useBMI2 selects the assembly partition of bins (PEXT).
var useBMI2 = cpu.X86.HasBMI2 && cpu.X86.HasPOPCNT

// histSeq4 adds, for each j < m in order, (gh[j].g, gh[j].h, 1) to the
// bin cols[k*stride+j] of hist[k], k = 0 .. 3; gh points to m pairs.
//
//go:noescape
func histSeq4(hist *[4]featHist, cols *uint8, stride int, m int, gh *gradPair)

// histSeq2 is histSeq4 for two features.
//
//go:noescape
func histSeq2(hist *[2]featHist, cols *uint8, stride int, m int, gh *gradPair)

// histSeq1 is histSeq4 for one feature.
//
//go:noescape
func histSeq1(hist *featHist, col *uint8, m int, gh *gradPair)

// pextPartition partitions the first m&^7 bytes of col by mask (0xFF: left,
// 0: right), the left ones to the start of col and the right ones to the
// start of tmp, in order, and returns their numbers. tmp must hold m
// bytes.
//
//go:noescape
func pextPartition(col, mask, tmp *uint8, m int) (nl, nr int)
