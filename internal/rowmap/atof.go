package rowmap

import (
	"encoding/binary"
	"math"
	"math/big"
	"math/bits"
	"strconv"
	"sync"
	"unsafe"
)

// ParseFloat parses b as strconv.ParseFloat(string(b), 64) does, with the
// same result bit for bit and the same errors, without allocating on
// success. Decimal text of up to 19 significant digits is converted
// directly (exactly, by Clinger's fast path or the Eisel-Lemire algorithm);
// anything else (more digits, hexadecimal, inf and nan, malformed text, and
// the rare inputs Eisel-Lemire cannot decide) goes to strconv.
func ParseFloat(b []byte) (float64, error) {
	if f, ok := fastAtof(b); ok {
		return f, nil
	}
	return strconv.ParseFloat(unsafe.String(unsafe.SliceData(b), len(b)), 64)
}

// ParseInt parses b as strconv.ParseInt(string(b), 10, 64) does, without
// allocating on success.
func ParseInt(b []byte) (int64, error) {
	if len(b) > 0 && len(b) <= 18 {
		i, neg := 0, false
		switch b[0] {
		case '-':
			neg, i = true, 1
		case '+':
			i = 1
		}
		if i < len(b) {
			var v int64
			for ; i < len(b); i++ {
				c := b[i] - '0'
				if c > 9 {
					goto slow
				}
				v = v*10 + int64(c)
			}
			if neg {
				v = -v
			}
			return v, nil
		}
	}
slow:
	return strconv.ParseInt(unsafe.String(unsafe.SliceData(b), len(b)), 10, 64)
}

var pow10 = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// fastAtof converts [+-]digits[.digits][(e|E)[+-]digits] with at most 19
// significant digits, reporting false for anything else. Runs of eight
// digits are converted at once (the SWAR method of fast_float).
func fastAtof(b []byte) (float64, bool) {
	i, n := 0, len(b)
	neg := false
	if n > 0 && (b[0] == '-' || b[0] == '+') {
		neg = b[0] == '-'
		i = 1
	}
	start := i
	for i < n && b[i] == '0' {
		i++ // leading zeros
	}
	sawDigit := i > start
	var man uint64
	nd := 0  // digits in man; more than 19 overflow it, and fail below
	exp := 0 // value = man * 10^exp
	d0 := i
	for i+8 <= n {
		v := binary.LittleEndian.Uint64(b[i:])
		if !eightDigits(v) {
			break
		}
		man = man*100000000 + parseEight(v)
		i += 8
	}
	for i < n && b[i]-'0' <= 9 {
		man = man*10 + uint64(b[i]-'0')
		i++
	}
	nd += i - d0
	sawDigit = sawDigit || i > d0
	if i < n && b[i] == '.' {
		i++
		f0 := i
		if nd == 0 {
			for i < n && b[i] == '0' {
				i++ // leading zeros of the fraction only scale
			}
			exp -= i - f0
		}
		d0 := i
		for i+8 <= n {
			v := binary.LittleEndian.Uint64(b[i:])
			if !eightDigits(v) {
				break
			}
			man = man*100000000 + parseEight(v)
			i += 8
		}
		for i < n && b[i]-'0' <= 9 {
			man = man*10 + uint64(b[i]-'0')
			i++
		}
		nd += i - d0
		exp -= i - d0
		sawDigit = sawDigit || i > f0
	}
	if !sawDigit || nd > 19 {
		return 0, false
	}
	if i < len(b) {
		if b[i] != 'e' && b[i] != 'E' {
			return 0, false
		}
		i++
		eneg := false
		if i < len(b) && (b[i] == '-' || b[i] == '+') {
			eneg = b[i] == '-'
			i++
		}
		if i == len(b) {
			return 0, false
		}
		e := 0
		for ; i < len(b); i++ {
			d := b[i] - '0'
			if d > 9 {
				return 0, false
			}
			if e < 10000 {
				e = e*10 + int(d)
			}
		}
		if eneg {
			e = -e
		}
		exp += e
	}
	if man == 0 {
		if neg {
			return math.Copysign(0, -1), true
		}
		return 0, true
	}
	// Clinger's fast path: both operands exact, one correctly rounded
	// operation.
	if man>>53 == 0 && exp >= -22 && exp <= 22 {
		f := float64(man)
		if exp < 0 {
			f /= pow10[-exp]
		} else {
			f *= pow10[exp]
		}
		if neg {
			f = -f
		}
		return f, true
	}
	return eiselLemire64(man, exp, neg)
}

