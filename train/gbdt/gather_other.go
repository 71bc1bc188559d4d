//go:build !amd64 || purego

package gbdt

const hasGatherKernel = false

func gatherPairs(*gradPair, *gradPair, *uint32, int) {
	panic("gbdt: no assembly kernel")
}
