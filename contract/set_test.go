package contract

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// The compiled sets agree with a map on members, near misses and random
// values.
func TestSets(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	randStr := func() string {
		var b strings.Builder
		for range rng.IntN(12) {
			b.WriteByte("abcé\x00z"[rng.IntN(7)])
		}
		return b.String()
	}
	for trial := range 300 {
		var vals []string
		for range 1 + rng.IntN(40) {
			vals = append(vals, randStr())
		}
		set := newStrSet(vals)
		want := map[string]bool{}
		for _, v := range vals {
			want[v] = true
		}
		probe := append([]string(nil), vals...)
		for _, v := range vals {
			if v != "" {
				probe = append(probe, v[:len(v)-1], v+"a", "a"+v[1:], strings.ToUpper(v))
			}
		}
		for range 200 {
			probe = append(probe, randStr())
		}
		for _, p := range probe {
			if set.has(p) != want[p] {
				t.Fatalf("trial %d: strSet(%q).has(%q) = %v; want %v", trial, vals, p, set.has(p), want[p])
			}
		}
	}
	for _, vals := range [][]string{segments, regions, channels, eqWords} {
		if s := newStrSet(vals); s.tab == nil {
			t.Errorf("newStrSet(%q) fell back to a map", vals)
		}
	}
	for _, vals := range [][]int64{{0, 1}, {-5, 7, 1000}, {math.MinInt64, math.MaxInt64}, {math.MaxInt64 - 3, math.MaxInt64}, {-64, -1}, {3}} {
		m := map[int64]struct{}{}
		for _, v := range vals {
			m[v] = struct{}{}
		}
		set := newIntSet(m)
		for _, v := range vals {
			for _, p := range []int64{v, v - 1, v + 1, v + 64, v - 64, -v, math.MinInt64, math.MaxInt64, 0} {
				if _, ok := m[p]; set.has(p) != ok {
					t.Errorf("intSet(%v).has(%d) = %v; want %v", vals, p, set.has(p), ok)
				}
			}
		}
	}
}