// eightDigits reports whether the eight bytes of v (little-endian) are
// all ASCII digits.
func eightDigits(v uint64) bool {
	return v&0xF0F0F0F0F0F0F0F0 == 0x3030303030303030 &&
		(v+0x0606060606060606)&0xF0F0F0F0F0F0F0F0 == 0x3030303030303030
}

// parseEight returns the value of the eight ASCII digits in v, the first
// in the lowest byte.
func parseEight(v uint64) uint64 {
	const mask = 0x000000FF000000FF
	const mul1 = 100 + 1000000<<32
	const mul2 = 1 + 10000<<32
	v -= 0x3030303030303030
	v = v*10 + v>>8
	return (v&mask*mul1 + (v>>16)&mask*mul2) >> 32
}

const (
	powMinExp10 = -348
	powMaxExp10 = +347
)

var (
	powOnce sync.Once
	powTab  [powMaxExp10 - powMinExp10 + 1][2]uint64 // {lo, hi}
)

// powTable returns the 128-bit mantissas of the powers of ten from 1e-348
// to 1e347, rounded down: for each q, floor(10^q * 2^k) for the k that puts
// the value in [2^127, 2^128). It is computed exactly once, on first use.
func powTable() *[powMaxExp10 - powMinExp10 + 1][2]uint64 {
	powOnce.Do(func() {
		ten := big.NewInt(10)
		mask := new(big.Int).SetUint64(math.MaxUint64)
		for q := powMinExp10; q <= powMaxExp10; q++ {
			var v big.Int
			if q >= 0 {
				v.Exp(ten, big.NewInt(int64(q)), nil)
				if l := v.BitLen(); l > 128 {
					v.Rsh(&v, uint(l-128))
				} else {
					v.Lsh(&v, uint(128-l))
				}
			} else {
				var d big.Int
				d.Exp(ten, big.NewInt(int64(-q)), nil)
				k := 128 + d.BitLen()
				v.Lsh(big.NewInt(1), uint(k))
				v.Quo(&v, &d)
				if l := v.BitLen(); l > 128 {
					v.Rsh(&v, uint(l-128))
				}
			}
			var lo, hi big.Int
			lo.And(&v, mask)
			hi.Rsh(&v, 64)
			powTab[q-powMinExp10] = [2]uint64{lo.Uint64(), hi.Uint64()}
		}
	})
	return &powTab
}

// eiselLemire64 is the Eisel-Lemire conversion of man * 10^exp10 as in
// strconv (Go's internal/strconv/eisel_lemire.go, BSD licence), reporting
// false when it cannot decide the correctly rounded result.
func eiselLemire64(man uint64, exp10 int, neg bool) (float64, bool) {
	if exp10 < powMinExp10 || powMaxExp10 < exp10 {
		return 0, false
	}
	tab := powTable()
	clz := bits.LeadingZeros64(man)
	man <<= uint(clz)
	const float64ExponentBias = 1023
	retExp2 := uint64(217706*exp10>>16+64+float64ExponentBias) - uint64(clz)
	xHi, xLo := bits.Mul64(man, tab[exp10-powMinExp10][1])
	if xHi&0x1FF == 0x1FF && xLo+man < man {
		yHi, yLo := bits.Mul64(man, tab[exp10-powMinExp10][0])
		mergedHi, mergedLo := xHi, xLo+yHi
		if mergedLo < xLo {
			mergedHi++
		}
		if mergedHi&0x1FF == 0x1FF && mergedLo+1 == 0 && yLo+man < man {
			return 0, false
		}
		xHi, xLo = mergedHi, mergedLo
	}
	msb := xHi >> 63
	retMantissa := xHi >> (msb + 9)
	retExp2 -= 1 ^ msb
	if xLo == 0 && xHi&0x1FF == 0 && retMantissa&3 == 1 {
		return 0, false
	}
	retMantissa += retMantissa & 1
	retMantissa >>= 1
	if retMantissa>>53 > 0 {
		retMantissa >>= 1
		retExp2++
	}
	if retExp2-1 >= 0x7FF-1 {
		return 0, false
	}
	retBits := retExp2<<52 | retMantissa&0x000FFFFFFFFFFFFF
	if neg {
		retBits |= 0x8000000000000000
	}
	return math.Float64frombits(retBits), true
}
