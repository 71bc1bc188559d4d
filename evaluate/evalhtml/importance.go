package evalhtml

import (
	"fmt"
	"slices"

	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"github.com/loomml/loom/evaluate"
)

// maxImportanceBars bounds the columns the importance chart draws (the
// table lists them all).
const maxImportanceBars = 20

// importancePlot draws the importances as horizontal bars, the most
// important on top, with their confidence intervals as error bars.
func importancePlot(imp *evaluate.Importances) (string, error) {
	cols := imp.Columns[:min(len(imp.Columns), maxImportanceBars)]
	// The first nominal tick is at the bottom: draw the columns in reverse.
	rev := slices.Clone(cols)
	slices.Reverse(rev)
	names := make([]string, len(rev))
	vals := make(plotter.Values, len(rev))
	for i, c := range rev {
		names[i], vals[i] = c.Column, c.Value
	}
	p := styled()
	p.Title.Text = importanceTitle(imp)
	p.X.Label.Text = importanceAxis(imp)
	g := plotter.NewGrid()
	g.Vertical.Color = colGrid
	g.Horizontal.Width = 0
	p.Add(g)
	bars, err := plotter.NewBarChart(vals, vg.Points(14))
	if err != nil {
		return "", err
	}
	bars.Horizontal = true
	bars.Color = colCandidate
	bars.LineStyle.Width = 0
	p.Add(bars)
	if imp.Method == evaluate.MethodPermutation {
		errs := make(errorBars, len(rev))
		for i, c := range rev {
			errs[i] = errorBar{x: c.Value, y: float64(i), low: c.Value - c.Lower, high: c.Upper - c.Value}
		}
		eb, err := plotter.NewXErrorBars(errs)
		if err != nil {
			return "", err
		}
		eb.Color = colBaseline
		eb.Width = vg.Points(1.5)
		eb.CapWidth = vg.Points(6)
		p.Add(eb)
	}
	p.NominalY(names...)
	p.Y.Tick.Label.Font.Size = vg.Points(10)
	h := vg.Points(float64(60 + 22*len(rev)))
	return svg(p, 2*plotSize, max(h, 2*vg.Inch))
}

func importanceTitle(imp *evaluate.Importances) string {
	switch imp.Method {
	case evaluate.MethodPermutation:
		return fmt.Sprintf("Permutation importance (%s, %d repeats)", imp.Metric, imp.Repeats)
	case evaluate.MethodCoefficient:
		return "Coefficient magnitude"
	}
	return "Split gain importance"
}

func importanceAxis(imp *evaluate.Importances) string {
	switch imp.Method {
	case evaluate.MethodPermutation:
		return fmt.Sprintf("Drop of %s when the column is shuffled", imp.Metric)
	case evaluate.MethodCoefficient:
		return "Sum of |coefficient| over the column's features"
	}
	return "Share of the total split gain"
}

// errorBar is one bar's interval, as plotter.XErrorBars wants it.
type errorBar struct{ x, y, low, high float64 }

type errorBars []errorBar

func (e errorBars) Len() int                        { return len(e) }
func (e errorBars) XY(i int) (float64, float64)     { return e[i].x, e[i].y }
func (e errorBars) XError(i int) (float64, float64) { return e[i].low, e[i].high }
