package evalhtml

import (
	"bytes"
	"fmt"
	"image/color"
	"strconv"

	"github.com/loomml/loom/evaluate"

	xfont "golang.org/x/image/font"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"
)

// Colours of the report's plots.
var (
	colCandidate = color.RGBA{R: 0x25, G: 0x63, B: 0xeb, A: 0xff} // blue
	colBaseline  = color.RGBA{R: 0xea, G: 0x58, B: 0x0c, A: 0xff} // orange
	colGuide     = color.RGBA{R: 0x9c, G: 0xa3, B: 0xaf, A: 0xff} // grey
	colGrid      = color.RGBA{R: 0xe5, G: 0xe7, B: 0xeb, A: 0xff}
)

const plotSize = 4.2 * vg.Inch

// styled returns a new plot with the report's type: sans-serif text, a
// bold 13-point title, 11-point axis labels.
func styled() *plot.Plot {
	p := plot.New()
	for _, f := range []*font.Font{
		&p.Title.TextStyle.Font, &p.X.Label.TextStyle.Font, &p.Y.Label.TextStyle.Font,
		&p.X.Tick.Label.Font, &p.Y.Tick.Label.Font, &p.Legend.TextStyle.Font,
	} {
		f.Typeface, f.Variant = "Liberation", "Sans"
	}
	p.Title.TextStyle.Font.Weight = xfont.WeightBold
	p.Title.TextStyle.Font.Size = vg.Points(13)
	p.Title.Padding = vg.Points(8)
	p.X.Label.TextStyle.Font.Size = vg.Points(11)
	p.Y.Label.TextStyle.Font.Size = vg.Points(11)
	p.X.Tick.Label.Font.Size = vg.Points(9)
	p.Y.Tick.Label.Font.Size = vg.Points(9)
	p.Legend.TextStyle.Font.Size = vg.Points(10)
	return p
}

// newPlot returns a square plot over [0, 1]² with a light grid.
func newPlot(title, x, y string) *plot.Plot {
	p := styled()
	p.Title.Text = title
	p.X.Label.Text = x
	p.Y.Label.Text = y
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = 0, 1, 0, 1
	g := plotter.NewGrid()
	g.Vertical.Color, g.Horizontal.Color = colGrid, colGrid
	p.Add(g)
	p.Legend.Top = false
	p.Legend.Left = false
	p.Legend.Padding = vg.Points(2)
	return p
}

func xys(x, y []float64) plotter.XYs {
	pts := make(plotter.XYs, len(x))
	for i := range x {
		pts[i].X, pts[i].Y = x[i], y[i]
	}
	return pts
}

func addLine(p *plot.Plot, name string, pts plotter.XYs, c color.Color, dashed bool) error {
	l, err := plotter.NewLine(pts)
	if err != nil {
		return err
	}
	l.Color = c
	l.Width = vg.Points(2)
	if dashed {
		l.Width = vg.Points(1)
		l.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
	}
	p.Add(l)
	if name != "" {
		p.Legend.Add(name, l)
	}
	return nil
}

// svg renders the plot as an SVG element, without the XML prologue, so
// that it can be inlined in HTML.
func svg(p *plot.Plot, w, h vg.Length) (string, error) {
	c := vgsvg.New(w, h)
	p.Draw(draw.New(c))
	var buf bytes.Buffer
	if _, err := c.WriteTo(&buf); err != nil {
		return "", err
	}
	b := buf.Bytes()
	if i := bytes.Index(b, []byte("<svg")); i > 0 {
		b = b[i:]
	}
	return string(b), nil
}

func rocPlot(r *evaluate.Report) (string, error) {
	p := newPlot("ROC curve", "False positive rate", "True positive rate")
	if err := addLine(p, "", plotter.XYs{{X: 0, Y: 0}, {X: 1, Y: 1}}, colGuide, true); err != nil {
		return "", err
	}
	if r.BaselineROC != nil {
		if err := addLine(p, r.BaselineName+auc(r.BaselineValue("roc_auc")), xys(r.BaselineROC.X, r.BaselineROC.Y), colBaseline, false); err != nil {
			return "", err
		}
	}
	if r.ROC != nil {
		if err := addLine(p, r.Model+auc(r.Value("roc_auc")), xys(r.ROC.X, r.ROC.Y), colCandidate, false); err != nil {
			return "", err
		}
	}
	return svg(p, plotSize, plotSize)
}

func auc(v float64) string {
	if v != v {
		return ""
	}
	return fmt.Sprintf(" (AUC %.3f)", v)
}

func prPlot(r *evaluate.Report) (string, error) {
	p := newPlot("Precision-recall curve", "Recall", "Precision")
	p.Legend.Top = true
	if r.Examples > 0 {
		prev := float64(r.Positives) / float64(r.Examples)
		if err := addLine(p, "", plotter.XYs{{X: 0, Y: prev}, {X: 1, Y: prev}}, colGuide, true); err != nil {
			return "", err
		}
	}
	if r.BaselinePR != nil {
		if err := addLine(p, r.BaselineName+ap(r.BaselineValue("average_precision")), xys(r.BaselinePR.X, r.BaselinePR.Y), colBaseline, false); err != nil {
			return "", err
		}
	}
	if err := addLine(p, r.Model+ap(r.Value("average_precision")), xys(r.PR.X, r.PR.Y), colCandidate, false); err != nil {
		return "", err
	}
	return svg(p, plotSize, plotSize)
}

