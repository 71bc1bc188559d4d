package fastmath

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// expBefore is ExpInPlace as it was before expAVX2 and expGo, kept as
// the reference both must match bit for bit where the compiler does not
// fuse a product with an addition (GOAMD64 v1 and v2, the builds the
// models were fitted with); where it does (fuses), its bits may differ
// from those, which is why expGo rounds every product explicitly.
func expBefore(z []float64) {
	for i, x := range z {
		if !(x > -708 && x < 709) {
			z[i] = math.Exp(x)
			continue
		}
		kd := float64(x*invLn2N+shift) - shift
		k := int(kd)
		r := float64(x-float64(kd*ln2Hi)) - float64(kd*ln2Lo)
		p := r + r*r*(1.0/2+r*(1.0/6+r*(1.0/24+r*(1.0/120+r*(1.0/720)))))
		t := expTable[k&(expN-1)]
		z[i] = float64(t+float64(t*p)) * math.Float64frombits(uint64(k>>6+1023)<<52)
	}
}

// fuses reports whether this build fuses a*b+c (GOAMD64=v3, arm64):
// (1+2^-30)² - (1+2^-29) is 2^-60 when fused and 0 when rounded first.
var fuses = func() bool {
	a, c := 1+math.Ldexp(1, -30), 1+math.Ldexp(1, -29)
	return fuse(a, a, -c) != 0
}()

//go:noinline
func fuse(a, b, c float64) float64 { return a*b + c }

// sameBits reports whether a and b hold the same bits, any NaN matching
// any NaN (math.Exp's NaN is its argument).
func sameBits(a, b float64) bool {
	return math.Float64bits(a) == math.Float64bits(b) || math.IsNaN(a) && math.IsNaN(b)
}

// checkExp compares ExpInPlace (the assembly where there is one), expGo
// and expBefore on a copy of x each, then ExpNegAbs (into another slice
// and in place) with expBefore of -|x|.
func checkExp(t *testing.T, x []float64) {
	t.Helper()
	got, ref, old := append([]float64(nil), x...), append([]float64(nil), x...), append([]float64(nil), x...)
	ExpInPlace(got)
	expGo(ref)
	if fuses {
		copy(old, ref) // expBefore's bits are not the models' here
	} else {
		expBefore(old)
	}
	for i := range x {
		if !sameBits(got[i], old[i]) || !sameBits(ref[i], old[i]) {
			t.Fatalf("exp(%v) (%#x) at %d of %d: ExpInPlace %v (%#x), expGo %v, before %v (%#x)",
				x[i], math.Float64bits(x[i]), i, len(x), got[i], math.Float64bits(got[i]), ref[i], old[i], math.Float64bits(old[i]))
		}
	}
	into, inPlace := make([]float64, len(x)+1), append([]float64(nil), x...)
	into[len(x)] = 42 // beyond len(src): left as it is
	ExpNegAbs(into, x)
	ExpNegAbs(inPlace, inPlace)
	for i, v := range x {
		old[i] = -math.Abs(v)
	}
	if fuses {
		expGo(old)
	} else {
		expBefore(old)
	}
	for i := range x {
		if !sameBits(into[i], old[i]) || !sameBits(inPlace[i], old[i]) {
			t.Fatalf("exp(-|%v|) at %d of %d: ExpNegAbs %v, in place %v, before %v", x[i], i, len(x), into[i], inPlace[i], old[i])
		}
	}
	if into[len(x)] != 42 {
		t.Fatalf("ExpNegAbs wrote dst[%d] beyond the %d values of src", len(x), len(x))
	}
}

// expEdges are the values at the ends of the table method's range and
// the special ones.
var expEdges = []float64{
	0, math.Copysign(0, -1), 1, -1, 708, -708, 709, -709, 707.999999, -707.999999,
	math.Nextafter(709, 0), math.Nextafter(-708, 0), 708.9, 709.78, 709.79, 710, -745, -745.2, -746, -720,
	math.Inf(1), math.Inf(-1), math.NaN(), math.Float64frombits(0xfff8000000000001),
	5e-324, -5e-324, 1e-300, -1e-300, math.MaxFloat64, -math.MaxFloat64,
	math.Ln2 / 128, -math.Ln2 / 128, math.Ln2 / 64, 0.5 * math.Ln2 / 64,
}

