//go:build !purego

package tree

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestScanKernelsSameBits checks that the AVX2 kernels of the scan form
// give the bits of scanGroup, its Go walk (the purego build's), on trees
// of 4, 8 and 16 lanes with categorical, ZeroMissing and missing splits
// and rows with NaN and values on the thresholds.
func TestScanKernelsSameBits(t *testing.T) {
	if !useAVX2 {
		t.Skip("no AVX2")
	}
	defer func(v bool) { useAVX2 = v }(useAVX2)
	for _, c := range []struct{ leaves, p int }{{8, 10}, {31, 30}, {200, 60}, {600, 80}} {
		rng := rand.New(rand.NewPCG(11, uint64(c.leaves)))
		s := Spec{Features: c.p, Link: Identity, Base: []float64{0}}
		for range 10 {
			s.Trees = append(s.Trees, randomTree(rng, c.leaves, c.p, true))
		}
		e, err := New(s)
		if err != nil {
			t.Fatal(err)
		}
		x, err := NewExplainer(e)
		if err != nil {
			t.Fatal(err)
		}
		lanes := map[int]bool{}
		for _, q := range x.quad {
			if q != nil && q.scan != nil {
				lanes[q.scan.lanes] = true
			}
		}
		asm, gov := make([]float64, c.p+1), make([]float64, c.p+1)
		for r := range 50 {
			row := randomRow(rng, c.p)
			if r%5 == 0 {
				row[r%c.p] = math.NaN()
			}
			useAVX2 = true
			x.Explain(asm, row)
			useAVX2 = false
			x.Explain(gov, row)
			for j := range asm {
				if math.Float64bits(asm[j]) != math.Float64bits(gov[j]) {
					t.Fatalf("%d leaves, lanes %v: row %d: value %d = %v in AVX2, %v in Go", c.leaves, lanes, r, j, asm[j], gov[j])
				}
			}
		}
		t.Logf("%d leaves: lanes %v", c.leaves, lanes)
	}
}
