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
// missing bin.
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
	all := make([]uint32, n)
	var some []uint32
	for i := range all {
		all[i] = uint32(i)
		if rng.IntN(3) == 0 {
			some = append(some, uint32(i))
		}
	}
	gh := make([]gradPair, n)
	for i := range gh {
		gh[i] = gradPair{float32(rng.NormFloat64()), rng.Float32() / 4}
	}
	for _, nf := range []int{1, 2, 3, 4} {
		for rname, rows := range map[string][]uint32{"all": all, "odd": all[1:], "one": all[7:8], "some": some, "none": nil} {
			for _, constHess := range []bool{false, true} {
				t.Run(fmt.Sprintf("features=%d/rows=%s/const=%v", nf, rname, constHess), func(t *testing.T) {
					g := slices.Clone(gh[:len(rows)])
					if constHess {
						for i := range g {
							g[i].h = 1
						}
					}
					got, want := make([]featHist, nf), make([]featHist, nf)
					histCols(got, cols[:nf*n], n, rows, g, constHess)
					useAVX2 = false
					histCols(want, cols[:nf*n], n, rows, g, constHess)
					useAVX2 = true
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
					if total != float64(len(rows)) {
						t.Errorf("%v rows counted; want %d", total, len(rows))
					}
				})
			}
		}
	}
}

// BenchmarkHist fills four features' histograms from 1,000,000 rows
// (every row, as at a root, or every other row, as at a child), with the
// assembly kernel when there is one and with the portable kernel.
func BenchmarkHist(b *testing.B) {
	const n = 1_000_000
	rng := rand.New(rand.NewPCG(5, 6))
	cols := make([]uint8, histGroup*n)
	for i := range cols {
		cols[i] = uint8(rng.IntN(256))
	}
	all := make([]uint32, n)
	var half []uint32
	for i := range all {
		all[i] = uint32(i)
		if rng.IntN(2) == 0 {
			half = append(half, uint32(i))
		}
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
		for name, rows := range map[string][]uint32{"all": all, "half": half} {
			b.Run(fmt.Sprintf("%s/rows=%s", kernel, name), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					histCols(hs, cols, n, rows, gh, false)
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(histGroup*len(rows)), "ns/update")
			})
		}
	}
}

// TestHistAlloc checks that a histogram pass allocates nothing (it uses
// no sync.Pool, so the count holds under -race too).
func TestHistAlloc(t *testing.T) {
	const n = 1000
	cols := make([]uint8, histGroup*n)
	rows := make([]uint32, n)
	for i := range rows {
		rows[i] = uint32(i)
		cols[i] = uint8(i)
	}
	gh := make([]gradPair, n)
	hs := make([]featHist, histGroup)
	for _, nf := range []int{histGroup, 3} {
		if a := testing.AllocsPerRun(10, func() { histCols(hs[:nf], cols[:nf*n], n, rows, gh, false) }); a != 0 {
			t.Errorf("%d features: %v allocations per pass", nf, a)
		}
	}
}