func TestExpAVX2(t *testing.T) {
	if !useAVX2 {
		t.Skip("no AVX2 kernel on this machine")
	}
	r := rand.New(rand.NewPCG(7, 8))
	n := 1 << 21
	if testing.Short() || raceEnabled {
		n = 1 << 16
	}
	x := make([]float64, n)
	for i := range x {
		switch i % 5 {
		case 0:
			x[i] = (r.Float64()*2 - 1) * 709.5 // the whole range
		case 1:
			x[i] = -r.ExpFloat64() * 4 // -|z| of the binary loss's margins
		case 2:
			x[i] = math.Float64frombits(r.Uint64()) // any bits
		case 3:
			x[i] = r.NormFloat64() * math.Ldexp(1, -r.IntN(40)) // near 0
		default:
			x[i] = float64(r.IntN(2*65536)-65536)*(math.Ln2/64) + (r.Float64()-0.5)*1e-12 // near the ties of k
		}
	}
	// Mostly blocks of in-range values, so that the vector path runs.
	for i := range x {
		if !(x[i] > -708 && x[i] < 709) && r.IntN(8) != 0 {
			x[i] = (r.Float64()*2 - 1) * 700
		}
	}
	checkExp(t, x)
}

func TestExpEdges(t *testing.T) {
	checkExp(t, expEdges)
	// Each edge at each position of slices of 0 to 9 values, the others
	// in range: the vector blocks, the blocks that fall back and the tails.
	for n := range 10 {
		x := make([]float64, n)
		for i := range x {
			x[i] = -float64(i) / 3
		}
		checkExp(t, x)
		for pos := range n {
			for _, e := range expEdges {
				y := append([]float64(nil), x...)
				y[pos] = e
				checkExp(t, y)
			}
		}
	}
}

// TestExpAVX2Stops checks that expAVX2 stops at the first block with a
// value outside its range and leaves that block as it is (in place).
func TestExpAVX2Stops(t *testing.T) {
	if !useAVX2 {
		t.Skip("no AVX2 kernel on this machine")
	}
	for _, tt := range []struct {
		bad  int
		want int
	}{{-1, 16}, {0, 0}, {3, 0}, {4, 4}, {9, 8}, {15, 12}} {
		t.Run(fmt.Sprint(tt.bad), func(t *testing.T) {
			x := make([]float64, 16)
			for i := range x {
				x[i] = float64(i)
			}
			if tt.bad >= 0 {
				x[tt.bad] = math.NaN()
			}
			if got := expAVX2(&x[0], &x[0], len(x), 0, expConst); got != tt.want {
				t.Fatalf("expAVX2 did %d values; want %d", got, tt.want)
			}
			for i := tt.want; i < len(x); i++ {
				if i != tt.bad && x[i] != float64(i) {
					t.Fatalf("x[%d] = %v after the stop; want it left as %d", i, x[i], i)
				}
			}
		})
	}
}

func FuzzExpInPlace(f *testing.F) {
	for _, e := range expEdges {
		f.Add(binary.LittleEndian.AppendUint64(nil, math.Float64bits(e)))
	}
	f.Add(binary.LittleEndian.AppendUint64(binary.LittleEndian.AppendUint64(binary.LittleEndian.AppendUint64(binary.LittleEndian.AppendUint64(nil,
		math.Float64bits(-1)), math.Float64bits(2)), math.Float64bits(-3.5)), math.Float64bits(700)))
	f.Fuzz(func(t *testing.T, b []byte) {
		x := make([]float64, len(b)/8)
		for i := range x {
			x[i] = math.Float64frombits(binary.LittleEndian.Uint64(b[8*i:]))
		}
		checkExp(t, x)
	})
}

// BenchmarkExpInPlace times ExpInPlace over 256 values, as the binary
// loss's gradients call it (the exponentials of -|z|), with and without
// the assembly.
func BenchmarkExpInPlace(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	x := make([]float64, 256)
	for i := range x {
		x[i] = -math.Abs(r.NormFloat64() * 3)
	}
	z := make([]float64, len(x))
	asm := useAVX2
	defer func() { useAVX2 = asm }()
	for _, kernel := range []string{"asm", "go"} {
		if kernel == "asm" && !asm {
			continue
		}
		b.Run("kernel="+kernel, func(b *testing.B) {
			useAVX2 = kernel == "asm"
			b.ReportAllocs()
			for b.Loop() {
				copy(z, x)
				ExpInPlace(z)
			}
		})
	}
}

// TestExpAlloc checks that ExpInPlace and ExpNegAbs allocate nothing.
func TestExpAlloc(t *testing.T) {
	x := make([]float64, 259)
	for i := range x {
		x[i] = float64(i)/16 - 8
	}
	x[5] = math.NaN() // a block through expGo
	dst := make([]float64, len(x))
	if a := testing.AllocsPerRun(10, func() { ExpNegAbs(dst, x) }); a != 0 {
		t.Errorf("ExpNegAbs: %v allocations per call; want 0", a)
	}
	if a := testing.AllocsPerRun(10, func() { copy(dst, x); ExpInPlace(dst) }); a != 0 {
		t.Errorf("ExpInPlace: %v allocations per call; want 0", a)
	}
}
