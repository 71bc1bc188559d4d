//go:build !purego

package tree

import "golang.org/x/sys/cpu"

// useAVX2 says whether the scan form's groups run in assembly.
var useAVX2 = cpu.X86.HasAVX2

// scanBatchAVX2 runs jobs in order, as scanBatch does by scanGroup, in
// AVX2 (shapscan_amd64.s).
//
//go:noescape
func scanBatchAVX2(jobs []scanJob, row []float64, route, cases []int32, vals, phi []float64)
