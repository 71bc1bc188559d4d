package sketch

import (
	"bytes"
	"errors"
	"flag"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"testing"
)

// maxRankError returns max over the distinct inputs x of |Rank(x) − true rank|.
func maxRankError(s *KLL, data []float64) float64 {
	sorted := slices.Clone(data)
	slices.Sort(sorted)
	n := float64(len(sorted))
	worst := 0.0
	step := max(1, len(sorted)/2000)
	for i := 0; i < len(sorted); i += step {
		x := sorted[i]
		j := sort.SearchFloat64s(sorted, math.Nextafter(x, math.Inf(1)))
		worst = max(worst, math.Abs(s.Rank(x)-float64(j)/n))
	}
	return worst
}

func inputs(kind string, n int, r *rand.Rand) []float64 {
	d := make([]float64, n)
	for i := range d {
		switch kind {
		case "sorted":
			d[i] = float64(i)
		case "reversed":
			d[i] = float64(n - i)
		case "normal":
			d[i] = r.NormFloat64()
		case "dups":
			d[i] = float64(r.IntN(10))
		case "zigzag":
			d[i] = float64((i * 7919) % n)
		}
	}
	return d
}

func TestRankErrorBound(t *testing.T) {
	sizes := []int{100, 10_000, 200_000}
	for _, kind := range []string{"sorted", "reversed", "normal", "dups", "zigzag"} {
		for _, n := range sizes {
			for seed := range uint64(3) {
				r := rand.New(rand.NewPCG(seed, 7))
				data := inputs(kind, n, r)
				s := NewSeeded(DefaultK, seed)
				for _, x := range data {
					s.Add(x)
				}
				if s.Count() != uint64(n) {
					t.Fatalf("%s n=%d: Count() = %d", kind, n, s.Count())
				}
				eps := 3.0 / DefaultK
				if got := maxRankError(s, data); got > eps {
					t.Errorf("%s n=%d seed=%d: max rank error %.4f > ε = %.4f", kind, n, seed, got, eps)
				}
				if n <= DefaultK && (!s.Exact() || maxRankError(s, data) != 0) {
					t.Errorf("%s n=%d: not exact", kind, n)
				}
				if s.Min() != slices.Min(data) || s.Max() != slices.Max(data) {
					t.Errorf("%s n=%d: min/max %v %v", kind, n, s.Min(), s.Max())
				}
			}
		}
	}
}

func TestRankErrorBoundLarge(t *testing.T) {
	if testing.Short() {
		t.Skip("10^6 items")
	}
	r := rand.New(rand.NewPCG(9, 9))
	data := inputs("normal", 1_000_000, r)
	s := New(0)
	for _, x := range data {
		s.Add(x)
	}
	if got := maxRankError(s, data); got > s.Epsilon() {
		t.Errorf("n=10^6: max rank error %.4f > ε = %.4f", got, s.Epsilon())
	}
}

func TestMemoryBounded(t *testing.T) {
	s := New(0)
	for i := range 2_000_000 {
		s.Add(float64(i % 1000))
	}
	if s.held() > 4*DefaultK+2*len(s.levels) {
		t.Errorf("size = %d items for k = %d, want ≤ ~4k", s.held(), DefaultK)
	}
}

func TestExactQuantiles(t *testing.T) {
	s := New(16)
	for _, x := range []float64{5, 1, 4, 2, 3} {
		s.Add(x)
	}
	tests := []struct{ q, want float64 }{{0, 1}, {0.2, 1}, {0.21, 2}, {0.5, 3}, {0.8, 4}, {0.99, 5}, {1, 5}}
	for _, tt := range tests {
		if got := s.Quantile(tt.q); got != tt.want {
			t.Errorf("Quantile(%v) = %v; want %v", tt.q, got, tt.want)
		}
	}
	if got := s.Quantiles(nil, []float64{0.2, 0.5, 1}); !slices.Equal(got, []float64{1, 3, 5}) {
		t.Errorf("Quantiles = %v", got)
	}
	if got := s.Rank(3); got != 0.6 {
		t.Errorf("Rank(3) = %v; want 0.6", got)
	}
	s.Add(math.NaN())
	if s.Count() != 5 {
		t.Errorf("NaN counted: Count() = %d", s.Count())
	}
}

