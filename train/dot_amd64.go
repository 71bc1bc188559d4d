//go:build !purego

package train

import "golang.org/x/sys/cpu"

// useAVX says whether dotRows may call dotRowsAVX.
var useAVX = cpu.X86.HasAVX

// dotRowsAVX sets z[r] to dot(row r, w) for r < len(z), a multiple of 4,
// with row r at x[r*stride:]; len(w) > 0 and every row is in x.
//
//go:noescape
func dotRowsAVX(x []float64, stride int, w, z []float64)
