package gbdt

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestHistKernels checks that the assembly kernels give the portable
// kernel's histograms to the bit, for one to four features, every row or
// a subset, constant or varying hessians, with runs of rows in one bin
// (a bin updated again before its last store has retired) and the
// missing bin; and that a second pass adds to the first.
func TestHistKernels(t *testing.T) {
	if !useAVX2 {
		t.Skip("no AVX2 kernel on this machine")
	}
	const n = 5000
	rng := rand.New(rand.NewPCG(3, 4))
	cols := make([]uint8, histGroup*n)
	for i := range cols {
		switch rng.IntN(4) {
		case 0: // the same bin as the row before
			if i%n > 0 {
				cols[i] = cols[i-1]
			}
		case 1:
			cols[i] = 255
		default:
			cols[i] = uint8(rng.IntN(256))
		}
	}
	gh := make([]gradPair, n)
	for i := range gh {
		gh[i] = gradPair{float32(rng.NormFloat64()), rng.Float32() / 4}
	}
	for _, nf := range []int{1, 2, 3, 4} {
		for rname, rows := range map[string][2]int{"all": {0, n}, "odd": {1, n - 1}, "one": {7, 1}, "some": {13, 1001}, "none": {0, 0}} {
			off, m := rows[0], rows[1]
			for _, constHess := range []bool{false, true} {
				t.Run(fmt.Sprintf("features=%d/rows=%s/const=%v", nf, rname, constHess), func(t *testing.T) {
					g := slices.Clone(gh[:m])
					if constHess {
						for i := range g {
							g[i].h = 1
						}
					}
					got, want := make([]featHist, nf), make([]featHist, nf)
					for range 2 {
						histCols(got, cols[off:nf*n], n, m, g, constHess)
						useAVX2 = false
						histCols(want, cols[off:nf*n], n, m, g, constHess)
						useAVX2 = true
					}
					if !slices.Equal(got, want) {
						for f := range got {
							for b := range got[f] {
								if got[f][b] != want[f][b] {
									t.Fatalf("feature %d bin %d: %+v; portable kernel %+v", f, b, got[f][b], want[f][b])
								}
							}
						}
					}
					total := 0.0
					for b := range got[0] {
						total += got[0][b].n
					}
					if total != float64(2*m) {
						t.Errorf("%v rows counted; want %d", total, 2*m)
					}
				})
			}
		}
	}
}

// BenchmarkHist fills four features' histograms from 1,000,000 rows
// (the contiguous bins of a node), with the assembly kernel when there is
// one and with the portable kernel.
func BenchmarkHist(b *testing.B) {
	const n = 1_000_000
	rng := rand.New(rand.NewPCG(5, 6))
	cols := make([]uint8, histGroup*n)
	for i := range cols {
		cols[i] = uint8(rng.IntN(256))
	}
	gh := make([]gradPair, n)
	for i := range gh {
		gh[i] = gradPair{float32(rng.NormFloat64()), rng.Float32() / 4}
	}
	hs := make([]featHist, histGroup)
	asm := useAVX2
	defer func() { useAVX2 = asm }()
	for _, kernel := range []string{"asm", "go"} {
		useAVX2 = asm && kernel == "asm"
		if kernel == "asm" && !asm {
			continue
		}
		b.Run(kernel, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				clear(hs)
				histCols(hs, cols, n, n, gh, false)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(histGroup*n), "ns/update")
		})
	}
}

// TestPartitionBytes checks the PEXT partition of a column against the
// portable loop: a stable partition by the mask, for lengths around the
// 8-byte steps.
func TestPartitionBytes(t *testing.T) {
	if !useBMI2 {
		t.Skip("no BMI2 on this machine")
	}
	rng := rand.New(rand.NewPCG(11, 12))
	for _, m := range []int{0, 1, 7, 8, 9, 15, 16, 17, 64, 1000, 4099} {
		for _, pLeft := range []int{0, 1, 2, 4} { // left with probability pLeft/4
			col := make([]uint8, m)
			mask := make([]uint8, m)
			for i := range col {
				col[i] = uint8(rng.IntN(256))
				if rng.IntN(4) < pLeft {
					mask[i] = 0xFF
				}
			}
			var wantL, wantR []uint8
			for i, b := range col {
				if mask[i] != 0 {
					wantL = append(wantL, b)
				} else {
					wantR = append(wantR, b)
				}
			}
			want := append(wantL, wantR...)
			for _, asm := range []bool{true, false} {
				got := slices.Clone(col)
				useBMI2 = asm
				nl := partitionBytes(got, mask, make([]uint8, m))
				useBMI2 = true
				if nl != len(wantL) || !slices.Equal(got, want) {
					t.Errorf("m=%d, left %d/4, asm %v: %d left, %v; want %d, %v", m, pLeft, asm, nl, got, len(wantL), want)
				}
			}
		}
	}
}

// TestHistAlloc checks that a histogram pass allocates nothing (it uses
// no sync.Pool, so the count holds under -race too).
func TestHistAlloc(t *testing.T) {
	const n = 1000
	cols := make([]uint8, histGroup*n)
	for i := range n {
		cols[i] = uint8(i)
	}
	gh := make([]gradPair, n)
	hs := make([]featHist, histGroup)
	for _, nf := range []int{histGroup, 3} {
		if a := testing.AllocsPerRun(10, func() { histCols(hs[:nf], cols[:nf*n], n, n, gh, false) }); a != 0 {
			t.Errorf("%d features: %v allocations per pass", nf, a)
		}
	}
}
