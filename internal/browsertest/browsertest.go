// Package browsertest renders HTML pages in headless Chromium for tests:
// the reports of packages evaluate/evalhtml and drift are checked as a
// browser shows them, not only as text.
package browsertest

import (
	"bytes"
	"context"
	"image"
	"image/color"
	_ "image/png" // screenshots
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// Render renders html at width × height pixels in headless Chromium and
// returns the screenshot's PNG bytes and image. It skips the test when
// Chromium is absent, unless the environment sets LOOM_REQUIRE_BROWSER=1,
// when it fails instead.
func Render(t testing.TB, html string, width, height int) ([]byte, image.Image) {
	t.Helper()
	browser := chromium(t)
	dir := t.TempDir()
	page := filepath.Join(dir, "page.html")
	if err := os.WriteFile(page, []byte(html), 0o644); err != nil {
		t.Fatal(err)
	}
	shot := filepath.Join(dir, "page.png")
	if out, err := run(browser, dir, "--hide-scrollbars", "--screenshot="+shot, "--window-size="+itoa(width)+","+itoa(height), "file://"+page); err != nil {
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
	if b := img.Bounds(); b.Dx() != width || b.Dy() != height {
		t.Errorf("screenshot is %v; want %d×%d", b, width, height)
	}
	return data, img
}

// Ink counts, over a grid of every third pixel, the distinct colours and
// the samples darker than the near-white background: a rendered report
// has many of both, a blank page almost none.
func Ink(img image.Image) (colours, dark int) {
	seen := map[color.RGBA]bool{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y += 3 {
		for x := b.Min.X; x < b.Max.X; x += 3 {
			r, g, bb, _ := img.At(x, y).RGBA()
			c := color.RGBA{uint8(r >> 8), uint8(g >> 8), uint8(bb >> 8), 255}
			seen[c] = true
			if c.R < 200 || c.G < 200 || c.B < 200 {
				dark++
			}
		}
	}
	return len(seen), dark
}

func itoa(n int) string {
	var b [20]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			return string(b[i:])
		}
	}
}

// Overflow lays html out in headless Chromium at the given width and
// returns what sticks out of the window (the page scrolling sideways, or an
// element whose right edge is beyond it), or "" when nothing does. The
// probe script goes into a copy of the page only. It skips like Render.
func Overflow(t testing.TB, html string, width int) string {
	t.Helper()
	browser := chromium(t)
	probe := `<script>(function(){var W=document.documentElement.clientWidth,out=[];
if(document.documentElement.scrollWidth>W)out.push("page scrolls sideways: "+document.documentElement.scrollWidth+" > "+W);
document.querySelectorAll("body *").forEach(function(e){var r=e.getBoundingClientRect();
if(r.width>0&&r.right>W+1&&out.length<5)out.push(e.tagName+"."+e.className+" ends at "+Math.round(r.right)+" > "+W)});
document.body.setAttribute("data-overflow",out.length?out.join("; "):"none")})()</script></body>`
	dir := t.TempDir()
	p := filepath.Join(dir, "probe.html")
	if err := os.WriteFile(p, []byte(strings.Replace(html, "</body>", probe, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := run(browser, dir, "--window-size="+itoa(width)+",1000", "--dump-dom", "file://"+p)
	if err != nil {
		t.Fatalf("chromium: %v", err)
	}
	m := regexp.MustCompile(`data-overflow="([^"]*)"`).FindSubmatch(out)
	if m == nil {
		t.Fatalf("chromium at %d px: the probe did not run; the DOM starts %.200s", width, out)
	}
	if string(m[1]) == "none" {
		return ""
	}
	return string(m[1])
}

// chromium returns the browser's path, skipping the test when there is
// none unless LOOM_REQUIRE_BROWSER=1.
func chromium(t testing.TB) string {
	t.Helper()
	browser, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("LOOM_REQUIRE_BROWSER") == "1" {
			t.Fatal("chromium not found and LOOM_REQUIRE_BROWSER=1")
		}
		t.Skip("chromium not installed")
	}
	return browser
}

// run runs headless Chromium with a fresh profile under dir and returns
// its standard output (or, on failure, its combined output). Without
// background networking it makes no connection on a closed network.
func run(browser, dir string, args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, browser, append([]string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
		"--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir=" + filepath.Join(dir, "profile")}, args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return append(out, stderr.Bytes()...), err
	}
	return out, nil
}
