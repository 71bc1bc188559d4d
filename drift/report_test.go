package drift

import (
	"bytes"
	"encoding/json"
	"image"
	_ "image/png"
	"os"
	"os/exec"
	"path/filepath"
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
	if err := rep.WriteHTML(&buf, &HTMLOptions{Title: "Test <drift>", Window: WindowInfo{Seq: 3, Rows: 2000, Start: time.Unix(0, 0).UTC(), End: time.Unix(60, 0).UTC()}}); err != nil {
		t.Fatal(err)
	}
	html := buf.String()
	for _, want := range []string{"<svg", "Test &lt;drift&gt;", "wasserstein", "jensenshannon", "no drift", "reference", "current"} {
		if !strings.Contains(html, want) {
			t.Errorf("HTML lacks %q", want)
		}
	}
	if n := strings.Count(html, "<svg"); n != 25 {
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
	dir := t.TempDir()
	page := filepath.Join(dir, "report.html")
	if err := os.WriteFile(page, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	screenshot(t, page, dir)
}

// screenshot renders page in headless Chromium and checks the image is not
// blank; it skips without Chromium unless LOOM_REQUIRE_BROWSER=1.
func screenshot(t *testing.T, page, dir string) {
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
	png := filepath.Join(dir, "shot.png")
	cmd := exec.Command(bin, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir="+filepath.Join(dir, "profile"), "--screenshot="+png, "--window-size=1280,2400", "file://"+page)
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
