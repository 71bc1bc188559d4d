//go:build !purego

package gbdt

// partSteps runs the n planned steps of a partition (part.go) over a (m
// words), as partStepsGo does: a step loads its block of 32 words, then
// for each eight of them the marks' top bits index tbl (packTable), whose
// permutation (VPERMD) puts the left words in order in the low lanes and
// the right ones in order in the high lanes; the eight are stored at the
// left frontier and so that they end at the right one.
//
//go:noescape
func partSteps(a *uint32, marks *uint8, steps *partStep, n, m int, tbl *[256][8]uint32)

// partSteps64 is partSteps for gradient pairs: each eight pairs are two
// vectors of four, packed with tbl (packTable4) by their four marks, the
// first's left pairs then the second's at the left frontier, and the
// first's right pairs then the second's ending at the right one: the
// order partStepsGo gives.
//
//go:noescape
func partSteps64(a *gradPair, marks *uint8, steps *partStep, n, m int, tbl *[16][8]uint32)
