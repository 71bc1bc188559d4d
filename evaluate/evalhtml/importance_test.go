package evalhtml_test

import (
	"bytes"
	"context"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/loomml/loom/evaluate"
	"github.com/loomml/loom/evaluate/evalhtml"
	"github.com/loomml/loom/internal/browsertest"
)

// permutationImportances measures a model that scores by 3·a + b on
// columns a, b and noise.
func permutationImportances(t testing.TB) *evaluate.Importances {
	n := 500
	X := make([][3]float64, n)
	labels := make([]int, n)
	for i := range X {
		X[i] = [3]float64{math.Sin(float64(i)), math.Cos(float64(3 * i)), math.Sin(float64(7 * i))}
		if 3*X[i][0]+X[i][1] > 0.3 {
			labels[i] = 1
		}
	}
	imp, err := evaluate.PermutationImportance(context.Background(), []string{"tenure", "plan", "noise"}, n, "roc_auc", true,
		func(_ context.Context, col int, perm []int) (float64, error) {
			s := make([]float64, n)
			for i, x := range X {
				if col >= 0 {
					x[col] = X[perm[i]][col]
				}
				s[i] = 1 / (1 + math.Exp(-(3*x[0] + x[1])))
			}
			return evaluate.Compute(&evaluate.Predictions{Labels: labels, Scores: s}, "roc_auc")
		}, &evaluate.PermutationOptions{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	return imp
}

func TestWriteImportances(t *testing.T) {
	for _, c := range []struct {
		name string
		imp  *evaluate.Importances
		want []string
	}{
		{"permutation", permutationImportances(t), []string{"Permutation importance (roc_auc, 5 repeats)", "shuffled", "Interval"}},
		{"gain", evaluate.NewImportances(evaluate.MethodGain, []string{"tenure", "plan", "noise"}, []float64{0.7, 0.25, 0.05}), []string{"Split gain importance", "loss reduction"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := sampleReport(t)
			r.Importances = c.imp
			var buf bytes.Buffer
			if err := evalhtml.Write(&buf, r); err != nil {
				t.Fatal(err)
			}
			html := buf.String()
			for _, want := range append(c.want, "Importance of the columns", "tenure", "plan", "noise") {
				if !strings.Contains(html, want) {
					t.Errorf("HTML report lacks %q", want)
				}
			}
			if strings.Contains(html, "NaN") {
				t.Error("HTML report contains NaN")
			}
			if n := strings.Count(html, "<svg"); n != 5 {
				t.Errorf("HTML report has %d plots; want 5 (the importance chart added)", n)
			}
			// tenure, the most important, comes first in the table.
			if i, j := strings.Index(html, "<td><b>tenure</b>"), strings.Index(html, "<td><b>noise</b>"); i < 0 || j < i {
				t.Errorf("table order: tenure at %d, noise at %d", i, j)
			}
			if c.name != "permutation" {
				return // one browser rendering is enough: it is the slow part
			}
			data, img := browsertest.Render(t, html, 1280, 3600)
			if colours, dark := browsertest.Ink(img); colours < 50 || dark < 2000 {
				t.Errorf("screenshot looks blank: %d colours, %d dark samples", colours, dark)
			}
			if *screenshot {
				if err := os.WriteFile("testdata/importance.png", data, 0o644); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}
