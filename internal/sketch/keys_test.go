package sketch

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestMergeKeysScratch checks the two-ended merge against the one-ended
// one, on sizes 0 to 40 with many ties, with run elsewhere and with run
// inside the scratch (as compact0 leaves it).
func TestMergeKeysScratch(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	sorted := func(n, span int) []uint64 {
		ks := make([]uint64, n)
		for i := range ks {
			ks[i] = key(float64(r.IntN(span)) - float64(span)/2)
		}
		slices.Sort(ks)
		return ks
	}
	for rep := range 3000 {
		m, n, span := r.IntN(41), r.IntN(41), 1+r.IntN(60)
		a, run := sorted(m, span), sorted(n, span)
		want := mergeKeys(slices.Clone(a), run)
		for _, inside := range []bool{false, true} {
			scratch := make([]uint64, m+n+4)
			src := run
			if inside {
				at := r.IntN(2) // compact0's run starts at 0 or 1
				copy(scratch[at:], run)
				src = scratch[at : at+n]
			}
			got := mergeKeysScratch(slices.Clone(a), src, scratch)
			if !slices.Equal(got, want) {
				t.Fatalf("rep %d, run in scratch %v: mergeKeysScratch(%v, %v) = %v; want %v", rep, inside, a, run, got, want)
			}
		}
	}
}
