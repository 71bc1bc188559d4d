//go:build !amd64 || purego

package gbdt

func binaryGH(*gradPair, *float64, *float64, *float64, *float64, int) {
	panic("gbdt: no assembly kernel")
}
