package forest_test

import (
	"context"
	"math"
	"testing"

	"github.com/loomml/loom/train"
	"github.com/loomml/loom/train/forest"
)

// TestOOB checks the out-of-bag estimate by hand on a forest of two
// trees: rows drawn by both trees have no prediction (NaN), the others
// the mean over the trees that did not draw them, and Score is the
// accuracy over the rows with one.
func TestOOB(t *testing.T) {
	d := load(t, "iris").train
	m, oob, err := forest.Classifier{ForestOptions: forest.ForestOptions{Trees: 2}}.FitOOB(context.Background(), d)
	if err != nil {
		t.Fatal(err)
	}
	n, _ := d.Dims()
	if r, c := oob.Predictions.Dims(); r != n || c != 3 {
		t.Fatalf("predictions %d×%d; want %d×3", r, c, n)
	}
	rows, hits, missing := 0, 0, 0
	for i := range n {
		row := oob.Predictions.RawRowView(i)
		if math.IsNaN(row[0]) {
			missing++
			continue
		}
		rows++
		sum, best := 0.0, 0
		for c, v := range row {
			sum += v
			if v > row[best] {
				best = c
			}
		}
		if math.Abs(sum-1) > 1e-12 {
			t.Fatalf("row %d: OOB probabilities %v sum to %v", i, row, sum)
		}
		if float64(best) == d.Y[i] { // iris labels are 0, 1, 2
			hits++
		}
	}
	if missing == 0 || rows == 0 || oob.Rows != rows {
		t.Fatalf("%d rows with an OOB prediction (OOB says %d), %d without", rows, oob.Rows, missing)
	}
	if want := float64(hits) / float64(rows); oob.Score != want {
		t.Errorf("Score %v; want %v", oob.Score, want)
	}
	_ = m.(train.Classifier)
	// Regression: R² over the rows with a prediction.
	dr := load(t, "diabetes").train
	_, ro, err := forest.Regressor{ForestOptions: forest.ForestOptions{Trees: 30}}.FitOOB(context.Background(), dr)
	if err != nil {
		t.Fatal(err)
	}
	if ro.Rows != len(dr.Y) || !(ro.Score > 0.2 && ro.Score < 0.7) {
		t.Errorf("regression OOB: %d rows of %d, R² %v", ro.Rows, len(dr.Y), ro.Score)
	}
}
