package gbdt

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/loomml/loom/train/tree"
)

// TestPartitionWorkers checks that the partition and the histograms of
// several workers give what one worker gives: partitionInPlace's order
// of a node's positions, every feature's bins and the gradient pairs
// moved with the rows, and histograms equal to those summed row by row in
// position order (the smaller child's, and the whole range's).
func TestPartitionWorkers(t *testing.T) {
	const n, p, s, e = 3*minParallelRows + 17, 6, 5, 3*minParallelRows + 10
	rng := rand.New(rand.NewPCG(1, 2))
	orig := make([]uint8, p*n) // by row
	gh := make([]gradPair, n)
	for i := range orig {
		orig[i] = uint8(rng.IntN(256))
	}
	for i := range gh {
		gh[i] = gradPair{rng.Float32(), rng.Float32()}
	}
	perm := rng.Perm(n)
	const f = 2
	var cats [4]uint64
	for w := range cats {
		cats[w] = rng.Uint64()
	}
	// A numeric split (the AVX2 compare) with missing values going
	// either way, and a categorical one (the table).
	for _, c := range []struct {
		name string
		sp   split
	}{
		{"numeric, missing left", split{feature: f, bin: 100, missingLeft: true}},
		{"numeric, missing right", split{feature: f, bin: 37}},
		{"categorical", split{feature: f, categorical: true, cats: cats}},
	} {
		t.Run(c.name, func(t *testing.T) { testPartitionWorkers(t, c.sp, orig, gh, perm) })
	}
}

// TestLeftMarks checks the marks of a split (the AVX2 compare for
// numeric splits) against goesLeft, for every byte of a word, lengths
// around the kernel's 8 words, thresholds at the ends and missing bins
// of 255 and 10 (fewer bins).
func TestLeftMarks(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	asm := useAVX2
	defer func() { useAVX2 = asm }()
	for _, m := range []int{0, 1, 7, 8, 9, 17, 1000} {
		ws := make([]uint32, m)
		for _, missing := range []uint8{255, 10} {
			for i := range ws {
				ws[i] = 0
				for k := range histGroup {
					ws[i] |= uint32(rng.IntN(int(missing)+1)) << (8 * k)
				}
			}
			for _, sp := range []split{{bin: 0}, {bin: 0, missingLeft: true}, {bin: missing / 2}, {bin: missing - 1, missingLeft: true}, {bin: missing - 1}} {
				var goLeft [256]uint8
				for b := range goLeft {
					if sp.goesLeft(uint8(b), missing) {
						goLeft[b] = 0xFF
					}
				}
				for _, kernel := range []bool{true, false} {
					if kernel && !asm {
						continue
					}
					useAVX2 = kernel
					for k := range histGroup {
						marks := make([]uint8, m)
						got := leftMarks(ws, marks, byteShift[k], &sp, missing, &goLeft)
						want := 0
						for i, v := range ws {
							l := sp.goesLeft(uint8(v>>byteShift[k]), missing)
							if l {
								want++
							}
							if l != (marks[i] == 0xFF) || (!l && marks[i] != 0) {
								t.Fatalf("m=%d, missing %d, split %+v, byte %d, asm %v: position %d marked %#x", m, missing, sp, k, kernel, i, marks[i])
							}
						}
						if got != want {
							t.Fatalf("m=%d, missing %d, split %+v, byte %d, asm %v: %d left; want %d", m, missing, sp, k, kernel, got, want)
						}
					}
				}
			}
		}
	}
}

