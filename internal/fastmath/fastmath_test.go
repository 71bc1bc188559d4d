package fastmath

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
)

// bigExp returns e^x correctly rounded to float64, by its Taylor series in
// 128-bit arithmetic after halving x until it is small.
func bigExp(x float64) float64 {
	const prec = 128
	z := new(big.Float).SetPrec(prec).SetFloat64(x)
	halvings := 0
	for z.Cmp(big.NewFloat(0.5)) > 0 || z.Cmp(big.NewFloat(-0.5)) < 0 {
		z.Quo(z, big.NewFloat(2))
		halvings++
	}
	sum := new(big.Float).SetPrec(prec).SetInt64(1)
	term := new(big.Float).SetPrec(prec).SetInt64(1)
	for i := 1; i < 40; i++ {
		term.Mul(term, z)
		term.Quo(term, new(big.Float).SetPrec(prec).SetInt64(int64(i)))
		sum.Add(sum, term)
	}
	for range halvings {
		sum.Mul(sum, sum)
	}
	f, _ := sum.Float64()
	return f
}

func ulps(got, want float64) float64 {
	if got == want {
		return 0
	}
	return math.Abs(got-want) / (math.Nextafter(want, math.Inf(1)) - want)
}

func TestExpAccuracy(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	xs := []float64{0, math.Copysign(0, -1), 1, -1, 1e-300, -1e-300, 0.5, 700, -700, 707.9, -707.9, 708.5, math.Ln2, -math.Ln2 / 128}
	n := 700
	if testing.Short() {
		n = 200
	}
	for range n {
		xs = append(xs, (r.Float64()*2-1)*40, (r.Float64()*2-1)*707, r.NormFloat64()*1e-3)
	}
	worst := 0.0
	for _, x := range xs {
		got, want := Exp(x), bigExp(x)
		u := ulps(got, want)
		if u > 1 {
			t.Fatalf("Exp(%v) = %v; want %v (%.2f ulp)", x, got, want, u)
		}
		worst = math.Max(worst, u)
	}
	t.Logf("worst error %.3f ulp over %d arguments", worst, len(xs))
}

func TestExpSpecial(t *testing.T) {
	tests := []struct{ x, want float64 }{
		{math.Inf(1), math.Inf(1)},
		{math.Inf(-1), 0},
		{710, math.Inf(1)},
		{-746, 0},
		{0, 1},
		{-720, math.Exp(-720)}, // subnormal, through math.Exp
		{709.5, math.Exp(709.5)},
	}
	for _, tt := range tests {
		if got := Exp(tt.x); got != tt.want {
			t.Errorf("Exp(%v) = %v; want %v", tt.x, got, tt.want)
		}
	}
	if got := Exp(math.NaN()); !math.IsNaN(got) {
		t.Errorf("Exp(NaN) = %v; want NaN", got)
	}
}

func BenchmarkExp(b *testing.B) {
	x := make([]float64, 1024)
	for i := range x {
		x[i] = float64(i)/64 - 8
	}
	benchScalar(b, x, "table", Exp, "math.Exp", math.Exp)
}

// bigLog1p returns log(1+u) to within half an ulp of float64, by the
// series of atanh: log(1+u) = 2·atanh(u/(2+u)), in 128-bit arithmetic.
func bigLog1p(u float64) float64 {
	const prec = 128
	s := new(big.Float).SetPrec(prec).SetFloat64(u)
	den := new(big.Float).SetPrec(prec).SetFloat64(u)
	den.Add(den, big.NewFloat(2))
	s.Quo(s, den)
	s2 := new(big.Float).SetPrec(prec).Mul(s, s)
	sum := new(big.Float).SetPrec(prec)
	term := new(big.Float).SetPrec(prec).Set(s)
	for k := 1; k < 90; k += 2 {
		q := new(big.Float).SetPrec(prec).Quo(term, new(big.Float).SetPrec(prec).SetInt64(int64(k)))
		sum.Add(sum, q)
		term.Mul(term, s2)
	}
	sum.Mul(sum, big.NewFloat(2))
	f, _ := sum.Float64()
	return f
}

