package drift

import (
	"fmt"
	"slices"
	"testing"
)

func TestVocab(t *testing.T) {
	many := make([]Category, 300)
	for i := range many {
		many[i] = Category{Value: fmt.Sprintf("v%03d", i)}
	}
	tests := []struct {
		name string
		cats []Category
	}{
		{"empty", nil},
		{"one", []Category{{Value: ""}}},
		{"small", []Category{{Value: "a"}, {Value: "b"}, {Value: "ab"}, {Value: "ba"}}},
		{"repeated", []Category{{Value: "x"}, {Value: "y"}, {Value: "x"}}},
		{"many", many},
		{"lengths", []Category{{Value: "a"}, {Value: "a\x00"}, {Value: "a\x00\x00\x00\x00\x00\x00\x00"}, {Value: "12345678"}, {Value: "123456789"}, {Value: "a much longer category label"}}},
	}
	for _, tt := range tests {
		v := newVocab(tt.cats)
		first := map[string]int{}
		for i, c := range tt.cats {
			if _, ok := first[c.Value]; !ok {
				first[c.Value] = i
			}
		}
		for s, want := range first {
			if got := v.index(s); got != want {
				t.Errorf("%s: index(%q) = %d; want %d", tt.name, s, got, want)
			}
		}
		for _, s := range []string{"zz", "a ", "v300", "v00", "\x00", "a\x00\x00", "1234567", "12345679", "a much longer category label!"} {
			if _, ok := first[s]; !ok && v.index(s) != -1 {
				t.Errorf("%s: index(%q) = %d; want -1", tt.name, s, v.index(s))
			}
		}
		if len(v.slots) < 2*len(first) {
			t.Errorf("%s: %d slots for %d values", tt.name, len(v.slots), len(first))
		}
	}
}

func BenchmarkVocab(b *testing.B) {
	cats := make([]Category, len(levels))
	for i, l := range levels {
		cats[i] = Category{Value: l}
	}
	v := newVocab(cats)
	probe := append(slices.Clone(levels), "zz")
	b.ReportAllocs()
	i, hits := 0, 0
	for b.Loop() {
		if v.index(probe[i&7]) >= 0 {
			hits++
		}
		i++
	}
	if hits == 0 {
		b.Fatal("no hits")
	}
}