func TestEmpty(t *testing.T) {
	s := New(0)
	if !math.IsNaN(s.Min()) || !math.IsNaN(s.Max()) || !math.IsNaN(s.Quantile(0.5)) || s.Rank(1) != 0 {
		t.Errorf("empty sketch: min %v max %v q %v rank %v", s.Min(), s.Max(), s.Quantile(0.5), s.Rank(1))
	}
	if s.Epsilon() != 0 {
		t.Errorf("empty Epsilon = %v", s.Epsilon())
	}
}

func TestPanics(t *testing.T) {
	for _, k := range []int{-1, 1, 7, 1<<16 + 1} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("New(%d) did not panic", k)
				}
			}()
			New(k)
		}()
	}
	defer func() {
		if recover() == nil {
			t.Error("Quantile(NaN) did not panic")
		}
	}()
	s := New(0)
	s.Add(1)
	s.Quantile(math.NaN())
}

func TestDeterministic(t *testing.T) {
	build := func() []byte {
		s := New(0)
		r := rand.New(rand.NewPCG(1, 2))
		for range 50_000 {
			s.Add(r.ExpFloat64())
		}
		b, _ := s.MarshalBinary()
		return b
	}
	if !bytes.Equal(build(), build()) {
		t.Fatal("same inputs gave different sketches")
	}
}

func TestMerge(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	all := make([]float64, 0, 400_000)
	merged := New(0)
	for part := range 8 {
		p := New(0)
		for range 50_000 {
			x := r.NormFloat64() + float64(part)
			p.Add(x)
			all = append(all, x)
		}
		merged.Merge(p)
	}
	merged.Merge(nil)
	merged.Merge(New(0))
	if merged.Count() != uint64(len(all)) {
		t.Fatalf("Count() = %d; want %d", merged.Count(), len(all))
	}
	if got := maxRankError(merged, all); got > merged.Epsilon() {
		t.Errorf("merged rank error %.4f > %.4f", got, merged.Epsilon())
	}
	small := New(0)
	small.Add(1)
	small.Add(2)
	c := small.Clone()
	c.Merge(small)
	if c.Count() != 4 || small.Count() != 2 || c.Rank(1) != 0.5 {
		t.Errorf("merge of exact sketches: count %d/%d rank %v", c.Count(), small.Count(), c.Rank(1))
	}
}

func TestResetReuses(t *testing.T) {
	s := New(0)
	for i := range 100_000 {
		s.Add(float64(i))
	}
	s.Reset()
	if s.Count() != 0 || !s.Exact() {
		t.Fatalf("after Reset: count %d exact %v", s.Count(), s.Exact())
	}
	allocs := testing.AllocsPerRun(5, func() {
		s.Reset()
		for i := range 100_000 {
			s.Add(float64(i))
		}
	})
	if allocs != 0 {
		t.Errorf("Add after Reset allocates %v times per run", allocs)
	}
}

func TestMarshalRoundTrip(t *testing.T) {
	for _, n := range []int{0, 1, 150, 100_000} {
		s := New(0)
		for i := range n {
			s.Add(float64(i%977) * 1.5)
		}
		b, err := s.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		var d KLL
		if err := d.UnmarshalBinary(b); err != nil {
			t.Fatalf("n=%d: %v", n, err)
		}
		b2, _ := d.MarshalBinary()
		if !bytes.Equal(b, b2) {
			t.Errorf("n=%d: re-encoding differs", n)
		}
		// Continuing after decode gives the same sketch as continuing the original.
		for i := range 5000 {
			s.Add(float64(i))
			d.Add(float64(i))
		}
		b, _ = s.MarshalBinary()
		b2, _ = d.MarshalBinary()
		if !bytes.Equal(b, b2) {
			t.Errorf("n=%d: decoded sketch diverges", n)
		}
	}
}

func TestUnmarshalErrors(t *testing.T) {
	s := New(0)
	for i := range 1000 {
		s.Add(float64(i))
	}
	good, _ := s.MarshalBinary()
	mut := func(f func(b []byte) []byte) []byte { return f(slices.Clone(good)) }
	tests := map[string][]byte{
		"empty":     nil,
		"magic":     mut(func(b []byte) []byte { b[0] = 'X'; return b }),
		"k":         mut(func(b []byte) []byte { b[4], b[5] = 1, 0; return b }),
		"levels":    mut(func(b []byte) []byte { b[40] = 200; return b }),
		"truncated": good[:len(good)-3],
		"trailing":  append(slices.Clone(good), 0),
		"count":     mut(func(b []byte) []byte { b[8]++; return b }),
		"huge":      mut(func(b []byte) []byte { b[44], b[45], b[46], b[47] = 255, 255, 255, 127; return b }),
	}
	for name, b := range tests {
		var d KLL
		if err := d.UnmarshalBinary(b); !errors.Is(err, ErrCorrupt) {
			t.Errorf("%s: err = %v; want ErrCorrupt", name, err)
		}
	}
}

