package drift

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// ChiSquareResult is the outcome of a chi-square test of independence of
// a contingency table, as scipy.stats.chi2_contingency returns it.
type ChiSquareResult struct {
	Statistic float64     // Pearson's chi-square, with Yates' correction when asked and DOF = 1
	PValue    float64     // upper tail of the chi-square distribution with DOF degrees of freedom
	DOF       int         // (rows − 1)·(columns − 1)
	Expected  [][]float64 // expected counts under independence: row total × column total / total
}

// ChiSquareTable tests the independence of the rows and columns of an r×c
// contingency table of counts, as scipy.stats.chi2_contingency(table,
// correction=yates): with one degree of freedom and yates, each observed
// count moves toward its expected count by min(0.5, |difference|). A table
// with a single row or column has DOF 0, statistic 0 and p-value 1.
// Ragged or empty tables, negative or non-finite counts, and an expected
// count of zero (a row or column summing to zero) are errors naming the
// cell; drop empty categories first, as ChiSquare does.
func ChiSquareTable(table [][]float64, yates bool) (ChiSquareResult, error) {
	r := len(table)
	if r == 0 || len(table[0]) == 0 {
		return ChiSquareResult{}, fmt.Errorf("drift: chi-square table is empty")
	}
	c := len(table[0])
	rows, cols := make([]float64, r), make([]float64, c)
	total := 0.0
	for i, row := range table {
		if len(row) != c {
			return ChiSquareResult{}, fmt.Errorf("drift: chi-square table row %d has %d cells, row 0 has %d", i, len(row), c)
		}
		for j, x := range row {
			if !(x >= 0) || math.IsInf(x, 0) {
				return ChiSquareResult{}, fmt.Errorf("drift: chi-square table cell (%d, %d) is %v, want a finite count ≥ 0", i, j, x)
			}
			rows[i] += x
			cols[j] += x
			total += x
		}
	}
	res := ChiSquareResult{Expected: make([][]float64, r), DOF: (r - 1) * (c - 1)}
	for i := range table {
		res.Expected[i] = make([]float64, c)
		for j := range c {
			e := rows[i] * cols[j] / total
			if !(e > 0) {
				return ChiSquareResult{}, fmt.Errorf("drift: chi-square expected count of cell (%d, %d) is zero (row %d sums to %v, column %d to %v)", i, j, i, rows[i], j, cols[j])
			}
			res.Expected[i][j] = e
		}
	}
	if res.DOF == 0 {
		res.PValue = 1
		return res, nil
	}
	for i, row := range table {
		for j, o := range row {
			e := res.Expected[i][j]
			if yates && res.DOF == 1 {
				d := e - o
				o += math.Copysign(math.Min(0.5, math.Abs(d)), d)
				if d == 0 {
					o = table[i][j]
				}
			}
			res.Statistic += (o - e) * (o - e) / e
		}
	}
	res.PValue = distuv.ChiSquared{K: float64(res.DOF)}.Survival(res.Statistic)
	return res, nil
}
