//go:build !purego

package gbdt

import "golang.org/x/sys/cpu"

// useAVX2 selects the assembly kernels (histograms, and the partition of
// words, which also counts with POPCNT).
var useAVX2 = cpu.X86.HasAVX2 && cpu.X86.HasPOPCNT

// histSeq4 adds, for each j < m in order, (gh[j].g, gh[j].h, 1) to the
// bin grp[4*j+k] of hist[k], k = 0 .. 3; gh points to m pairs.
//
//go:noescape
func histSeq4(hist *[4]featHist, grp *uint8, m int, gh *gradPair)

// histSeq3 is histSeq4 for the first three histograms (k < 3).
//
//go:noescape
func histSeq3(hist *[4]featHist, grp *uint8, m int, gh *gradPair)

// histSeq2 is histSeq4 for the first two histograms (k < 2).
//
//go:noescape
func histSeq2(hist *[4]featHist, grp *uint8, m int, gh *gradPair)

// histSeq1 is histSeq4 for the first histogram (k = 0).
//
//go:noescape
func histSeq1(hist *[4]featHist, grp *uint8, m int, gh *gradPair)

// marks32 sets marks[i] to 0xFF for each of the first m&^7 words of ws
// whose byte at shift, x, goes left by a numeric split (x <= bin and
// x != missing, or x == missing and missLeft is -1), to 0 for the
// others, and returns the number of left words.
//
//go:noescape
func marks32(ws *uint32, marks *uint8, m int, shift uint, bin, missing, missLeft int) (nl int)
