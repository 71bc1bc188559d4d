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

// TestPartitionInPlace checks partitionInPlace, with the assembly kernels
// and the portable loop: the same order from both, the marked words
// first, each side holding exactly its words, pairs moved as words are; lengths around the 16
// words read ahead and the steps, all, none or some words marked.
func TestPartitionInPlace(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	asm := useAVX2
	defer func() { useAVX2 = asm }()
	for _, m := range []int{0, 1, 7, 8, 15, 16, 17, 31, 32, 33, 63, 64, 65, 95, 96, 97, 127, 128, 129, 1000, 4099} {
		for _, pLeft := range []int{0, 1, 2, 3, 4} { // marked with probability pLeft/4
			a := make([]uint32, m)
			marks := make([]uint8, m)
			for i := range a {
				a[i] = uint32(i)
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
			var first []uint32
			for _, kernel := range []bool{false, true} {
				if kernel && !asm {
					continue
				}
				useAVX2 = kernel
				got := slices.Clone(a)
				other := slices.Clone(a)
				pairs := make([]gradPair, m)
				for i, v := range a {
					pairs[i] = gradPair{float32(v), -float32(v)}
				}
				partitionInPlace([][]uint32{got, other}, pairs, marks)
				if !slices.Equal(got, other) {
					t.Fatalf("m=%d, marked %d/4, asm %v: two arrays partitioned differently", m, pLeft, kernel)
				}
				for i, v := range got {
					if pairs[i] != (gradPair{float32(v), -float32(v)}) {
						t.Fatalf("m=%d, marked %d/4, asm %v: position %d holds pair %v, word %d", m, pLeft, kernel, i, pairs[i], v)
					}
				}
				l, r := slices.Clone(got[:len(wantL)]), slices.Clone(got[len(wantL):])
				slices.Sort(l)
				slices.Sort(r)
				if !slices.Equal(l, wantL) || !slices.Equal(r, wantR) {
					t.Fatalf("m=%d, marked %d/4, asm %v: %v is not a partition by %v", m, pLeft, kernel, got, marks)
				}
				if first == nil {
					first = got
				} else if !slices.Equal(got, first) {
					t.Fatalf("m=%d, marked %d/4: the kernel gives %v, the portable loop %v", m, pLeft, got, first)
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

// BenchmarkPartition plans and applies the partition of a node of 1M
// positions, half of them marked at random, to one array of words.
func BenchmarkPartition(b *testing.B) {
	const m = 1 << 20
	rng := rand.New(rand.NewPCG(15, 16))
	marks := make([]uint8, m)
	a := make([]uint32, m)
	for i := range marks {
		marks[i] = uint8(rng.IntN(2)) * 0xFF
		a[i] = uint32(i)
	}
	var pl partPlan
	b.Run("plan", func(b *testing.B) {
		for b.Loop() {
			pl.plan(marks)
		}
	})
	b.Run("apply", func(b *testing.B) {
		pl.plan(marks)
		b.SetBytes(4 * m)
		for b.Loop() {
			pl.apply(a, marks)
		}
	})
}

// partitionInPlace partitions each array of as, and pairs, by marks with
// one plan.
func partitionInPlace(as [][]uint32, pairs []gradPair, marks []uint8) {
	var pl partPlan
	pl.plan(marks)
	for _, a := range as {
		pl.apply(a, marks)
	}
	if pairs != nil {
		pl.applyPairs(pairs, marks)
	}
}
