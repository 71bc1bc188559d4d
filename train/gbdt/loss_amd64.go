//go:build !purego

package gbdt

// binaryGH writes the binary loss's gradient pairs of n rows (a multiple
// of 4) as binaryGHGo does, with the same bits, four rows at a time: gh,
// the margins z, their e = e^-|z|, the labels y, and the weights w (nil
// for 1).
//
//go:noescape
func binaryGH(gh *gradPair, z, e, y, w *float64, n int)
