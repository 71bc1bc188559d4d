package drifthtml_test

import (
	"bytes"
	"fmt"
	"html/template"
	"math"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/loomml/loom/drift"
	"github.com/loomml/loom/drift/drifthtml"
	"github.com/loomml/loom/internal/browsertest"
)

// wide is a row of 20 numeric and 5 categorical columns.
type wide struct {
	Num [20]float64
	Cat [5]string
}

func wideColumns() []drift.Column[wide] {
	var cols []drift.Column[wide]
	for i := range 20 {
		cols = append(cols, drift.Float(fmt.Sprintf("x%02d", i), func(r *wide) (float64, bool) { return r.Num[i], true }))
	}
	for i := range 5 {
		cols = append(cols, drift.String(fmt.Sprintf("c%d", i), func(r *wide) (string, bool) { return r.Cat[i], true }))
	}
	return cols
}

// wideRows returns n seeded rows; the first `shifted` numeric columns move
// by shift.
func wideRows(n int, seed uint64, shift float64, shifted int) []wide {
	r := rand.New(rand.NewPCG(seed, 99))
	levels := []string{"a", "b", "c", "d"}
	rows := make([]wide, n)
	for i := range rows {
		for j := range rows[i].Num {
			rows[i].Num[j] = r.NormFloat64()
			if j < shifted {
				rows[i].Num[j] += shift
			}
		}
		for j := range rows[i].Cat {
			rows[i].Cat[j] = levels[r.IntN(len(levels))]
		}
	}
	return rows
}

// shiftedReport compares 3,000 reference rows with 2,000 current ones
// whose first 10 columns moved by 0.4 standard deviations.
func shiftedReport(t testing.TB) *drift.Report {
	ref := drift.BuildProfile(wideRows(3000, 1, 0, 0), wideColumns(), nil)
	cur := drift.BuildProfile(wideRows(2000, 5, 0.4, 10), wideColumns(), nil)
	rep, err := drift.Compare(ref, cur, nil)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func TestWrite(t *testing.T) {
	rep := shiftedReport(t)
	var buf bytes.Buffer
	if err := drifthtml.Write(&buf, rep, &drifthtml.Options{Model: "churn <gbdt>", Version: "7", Reference: "training set, November",
		Window: drift.WindowInfo{Seq: 3, Rows: 2000, Start: time.Unix(0, 0).UTC(), End: time.Unix(60, 0).UTC()}}); err != nil {
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
	_, img := browsertest.Render(t, html, 1280, 2400)
	if colours, _ := browsertest.Ink(img); colours < 8 {
		t.Errorf("screenshot looks blank: %d distinct colours", colours)
	}
	for _, width := range []int{700, 1200} {
		if over := browsertest.Overflow(t, html, width); over != "" {
			t.Errorf("at %d px wide: %s", width, over)
		}
	}
}

func TestWritePerformance(t *testing.T) {
	rep := shiftedReport(t)
	rep.Performance = &drift.PerformanceResult{Name: "churn", Metric: drift.Accuracy, Status: drift.StatusOK,
		Value: 0.25, Reference: 0.9, Limit: 0.8, Degradation: 0.65, Drifted: true}
	var page bytes.Buffer
	if err := drifthtml.Write(&page, rep, nil); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"performance: churn", "accuracy", "0.2500", "0.8000", "drift"} {
		if !strings.Contains(page.String(), want) {
			t.Errorf("HTML lacks %q", want)
		}
	}
	rep.Performance.Value = math.NaN()
	if err := drifthtml.Write(&bytes.Buffer{}, rep, nil); err != nil {
		t.Fatalf("Write with an undefined performance value: %v", err)
	}
}

// Write renders a drift comparison as one self-contained HTML page: the
// verdict with its rule, a summary table of every column, then a card and
// a chart per column.
func ExampleWrite() {
	ref := drift.BuildProfile(wideRows(3000, 1, 0, 0), wideColumns()[:3], nil)
	live := drift.BuildProfile(wideRows(2000, 2, 1, 1), wideColumns()[:3], nil)
	rep, _ := drift.Compare(ref, live, nil)
	var page bytes.Buffer // os.Create("drift.html") in a real program
	if err := drifthtml.Write(&page, rep, &drifthtml.Options{Model: "churn", Version: "3"}); err != nil {
		panic(err)
	}
	fmt.Println(strings.Count(page.String(), `<svg class="spark"`), "summary charts,", strings.Count(page.String(), "<svg")-3, "column charts")
	fmt.Println(rep.DatasetRule())
	// Output:
	// 3 summary charts, 3 column charts
	// Dataset drift is declared when at least 50% of the tested columns drift: 1 of 3 drifted (33.3%), so the dataset does not drift.
}
