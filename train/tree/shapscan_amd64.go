//go:build !purego

package tree

import "golang.org/x/sys/cpu"

// useAVX2 says whether the scan form's groups run in assembly.
var useAVX2 = cpu.X86.HasAVX2

// scanGroup4AVX2 is scanGroup for 4 lanes, in AVX2 (shapscan_amd64.s).
//
//go:noescape
func scanGroup4AVX2(recs []scanRec, tab, row []float64, route, cases []int32, vals, phi []float64)

// scanGroup8AVX2 is scanGroup for 8 lanes, in AVX2.
//
//go:noescape
func scanGroup8AVX2(recs []scanRec, tab, row []float64, route, cases []int32, vals, phi []float64)
