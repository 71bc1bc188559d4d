package evaluate

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestSortDescending(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{1, 2, 10, 255, 256, 257, 1000, 70000} {
		scores := make([]float64, n)
		labels := make([]int, n)
		for i := range scores {
			switch rng.IntN(5) {
			case 0:
				scores[i] = math.Round(rng.Float64()*10) / 10 // ties
			case 1:
				scores[i] = -rng.ExpFloat64() * 1e6
			case 2:
				scores[i] = math.Copysign(0, -1)
			case 3:
				scores[i] = rng.NormFloat64() * 1e-300
			default:
				scores[i] = rng.Float64()
			}
			labels[i] = rng.IntN(2)
		}
		got := sortDescending(labels, scores)
		if len(got) != n {
			t.Fatalf("n=%d: %d entries", n, len(got))
		}
		seen := make([]bool, n)
		for j, e := range got {
			if seen[e.idx] {
				t.Fatalf("n=%d: index %d twice", n, e.idx)
			}
			seen[e.idx] = true
			if int(e.label) != labels[e.idx] {
				t.Fatalf("n=%d: label of %d is %d; want %d", n, e.idx, e.label, labels[e.idx])
			}
			if j > 0 && scores[got[j-1].idx] < scores[e.idx] {
				t.Fatalf("n=%d: position %d: %v after %v; want decreasing", n, j, scores[e.idx], scores[got[j-1].idx])
			}
		}
		want := slices.Clone(scores)
		slices.Sort(want)
		slices.Reverse(want)
		for j, e := range got {
			if scores[e.idx] != want[j] {
				t.Fatalf("n=%d: position %d = %v; want %v", n, j, scores[e.idx], want[j])
			}
		}
	}
}

// TestAUCEqualsPairCount checks ROCAUC against its definition: the share
// of (positive, negative) pairs ranked correctly, ties counting one half.
func TestAUCEqualsPairCount(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for trial := range 20 {
		n := 2 + rng.IntN(400)
		y := make([]int, n)
		s := make([]float64, n)
		for i := range n {
			y[i] = rng.IntN(2)
			s[i] = float64(rng.IntN(1 + trial*5))
			switch trial % 3 {
			case 1:
				s[i] -= 1000 // all negative: packed keys
			case 2:
				s[i] -= float64(trial * 2) // mixed signs: sorted entries
			}
		}
		y[0], y[1] = 0, 1
		var num, den float64
		for i := range n {
			for j := range n {
				if y[i] == 1 && y[j] == 0 {
					den++
					switch {
					case s[i] > s[j]:
						num++
					case s[i] == s[j]:
						num += 0.5
					}
				}
			}
		}
		got, err := ROCAUC(y, s, nil)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(got-num/den) > 1e-12 {
			t.Errorf("trial %d: ROCAUC = %v; want %v", trial, got, num/den)
		}
	}
}

// TestAUCPaths checks that the packed-key AUC and the entry-sort AUC agree
// on inputs large enough for the radix sorts.
func TestAUCPaths(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, n := range []int{300, 5000, 70000} {
		y := make([]int, n)
		s := make([]float64, n)
		for i := range n {
			y[i] = rng.IntN(2)
			s[i] = math.Round(rng.Float64()*1000) / 1000 // many ties
		}
		packed, ok, err := aucPacked(y, s)
		if !ok || err != nil {
			t.Fatalf("n=%d: aucPacked: ok %v, err %v", n, ok, err)
		}
		general, err := newSortedBinary(y, s).auc(nil)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(packed-general) > 1e-12 {
			t.Errorf("n=%d: packed AUC %v, entry AUC %v", n, packed, general)
		}
	}
}

// TestSortResultsKeepTheirOwnMemory checks that a sorted result is never
// handed back to the scratch pool: sorting again must not change an
// earlier result.
func TestSortResultsKeepTheirOwnMemory(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	const n = 5000
	mk := func() ([]int, []float64) {
		y := make([]int, n)
		s := make([]float64, n)
		for i := range s {
			y[i], s[i] = rng.IntN(2), rng.Float64()
		}
		return y, s
	}
	y1, s1 := mk()
	first := sortDescending(y1, s1)
	kept := slices.Clone(first)
	keys1 := make([]uint64, n)
	for i := range keys1 {
		keys1[i] = rng.Uint64()
	}
	k1 := sortKeys(keys1)
	keptKeys := slices.Clone(k1)
	for range 4 {
		y, s := mk()
		_ = sortDescending(y, s)
		ks := make([]uint64, n)
		for i := range ks {
			ks[i] = rng.Uint64()
		}
		_ = sortKeys(ks)
	}
	if !slices.Equal(first, kept) {
		t.Error("a later sortDescending changed an earlier result")
	}
	if !slices.Equal(k1, keptKeys) {
		t.Error("a later sortKeys changed an earlier result")
	}
}
