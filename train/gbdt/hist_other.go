//go:build !amd64 || purego

package gbdt

// useAVX2 is false: the portable kernels run.
var useAVX2 = false

func histSeq4(*[4]featHist, *uint8, int, *gradPair) {
	panic("gbdt: no assembly kernel")
}

func histSeq3(*[4]featHist, *uint8, int, *gradPair) {
	panic("gbdt: no assembly kernel")
}

func histSeq2(*[4]featHist, *uint8, int, *gradPair) {
	panic("gbdt: no assembly kernel")
}

func histSeq1(*[4]featHist, *uint8, int, *gradPair) {
	panic("gbdt: no assembly kernel")
}

func marks32(*uint32, *uint8, int, uint, int, int, int) int {
	panic("gbdt: no assembly kernel")
}