func ap(v float64) string {
	if v != v {
		return ""
	}
	return fmt.Sprintf(" (AP %.3f)", v)
}

func calibrationPlot(r *evaluate.Report) (string, error) {
	p := newPlot("Calibration", "Mean predicted probability", "Fraction of positives")
	p.Legend.Top = true
	p.Legend.Left = true
	if err := addLine(p, "perfectly calibrated", plotter.XYs{{X: 0, Y: 0}, {X: 1, Y: 1}}, colGuide, true); err != nil {
		return "", err
	}
	pts := xys(r.Calibration.MeanPredicted, r.Calibration.FractionTrue)
	l, s, err := plotter.NewLinePoints(pts)
	if err != nil {
		return "", err
	}
	l.Color, l.Width = colCandidate, vg.Points(2)
	s.Color, s.Shape, s.Radius = colCandidate, draw.CircleGlyph{}, vg.Points(3)
	p.Add(l, s)
	p.Legend.Add(r.Model, l, s)
	return svg(p, plotSize, plotSize)
}

// heatMap draws a confusion matrix as coloured cells with their counts.
type heatMap struct {
	c     *evaluate.Confusion
	style draw.TextStyle
}

func (h heatMap) Plot(c draw.Canvas, p *plot.Plot) {
	k := h.c.Classes
	maxv := 0.0
	for _, v := range h.c.Counts {
		maxv = max(maxv, v)
	}
	trX, trY := p.Transforms(&c)
	for t := range k {
		for q := range k {
			v := h.c.At(t, q)
			f := 0.0
			if maxv > 0 {
				f = v / maxv
			}
			// White to deep blue.
			cell := color.RGBA{
				R: uint8(255 - f*(255-0x1e)),
				G: uint8(255 - f*(255-0x40)),
				B: uint8(255 - f*(255-0xaf)),
				A: 255,
			}
			// Row t (true class) from the top, column q (predicted).
			x0, x1 := trX(float64(q)), trX(float64(q+1))
			y0, y1 := trY(float64(k-t-1)), trY(float64(k-t))
			c.FillPolygon(cell, []vg.Point{{X: x0, Y: y0}, {X: x1, Y: y0}, {X: x1, Y: y1}, {X: x0, Y: y1}})
			sty := h.style
			sty.Color = color.Black
			if f > 0.5 {
				sty.Color = color.White
			}
			share := ""
			if tot := h.c.Total(); tot > 0 {
				share = fmt.Sprintf("\n%.1f%%", 100*v/tot)
			}
			c.FillText(sty, vg.Point{X: (x0 + x1) / 2, Y: (y0 + y1) / 2}, formatCount(v)+share)
		}
	}
}

func formatCount(v float64) string {
	if v == float64(int64(v)) {
		return strconv.FormatInt(int64(v), 10)
	}
	return strconv.FormatFloat(v, 'f', 2, 64)
}

// classTicks labels the cells' centres with class names.
type classTicks struct {
	k        int
	reversed bool
}

func (t classTicks) Ticks(min, max float64) []plot.Tick {
	ts := make([]plot.Tick, t.k)
	for i := range t.k {
		c := i
		if t.reversed {
			c = t.k - 1 - i
		}
		ts[i] = plot.Tick{Value: float64(i) + 0.5, Label: strconv.Itoa(c)}
	}
	return ts
}

func confusionPlot(r *evaluate.Report) (string, error) {
	k := r.Confusion.Classes
	p := styled()
	p.Title.Text = fmt.Sprintf("Confusion matrix (threshold %s)", strconv.FormatFloat(r.Threshold, 'g', -1, 64))
	p.X.Label.Text = "Predicted class"
	p.Y.Label.Text = "True class"
	p.X.LineStyle.Width, p.Y.LineStyle.Width = 0, 0
	p.X.Tick.LineStyle.Width, p.Y.Tick.LineStyle.Width = 0, 0
	p.X.Tick.Label.Font.Size, p.Y.Tick.Label.Font.Size = vg.Points(11), vg.Points(11)
	p.X.Min, p.X.Max = 0, float64(k)
	p.Y.Min, p.Y.Max = 0, float64(k)
	p.X.Tick.Marker = classTicks{k: k}
	p.Y.Tick.Marker = classTicks{k: k, reversed: true}
	sty := p.Title.TextStyle
	sty.Font.Weight = xfont.WeightNormal
	sty.Font.Size = vg.Points(14)
	sty.XAlign, sty.YAlign = draw.XCenter, draw.YCenter
	p.Add(heatMap{c: r.Confusion, style: sty})
	return svg(p, plotSize, plotSize)
}
