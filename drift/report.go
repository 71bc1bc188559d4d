package drift

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html/template"
	"image/color"
	"io"
	"math"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// WriteJSON writes the report as indented JSON; NaN values become null.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// HTMLOptions configures WriteHTML. A nil *HTMLOptions means the defaults.
type HTMLOptions struct {
	Title  string     // page title (default "Drift report")
	Window WindowInfo // shown in the header when set
}

// WriteHTML writes the report as one self-contained HTML page: a summary,
// then per column (most severe first) the method, score, threshold and
// verdict, and an inline SVG of the reference and current histograms
// overlaid. Nothing is loaded from the network.
func (r *Report) WriteHTML(w io.Writer, opts *HTMLOptions) error {
	o := HTMLOptions{Title: "Drift report"}
	if opts != nil {
		if opts.Title != "" {
			o.Title = opts.Title
		}
		o.Window = opts.Window
	}
	type card struct {
		ColumnResult
		Verdict, Class, Score, PValue, Missing string
		SVG                                    template.HTML
	}
	cards := make([]card, 0, len(r.Columns))
	for _, c := range r.Columns {
		cd := card{ColumnResult: c, Score: num(c.Score), PValue: num(c.PValue),
			Missing: fmt.Sprintf("%.1f%% → %.1f%%", 100*c.RefMissingShare, 100*c.CurMissingShare)}
		cd.Verdict, cd.Class = verdict(c.Status, c.Drifted)
		if c.MissingDrifted {
			cd.Missing += " (changed)"
		}
		svg, err := histogramSVG(c)
		if err != nil {
			return &ColumnError{Column: c.Column, Err: err}
		}
		cd.SVG = template.HTML(svg) // produced by gonum/plot's SVG backend from escaped labels
		cards = append(cards, cd)
	}
	var perf *perfCard
	if p := r.Performance; p != nil {
		perf = &perfCard{PerformanceResult: p, Value: num(p.Value), Reference: num(p.Reference),
			Limit: num(p.Limit), Degradation: num(p.Degradation)}
		perf.Verdict, perf.Class = verdict(p.Status, p.Drifted)
	}
	return reportTmpl.Execute(w, struct {
		O     HTMLOptions
		R     *Report
		Perf  *perfCard
		Cards []card
		Share string
	}{o, r, perf, cards, fmt.Sprintf("%.0f%%", 100*r.Share)})
}

// verdict is the badge text and CSS class of a result.
func verdict(st Status, drifted bool) (text, class string) {
	switch {
	case st != StatusOK:
		return "not enough data", "na"
	case drifted:
		return "drift", "drift"
	default:
		return "no drift", "ok"
	}
}

// perfCard is the performance section of the HTML report.
type perfCard struct {
	*PerformanceResult
	Verdict, Class, Value, Reference, Limit, Degradation string
}

func num(x float64) string {
	if math.IsNaN(x) {
		return "—"
	}
	if x != 0 && (math.Abs(x) < 1e-3 || math.Abs(x) >= 1e5) {
		return strconv.FormatFloat(x, 'e', 3, 64)
	}
	return strconv.FormatFloat(x, 'f', 4, 64)
}

var (
	refColor = color.RGBA{R: 0x4c, G: 0x78, B: 0xa8, A: 0xff}
	curColor = color.RGBA{R: 0xf2, G: 0x8e, B: 0x2b, A: 0xff}
)

// histogramSVG draws the reference and current proportions as overlaid bars.
func histogramSVG(c ColumnResult) (string, error) {
	p := plot.New()
	p.Y.Label.Text = "share"
	p.Y.Min = 0
	p.Legend.Top = true
	p.Legend.Left = true
	p.Legend.XOffs = vg.Points(40)
	if len(c.RefHist) == 0 {
		return "", nil
	}
	ref, cur := plotter.Values(c.RefHist), plotter.Values(c.CurHist)
	w := vg.Points(min(14, 180/float64(len(ref))))
	rb, err := plotter.NewBarChart(ref, w)
	if err != nil {
		return "", err
	}
	rb.Color, rb.LineStyle.Width = refColor, 0
	rb.Offset = -w / 2
	cb, err := plotter.NewBarChart(cur, w)
	if err != nil {
		return "", err
	}
	cb.Color, cb.LineStyle.Width = curColor, 0
	cb.Offset = w / 2
	p.Add(rb, cb)
	p.Legend.Add("reference", rb)
	p.Legend.Add("current", cb)
	labels := make([]string, len(c.Bins))
	for i, b := range c.Bins {
		if len(b) > 18 {
			b = b[:17] + "…"
		}
		labels[i] = b
	}
	p.NominalX(labels...)
	p.X.Tick.Label.Rotation = math.Pi / 5
	p.X.Tick.Label.XAlign = -0.9
	p.X.Tick.Label.YAlign = -0.6
	p.X.Tick.Label.Font.Size = vg.Points(8)
	wt, err := p.WriterTo(6.4*vg.Inch, 3.2*vg.Inch, "svg")
	if err != nil {
		return "", err
	}
	var buf bytes.Buffer
	if _, err := wt.WriteTo(&buf); err != nil {
		return "", err
	}
	b := buf.Bytes()
	if i := bytes.Index(b, []byte("<svg")); i > 0 { // drop the XML prolog: inline SVG
		b = b[i:]
	}
	return string(b), nil
}

