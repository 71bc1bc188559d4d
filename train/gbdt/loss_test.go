package gbdt

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/loomml/loom/internal/fastmath"
)

// binaryGradientsBefore is binary.gradients as it was before the
// assembly, kept as the reference the new code must match bit for bit.
func binaryGradientsBefore(gh []gradPair, raw, y, w []float64, lo, hi int) {
	var e [expChunk]float64
	for c := lo; c < hi; c += expChunk {
		z := raw[c:min(c+expChunk, hi)]
		ez := e[:len(z)]
		for i, v := range z {
			ez[i] = -math.Abs(v)
		}
		fastmath.ExpInPlace(ez)
		yc, ghc := y[c:c+len(z)], gh[c:c+len(z)]
		for i, v := range z {
			num := [2]float64{1, ez[i]}[math.Float64bits(v)>>63]
			p := num / (1 + ez[i])
			wi := weight(w, c+i)
			ghc[i] = gradPair{float32(wi * (p - yc[i])), float32(wi * p * (1 - p))}
		}
	}
}

// binaryMargins returns n margins: mostly moderate, with ±0, large |z|
// (beyond the exponential's table range, and its overflow), the
// infinities and a NaN sprinkled in.
func binaryMargins(rng *rand.Rand, n int) []float64 {
	special := []float64{0, math.Copysign(0, -1), 707.5, -707.5, 708, -708, 709, -709, 745, -745, 800, -800,
		1e300, -1e300, math.Inf(1), math.Inf(-1), math.NaN(), 5e-324, -5e-324, 36.7, -36.7}
	z := make([]float64, n)
	for i := range z {
		switch rng.IntN(16) {
		case 0:
			z[i] = special[rng.IntN(len(special))]
		case 1:
			z[i] = (rng.Float64()*2 - 1) * 720
		case 2:
			z[i] = rng.NormFloat64() * 1e-9
		default:
			z[i] = rng.NormFloat64() * 4
		}
	}
	return z
}

// TestBinaryGradients checks binary.gradients (the assembly where there
// is one) against the code before it, bit for bit, with and without
// weights, over ranges of rows that start and end anywhere, across
// chunks.
func TestBinaryGradients(t *testing.T) {
	const n = 3*expChunk + 37
	rng := rand.New(rand.NewPCG(11, 12))
	raw := binaryMargins(rng, n)
	y := make([]float64, n)
	w := make([]float64, n)
	for i := range y {
		y[i] = float64(rng.IntN(2))
		w[i] = rng.Float64() * 3
		if rng.IntN(10) == 0 {
			w[i] = float64(rng.IntN(3)) // 0, 1, 2
		}
	}
	asm := useAVX2
	defer func() { useAVX2 = asm }()
	for _, kernel := range []bool{false, true} {
		if kernel && !asm {
			continue
		}
		useAVX2 = kernel
		for _, weights := range [][]float64{nil, w} {
			for _, r := range [][2]int{{0, n}, {0, 0}, {5, 6}, {3, 10}, {1, expChunk + 3}, {expChunk - 2, 2*expChunk + 5}, {17, n}} {
				name := fmt.Sprintf("avx2=%v/weighted=%v/rows=%d-%d", kernel, weights != nil, r[0], r[1])
				got := make([]gradPair, n)
				want := make([]gradPair, n)
				binary{}.gradients(got, raw, y, weights, r[0], r[1], n)
				binaryGradientsBefore(want, raw, y, weights, r[0], r[1])
				for i := range got {
					if g, wt := got[i], want[i]; !sameBits32(g.g, wt.g) || !sameBits32(g.h, wt.h) {
						t.Fatalf("%s: row %d (z %v, y %v): got %v, want %v", name, i, raw[i], y[i], g, wt)
					}
				}
			}
		}
	}
}

