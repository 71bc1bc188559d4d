//go:build !amd64 || purego

package tree

// useAVX2 is false: the scan form's groups run in Go.
const useAVX2 = false

func scanGroup4AVX2(recs []scanRec, tab, row []float64, route, cases []int32, vals, phi []float64) {
	panic("tree: internal error: scanGroup4AVX2 called without AVX2")
}

func scanGroup8AVX2(recs []scanRec, tab, row []float64, route, cases []int32, vals, phi []float64) {
	panic("tree: internal error: scanGroup8AVX2 called without AVX2")
}
