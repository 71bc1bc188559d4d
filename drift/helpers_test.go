package drift

import (
	"fmt"
	"math/rand/v2"
)

// wideRow has 20 numeric and 5 categorical columns, for monitor tests and
// benchmarks.
type wideRow struct {
	Num [20]float64
	Cat [5]string
}

var levels = []string{"a", "b", "c", "d", "e", "f", "g"}

func wideColumns() []Column[wideRow] {
	var cols []Column[wideRow]
	for i := range 20 {
		cols = append(cols, Float(fmt.Sprintf("x%02d", i), func(r *wideRow) (float64, bool) { return r.Num[i], true }))
	}
	for i := range 5 {
		cols = append(cols, String(fmt.Sprintf("c%d", i), func(r *wideRow) (string, bool) { return r.Cat[i], true }))
	}
	return cols
}

// wideRows returns n seeded rows; shift moves every numeric column's mean.
func wideRows(n int, seed uint64, shift float64) []wideRow {
	r := rand.New(rand.NewPCG(seed, 99))
	rows := make([]wideRow, n)
	for i := range rows {
		w := &rows[i]
		for j := range w.Num {
			w.Num[j] = r.NormFloat64() + shift
		}
		for j := range w.Cat {
			w.Cat[j] = levels[r.IntN(len(levels))]
		}
	}
	return rows
}

func wideProfile(n int, seed uint64) *Profile {
	return BuildProfile(wideRows(n, seed, 0), wideColumns(), nil)
}
