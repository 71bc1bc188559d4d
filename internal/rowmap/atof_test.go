package rowmap

import (
	"database/sql"
	"errors"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"
)

// sameFloat reports whether ParseFloat(s) gives strconv.ParseFloat's value
// (bit for bit) and error class.
func sameFloat(t *testing.T, s string) {
	t.Helper()
	want, werr := strconv.ParseFloat(s, 64)
	got, gerr := ParseFloat([]byte(s))
	if math.Float64bits(got) != math.Float64bits(want) && !(math.IsNaN(got) && math.IsNaN(want)) ||
		(werr == nil) != (gerr == nil) || (werr != nil && !errors.Is(gerr, errors.Unwrap(werr))) {
		t.Fatalf("ParseFloat(%q) = %v (%x), %v; strconv gives %v (%x), %v", s, got, math.Float64bits(got), gerr, want, math.Float64bits(want), werr)
	}
}

func TestPowTable(t *testing.T) {
	tab := powTable()
	// Entries of strconv's detailedPowersOfTen.
	for _, c := range []struct {
		q      int
		lo, hi uint64
	}{
		{-348, 0x1732C869CD60E453, 0xFA8FD5A0081C0288},
		{0, 0, 0x8000000000000000},
		{1, 0, 0xA000000000000000},
		{43, 0x6D9CCD05D0000000, 0xE596B7B0C643C719},
	} {
		if got := tab[c.q-powMinExp10]; got != [2]uint64{c.lo, c.hi} {
			t.Errorf("1e%d: got {%#x, %#x}; want {%#x, %#x}", c.q, got[0], got[1], c.lo, c.hi)
		}
	}
}

func TestParseFloatMatchesStrconv(t *testing.T) {
	for _, s := range []string{
		"0", "-0", "+0", "0.0", "-0.0", "1", "-1", "1.5", ".5", "5.", ".", "", "-", "+", "e5", "1e", "1e+", "1e-", "1e5", "1E5",
		"1e-5", "1e308", "1e309", "-1e309", "1e-324", "5e-324", "2.2250738585072011e-308", "4.9406564584124654e-324",
		"1.7976931348623157e308", "1.7976931348623159e308", "9007199254740993", "9007199254740992", "123456789012345678",
		"1234567890123456789", "12345678901234567890", "0.1", "0.2", "0.3", "inf", "-Inf", "NaN", "infinity", "0x1p-2",
		"1_000", "1..2", "1.2.3", "--1", "1e1e1", "00000000000000000000001", "1.00000000000000000000", "1e99999", "1e-99999",
		"0e99999", " 1", "1 ", "7.7e-07", "3.14159265358979323846", "1e23", "8.98846567431158e307", "0.000000000000000000000000001",
	} {
		sameFloat(t, s)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 300000 {
		x := math.Float64frombits(rng.Uint64())
		if math.IsNaN(x) || math.IsInf(x, 0) {
			continue
		}
		sameFloat(t, strconv.FormatFloat(x, 'g', -1, 64))
		sameFloat(t, strconv.FormatFloat(x, 'e', rng.IntN(20), 64))
		sameFloat(t, strconv.FormatFloat(rng.NormFloat64()*math.Pow(10, float64(rng.IntN(40)-20)), 'f', -1, 64))
	}
	digits := "0123456789"
	for range 300000 {
		var b strings.Builder
		if rng.IntN(4) == 0 {
			b.WriteByte('-')
		}
		for range 1 + rng.IntN(22) {
			b.WriteByte(digits[rng.IntN(10)])
		}
		if rng.IntN(2) == 0 {
			b.WriteByte('.')
			for range rng.IntN(10) {
				b.WriteByte(digits[rng.IntN(10)])
			}
		}
		if rng.IntN(2) == 0 {
			b.WriteString("e" + strconv.Itoa(rng.IntN(700)-350))
		}
		sameFloat(t, b.String())
	}
}

func FuzzParseFloat(f *testing.F) {
	for _, s := range []string{"1.5", "-0", "1e309", "9007199254740993", "0x1p3", "nan"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { sameFloat(t, s) })
}

func TestParseIntMatchesStrconv(t *testing.T) {
	for _, s := range []string{"0", "-0", "+5", "-", "+", "", "007", "123456789012345678", "9223372036854775807",
		"9223372036854775808", "-9223372036854775808", "1_0", "0x10", "1.0", " 1", "99999999999999999999"} {
		want, werr := strconv.ParseInt(s, 10, 64)
		got, gerr := ParseInt([]byte(s))
		if got != want || (werr == nil) != (gerr == nil) || (werr != nil && !errors.Is(gerr, errors.Unwrap(werr))) {
			t.Errorf("ParseInt(%q) = %d, %v; strconv gives %d, %v", s, got, gerr, want, werr)
		}
	}
}

type textRow struct {
	F  float64          `loom:"f"`
	F3 float32          `loom:"f3"`
	FP *float64         `loom:"fp"`
	I  int64            `loom:"i"`
	I8 int8             `loom:"i8"`
	U  sql.Null[uint16] `loom:"u"`
	S  string           `loom:"s"`
	SP *string          `loom:"sp"`
	B  bool             `loom:"b"`
	T  *time.Time       `loom:"t"`
}

// TestSetTextBytesMatchesSetText sets every field from the same texts
// through both setters and requires the same rows and errors.
func TestSetTextBytesMatchesSetText(t *testing.T) {
	m := MustOf[textRow]()
	texts := []string{"", "0", "-1", "1.5", "300", "70000", "1e39", "1e309", "true", "F", "maybe", "héllo",
		"2026-01-02", "2026-01-02T03:04:05Z", "9223372036854775808", "-128", "+7", strings.Repeat("x", 5000)}
	var a Arena
	for _, s := range texts {
		for i := range m.Fields() {
			var r1, r2 textRow
			e1 := m.SetText(&r1, i, s, nil)
			buf := []byte(s)
			e2 := m.SetTextBytes(&r2, i, buf, &a)
			clear(buf) // the row must not refer to the caller's bytes
			if !errors.Is(e2, e1) || (e1 == nil) != (e2 == nil) {
				t.Errorf("field %s, text %q: SetTextBytes error %v; SetText %v", m.Field(i).Name, s, e2, e1)
				continue
			}
			if e1 != nil {
				continue
			}
			g1 := m.Field(i)
			switch g1.Kind {
			case KindString:
				v1, _ := m.Str(&r1, i)
				v2, _ := m.Str(&r2, i)
				if v1 != v2 {
					t.Errorf("field %s, text %q: %q; want %q", g1.Name, s, v2, v1)
				}
			case KindFloat, KindInt:
				v1, _ := m.Float(&r1, i)
				v2, _ := m.Float(&r2, i)
				if v1 != v2 {
					t.Errorf("field %s, text %q: %v; want %v", g1.Name, s, v2, v1)
				}
			case KindBool:
				v1, _ := m.Bool(&r1, i)
				v2, _ := m.Bool(&r2, i)
				if v1 != v2 {
					t.Errorf("field %s, text %q: %v; want %v", g1.Name, s, v2, v1)
				}
			case KindTime:
				v1, _ := m.Time(&r1, i)
				v2, _ := m.Time(&r2, i)
				if !v1.Equal(v2) {
					t.Errorf("field %s, text %q: %v; want %v", g1.Name, s, v2, v1)
				}
			}
		}
	}
}