var reportTmpl = template.Must(template.New("report").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{.O.Title}}</title>
<style>
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px;color:#222;background:#fafafa}
h1{margin:0 0 4px;font-size:24px}.sub{color:#666;margin-bottom:16px}
.summary{display:flex;gap:16px;margin:16px 0}
.tile{background:#fff;border:1px solid #ddd;border-radius:8px;padding:12px 16px;min-width:140px}
.tile b{display:block;font-size:22px}
.card{background:#fff;border:1px solid #ddd;border-left:6px solid #4c9a5b;border-radius:8px;padding:12px 16px;margin:12px 0;display:flex;gap:16px;align-items:flex-start}
.card.drift{border-left-color:#d9534f}.card.na{border-left-color:#aaa}
.meta{min-width:300px}.meta h2{margin:0 0 8px;font-size:18px}
table{border-collapse:collapse;font-size:14px}td{padding:2px 10px 2px 0}td:first-child{color:#666}
.badge{display:inline-block;padding:2px 8px;border-radius:10px;color:#fff;font-size:13px;background:#4c9a5b}
.drift .badge{background:#d9534f}.na .badge{background:#999}
.dd{color:#d9534f;font-weight:bold}
</style></head><body>
<h1>{{.O.Title}}</h1>
<div class="sub">{{if .O.Window.Rows}}window {{.O.Window.Seq}}: {{.O.Window.Rows}} rows, {{.O.Window.Start.Format "2006-01-02 15:04:05"}} – {{.O.Window.End.Format "2006-01-02 15:04:05"}}{{end}}</div>
<div class="summary">
<div class="tile">dataset drift<b class="{{if .R.DatasetDrift}}dd{{end}}">{{if .R.DatasetDrift}}yes{{else}}no{{end}}</b></div>
<div class="tile">drifted columns<b>{{.R.Drifted}} / {{.R.Tested}}</b></div>
<div class="tile">drift share<b>{{.Share}}</b>threshold {{.R.ShareThreshold}}</div>
</div>
{{with .Perf}}<div class="card {{.Class}}"><div class="meta">
<h2>performance: {{.Name}} <span class="badge">{{.Verdict}}</span></h2>
<table>
<tr><td>metric</td><td>{{.Metric}}</td></tr>
<tr><td>value</td><td>{{.Value}}</td></tr>
<tr><td>reference</td><td>{{.Reference}}</td></tr>
<tr><td>limit</td><td>{{.Limit}}</td></tr>
<tr><td>degradation</td><td>{{.Degradation}}</td></tr>
<tr><td>joined pairs</td><td>{{.Window.Rows}} in this window; {{.Joins.Joined}} joined, {{.Joins.Pending}} pending, {{.Joins.Expired}} expired, {{.Joins.Evicted}} evicted in all</td></tr>
</table></div></div>
{{end}}{{range .Cards}}<div class="card {{.Class}}"><div class="meta">
<h2>{{.Column}} <span class="badge">{{.Verdict}}</span></h2>
<table>
<tr><td>kind</td><td>{{.Kind}}</td></tr>
<tr><td>method</td><td>{{.Method}}</td></tr>
<tr><td>score</td><td>{{.Score}}</td></tr>
<tr><td>p-value</td><td>{{.PValue}}</td></tr>
<tr><td>threshold</td><td>{{.Threshold}}</td></tr>
<tr><td>values</td><td>{{.RefCount}} reference, {{.CurCount}} current</td></tr>
<tr><td>missing</td><td>{{.Missing}}</td></tr>
{{if .Approx}}<tr><td>note</td><td>from quantile sketches</td></tr>{{end}}
</table></div>
<div class="plot">{{.SVG}}</div></div>
{{end}}</body></html>
`))
