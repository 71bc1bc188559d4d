package evalhtml

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"math"
	"strings"

	"github.com/loomml/loom/evaluate"
)

//go:embed report.html.tmpl
var reportTemplate string

var reportTmpl = template.Must(template.New("report").Funcs(template.FuncMap{
	"num":   fmtNum,
	"delta": fmtDelta,
	"pct":   func(v float64) string { return fmt.Sprintf("%.0f%%", 100*v) },
	"ptr": func(v *float64) string {
		if v == nil {
			return "—"
		}
		return fmtNum(*v)
	},
	"describe": func(name string) string {
		m, _ := evaluate.Metric(name)
		return m.Doc
	},
	"lossnote": func(name string) string {
		m, err := evaluate.Metric(name)
		switch {
		case err == nil && m.Descriptive:
			return "descriptive"
		case err == nil && !m.HigherIsBetter:
			return "lower is better"
		}
		return "higher is better"
	},
	"sliceval": func(s evaluate.Slice, metric string) string { return fmtNum(s.Value(metric)) },
}).Parse(reportTemplate))

// fmtNum formats a metric for people: four decimals, or "undefined".
func fmtNum(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "undefined"
	}
	return fmt.Sprintf("%.4f", v)
}

func fmtDelta(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "undefined"
	}
	return fmt.Sprintf("%+.4f", v)
}

type htmlView struct {
	*evaluate.Report
	ROCSVG, PRSVG, CalibrationSVG, ConfusionSVG template.HTML
	ImportanceSVG                               template.HTML
	SliceMetrics                                []string
}

// Write writes r to w as one self-contained HTML page. It shows the
// verdict first, then the metric table with intervals, the ROC,
// precision-recall, calibration and confusion-matrix plots, the comparison
// with the baseline, the slice table and the importances of the columns
// (a bar chart with their intervals and a table), as present in the
// report.
func Write(w io.Writer, r *evaluate.Report) error {
	v := htmlView{Report: r}
	var err error
	if r.ROC != nil {
		if v.ROCSVG, err = inline(rocPlot(r)); err != nil {
			return err
		}
	}
	if v.PRSVG, err = inline(prPlot(r)); err != nil {
		return err
	}
	if v.CalibrationSVG, err = inline(calibrationPlot(r)); err != nil {
		return err
	}
	if v.ConfusionSVG, err = inline(confusionPlot(r)); err != nil {
		return err
	}
	if r.Importances != nil && len(r.Importances.Columns) > 0 {
		if v.ImportanceSVG, err = inline(importancePlot(r.Importances)); err != nil {
			return err
		}
	}
	if r.Slices != nil && len(r.Slices.Slices) > 0 {
		// At most six metric columns keep the table readable.
		for _, m := range r.Slices.Slices[0].Metrics {
			switch m.Metric {
			case "roc_auc", "accuracy", "precision", "recall", "f1", "selection_rate", "log_loss":
				v.SliceMetrics = append(v.SliceMetrics, m.Metric)
			}
		}
	}
	if err := reportTmpl.Execute(w, v); err != nil {
		return fmt.Errorf("evalhtml: writing the HTML report: %w", err)
	}
	return nil
}

// inline marks SVG drawn by this package as safe HTML: it contains only
// numbers and text that vgsvg escapes.
func inline(s string, err error) (template.HTML, error) {
	if err != nil {
		return "", fmt.Errorf("evalhtml: drawing a plot: %w", err)
	}
	return template.HTML(strings.TrimSpace(s)), nil
}
