//go:build !linux

package gbdt

// hugePairs returns n gradient pairs: huge pages are asked for on linux
// only.
func hugePairs(n int) []gradPair { return make([]gradPair, n) }
