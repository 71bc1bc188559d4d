package drift

import (
	"math"
	"strconv"
)

// binLabels names the bins cut by edges: "(−∞, a]", "(a, b]", …, "(z, +∞)"
// for right-closed bins, "(−∞, a)", "[a, b)", …, "[z, +∞)" for left-closed
// ones. Edges are written with the fewest significant digits (at least 3)
// that keep neighbours apart, in plain decimal notation for ordinary
// magnitudes (see formatNumber).
func binLabels(edges []float64, leftClosed bool) []string {
	txt := edgeTexts(edges)
	n := len(edges) + 1
	labels := make([]string, n)
	open, close := "(", "]"
	if leftClosed {
		open, close = "[", ")"
	}
	for i := range labels {
		lo, hi := "−∞", "+∞"
		o, c := open, close
		if i == 0 {
			o = "("
		} else {
			lo = txt[i-1]
		}
		if i == n-1 {
			c = ")"
		} else {
			hi = txt[i]
		}
		labels[i] = o + lo + ", " + hi + c
	}
	return labels
}

// edgeTexts formats sorted distinct edges with the fewest significant
// digits, from 3 up, under which no two neighbours read the same.
func edgeTexts(edges []float64) []string {
	out := make([]string, len(edges))
	for digits := 3; digits <= 17; digits++ {
		for i, x := range edges {
			out[i] = FormatNumber(x, digits)
		}
		distinct := true
		for i := 1; i < len(out); i++ {
			if out[i] == out[i-1] {
				distinct = false
				break
			}
		}
		if distinct {
			break
		}
	}
	return out
}

// FormatNumber writes x rounded to digits significant digits, in plain
// decimal notation when 1e-6 ≤ |x| < 1e15 (so 0.000123 and 1234567, never
// 1.23e-04 or 1.235e+06), in scientific notation beyond: the number format
// of the bin labels and of the HTML report (package drift/drifthtml).
func FormatNumber(x float64, digits int) string {
	if math.IsNaN(x) {
		return "—"
	}
	if math.IsInf(x, 1) {
		return "+∞"
	}
	if math.IsInf(x, -1) {
		return "−∞"
	}
	if a := math.Abs(x); x != 0 && (a < 1e-6 || a >= 1e15) {
		return strconv.FormatFloat(x, 'g', digits, 64)
	}
	r, _ := strconv.ParseFloat(strconv.FormatFloat(x, 'g', digits, 64), 64)
	if r == 0 {
		return "0"
	}
	return strconv.FormatFloat(r, 'f', -1, 64)
}
