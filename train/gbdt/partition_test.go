package gbdt

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestPartitionWorkers checks that the partition and the gathering of
// gradients of several workers give what one worker gives: a stable
// partition, and gradients in row order.
func TestPartitionWorkers(t *testing.T) {
	const n = 3*minParallelRows + 17
	rng := rand.New(rand.NewPCG(1, 2))
	col := make([]uint8, n)
	gh := make([]gradPair, n)
	for i := range col {
		col[i] = uint8(rng.IntN(256))
		gh[i] = gradPair{rng.Float32(), rng.Float32()}
	}
	var goLeft [256]uint8
	for b := range goLeft {
		goLeft[b] = uint8(rng.IntN(2))
	}
	perm := rng.Perm(n)
	var want []uint32
	var wantNL int
	var wantHist []featHist
	for _, workers := range []int{1, 2, 3, 7} {
		g := &grower{n: n, p: 1, bins: col, workers: workers, gh: gh,
			rows: make([]uint32, n), scratch: make([]uint32, n)}
		g.og = asPairs(g.scratch)
		for i, r := range perm {
			g.rows[i] = uint32(r)
		}
		nl := g.partition(g.rows, col, &goLeft)
		for _, r := range g.rows[:nl] {
			if goLeft[col[r]] == 0 {
				t.Fatalf("%d workers: row %d (bin %d) among the left rows", workers, r, col[r])
			}
		}
		// The smaller side's histogram, through the gathered gradients.
		nd := &gnode{start: 0, end: nl}
		if nl > n-nl {
			nd = &gnode{start: nl, end: n}
		}
		g.build(nd)
		if want == nil {
			want, wantNL, wantHist = slices.Clone(g.rows), nl, nd.hist
			continue
		}
		if nl != wantNL || !slices.Equal(g.rows, want) {
			t.Errorf("%d workers: partition differs from 1 worker's (%d left; want %d)", workers, nl, wantNL)
		}
		if !slices.Equal(nd.hist, wantHist) {
			t.Errorf("%d workers: histogram differs from 1 worker's", workers)
		}
	}
}
