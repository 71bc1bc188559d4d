package gbdt

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"
)

// benchBinData returns n rows of p standard normal features, row-major,
// with 5% of the first five features missing, as the fit benchmark's data
// (testdata/bench_sklearn.py).
func benchBinData(n, p int) []float64 {
	rng := rand.New(rand.NewPCG(14, 1))
	X := make([]float64, n*p)
	for i := range X {
		X[i] = rng.NormFloat64()
		if i%p < 5 && rng.Float64() < 0.05 {
			X[i] = math.NaN()
		}
	}
	return X
}

// BenchmarkBinGrouped bins 1,000,000 rows of 30 features into the fit's
// grouped layout, on one goroutine.
func BenchmarkBinGrouped(b *testing.B) {
	const n, p = 1_000_000, 30
	X := benchBinData(n, p)
	tm := newTeam(1)
	defer tm.stop()
	bn := fitBinner(X, p, nil, 255, nil, 1, tm)
	b.ReportAllocs()
	b.SetBytes(int64(n * p))
	cpu := cpuTime()
	for b.Loop() {
		bn.binGrouped(X, p, nil, tm)
	}
	reportCPU(b, cpu)
}

// BenchmarkFitBinner computes the thresholds of 30 features from the
// subsample of 1,000,000 rows, on one goroutine.
func BenchmarkFitBinner(b *testing.B) {
	const n, p = 1_000_000, 30
	X := benchBinData(n, p)
	tm := newTeam(1)
	defer tm.stop()
	b.ReportAllocs()
	cpu := cpuTime()
	for b.Loop() {
		fitBinner(X, p, nil, 255, nil, 1, tm)
	}
	reportCPU(b, cpu)
}

// reportCPU reports the CPU time per iteration since start (user and
// system, of the whole process), beside the wall time: the machine the
// benchmarks run on is shared.
func reportCPU(b *testing.B, start time.Duration) {
	if cpu := cpuTime(); cpu > 0 {
		b.ReportMetric(float64(cpu-start)/float64(b.N), "cpu-ns/op")
	}
}
