package evalhtml_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/loomml/loom/evaluate"
	"github.com/loomml/loom/evaluate/evalhtml"
)

// Write renders an evaluation report as one self-contained HTML page.
func ExampleWrite() {
	p := &evaluate.Predictions{
		Labels: []int{1, 0, 1, 1, 0, 1, 0, 0, 1, 0},
		Scores: []float64{0.9, 0.2, 0.4, 0.8, 0.6, 0.7, 0.1, 0.3, 0.65, 0.35},
	}
	r, err := evaluate.NewReport(context.Background(), p, &evaluate.ReportOptions{Title: "Churn model", Metrics: []string{"roc_auc", "accuracy"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	dir, _ := os.MkdirTemp("", "report")
	defer os.RemoveAll(dir)
	f, _ := os.Create(filepath.Join(dir, "report.html"))
	defer f.Close()
	if err := evalhtml.Write(f, r); err != nil {
		fmt.Println(err)
		return
	}
	info, _ := f.Stat()
	fmt.Println("wrote report.html:", info.Size() > 10000)
	// Output: wrote report.html: true
}
