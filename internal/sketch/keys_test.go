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

// TestCountsAcrossOperations checks the counts that Add's fast path leans
// on (lim, and Count and the items held as level 0 plus the levels above)
// after every kind of change: adds, merges, resets, clones, decoding.
func TestCountsAcrossOperations(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 9))
	check := func(step string, s *KLL, want uint64) {
		t.Helper()
		vals, wts := s.SortedView(nil, nil)
		var sum uint64
		for _, w := range wts {
			sum += w
		}
		if s.Count() != want || sum != want || len(vals) != s.held() {
			t.Fatalf("%s: Count() = %d, weights sum to %d, %d items held; want %d, %d, %d", step, s.Count(), sum, s.held(), want, want, len(vals))
		}
		if lim := max(0, min(len(s.buf0), s.total-s.sizeUp)); s.lim != lim || s.held() > s.total+1 {
			t.Fatalf("%s: lim = %d, want %d (held %d, total %d)", step, s.lim, lim, s.held(), s.total)
		}
	}
	s, other := New(64), New(64)
	var n, m uint64
	for round := range 200 {
		for range r.IntN(3000) {
			s.Add(r.NormFloat64())
			n++
		}
		check("add", s, n)
		for range r.IntN(500) {
			other.Add(r.ExpFloat64())
			m++
		}
		switch round % 5 {
		case 0:
			s.Merge(other)
			n += m
			check("merge", s, n)
		case 1:
			s = s.Clone()
			check("clone", s, n)
		case 2:
			enc, err := s.MarshalBinary()
			if err != nil {
				t.Fatal(err)
			}
			s = New(64)
			if err := s.UnmarshalBinary(enc); err != nil {
				t.Fatal(err)
			}
			check("decode", s, n)
		case 3:
			if r.IntN(4) == 0 {
				s.Reset()
				n = 0
				check("reset", s, n)
			}
		}
	}
}