func TestLog1pUnitAccuracy(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	us := []float64{0, 1, 0.5, 1.0 / 256, 1.0 / 128, 1e-300, 5e-324, 1e-17, 1e-8, 0.99999999, 0.0039}
	n := 700
	if testing.Short() {
		n = 200
	}
	for range n {
		us = append(us, r.Float64(), Exp(-r.Float64()*40), math.Ldexp(r.Float64(), -r.IntN(60)))
	}
	worst := 0.0
	for _, u := range us {
		got, want := log1pUnit(u), bigLog1p(u)
		d := ulps(got, want)
		if d > 2 {
			t.Fatalf("log1pUnit(%v) = %v; want %v (%.2f ulp)", u, got, want, d)
		}
		worst = math.Max(worst, d)
	}
	t.Logf("worst error %.3f ulp over %d arguments", worst, len(us))
	for _, u := range []float64{math.NaN(), -0.5, 2, math.Inf(1)} {
		if got, want := log1pUnit(u), math.Log1p(u); got != want && !(math.IsNaN(got) && math.IsNaN(want)) {
			t.Errorf("log1pUnit(%v) = %v; want math.Log1p's %v", u, got, want)
		}
	}
}

func BenchmarkLog1p(b *testing.B) {
	u := make([]float64, 1024)
	for i := range u {
		u[i] = Exp(-float64(i) / 64)
	}
	benchScalar(b, u, "table", log1pUnit, "math.Log1p", math.Log1p)
}

// benchScalar times fn and its reference ref one value at a time over
// x, in ns per value.
func benchScalar(b *testing.B, x []float64, name string, fn func(float64) float64, refName string, ref func(float64) float64) {
	out := make([]float64, len(x))
	for _, tt := range []struct {
		name string
		fn   func(float64) float64
	}{{name, fn}, {refName, ref}} {
		b.Run(tt.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				for i, v := range x {
					out[i] = tt.fn(v)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(x)), "ns/value")
		})
	}
}

// log1pUnit is Log1pInPlace of one value.
func log1pUnit(u float64) float64 {
	a := [1]float64{u}
	Log1pInPlace(a[:])
	return a[0]
}

// log1pBefore is Log1pInPlace as it was before its products were rounded
// explicitly: the reference of its bits where the build does not fuse.
func log1pBefore(l []float64) {
	for i, u := range l {
		y := 1 + u
		c := u - (y - 1)
		j := int((y-1)*logN + 0.5)
		if uint(j) > logN {
			l[i] = math.Log1p(u)
			continue
		}
		e := &logTable[j]
		r := float64(y-e.c) * e.inv
		p := r - r*r*(1.0/2-r*(1.0/3-r*(1.0/4-r*(1.0/5-r*(1.0/6-r*(1.0/7-r*(1.0/8)))))))
		l[i] = e.log + float64(p+float64(c*e.inv))
	}
}

// TestLog1pSameBits checks Log1pInPlace against the loop before its
// explicit roundings, bit for bit, on builds that do not fuse (see
// expBefore).
func TestLog1pSameBits(t *testing.T) {
	if fuses {
		t.Skip("this build fuses products with additions: log1pBefore's bits are not the models'")
	}
	r := rand.New(rand.NewPCG(9, 10))
	u := []float64{0, 1, 0.5, 1e-300, 5e-324, math.NaN(), -0.5, 2, math.Inf(1), math.Copysign(0, -1)}
	for range 1 << 16 {
		u = append(u, r.Float64(), math.Ldexp(r.Float64(), -r.IntN(60)), float64(r.IntN(129))/logN+(r.Float64()-0.5)/1024)
	}
	got, want := append([]float64(nil), u...), append([]float64(nil), u...)
	Log1pInPlace(got)
	log1pBefore(want)
	for i := range u {
		if !sameBits(got[i], want[i]) {
			t.Fatalf("log1p(%v) = %v; want %v as before", u[i], got[i], want[i])
		}
	}
}
