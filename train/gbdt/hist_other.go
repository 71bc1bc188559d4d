//go:build !amd64 || purego

package gbdt

// useAVX2 is false: the portable kernel runs.
var useAVX2 = false

// useBMI2 is false: the portable partition runs.
var useBMI2 = false

func histSeq4(*[4]featHist, *uint8, int, int, *gradPair) {
	panic("gbdt: no assembly kernel")
}

func histSeq2(*[2]featHist, *uint8, int, int, *gradPair) {
	panic("gbdt: no assembly kernel")
}

func histSeq1(*featHist, *uint8, int, *gradPair) {
	panic("gbdt: no assembly kernel")
}

func pextPartition(_, _, _ *uint8, _ int) (int, int) {
	panic("gbdt: no assembly kernel")
}
