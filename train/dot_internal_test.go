package train

import (
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	"gonum.org/v1/gonum/floats"
)

// dotRows (with AVX where the CPU has it) and dot give the same bits for
// every row, for any width and number of rows, and on amd64 those of
// gonum's floats.Dot, which the logistic model used before. The values
// mix magnitudes and signs so that another order of the sums would show.
func TestDotRowsSameBits(t *testing.T) {
	rng := rand.New(rand.NewPCG(18, 3))
	val := func() float64 {
		return rng.NormFloat64() * math.Pow(10, float64(rng.IntN(17)-8))
	}
	for p := 1; p <= 67; p++ {
		w := make([]float64, p)
		for i := range w {
			w[i] = val()
		}
		for _, n := range []int{1, 3, 4, 5, 8, 13, 64} {
			stride := p + rng.IntN(3)
			x := make([]float64, (n-1)*stride+p)
			for i := range x {
				x[i] = val()
			}
			z := make([]float64, n+1)
			z[n] = 42 // past the rows: left alone
			dotRows(z[:n], x, stride, w)
			for r := range n {
				row := x[r*stride : r*stride+p]
				want := dot(row, w)
				if math.Float64bits(z[r]) != math.Float64bits(want) {
					t.Fatalf("p=%d n=%d row %d: dotRows = %v; dot = %v", p, n, r, z[r], want)
				}
				if runtime.GOARCH == "amd64" {
					if fd := floats.Dot(row, w); math.Float64bits(fd) != math.Float64bits(want) {
						t.Fatalf("p=%d row %d: dot = %v; floats.Dot = %v", p, r, want, fd)
					}
				}
			}
			if z[n] != 42 {
				t.Fatalf("p=%d n=%d: dotRows wrote past its rows", p, n)
			}
		}
	}
	if !useAVX {
		t.Log("no AVX: dotRows summed in Go only")
	}
}
