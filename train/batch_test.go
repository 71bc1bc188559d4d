package train_test

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/loomml/loom/train"
)

// TestPredictBatchLarge checks the blocked, parallel batch path of the
// logistic model against Predict and PredictProba row by row, bit for bit,
// on matrices of several blocks, on a strided view and on a matrix without
// raw storage, whatever GOMAXPROCS is.
func TestPredictBatchLarge(t *testing.T) {
	for _, k := range []int{2, 3} {
		d := synthetic(2000, 7, k, 5)
		m, err := train.LogisticRegression{}.Fit(context.Background(), d)
		if err != nil {
			t.Fatal(err)
		}
		clf := m.(train.Classifier)
		big := synthetic(34000, 7, k, 6).X
		views := []struct {
			name string
			X    mat.Matrix
		}{
			{"dense", big},
			{"view", big.Slice(3, 33900, 0, 7)},
			{"no raw storage", mat.Transpose{Matrix: big.Slice(0, 20000, 0, 7).T()}},
		}
		for _, v := range views {
			for _, procs := range []int{1, 2} {
				t.Run(fmt.Sprintf("classes=%d/%s/procs=%d", k, v.name, procs), func(t *testing.T) {
					defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
					n, p := v.X.Dims()
					pred := train.PredictBatch(make([]float64, 5), clf, v.X)
					proba := train.PredictProbaBatch(nil, clf, v.X)
					if len(pred) != n {
						t.Fatalf("PredictBatch returned %d rows; want %d", len(pred), n)
					}
					row, want := make([]float64, p), make([]float64, k)
					for i := range n {
						mat.Row(row, i, v.X)
						if got, w := pred[i], clf.Predict(row); got != w {
							t.Fatalf("PredictBatch[%d] = %v; want %v", i, got, w)
						}
						clf.PredictProba(want, row)
						for j := range k {
							if got := proba.At(i, j); math.Float64bits(got) != math.Float64bits(want[j]) {
								t.Fatalf("PredictProbaBatch(%d, %d) = %v; want %v", i, j, got, want[j])
							}
						}
					}
				})
			}
		}
	}
}

func TestPredictProbaBatchShape(t *testing.T) {
	d := synthetic(500, 4, 2, 7)
	m, err := train.LogisticRegression{}.Fit(context.Background(), d)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		fn   func()
	}{
		{"dst rows", func() { train.PredictProbaBatch(mat.NewDense(3, 2, nil), m.(train.Classifier), d.X) }},
		{"width", func() { train.PredictProbaBatch(nil, m.(train.Classifier), d.X.Slice(0, 10, 0, 3)) }},
		{"method width", func() { m.(*train.LogisticModel).PredictProbaBatch(nil, d.X.Slice(0, 10, 0, 3)) }},
		{"method dst", func() { m.(*train.LogisticModel).PredictProbaBatch(mat.NewDense(3, 3, nil), d.X) }},
		{"predict width", func() { m.(*train.LogisticModel).PredictBatch(nil, d.X.Slice(0, 10, 0, 2)) }},
	}
	for _, tt := range tests {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", tt.name)
				}
			}()
			tt.fn()
		}()
	}
}

// TestPredictBatchDoesNotAllocate checks that a batch of one block (up to
// 16,384 rows), scored on the calling goroutine into a dst of the right
// size, allocates nothing.
func TestPredictBatchDoesNotAllocate(t *testing.T) {
	for _, k := range []int{2, 3} {
		d := synthetic(1000, 30, k, 9)
		m := fitLogistic(t, train.LogisticRegression{}, d)
		pred, proba := make([]float64, 1000), mat.NewDense(1000, k, nil)
		if a := testing.AllocsPerRun(20, func() { train.PredictBatch(pred, m, d.X) }); a != 0 {
			t.Errorf("classes=%d: PredictBatch allocates %v times; want 0", k, a)
		}
		if a := testing.AllocsPerRun(20, func() { train.PredictProbaBatch(proba, m, d.X) }); a != 0 {
			t.Errorf("classes=%d: PredictProbaBatch allocates %v times; want 0", k, a)
		}
	}
}
