//go:build !purego

package gbdt

import "golang.org/x/sys/cpu"

// useAVX2 selects the assembly histogram kernels.
var useAVX2 = cpu.X86.HasAVX2

// histRows4 adds, for each j in order, (gh[j].g, gh[j].h, 1) to the bin
// cols[k*stride+rows[j]] of hist[k], k = 0 .. 3; gh points to len(rows)
// pairs.
//
//go:noescape
func histRows4(hist *[4]featHist, cols *uint8, stride int, rows []uint32, gh *gradPair)

// histRows2 is histRows4 for two features.
//
//go:noescape
func histRows2(hist *[2]featHist, cols *uint8, stride int, rows []uint32, gh *gradPair)

// histRows1 is histRows4 for one feature.
//
//go:noescape
func histRows1(hist *featHist, col *uint8, rows []uint32, gh *gradPair)