// sameBits32 reports whether a and b hold the same bits, any NaN matching
// any NaN.
func sameBits32(a, b float32) bool {
	return math.Float32bits(a) == math.Float32bits(b) || a != a && b != b
}

// BenchmarkBinaryGradients times the binary loss's gradients of one
// block of rows (lossBlock), with and without weights and the assembly.
func BenchmarkBinaryGradients(b *testing.B) {
	const n = lossBlock
	rng := rand.New(rand.NewPCG(1, 2))
	raw, y, w := make([]float64, n), make([]float64, n), make([]float64, n)
	for i := range raw {
		raw[i] = rng.NormFloat64() * 3
		y[i] = float64(rng.IntN(2))
		w[i] = rng.Float64() + 0.5
	}
	gh := make([]gradPair, n)
	asm := useAVX2
	defer func() { useAVX2 = asm }()
	for _, kernel := range []string{"asm", "go"} {
		if kernel == "asm" && !asm {
			continue
		}
		for _, weights := range [][]float64{nil, w} {
			b.Run(fmt.Sprintf("kernel=%s/weighted=%v", kernel, weights != nil), func(b *testing.B) {
				useAVX2 = kernel == "asm"
				b.ReportAllocs()
				for b.Loop() {
					binary{}.gradients(gh, raw, y, weights, 0, n, n)
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/row")
			})
		}
	}
}

// TestSquaredGradients checks squared.gradients against the loop before
// its weights were tested outside it, bit for bit.
func TestSquaredGradients(t *testing.T) {
	const n = 300
	rng := rand.New(rand.NewPCG(13, 14))
	raw, y, w := binaryMargins(rng, n), make([]float64, n), make([]float64, n)
	for i := range y {
		y[i] = rng.NormFloat64() * 10
		w[i] = rng.Float64() * 2
	}
	for _, weights := range [][]float64{nil, w} {
		for _, r := range [][2]int{{0, n}, {0, 0}, {7, 8}, {13, 250}} {
			got, want := make([]gradPair, n), make([]gradPair, n)
			squared{}.gradients(got, raw, y, weights, r[0], r[1], n)
			for i := r[0]; i < r[1]; i++ {
				if weights == nil {
					want[i] = gradPair{float32(raw[i] - y[i]), 1}
				} else {
					want[i] = gradPair{float32(weights[i] * (raw[i] - y[i])), float32(weights[i])}
				}
			}
			for i := range got {
				if !sameBits32(got[i].g, want[i].g) || !sameBits32(got[i].h, want[i].h) {
					t.Fatalf("weighted=%v rows %v: row %d: got %v, want %v", weights != nil, r, i, got[i], want[i])
				}
			}
		}
	}
}

// BenchmarkSquaredGradients times the squared error's gradients of one
// block of rows without weights.
func BenchmarkSquaredGradients(b *testing.B) {
	const n = lossBlock
	raw, y := make([]float64, n), make([]float64, n)
	for i := range raw {
		raw[i] = float64(i) * 0.37
		y[i] = float64(i%7) * 1.1
	}
	gh := make([]gradPair, n)
	b.ReportAllocs()
	for b.Loop() {
		squared{}.gradients(gh, raw, y, nil, 0, n, n)
	}
}

// TestBinaryGradientsAlloc checks that the binary loss's gradients
// allocate nothing (no sync.Pool, so the count holds under -race too).
func TestBinaryGradientsAlloc(t *testing.T) {
	const n = 1000
	raw, y := make([]float64, n), make([]float64, n)
	for i := range raw {
		raw[i] = float64(i%17) - 8
		y[i] = float64(i % 2)
	}
	gh := make([]gradPair, n)
	for _, w := range [][]float64{nil, y} {
		if a := testing.AllocsPerRun(10, func() { binary{}.gradients(gh, raw, y, w, 0, n, n) }); a != 0 {
			t.Errorf("weighted=%v: %v allocations per call; want 0", w != nil, a)
		}
	}
}
