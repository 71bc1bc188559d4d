//go:build !amd64 || purego

package train

// useAVX is false: dotRows sums in Go.
const useAVX = false

func dotRowsAVX(x []float64, stride int, w, z []float64) {
	panic("train: internal error: dotRowsAVX called without AVX")
}
