package floatsort

import (
	"encoding/binary"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// reference is Sorted by a comparison sort of the keys.
func reference(x []float64) []float64 {
	var keys []uint64
	for _, v := range x {
		if !math.IsNaN(v) {
			keys = append(keys, Key(v))
		}
	}
	slices.Sort(keys)
	out := make([]float64, len(keys))
	for i, k := range keys {
		out[i] = Float(k)
	}
	return out
}

func sameBits(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
			return false
		}
	}
	return true
}

func TestKeyOrder(t *testing.T) {
	vals := []float64{math.Inf(-1), -math.MaxFloat64, -1e300, -1, -math.SmallestNonzeroFloat64,
		math.Copysign(0, -1), 0, math.SmallestNonzeroFloat64, 2.2250738585072014e-308, 1, math.Nextafter(1, 2), 1e300, math.MaxFloat64, math.Inf(1)}
	for i := range vals {
		if got := Float(Key(vals[i])); math.Float64bits(got) != math.Float64bits(vals[i]) {
			t.Errorf("Float(Key(%v)) = %v", vals[i], got)
		}
		if i > 0 && Key(vals[i-1]) >= Key(vals[i]) {
			t.Errorf("Key(%v) = %#x ≥ Key(%v) = %#x", vals[i-1], Key(vals[i-1]), vals[i], Key(vals[i]))
		}
	}
}

func TestSorted(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	gen := map[string]func(int) float64{
		"normal":     func(int) float64 { return r.NormFloat64() },
		"integers":   func(int) float64 { return float64(r.IntN(100)) },
		"constant":   func(int) float64 { return 3.5 },
		"ascending":  func(i int) float64 { return float64(i) * 0.25 },
		"descending": func(i int) float64 { return -float64(i) },
		"wide range": func(int) float64 { return math.Float64frombits(r.Uint64()) }, // includes NaN, Inf, subnormals
		"zeros and nan": func(i int) float64 {
			return []float64{0, math.Copysign(0, -1), math.NaN(), math.Inf(1), math.Inf(-1)}[i%5]
		},
		"one binade":     func(int) float64 { return 1 + r.Float64() },
		"float32 values": func(int) float64 { return float64(float32(r.NormFloat64())) }, // low mantissa digits all zero
		"outlier": func(i int) float64 {
			if i == 0 {
				return 1e300
			}
			return r.Float64()
		},
	}
	// SortedInto's buffers go from case to case, grown or reused.
	var buf []float64
	var scratch []uint64
	for name, g := range gen {
		for _, n := range []int{0, 1, 2, 100, radixMin - 1, radixMin, radixMin + 1, 50_000} {
			x := make([]float64, n)
			for i := range x {
				x[i] = g(i)
			}
			orig := slices.Clone(x)
			got, want := Sorted(x), reference(x)
			if !sameBits(got, want) {
				t.Errorf("%s, n=%d: Sorted differs from the comparison sort of the keys", name, n)
			}
			if !sameBits(x, orig) {
				t.Errorf("%s, n=%d: Sorted modified its input", name, n)
			}
			if !slices.IsSorted(got) {
				t.Errorf("%s, n=%d: Sorted's result is not in float order", name, n)
			}
			buf = SortedInto(buf, &scratch, x)
			if !sameBits(buf, want) {
				t.Errorf("%s, n=%d: SortedInto differs from the comparison sort of the keys", name, n)
			}
		}
	}
}

func TestSortedAllocs(t *testing.T) {
	x := make([]float64, 2*radixMin)
	for i := range x {
		x[i] = float64(len(x) - i)
	}
	if a := testing.AllocsPerRun(10, func() { Sorted(x) }); a > 2 {
		t.Errorf("Sorted allocates %v times; want at most 2 (the result and the scratch)", a)
	}
	buf, scratch := make([]float64, len(x)), make([]uint64, len(x))
	if a := testing.AllocsPerRun(10, func() { buf = SortedInto(buf, &scratch, x) }); a != 0 {
		t.Errorf("SortedInto allocates %v times with buffers long enough; want 0", a)
	}
}

// FuzzSorted checks Sorted against the comparison sort on values taken
// from the bytes, eight at a time, repeated to cross the radix threshold.
func FuzzSorted(f *testing.F) {
	f.Add([]byte{}, uint16(1))
	f.Add(binary.LittleEndian.AppendUint64(nil, math.Float64bits(math.Copysign(0, -1))), uint16(5000))
	f.Add([]byte("0123456789abcdef\xff\xff\xff\xff\xff\xff\xff\x7f"), uint16(700))
	f.Fuzz(func(t *testing.T, b []byte, reps uint16) {
		var x []float64
		for i := 0; i+8 <= len(b); i += 8 {
			x = append(x, math.Float64frombits(binary.LittleEndian.Uint64(b[i:])))
		}
		if len(x) == 0 {
			return
		}
		n := len(x)
		for i := 0; len(x) < int(reps)%(3*radixMin); i++ {
			x = append(x, x[i%n]*float64(i%7))
		}
		if got, want := Sorted(x), reference(x); !sameBits(got, want) {
			t.Errorf("Sorted of %d values differs from the comparison sort", len(x))
		}
	})
}

func BenchmarkSorted(b *testing.B) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, n := range []int{1000, 100_000, 1_000_000} {
		x := make([]float64, n)
		for i := range x {
			x[i] = r.NormFloat64()
		}
		b.Run("radix/n="+itoa(n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Sorted(x)
			}
		})
		b.Run("slices.Sort/n="+itoa(n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				s := slices.Clone(x)
				slices.Sort(s)
			}
		})
	}
}

func itoa(n int) string {
	if n >= 1_000_000 && n%1_000_000 == 0 {
		return itoa(n/1_000_000) + "M"
	}
	if n >= 1000 && n%1000 == 0 {
		return itoa(n/1000) + "k"
	}
	var b []byte
	for {
		b = append([]byte{byte('0' + n%10)}, b...)
		n /= 10
		if n == 0 {
			return string(b)
		}
	}
}
