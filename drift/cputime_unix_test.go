//go:build unix

package drift

import "syscall"

// processCPU returns the CPU time, user and system, the process has used,
// in nanoseconds. Benchmarks report it per row beside the wall time,
// which other work on a shared machine inflates.
func processCPU() int64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return -1
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
