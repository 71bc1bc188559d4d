//go:build !amd64 || purego

package gbdt

// useAVX2 is false: the portable kernel runs.
var useAVX2 = false

func histRows4(*[4]featHist, *uint8, int, []uint32, *gradPair) {
	panic("gbdt: no assembly kernel")
}

func histRows2(*[2]featHist, *uint8, int, []uint32, *gradPair) {
	panic("gbdt: no assembly kernel")
}

func histRows1(*featHist, *uint8, []uint32, *gradPair) {
	panic("gbdt: no assembly kernel")
}
