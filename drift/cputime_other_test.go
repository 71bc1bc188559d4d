//go:build !unix

package drift

// processCPU returns −1: no CPU time is measured on this system.
func processCPU() int64 { return -1 }
