package gbdt

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestHistKernels checks that the assembly kernel gives the portable
// kernel's histograms to the bit, for a group of four features, from its
// start or not, all rows, one or none, constant or varying hessians, with
// runs of rows in one bin (a bin updated again before its last store has
// retired) and the missing bin; and that a second pass adds to the first.
func TestHistKernels(t *testing.T) {
	if !useAVX2 {
		t.Skip("no AVX2 kernel on this machine")
	}
	const n = 5000
	rng := rand.New(rand.NewPCG(3, 4))
	grp := make([]uint8, histGroup*n)
	for i := range grp {
		switch rng.IntN(4) {
		case 0: // the same bin as the row before
			if i >= histGroup {
				grp[i] = grp[i-histGroup]
			}
		case 1:
			grp[i] = 255
		default:
			grp[i] = uint8(rng.IntN(256))
		}
	}
	gh := make([]gradPair, n)
	for i := range gh {
		gh[i] = gradPair{float32(rng.NormFloat64()), rng.Float32() / 4}
	}
	for rname, rows := range map[string][2]int{"all": {0, n}, "odd": {1, n - 1}, "one": {7, 1}, "some": {13, 1001}, "none": {0, 0}} {
		off, m := rows[0], rows[1]
		for _, c := range []struct {
			constHess bool
			k         int // features of the group used
		}{{false, 4}, {true, 4}, {false, 3}, {false, 2}, {true, 1}} {
			constHess, k := c.constHess, c.k
			t.Run(fmt.Sprintf("rows=%s/const=%v/k=%d", rname, constHess, k), func(t *testing.T) {
				g := slices.Clone(gh[:m])
				if constHess {
					for i := range g {
						g[i].h = 1
					}
				}
				var got, want [histGroup]featHist
				for range 2 {
					histCols(&got, k, grp[histGroup*off:], m, g, constHess)
					useAVX2 = false
					histCols(&want, k, grp[histGroup*off:], m, g, constHess)
					useAVX2 = true
				}
				for f := range got {
					for b := range got[f] {
						if got[f][b] != want[f][b] {
							t.Fatalf("feature %d bin %d: %+v; portable kernel %+v", f, b, got[f][b], want[f][b])
						}
					}
				}
				for f := range got {
					total := 0.0
					for b := range got[f] {
						total += got[f][b].n
					}
					if want := float64(2 * m); f >= k {
						if total != 0 {
							t.Errorf("feature %d of %d used: %v rows counted; want none", f, k, total)
						}
					} else if total != want {
						t.Errorf("feature %d: %v rows counted; want %v", f, total, want)
					}
				}
			})
		}
	}
}

// BenchmarkHist fills a group's four histograms from 1,000,000 rows (the
// contiguous bins of a node), with the assembly kernel when there is one
// and with the portable kernel.
func BenchmarkHist(b *testing.B) {
	const n = 1_000_000
	rng := rand.New(rand.NewPCG(5, 6))
	grp := make([]uint8, histGroup*n)
	for i := range grp {
		grp[i] = uint8(rng.IntN(256))
	}
	gh := make([]gradPair, n)
	for i := range gh {
		gh[i] = gradPair{float32(rng.NormFloat64()), rng.Float32() / 4}
	}
	var hs [histGroup]featHist
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
				clear(hs[:])
				histCols(&hs, histGroup, grp, n, gh, false)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(histGroup*n), "ns/update")
		})
	}
}

// TestPackWords checks partitionWords against a plain stable partition,
// with the assembly kernel and the portable loop, in one chunk or
// several: lengths around the kernel's 8-word steps, all, none or some
// words marked.
func TestPackWords(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	asm := useAVX2
	defer func() { useAVX2 = asm }()
	for _, m := range []int{0, 1, 7, 8, 9, 15, 16, 17, 64, 1000, 4099} {
		for _, pLeft := range []int{0, 1, 2, 3, 4} { // marked with probability pLeft/4
			a := make([]uint32, m)
			marks := make([]uint8, m)
			for i := range a {
				a[i] = rng.Uint32()
				if rng.IntN(4) < pLeft {
					marks[i] = 0xFF
				}
			}
			var wantL, wantR []uint32
			for i, v := range a {
				if marks[i] != 0 {
					wantL = append(wantL, v)
				} else {
					wantR = append(wantR, v)
				}
			}
			want := append(wantL, wantR...)
			for _, kernel := range []bool{true, false} {
				if kernel && !asm {
					continue
				}
				useAVX2 = kernel
				for _, w := range []int{1, 2, 3, 5} {
					left := make([]int, w)
					for c := range w {
						for _, v := range marks[c*m/w : (c+1)*m/w] {
							left[c] += int(v & 1)
						}
					}
					got := slices.Clone(a)
					partitionWords(testTeam(t, w), got, marks, make([]uint32, m+8*w), left)
					if !slices.Equal(got, want) {
						t.Errorf("m=%d, marked %d/4, asm %v, %d chunks: %v; want %v", m, pLeft, kernel, w, got, want)
					}
				}
			}
		}
	}
}

// TestHistAlloc checks that a histogram pass allocates nothing (it uses
// no sync.Pool, so the count holds under -race too).
func TestHistAlloc(t *testing.T) {
	const n = 1000
	grp := make([]uint8, histGroup*n)
	for i := range grp {
		grp[i] = uint8(i)
	}
	gh := make([]gradPair, n)
	var hs [histGroup]featHist
	if a := testing.AllocsPerRun(10, func() { histCols(&hs, histGroup, grp, n, gh, false) }); a != 0 {
		t.Errorf("%v allocations per pass", a)
	}
}