func FuzzUnmarshal(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/*.kll")
	for _, p := range seeds {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var s KLL
		if err := s.UnmarshalBinary(b); err != nil {
			return
		}
		s.Add(1)
		_ = s.Quantile(0.5)
		out, err := s.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		var d KLL
		if err := d.UnmarshalBinary(out); err != nil {
			t.Fatalf("re-decoding a valid sketch: %v", err)
		}
	})
}

var updateSeeds = flag.Bool("update", false, "rewrite testdata/*.kll fuzz seeds")

// TestSeedFiles keeps the fuzz seeds in testdata decodable; -update rewrites them.
func TestSeedFiles(t *testing.T) {
	sizes := map[string]int{"empty.kll": 0, "small.kll": 10, "large.kll": 5000}
	for name, n := range sizes {
		p := filepath.Join("testdata", name)
		if *updateSeeds {
			s := New(16)
			for i := range n {
				s.Add(float64(i % 97))
			}
			b, _ := s.MarshalBinary()
			if err := os.WriteFile(p, b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		var s KLL
		if err := s.UnmarshalBinary(b); err != nil || s.Count() != uint64(n) {
			t.Errorf("%s: count %d, err %v", name, s.Count(), err)
		}
	}
}

func TestRadixSort(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	gen := map[string]func(i int) float64{
		"normal":    func(int) float64 { return r.NormFloat64() },
		"signs":     func(i int) float64 { return []float64{math.Copysign(0, -1), 0, -1, 1, math.Inf(1), math.Inf(-1)}[i%6] },
		"subnormal": func(int) float64 { return float64(r.IntN(1000)-500) * 5e-324 },
		"lowbits":   func(int) float64 { return math.Float64frombits(math.Float64bits(1.5) + uint64(r.IntN(1<<20))) },
		"constant":  func(int) float64 { return 42 },
		"reversed":  func(i int) float64 { return float64(-i) },
		"wide":      func(int) float64 { return math.Ldexp(r.Float64()-0.5, r.IntN(2000)-1000) },
		"outlier": func(i int) float64 { // long runs equal in the radix-sorted bits
			if i == 3 {
				return -1
			}
			return 1000 + r.Float64()*1e-6
		},
		"narrow":   func(int) float64 { return 1000 + r.NormFloat64()*0.1 },
		"lowbyte":  func(int) float64 { return math.Float64frombits(math.Float64bits(1.5) + uint64(r.IntN(256))) },
		"integers": func(int) float64 { return float64(1 + r.IntN(100)) },
		"scaled":   func(int) float64 { return math.Ldexp(float64(1+r.IntN(15)), r.IntN(60)-30) },
		"fewbits":  func(i int) float64 { return []float64{1, 1.5, 2, 3}[r.IntN(4)] },
		"skewed": func(i int) float64 { // top digit: many values, one of them most keys'
			if i%4 == 0 {
				return math.Ldexp(r.Float64()-0.5, r.IntN(2000)-1000)
			}
			return r.NormFloat64()
		},
	}
	for name, f := range gen {
		for _, n := range []int{1, 2, radixMin, 1000, 4099} {
			keys := make([]uint64, n)
			for i := range keys {
				keys[i] = key(f(i))
			}
			want := slices.Clone(keys)
			slices.Sort(want)
			radixSort(keys, make([]uint64, n))
			if !slices.Equal(keys, want) {
				t.Errorf("%s n=%d: radixSort differs from slices.Sort", name, n)
			}
			for i := 1; i < n; i++ {
				if a, b := unkey(keys[i-1]), unkey(keys[i]); a > b {
					t.Fatalf("%s n=%d: %v before %v", name, n, a, b)
				}
			}
		}
	}
	for _, x := range []float64{0, math.Copysign(0, -1), 1, -1, math.MaxFloat64, -math.SmallestNonzeroFloat64, math.Inf(-1)} {
		if got := unkey(key(x)); math.Float64bits(got) != math.Float64bits(x) {
			t.Errorf("unkey(key(%v)) = %v", x, got)
		}
	}
}

func TestSortedView(t *testing.T) {
	r := rand.New(rand.NewPCG(8, 9))
	for _, kind := range []string{"sorted", "reversed", "normal", "dups", "zigzag"} {
		for _, n := range []int{0, 50, 5000, 300_000} {
			s := New(0)
			for _, x := range inputs(kind, n, r) {
				s.Add(x)
			}
			vals, wts := s.SortedView([]float64{-1}, []uint64{7}) // appends after existing items
			if vals[0] != -1 || wts[0] != 7 || len(vals) != s.held()+1 || len(wts) != len(vals) {
				t.Fatalf("%s n=%d: view of %d items, sketch holds %d", kind, n, len(vals)-1, s.held())
			}
			var sum uint64
			for i, x := range vals[1:] {
				sum += wts[i+1]
				if i > 0 && vals[i] > x {
					t.Fatalf("%s n=%d: view not sorted at %d", kind, n, i)
				}
				if i+2 < len(vals) && vals[i+2] == x {
					continue
				}
				if got := float64(sum) / float64(s.Count()); got != s.Rank(x) {
					t.Fatalf("%s n=%d: cumulative weight at %v is %v, Rank %v", kind, n, x, got, s.Rank(x))
				}
			}
			if sum != s.Count() {
				t.Errorf("%s n=%d: weights sum to %d, Count() = %d", kind, n, sum, s.Count())
			}
		}
	}
}

// bufferItems returns the capacity, in items, of every buffer s keeps.
func bufferItems(s *KLL) int {
	t := cap(s.buf0) + cap(s.scr.buf)
	for _, lv := range s.levels[:cap(s.levels)] {
		t += cap(lv)
	}
	return t
}

// TestBufferMemoryBounded checks that the buffers, not only the items
// held, stay within O(k) as the input grows 16-fold and levels are added.
func TestBufferMemoryBounded(t *testing.T) {
	for _, k := range []int{200, 1024} {
		s := New(k)
		r := rand.New(rand.NewPCG(4, 4))
		n1 := 160 * k
		var early int
		for i := 1; i <= 16*n1; i++ {
			s.Add(r.NormFloat64())
			if i == n1 {
				early = bufferItems(s)
			}
		}
		late := bufferItems(s)
		if late > early*6/5 || late > 24*k {
			t.Errorf("k=%d: buffers hold %d items after %d inputs, %d after %d; want at most 1.2x and 24k", k, early, n1, late, 16*n1)
		}
	}
}

// TestAddBatch checks that adding values by blocks leaves the sketch that
// adding them one by one does, encoding for encoding, with NaNs among
// them, blocks of every size from 1 to 300, some blocks added value by
// value, and a merge between blocks; and that Min and Max (which use the
// range AddBatch records) agree after every block.
func TestAddBatch(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 5))
	xs := make([]float64, 60_000)
	for i := range xs {
		xs[i] = r.NormFloat64() * 3
		if i%97 == 0 {
			xs[i] = math.NaN()
		}
	}
	other := NewSeeded(64, 9)
	for i := range 5000 {
		other.Add(float64(i % 300))
	}
	for _, k := range []int{8, 200, 1024} {
		one, batch := NewSeeded(k, 3), NewSeeded(k, 3)
		merged := false
		for i, size := 0, 1; i < len(xs); size = size%300 + 1 {
			end := min(i+size, len(xs))
			for _, x := range xs[i:end] {
				one.Add(x)
			}
			if size%7 == 0 { // Add between blocks: level 0 partly outside the recorded range
				for _, x := range xs[i:end] {
					batch.Add(x)
				}
			} else {
				batch.AddBatch(xs[i:end])
			}
			i = end
			if !merged && i > 30_000 {
				one.Merge(other)
				batch.Merge(other)
				merged = true
			}
			if math.Float64bits(one.Min()) != math.Float64bits(batch.Min()) || math.Float64bits(one.Max()) != math.Float64bits(batch.Max()) {
				t.Fatalf("k=%d after %d values: min, max = %v, %v; want %v, %v", k, i, batch.Min(), batch.Max(), one.Min(), one.Max())
			}
		}
		a, err := one.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		b, err := batch.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a, b) || one.Count() != batch.Count() {
			t.Errorf("k=%d: AddBatch gives a different sketch (count %d, want %d)", k, batch.Count(), one.Count())
		}
	}
}
