//go:build !amd64 || purego

package tree

// useAVX2 is false: the scan form's groups run in Go.
const useAVX2 = false

func scanBatchAVX2(jobs []scanJob, row []float64, route, cases []int32, vals, phi []float64) {
	panic("tree: internal error: scanBatchAVX2 called without AVX2")
}
