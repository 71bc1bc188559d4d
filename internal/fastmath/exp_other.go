//go:build !amd64 || purego

package fastmath

// useAVX2 is false: the portable loop runs.
var useAVX2 = false

func expAVX2(*float64, *float64, int, uint64, *expConsts) int {
	panic("fastmath: no assembly kernel")
}
