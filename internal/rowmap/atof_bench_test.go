package rowmap

import (
	"math/rand/v2"
	"strconv"
	"testing"
	"unsafe"
)

// floatTexts returns n decimal texts of each kind the CSV benchmarks of
// pipeline/source write: shortest round-trip 'g' formatting of normal,
// uniform [0, 100), integer-valued and exponential values.
func floatTexts(n int) [][]byte {
	r := rand.New(rand.NewPCG(7, 7))
	out := make([][]byte, n)
	for i := range out {
		var x float64
		switch i % 4 {
		case 0:
			x = r.NormFloat64()
		case 1:
			x = r.Float64() * 100
		case 2:
			x = float64(r.IntN(1000))
		default:
			x = r.ExpFloat64() * 1e4
		}
		out[i] = strconv.AppendFloat(nil, x, 'g', -1, 64)
	}
	return out
}

// BenchmarkParseFloat compares ParseFloat with strconv.ParseFloat on the
// same bytes (viewed as a string without copying, the cheapest way to call
// strconv), per value; this is what justifies keeping a parser of our own.
func BenchmarkParseFloat(b *testing.B) {
	texts := floatTexts(4096)
	b.Run("rowmap", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			if _, err := ParseFloat(texts[i&4095]); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("strconv", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			t := texts[i&4095]
			if _, err := strconv.ParseFloat(unsafe.String(unsafe.SliceData(t), len(t)), 64); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
}
