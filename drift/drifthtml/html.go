package drifthtml

import (
	"bytes"
	"fmt"
	"html/template"
	"image/color"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"

	"github.com/loomml/loom/drift"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// Options configures Write. A nil *Options, or a zero field, means the
// default.
type Options struct {
	Title     string           // page title (default "Data drift: Model Version", or "Data drift report")
	Model     string           // model name, shown in the title
	Version   string           // model version, shown in the title
	Reference string           // what the reference is, e.g. "training set, 2026-11-01 to 2026-11-30"
	Current   string           // what the current data is (default: the Window, when set)
	Window    drift.WindowInfo // the monitor window of the current data, shown when set
}

// Write writes r to w as one self-contained HTML page: a title
// naming the model, its version and the reference and current data; the
// data set verdict with its rule (drift.Report.DatasetRule); a summary table of every
// column (kind, a small chart of the reference and current shares per bin,
// method, statistic, threshold, p-value, verdict, missing values), most
// severe first; then per column a card with the details and
// an inline SVG of the reference and current histograms side by side. One
// font family throughout, a legend outside the bars, bin labels in plain
// decimals; the layout fits windows from 700 pixels wide. Nothing is loaded
// from the network and the page has no script.
func Write(w io.Writer, r *drift.Report, opts *Options) error {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.Title == "" {
		o.Title = "Data drift report"
		if o.Model != "" {
			o.Title = strings.TrimSpace("Data drift: " + o.Model + " " + o.Version)
		}
	}
	if o.Current == "" && o.Window.Rows > 0 {
		o.Current = fmt.Sprintf("window %d, %d rows, %s – %s", o.Window.Seq, o.Window.Rows,
			o.Window.Start.Format("2006-01-02 15:04:05"), o.Window.End.Format("2006-01-02 15:04:05"))
	}
	type card struct {
		drift.ColumnResult
		Anchor, Verdict, Class, Score, PValue, Threshold, Rule, Missing string
		SVG, Spark                                                      template.HTML
	}
	cards := make([]card, 0, len(r.Columns))
	for i, c := range r.Columns {
		cd := card{ColumnResult: c, Anchor: fmt.Sprintf("col-%d", i), Score: drift.FormatNumber(c.Score, 4),
			PValue: drift.FormatNumber(c.PValue, 3), Threshold: drift.FormatNumber(c.Threshold, 3),
			Missing: fmt.Sprintf("%s → %s", percent(c.RefMissingShare), percent(c.CurMissingShare))}
		cd.Rule = c.Rule()
		cd.Verdict, cd.Class = verdict(c.Status, c.Drifted)
		if c.MissingDrifted {
			cd.Missing += " (changed)"
		}
		svg, err := histogramSVG(c)
		if err != nil {
			return &drift.ColumnError{Column: c.Column, Err: err}
		}
		cd.SVG = template.HTML(svg) // produced by gonum/plot's SVG backend from escaped labels
		cd.Spark = sparkSVG(c.RefHist, c.CurHist)
		cards = append(cards, cd)
	}
	var perf *perfCard
	if p := r.Performance; p != nil {
		perf = &perfCard{PerformanceResult: p, Value: num(p.Value), Reference: num(p.Reference),
			Limit: num(p.Limit), Degradation: num(p.Degradation)}
		perf.Verdict, perf.Class = verdict(p.Status, p.Drifted)
	}
	return reportTmpl.Execute(w, struct {
		O     Options
		R     *drift.Report
		Perf  *perfCard
		Cards []card
		Share string
		Rule  string
	}{o, r, perf, cards, percent(r.Share), r.DatasetRule()})
}

// verdict is the badge text and CSS class of a result.
func verdict(st drift.Status, drifted bool) (text, class string) {
	switch {
	case st == drift.StatusError:
		return "error", "na"
	case st != drift.StatusOK:
		return "not enough data", "na"
	case drifted:
		return "drift", "drift"
	default:
		return "no drift", "ok"
	}
}

// perfCard is the performance section of the HTML report.
type perfCard struct {
	*drift.PerformanceResult
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

// plotFont is the one font family of the report: the plots' text uses it
// and the page's CSS names it first.
var plotFont = font.Font{Typeface: "Liberation", Variant: "Sans"}

// histogramSVG draws the reference and current shares per bin as bars side
// by side, as an SVG that scales to its container's width. The legend is
// in the page, above the plot, so that it never covers a bar.
func histogramSVG(c drift.ColumnResult) (string, error) {
	if len(c.RefHist) == 0 {
		return "", nil
	}
	p := plot.New()
	for _, f := range []*font.Font{&p.Title.TextStyle.Font, &p.X.Label.TextStyle.Font, &p.Y.Label.TextStyle.Font,
		&p.X.Tick.Label.Font, &p.Y.Tick.Label.Font, &p.Legend.TextStyle.Font} {
		size := f.Size
		*f = plotFont
		f.Size = size
	}
	p.Y.Label.Text = "share"
	p.Y.Min = 0
	p.Y.Tick.Marker = shareTicks{}
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
	labels := make([]string, len(c.Bins))
	for i, b := range c.Bins {
		if r := []rune(b); len(r) > 22 {
			b = string(r[:21]) + "…"
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
	// Scale with the container: the viewBox keeps the aspect ratio.
	b = svgSize.ReplaceAll(b, []byte(`<svg width="100%" role="img"`))
	return string(b), nil
}

// sparkSVG draws the reference and current shares per bin as a small
// inline bar chart for the summary table (numbers only, so safe as HTML).
func sparkSVG(ref, cur []float64) template.HTML {
	if len(ref) == 0 || len(ref) != len(cur) {
		return ""
	}
	const w, h = 120.0, 26.0
	top := 0.0
	for i := range ref {
		top = math.Max(top, math.Max(ref[i], cur[i]))
	}
	if !(top > 0) {
		return ""
	}
	slot := w / float64(len(ref))
	bar := math.Max(slot/2-0.5, 0.5)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="spark" width="%g" height="%g" viewBox="0 0 %g %g" role="img" aria-label="reference and current shares per bin">`, w, h, w, h)
	for i := range ref {
		for k, v := range []float64{ref[i], cur[i]} {
			bh := h * v / top
			fill := "#4c78a8"
			if k == 1 {
				fill = "#f28e2b"
			}
			fmt.Fprintf(&b, `<rect x="%.2f" y="%.2f" width="%.2f" height="%.2f" fill="%s"/>`, float64(i)*slot+float64(k)*bar, h-bh, bar, bh, fill)
		}
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// svgSize matches the fixed size of the SVG root element.
var svgSize = regexp.MustCompile(`^<svg width="[0-9.]+pt" height="[0-9.]+pt"`)

// shareTicks labels the share axis in plain decimals.
type shareTicks struct{}

func (shareTicks) Ticks(min, max float64) []plot.Tick {
	ticks := plot.DefaultTicks{}.Ticks(min, max)
	for i := range ticks {
		if ticks[i].Label != "" {
			ticks[i].Label = drift.FormatNumber(ticks[i].Value, 3)
		}
	}
	return ticks
}

var reportTmpl = template.Must(template.New("report").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.O.Title}}</title>
<style>
*{box-sizing:border-box}
body{font-family:"Liberation Sans",Arial,Helvetica,sans-serif;margin:0;padding:20px;color:#222;background:#fafafa;font-size:14px;line-height:1.4}
svg text{font-family:"Liberation Sans",Arial,Helvetica,sans-serif!important}
h1{margin:0 0 6px;font-size:22px}h2{font-size:17px;margin:24px 0 8px}h3{margin:0 0 8px;font-size:16px;overflow-wrap:anywhere}
.sub{color:#555;margin:2px 0}.sub b{color:#222;font-weight:600}
.verdict{background:#fff;border:1px solid #ddd;border-left:6px solid #4c9a5b;border-radius:8px;padding:12px 16px;margin:16px 0}
.verdict.drift{border-left-color:#d9534f}.verdict .big{font-size:18px;font-weight:bold}
.tiles{display:flex;flex-wrap:wrap;gap:12px;margin:10px 0 4px}
.tile{background:#f4f4f4;border-radius:6px;padding:6px 12px}.tile b{display:block;font-size:18px}
.scroll{max-width:100%}
table{border-collapse:collapse;width:100%;background:#fff}
.summary th,.summary td{border-bottom:1px solid #e4e4e4;padding:5px 6px;text-align:left;vertical-align:top}
.summary th{background:#f0f0f0;font-weight:600}.summary td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.summary a{color:#1f5fa8;text-decoration:none;overflow-wrap:anywhere}
.card{background:#fff;border:1px solid #ddd;border-left:6px solid #4c9a5b;border-radius:8px;padding:12px 16px;margin:12px 0;display:flex;flex-wrap:wrap;gap:8px 24px;align-items:flex-start}
.card.drift{border-left-color:#d9534f}.card.na{border-left-color:#aaa}
.meta{flex:1 1 260px;min-width:0}.meta td{padding:2px 10px 2px 0;vertical-align:top}.meta td:first-child{color:#666;white-space:nowrap}
.plot{flex:2 1 420px;min-width:0}.plot svg{display:block;width:100%;height:auto}
.spark{display:block}
.legend{display:flex;gap:16px;font-size:13px;margin:0 0 2px}.sw{display:inline-block;width:12px;height:12px;border-radius:2px;margin-right:5px;vertical-align:-1px}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;color:#fff;font-size:12px;background:#4c9a5b;white-space:nowrap}
.badge.drift{background:#d9534f}.badge.na{background:#999}
@media (max-width:760px){.summary .opt{display:none}body{padding:12px}}
</style></head><body>
<h1>{{.O.Title}}</h1>
{{if .O.Model}}<div class="sub">model <b>{{.O.Model}}</b>{{if .O.Version}}, version <b>{{.O.Version}}</b>{{end}}</div>{{end}}
<div class="sub">reference: <b>{{if .O.Reference}}{{.O.Reference}}{{else}}the reference profile{{end}}</b></div>
<div class="sub">current: <b>{{if .O.Current}}{{.O.Current}}{{else}}the current data{{end}}</b></div>
<div class="verdict{{if .R.DatasetDrift}} drift{{end}}">
<div class="big">Dataset drift: {{if .R.DatasetDrift}}detected{{else}}not detected{{end}}</div>
<div>{{.Rule}}</div>
<div class="tiles">
<div class="tile">tested columns<b>{{.R.Tested}}</b></div>
<div class="tile">drifted columns<b>{{.R.Drifted}}</b></div>
<div class="tile">share drifted<b>{{.Share}}</b></div>
</div></div>
{{with .Perf}}<div class="card {{.Class}}"><div class="meta">
<h3>performance: {{.Name}} <span class="badge {{.Class}}">{{.Verdict}}</span></h3>
<table>
<tr><td>metric</td><td>{{.Metric}}</td></tr>
<tr><td>value</td><td>{{.Value}}</td></tr>
<tr><td>reference</td><td>{{.Reference}}</td></tr>
<tr><td>limit</td><td>{{.Limit}}</td></tr>
<tr><td>degradation</td><td>{{.Degradation}}</td></tr>
<tr><td>joined pairs</td><td>{{.Window.Rows}} in this window; {{.Joins.Joined}} joined, {{.Joins.Pending}} pending, {{.Joins.Expired}} expired, {{.Joins.Evicted}} evicted in all</td></tr>
</table></div></div>
{{end}}<h2>Columns</h2>
<div class="scroll"><table class="summary">
<tr><th>column</th><th>type</th><th class="opt">reference / current</th><th>method</th><th>statistic</th><th>threshold</th><th>p-value</th><th>drift</th><th class="opt">missing</th></tr>
{{range .Cards}}<tr><td><a href="#{{.Anchor}}">{{.Column}}</a></td><td>{{.Kind}}</td><td class="opt">{{.Spark}}</td><td>{{.Method}}</td><td class="n">{{.Score}}</td><td class="n">{{.Rule}}</td><td class="n">{{.PValue}}</td><td><span class="badge {{.Class}}">{{.Verdict}}</span></td><td class="opt n">{{.Missing}}</td></tr>
{{end}}</table></div>
<h2>Distributions</h2>
{{range .Cards}}<div class="card {{.Class}}" id="{{.Anchor}}"><div class="meta">
<h3>{{.Column}} <span class="badge {{.Class}}">{{.Verdict}}</span></h3>
<table>
<tr><td>type</td><td>{{.Kind}}</td></tr>
<tr><td>method</td><td>{{.Method}} (drift when {{.Rule}})</td></tr>
<tr><td>statistic</td><td>{{.Score}}</td></tr>
<tr><td>p-value</td><td>{{.PValue}}</td></tr>
<tr><td>values</td><td>{{.RefCount}} reference, {{.CurCount}} current</td></tr>
<tr><td>missing</td><td>{{.Missing}}</td></tr>
{{if .Error}}<tr><td>error</td><td>{{.Error}}</td></tr>{{end}}
{{if .Approx}}<tr><td>note</td><td>from quantile sketches: the statistic may be off by the sketches' rank error; KS p-values allow for it</td></tr>{{end}}
</table></div>
{{if .SVG}}<div class="plot"><div class="legend"><span><span class="sw" style="background:#4c78a8"></span>reference</span><span><span class="sw" style="background:#f28e2b"></span>current</span></div>{{.SVG}}</div>{{end}}</div>
{{end}}</body></html>
`))

// percent writes a share as a percentage with at most one decimal.
func percent(x float64) string {
	return strconv.FormatFloat(math.Round(1000*x)/10, 'f', -1, 64) + "%"
}
