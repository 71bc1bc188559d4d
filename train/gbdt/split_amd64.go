//go:build !purego

package gbdt

import "math"

// gainsFast computes the gains of splits without bounds and returns the
// greatest, as gainsGo does, to the bit (NaN payloads aside: a NaN gain
// is never chosen); with AVX2, four splits to an instruction (separate
// multiplies and subtractions, no fused multiply-add). It sets gL[k:]
// up to the next multiple of 4 to NaN, so that the kernel's last
// four splits give no gain there.
func gainsFast(gains, gL, hL, gR, hR *[scanBlock]float64, k int, loss, l2 float64) float64 {
	if !useAVX2 {
		return gainsGo(gains, gL, hL, gR, hR, k, loss, l2)
	}
	for i := k; i < (k+3)&^3; i++ {
		gL[i] = math.NaN()
	}
	return gains4(&gains[0], &gL[0], &hL[0], &gR[0], &hR[0], k, loss, l2)
}

// gains4 sets gains[i] = loss - gL[i]*vL - gR[i]*vR, where
// vL = -gL[i]/(hL[i]+l2+1e-15) and vR likewise, for i < n rounded up to
// a multiple of 4 (each pointer points to at least that many float64),
// and returns the greatest of them that is not NaN, or 0 when none is
// above.
//
//go:noescape
func gains4(gains, gL, hL, gR, hR *float64, n int, loss, l2 float64) (top float64)

// subBins sets dst[i] = parent[i] - small[i], lane by lane (the three
// sums and the padding), for the n bins each pointer points to; n is a
// multiple of 4.
//
//go:noescape
func subBins(dst, parent, small *bin, n int)

// scanBins is the pass of the split search (scan.pass) over the entries
// st describes of histogram hf, up to a block: it gathers the splits
// that pass the least sums into the arrays of scan at out (gA) and
// returns their number, stopped when a split's other side was too small
// (the pass ends), and st updated to go on.
//
//go:noescape
func scanBins(st *scanState, hf *featHist, out *float64) (k int, stopped bool)
