package drift

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html/template"
	"image"
	_ "image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

func shiftedReport(t testing.TB) *Report {
	ref := wideProfile(3000, 1)
	cur := BuildProfile(wideRows(2000, 5, 0.4), wideColumns()[:10], nil)
	same := BuildProfile(wideRows(2000, 6, 0), wideColumns(), nil)
	if err := cur.mergeColumns(same, 10); err != nil {
		t.Fatal(err)
	}
	rep, err := Compare(ref, cur, nil)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func TestReportJSON(t *testing.T) {
	rep := shiftedReport(t)
	var buf bytes.Buffer
	if err := rep.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	var back struct {
		Columns []map[string]any `json:"columns"`
		Drifted int              `json:"drifted_columns"`
	}
	if err := json.Unmarshal(buf.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if back.Drifted != rep.Drifted || len(back.Columns) != 25 {
		t.Fatalf("JSON has %d drifted, %d columns; want %d, 25", back.Drifted, len(back.Columns), rep.Drifted)
	}
	if back.Columns[0]["drifted"] != true {
		t.Errorf("first column in JSON is not drifted: %v", back.Columns[0])
	}
}

func TestReportHTML(t *testing.T) {
	rep := shiftedReport(t)
	var buf bytes.Buffer
	if err := rep.WriteHTML(&buf, &HTMLOptions{Model: "churn <gbdt>", Version: "7", Reference: "training set, November",
		Window: WindowInfo{Seq: 3, Rows: 2000, Start: time.Unix(0, 0).UTC(), End: time.Unix(60, 0).UTC()}}); err != nil {
		t.Fatal(err)
	}
	html := buf.String()
	for _, want := range []string{"<svg", "<title>Data drift: churn &lt;gbdt&gt; 7</title>", "version <b>7</b>",
		"training set, November", "window 3, 2000 rows, 1970-01-01 00:00:00 – 1970-01-01 00:01:00",
		"wasserstein", "jensenshannon", "no drift", "reference", "current", "score ≥ 0.1",
		template.HTMLEscapeString(rep.DatasetRule())} {
		if !strings.Contains(html, want) {
			t.Errorf("HTML lacks %q", want)
		}
	}
	if n := strings.Count(html, `<svg class="spark"`); n != 25 {
		t.Errorf("summary table has %d small charts; want 25", n)
	}
	if n := strings.Count(html, "<svg") - 25; n != 25 {
		t.Errorf("HTML has %d plots; want 25", n)
	}
	for _, bad := range []string{"http://", "https://", "<script"} {
		if strings.Contains(strings.ReplaceAll(html, "http://www.w3.org", ""), bad) {
			t.Errorf("HTML is not self-contained: contains %q", bad)
		}
	}
	first, last := strings.Index(html, "x00"), strings.Index(html, "c4")
	if first < 0 || last < 0 || first > last {
		t.Errorf("drifted column x00 is not listed before stable c4")
	}
	if s, c := strings.Index(html, `class="summary"`), strings.Index(html, "<svg"); s < 0 || s > c {
		t.Errorf("the summary table is not above the charts")
	}
	if n := strings.Count(html, `<tr><td><a href="#col-`); n != 25 {
		t.Errorf("summary table has %d rows; want 25", n)
	}
	if strings.Contains(html, "Serif") {
		t.Errorf("HTML uses a second font family (Serif)")
	}
	for _, c := range rep.Columns {
		for _, b := range c.Bins {
			if c.Kind == "numeric" && regexp.MustCompile(`[0-9][eE][-+]?[0-9]`).MatchString(b) {
				t.Errorf("column %s: bin label %q uses scientific notation", c.Column, b)
			}
		}
	}
	dir := t.TempDir()
	page := filepath.Join(dir, "report.html")
	if err := os.WriteFile(page, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	screenshot(t, page, dir)
	for _, width := range []int{700, 1200} {
		if over := overflow(t, buf.Bytes(), dir, width); over != "" {
			t.Errorf("at %d px wide: %s", width, over)
		}
	}
}

// chromium returns the Chromium binary, skipping the test without one
// unless LOOM_REQUIRE_BROWSER=1.
func chromium(t *testing.T) string {
	bin, err := exec.LookPath("chromium")
	if err != nil {
		bin = "/usr/bin/chromium"
	}
	if _, err := os.Stat(bin); err != nil {
		if os.Getenv("LOOM_REQUIRE_BROWSER") == "1" {
			t.Fatal("chromium not found and LOOM_REQUIRE_BROWSER=1")
		}
		t.Skip("chromium not installed")
	}
	return bin
}

func chromiumArgs(dir string, extra ...string) []string {
	return append([]string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir=" + filepath.Join(dir, "profile")}, extra...)
}

// overflow lays out the page in headless Chromium at the given width and
// returns what sticks out of the window (the page scrolling sideways, or
// an element whose right edge is beyond it), or "" when nothing does. The
// probe script goes into a copy of the page only: the report has none.
func overflow(t *testing.T, page []byte, dir string, width int) string {
	bin := chromium(t)
	probe := `<script>(function(){var W=document.documentElement.clientWidth,out=[];
if(document.documentElement.scrollWidth>W)out.push("page scrolls sideways: "+document.documentElement.scrollWidth+" > "+W);
document.querySelectorAll("body *").forEach(function(e){var r=e.getBoundingClientRect();
if(r.width>0&&r.right>W+1&&out.length<5)out.push(e.tagName+"."+e.className+" ends at "+Math.round(r.right)+" > "+W)});
document.body.setAttribute("data-overflow",out.length?out.join("; "):"none")})()</script></body>`
	p := filepath.Join(dir, fmt.Sprintf("probe%d.html", width))
	if err := os.WriteFile(p, bytes.Replace(page, []byte("</body>"), []byte(probe), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, chromiumArgs(dir, fmt.Sprintf("--window-size=%d,1000", width), "--dump-dom", "file://"+p)...)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("chromium: %v", err)
	}
	m := regexp.MustCompile(`data-overflow="([^"]*)"`).FindSubmatch(out)
	if m == nil {
		t.Fatalf("chromium at %d px: probe did not run; DOM starts %.200s", width, out)
	}
	if string(m[1]) == "none" {
		return ""
	}
	return string(m[1])
}

// screenshot renders page in headless Chromium and checks the image is not
// blank; it skips without Chromium unless LOOM_REQUIRE_BROWSER=1.
func screenshot(t *testing.T, page, dir string) {
	bin := chromium(t)
	png := filepath.Join(dir, "shot.png")
	cmd := exec.Command(bin, chromiumArgs(dir, "--screenshot="+png, "--window-size=1280,2400", "file://"+page)...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("chromium: %v\n%s", err, out)
	}
	f, err := os.Open(png)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, _, err := image.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	colors := map[uint32]int{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y += 7 {
		for x := b.Min.X; x < b.Max.X; x += 7 {
			r, g, bl, _ := img.At(x, y).RGBA()
			colors[(r>>11)<<10|(g>>11)<<5|bl>>11]++
		}
	}
	if len(colors) < 8 {
		t.Errorf("screenshot looks blank: %d distinct colours", len(colors))
	}
	if keep := os.Getenv("LOOM_KEEP_SCREENSHOT"); keep != "" {
		data, _ := os.ReadFile(png)
		_ = os.WriteFile(keep, data, 0o644)
	}
}
