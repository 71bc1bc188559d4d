// Package fastmath holds the table-driven exponential and log1p that the
// logistic model (package train) and the gradient-boosted trees
// (train/gbdt) compute their losses and probabilities with: within one
// unit in the last place of the true value, the same bits on every
// architecture, and several times faster than math.Exp and math.Log1p in
// loops over many values. On amd64 with AVX2, ExpInPlace and ExpNegAbs
// compute four exponentials at a time in assembly, with the operations of
// the Go loop in the same order and the same bits.
package fastmath

import (
	"math"
	"math/big"
)

// The exponential. math.Exp is an assembly routine on amd64 that
// evaluates a degree-8 series and squares its result four times, a chain
// of some thirty dependent operations that cannot be inlined; it was four
// fifths of the logistic model's PredictProbaBatch and half of a binary
// logistic fit's loss. Exp is Tang's table method instead: e^x =
// 2^(k/64) · e^r with |r| ≤ ln2/128, the 64 powers 2^(j/64) correctly
// rounded, and a degree-6 polynomial for e^r; it is within one unit in the
// last place of the true value (tested against math/big) and computes the
// same bits on every architecture.

// expN is the number of table entries per power of two.
const expN = 64

// expTable holds 2^(j/64) for j in [0, 64), correctly rounded.
var expTable = func() (t [expN]float64) {
	const prec = 256
	root := new(big.Float).SetPrec(prec).SetInt64(2)
	for range 6 { // 2^(1/64)
		root.Sqrt(root)
	}
	v := new(big.Float).SetPrec(prec).SetInt64(1)
	for j := range t {
		t[j], _ = v.Float64()
		v.Mul(v, root)
	}
	return t
}()

// Exp returns e^x to within one ulp: NaN for NaN, +Inf above ~709.78, 0
// below ~-745.13, subnormal results through math.Exp. It computes what
// ExpInPlace does for one value (the Go loop, whose bits the assembly
// has), so that one row and a batch of rows get the same bits.
func Exp(x float64) float64 {
	a := [1]float64{x}
	expGo(a[:])
	return a[0]
}

// The constants of Exp: ln2/64 split so that k·ln2Hi is exact for
// |k| < 2^20, 64/ln2, and the shift whose addition rounds to an integer.
const (
	ln2Hi   = 6.93147180369123816490e-01 / expN
	ln2Lo   = 1.90821492927058770002e-10 / expN
	invLn2N = expN / math.Ln2
	shift   = 0x1.8p52
)

// expConsts is what expAVX2 reads: each constant of expGo in four lanes,
// then the table. kbias is the bits of shift less 1023·64, so that the
// bits of x·64/ln2+shift less kbias are k + 1023·64, whose logical shift
// by 6 is the biased exponent of 2^(k>>6) for every k of (-708, 709).
type expConsts struct {
	lo, hi, inv, shift, ln2Hi, ln2Lo, c720, c120, c24, c6, c2 [4]float64
	kbias, mask                                               [4]uint64
	table                                                     [expN]float64
}

var expConst = func() *expConsts {
	four := func(v float64) [4]float64 { return [4]float64{v, v, v, v} }
	kb := math.Float64bits(shift) - 1023*expN
	return &expConsts{
		lo: four(-708), hi: four(709), inv: four(invLn2N), shift: four(shift),
		ln2Hi: four(ln2Hi), ln2Lo: four(ln2Lo),
		c720: four(1.0 / 720), c120: four(1.0 / 120), c24: four(1.0 / 24), c6: four(1.0 / 6), c2: four(1.0 / 2),
		kbias: [4]uint64{kb, kb, kb, kb},
		mask:  [4]uint64{expN - 1, expN - 1, expN - 1, expN - 1},
		table: expTable,
	}
}()

// ExpInPlace replaces each z[i] by Exp(z[i]). A loop over many values runs
// without a call per value, its iterations independent of one another; on
// amd64 with AVX2, four values at a time with the same bits (expAVX2),
// except in blocks of four holding a value outside (-708, 709) or a NaN,
// which go through expGo.
func ExpInPlace(z []float64) {
	expInto(z, z, 0)
}

