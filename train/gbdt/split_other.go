//go:build !amd64 || purego

package gbdt

// gainsFast computes the gains of splits without bounds: gainsGo.
func gainsFast(gains, gL, hL, gR, hR *[scanBlock]float64, k int, loss, l2 float64) float64 {
	return gainsGo(gains, gL, hL, gR, hR, k, loss, l2)
}

func subBins(*bin, *bin, *bin, int) {
	panic("gbdt: no assembly kernel")
}

func scanBins(*scanState, *featHist, *float64) (int, bool) {
	panic("gbdt: no assembly kernel")
}
