package evaluate

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"image"
	"image/color"
	_ "image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

var screenshot = flag.Bool("screenshot", false, "save the headless-Chromium screenshot of the HTML report under testdata/")

// sampleReport is built once and shared by the report tests.
func sampleReport(t testing.TB) *Report {
	t.Helper()
	r, err := sampleReportOnce()
	if err != nil {
		t.Fatal(err)
	}
	return r
}

var sampleReportOnce = sync.OnceValues(func() (*Report, error) {
	labels, cand, champ, groups := synthetic(3000, 7)
	gates, err := ParseGates([]byte(`[
		{"metric": "roc_auc", "kind": "absolute", "op": ">=", "value": 0.85},
		{"metric": "log_loss", "kind": "relative", "op": "<=", "value": 0.01},
		{"metric": "recall", "kind": "slice", "op": ">=", "value": 0.6},
		{"metric": "ece", "kind": "absolute", "op": "<=", "value": 0.05}
	]`))
	if err != nil {
		return nil, err
	}
	return NewReport(context.Background(), &Predictions{Labels: labels, Scores: cand}, &ReportOptions{
		Title:        "Churn model evaluation",
		Model:        "challenger",
		Bootstrap:    &BootstrapOptions{Resamples: 100, Seed: 1},
		Groups:       groups,
		GroupName:    "region",
		Baseline:     &Predictions{Labels: labels, Scores: champ},
		BaselineName: "champion",
		Gates:        gates,
	})
})

func TestReportHTML(t *testing.T) {
	r := sampleReport(t)
	var buf bytes.Buffer
	if err := r.WriteHTML(&buf); err != nil {
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
	renderInBrowser(t, html)
}

// renderInBrowser renders the page with headless Chromium and checks that
// the screenshot is not blank. It skips when Chromium is absent, unless
// LOOM_REQUIRE_BROWSER=1.
func renderInBrowser(t *testing.T, html string) {
	browser, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("LOOM_REQUIRE_BROWSER") == "1" {
			t.Fatal("chromium not found and LOOM_REQUIRE_BROWSER=1")
		}
		t.Skip("chromium not installed")
	}
	dir := t.TempDir()
	page := filepath.Join(dir, "report.html")
	if err := os.WriteFile(page, []byte(html), 0o644); err != nil {
		t.Fatal(err)
	}
	shot := filepath.Join(dir, "report.png")
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
		"--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--hide-scrollbars", "--user-data-dir="+filepath.Join(dir, "profile"), "--screenshot="+shot,
		"--window-size=1280,2400", "file://"+page)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("chromium: %v\n%s", err, out)
	}
	data, err := os.ReadFile(shot)
	if err != nil {
		t.Fatalf("no screenshot: %v", err)
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	if b := img.Bounds(); b.Dx() != 1280 || b.Dy() != 2400 {
		t.Errorf("screenshot is %v; want 1280×2400", b)
	}
	// A rendered report has text, plots and coloured badges: many
	// distinct colours and a good share of non-background pixels.
	colours := map[color.RGBA]bool{}
	ink := 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y += 3 {
		for x := b.Min.X; x < b.Max.X; x += 3 {
			r, g, bb, _ := img.At(x, y).RGBA()
			c := color.RGBA{uint8(r >> 8), uint8(g >> 8), uint8(bb >> 8), 255}
			colours[c] = true
			if c.R < 200 || c.G < 200 || c.B < 200 {
				ink++
			}
		}
	}
	if len(colours) < 50 || ink < 2000 {
		t.Errorf("screenshot looks blank: %d colours, %d dark samples", len(colours), ink)
	}
	if *screenshot {
		if err := os.WriteFile("testdata/report.png", data, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile("testdata/report.html", []byte(html), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestReportJSON(t *testing.T) {
	r := sampleReport(t)
	var buf bytes.Buffer
	if err := r.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	var back Report
	if err := json.Unmarshal(buf.Bytes(), &back); err != nil {
		t.Fatalf("report JSON does not read back: %v", err)
	}
	if back.Examples != r.Examples || len(back.Metrics) != len(r.Metrics) || back.Verdict.Pass != r.Verdict.Pass {
		t.Errorf("report JSON round trip changed the report")
	}
	if strings.Contains(buf.String(), "NaN") {
		t.Error("report JSON contains NaN")
	}
}