// ExpNegAbs sets dst[i] = Exp(-|src[i]|) for each i < len(src), in one
// pass: the exponential of the stable logistic function, 1/(1+e^-|z|).
// dst must hold len(src) values; it may be src.
func ExpNegAbs(dst, src []float64) {
	expInto(dst[:len(src)], src, signBit)
}

// signBit is the sign bit of a float64.
const signBit = 1 << 63

// expInto sets dst[i] = Exp(x) for x = src[i] with the bits of or set:
// blocks of four through expAVX2 where it can, the rest in place through
// expGo. dst and src have one length; dst is src when or is 0.
func expInto(dst, src []float64, or uint64) {
	for len(src) > 0 {
		m := len(src)
		if useAVX2 && m >= 4 {
			d := expAVX2(&dst[0], &src[0], m&^3, or, expConst)
			dst, src = dst[d:], src[d:]
			m = min(4, len(src)) // a block with a value outside (-708, 709), or the tail
		}
		if or != 0 {
			for i, x := range src[:m] {
				dst[i] = math.Float64frombits(math.Float64bits(x) | or)
			}
		}
		expGo(dst[:m])
		dst, src = dst[m:], src[m:]
	}
}

// expGo is ExpInPlace one value at a time, the reference of expAVX2 and
// the path of the values outside (-708, 709). Every product is rounded by
// an explicit conversion, so that no compiler fuses it with an addition
// (GOAMD64=v3, arm64) and every architecture computes the same bits.
func expGo(z []float64) {
	for i, x := range z {
		if !(x > -708 && x < 709) {
			z[i] = math.Exp(x) // also NaN, the infinities and subnormal results
			continue
		}
		kd := float64(float64(x*invLn2N)+shift) - shift
		k := int(kd)
		r := float64(x-float64(kd*ln2Hi)) - float64(kd*ln2Lo)
		// e^r - 1 by its Taylor series to r^6: |r| ≤ 0.0055, so the next
		// term is below 2^-75.
		p := float64(r*(1.0/720)) + 1.0/120
		p = float64(r*p) + 1.0/24
		p = float64(r*p) + 1.0/6
		p = float64(r*p) + 1.0/2
		p = r + float64(float64(r*r)*p)
		t := expTable[k&(expN-1)]
		z[i] = float64(t+float64(t*p)) * math.Float64frombits(uint64(k>>6+1023)<<52)
	}
}

// logN is the number of table entries of Log1pInPlace over [1, 2].
const logN = 128

// logEntry is one point c = 1 + j/128 of Log1pInPlace's table: 1/c and
// log(c).
type logEntry struct{ c, inv, log float64 }

var logTable = func() (t [logN + 1]logEntry) {
	for j := range t {
		c := 1 + float64(j)/logN
		t[j] = logEntry{c, 1 / c, math.Log1p(float64(j) / logN)}
	}
	return t
}()

// Log1pInPlace replaces each l[i] by log(1+l[i]), for values in [0, 1]
// (the softplus term of the binary loss), to within one ulp and without a
// division; other values go through math.Log1p. With y = 1+u rounded and c
// its rounding error, log(1+u) = log(cⱼ) + log1p(r) + c/y for the table
// point cⱼ nearest y and r = (y-cⱼ)/cⱼ, |r| ≤ 1/256, whose log1p a
// degree-8 series gives to below 2^-60 relative.
func Log1pInPlace(l []float64) {
	for i, u := range l {
		y := 1 + u
		c := u - (y - 1) // exact: y-1 is, by Sterbenz's lemma
		j := int((y-1)*logN + 0.5)
		if uint(j) > logN {
			l[i] = math.Log1p(u) // NaN or outside [0, 1]
			continue
		}
		e := &logTable[j]
		r := float64(y-e.c) * e.inv // y-e.c exact, again by Sterbenz
		// Every product rounded explicitly, as in expGo.
		q := 1.0/7 - float64(r*(1.0/8))
		q = 1.0/6 - float64(r*q)
		q = 1.0/5 - float64(r*q)
		q = 1.0/4 - float64(r*q)
		q = 1.0/3 - float64(r*q)
		q = 1.0/2 - float64(r*q)
		p := r - float64(float64(r*r)*q)
		l[i] = e.log + float64(p+float64(c*e.inv))
	}
}