func testPartitionWorkers(t *testing.T, sp split, orig []uint8, gh []gradPair, perm []int) {
	const n, p, s, e = 3*minParallelRows + 17, 6, 5, 3*minParallelRows + 10
	const f, missing = 2, 255
	var goLeft [256]uint8
	for b := range goLeft {
		if sp.goesLeft(uint8(b), missing) {
			goLeft[b] = 0xFF
		}
	}
	var want []uint32
	var wantNL int
	var wantHist, wantAll []featHist
	for _, workers := range []int{1, 2, 3, 7} {
		groups := (p + histGroup - 1) / histGroup
		g := &grower{s: splitter{missing: missing}, n: n, p: p, groups: groups, bins: make([]uint8, histGroup*groups*n), workers: workers, team: testTeam(t, workers), gh: gh,
			rows: make([]uint32, n), pos: make([]gradPair, n), marks: make([]uint8, n)}
		at := func(k, i int) *uint8 { return &g.bins[histGroup*((k/histGroup)*n+i)+k%histGroup] }
		for i, r := range perm {
			g.rows[i] = uint32(r)
			for k := range p {
				*at(k, i) = orig[k*n+r]
			}
		}
		g.gatherAll(func() {})
		before := slices.Clone(g.rows[s:e])
		nl := g.partition(s, e, &sp, &goLeft)
		marks := make([]uint8, len(before))
		wl := 0
		for i, r := range before {
			marks[i] = goLeft[orig[f*n+int(r)]]
			wl += int(marks[i] & 1)
		}
		partitionInPlace([][]uint32{before}, nil, marks)
		if nl != wl || !slices.Equal(g.rows[s:e], before) {
			t.Fatalf("%d workers: not partitionInPlace's order (%d left; want %d)", workers, nl, wl)
		}
		for k := range p {
			for i, r := range g.rows {
				if *at(k, i) != orig[k*n+int(r)] {
					t.Fatalf("%d workers: feature %d position %d holds bin %d; row %d's is %d", workers, k, i, *at(k, i), r, orig[k*n+int(r)])
				}
			}
		}
		// The smaller side's histogram, and the whole range's.
		nd := &gnode{start: s, end: s + nl}
		if nl > e-s-nl {
			nd = &gnode{start: s + nl, end: e}
		}
		for i, r := range g.rows {
			if g.pos[i] != gh[r] {
				t.Fatalf("%d workers: position %d holds pair %v; row %d's is %v", workers, i, g.pos[i], r, gh[r])
			}
		}
		g.build(nd)
		all := &gnode{start: 0, end: n}
		g.build(all)
		direct := make([]featHist, histGroup*groups)
		for k := range p {
			for _, r := range g.rows[nd.start:nd.end] {
				b := &direct[k][orig[k*n+int(r)]]
				b.g += float64(gh[r].g)
				b.h += float64(gh[r].h)
				b.n++
			}
		}
		if !slices.Equal(nd.hist[:p], direct[:p]) {
			t.Errorf("%d workers: histogram differs from the sums in position order", workers)
		}
		if want == nil {
			want, wantNL, wantHist, wantAll = slices.Clone(g.rows), nl, nd.hist, all.hist
			continue
		}
		if nl != wantNL || !slices.Equal(g.rows, want) {
			t.Errorf("%d workers: partition differs from 1 worker's (%d left; want %d)", workers, nl, wantNL)
		}
		if !slices.Equal(nd.hist, wantHist) || !slices.Equal(all.hist, wantAll) {
			t.Errorf("%d workers: histogram differs from 1 worker's", workers)
		}
	}
}

// TestAddLeaves checks that the margins get each row's leaf value once,
// through the leaf marks (at most 256 leaves) or leaf by leaf (more), for
// one output of one or three, on one or two workers.
func TestAddLeaves(t *testing.T) {
	const n = 2*minParallelRows + 5
	rng := rand.New(rand.NewPCG(7, 8))
	for _, leaves := range []int{1, 10, 256, 300} {
		for _, K := range []int{1, 3} {
			for _, workers := range []int{1, 2} {
				g := &grower{n: n, workers: workers, team: testTeam(t, workers), rows: make([]uint32, n), marks: make([]uint8, n)}
				for i, r := range rng.Perm(n) {
					g.rows[i] = uint32(r)
				}
				// Leaf l holds rows[cut[l]:cut[l+1]].
				cut := []int{0}
				for l := 1; l < leaves; l++ {
					cut = append(cut, l*n/leaves)
				}
				cut = append(cut, n)
				for l := range leaves {
					g.nodes = append(g.nodes, tree.Node{Feature: -1, Value: rng.NormFloat64()})
					g.leaves = append(g.leaves, &gnode{start: cut[l], end: cut[l+1], index: int32(l)})
				}
				raw, want := make([]float64, n*K), make([]float64, n*K)
				for i := range raw {
					raw[i] = rng.NormFloat64()
				}
				copy(want, raw)
				k := K - 1
				for _, leaf := range g.leaves {
					for _, r := range g.rows[leaf.start:leaf.end] {
						want[int(r)*K+k] += g.nodes[leaf.index].Value
					}
				}
				g.addLeaves(raw, K, k)
				if !slices.Equal(raw, want) {
					t.Errorf("%d leaves, K=%d, %d workers: margins differ", leaves, K, workers)
				}
			}
		}
	}
}

// TestBinColumn checks the branch-free search against counting the
// thresholds below each value: values on, just beside and between the
// thresholds, beyond them, huge, and NaN (the missing bin).
func TestBinColumn(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	for _, nthr := range []int{0, 1, 7, 254} {
		thr := make([]float64, nthr)
		for i := range thr {
			thr[i] = rng.NormFloat64() * 10
		}
		slices.Sort(thr)
		thr = slices.Compact(thr)
		if nthr > 0 {
			thr[len(thr)-1] = almostInf
		}
		b := &binner{thresholds: [][]float64{thr}, nbins: []int{len(thr) + 1}, missing: 255}
		vals := []float64{math.NaN(), -math.MaxFloat64, math.MaxFloat64, 0}
		for _, v := range thr {
			vals = append(vals, v, math.Nextafter(v, math.Inf(-1)), math.Nextafter(v, math.Inf(1)), v+rng.Float64())
		}
		rows := make([]int, len(vals))
		for i := range rows {
			rows[i] = i
		}
		dst := make([]uint8, len(vals))
		b.binColumn(dst, vals, 1, 0, rows, &b.padded()[0])
		for i, v := range vals {
			want := uint8(255)
			if !math.IsNaN(v) {
				k := 0
				for k < len(thr) && thr[k] < v {
					k++
				}
				want = uint8(k)
			}
			if dst[i] != want {
				t.Errorf("%d thresholds: value %v in bin %d; want %d", len(thr), v, dst[i], want)
			}
		}
	}
}
