// Package cputime reads the CPU time the process has used, for the
// benchmarks that report CPU seconds beside wall time: on a shared
// machine other processes inflate the wall time of a benchmark far more
// than the work it does.
package cputime
