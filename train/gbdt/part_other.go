//go:build !amd64 || purego

package gbdt

func partSteps(*uint32, *uint8, *partStep, int, int, *[256][8]uint32) {
	panic("gbdt: no assembly kernel")
}

func partSteps64(*gradPair, *uint8, *partStep, int, int, *[16][8]uint32) {
	panic("gbdt: no assembly kernel")
}
