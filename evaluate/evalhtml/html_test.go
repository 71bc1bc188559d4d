package evalhtml_test

import (
	"bytes"
	"context"
	"flag"
	"math"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"github.com/loomml/loom/evaluate"
	"github.com/loomml/loom/evaluate/evalhtml"
	"github.com/loomml/loom/internal/browsertest"
)

var screenshot = flag.Bool("screenshot", false, "save the headless-Chromium screenshot of the HTML report under testdata/")

// sampleReport is a report with every section: intervals, a baseline,
// slices and gates.
func sampleReport(t testing.TB) *evaluate.Report {
	rng := rand.New(rand.NewPCG(7, 1))
	regions := []string{"north", "south", "east", "west"}
	n := 3000
	labels, cand, champ, groups := make([]int, n), make([]float64, n), make([]float64, n), make([]string, n)
	for i := range n {
		g := rng.IntN(len(regions))
		groups[i] = regions[g]
		x := rng.NormFloat64()
		if rng.Float64() < 1/(1+math.Exp(-(2*x-1))) {
			labels[i] = 1
		}
		cand[i] = 1 / (1 + math.Exp(-(2*x - 1 + (0.6+0.3*float64(g))*rng.NormFloat64())))
		champ[i] = 1 / (1 + math.Exp(-(1.2*x - 0.8 + 1.2*rng.NormFloat64())))
	}
	gates, err := evaluate.ParseGates([]byte(`[
		{"metric": "roc_auc", "kind": "absolute", "op": ">=", "value": 0.85},
		{"metric": "log_loss", "kind": "relative", "op": "<=", "value": 0.01},
		{"metric": "recall", "kind": "slice", "op": ">=", "value": 0.6}
	]`))
	if err != nil {
		t.Fatal(err)
	}
	r, err := evaluate.NewReport(context.Background(), &evaluate.Predictions{Labels: labels, Scores: cand}, &evaluate.ReportOptions{
		Title: "Churn model evaluation", Model: "challenger", Bootstrap: &evaluate.BootstrapOptions{Resamples: 100, Seed: 1},
		Groups: groups, GroupName: "region", Baseline: &evaluate.Predictions{Labels: labels, Scores: champ}, BaselineName: "champion", Gates: gates,
	})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestWrite(t *testing.T) {
	var buf bytes.Buffer
	if err := evalhtml.Write(&buf, sampleReport(t)); err != nil {
		t.Fatal(err)
	}
	html := buf.String()
	for _, want := range []string{"<svg", "ROC curve", "Precision-recall curve", "Calibration", "Confusion matrix",
		"Comparison with champion", "Slices by region", "Verdict", "roc_auc &gt;= 0.85", "McNemar"} {
		if !strings.Contains(html, want) {
			t.Errorf("HTML report lacks %q", want)
		}
	}
	for _, banned := range []string{"<script", "src=", "href=", "url(", "<link", "@import", "NaN"} {
		if strings.Contains(html, banned) {
			t.Errorf("HTML report contains %q; want a self-contained page without scripts", banned)
		}
	}
	if n := strings.Count(html, "<svg"); n != 4 {
		t.Errorf("HTML report has %d plots; want 4", n)
	}
	data, img := browsertest.Render(t, html, 1280, 2400)
	if colours, dark := browsertest.Ink(img); colours < 50 || dark < 2000 {
		t.Errorf("screenshot looks blank: %d colours, %d dark samples", colours, dark)
	}
	if *screenshot {
		os.MkdirAll("testdata", 0o755)
		if err := os.WriteFile("testdata/report.png", data, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile("testdata/report.html", []byte(html), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
