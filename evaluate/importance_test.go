package evaluate

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"go.uber.org/goleak"
)

// importanceFixture is n examples of three columns: x0 decides the label,
// x1 helps a little, x2 is noise the model ignores; score is the roc_auc
// of the model 3·x0 + x1 with one column shuffled.
func importanceFixture(n int) ([]string, Permuted) {
	rng := rand.New(rand.NewPCG(5, 5))
	X := make([][3]float64, n)
	labels := make([]int, n)
	for i := range X {
		for j := range X[i] {
			X[i][j] = rng.NormFloat64()
		}
		if 3*X[i][0]+X[i][1]+rng.NormFloat64() > 0 {
			labels[i] = 1
		}
	}
	score := func(ctx context.Context, col int, perm []int) (float64, error) {
		s := make([]float64, n)
		for i, x := range X {
			if col >= 0 {
				x[col] = X[perm[i]][col]
			}
			s[i] = 1 / (1 + math.Exp(-(3*x[0] + x[1])))
		}
		return Compute(&Predictions{Labels: labels, Scores: s}, "roc_auc")
	}
	return []string{"x0", "x1", "x2"}, score
}

func TestPermutationImportance(t *testing.T) {
	defer goleak.VerifyNone(t)
	cols, score := importanceFixture(400)
	imp, err := PermutationImportance(context.Background(), cols, 400, "roc_auc", true, score, &PermutationOptions{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if got := []string{imp.Columns[0].Column, imp.Columns[1].Column, imp.Columns[2].Column}; got[0] != "x0" || got[1] != "x1" || got[2] != "x2" {
		t.Fatalf("order %v; want [x0 x1 x2]", got)
	}
	if x2 := imp.Get("x2"); x2.Value != 0 || x2.Std != 0 || x2.Lower != 0 || x2.Upper != 0 {
		t.Errorf("noise column: %+v; want exactly 0 (the model ignores it)", *x2)
	}
	x0 := imp.Get("x0")
	if !(x0.Value > 0.2 && x0.Lower < x0.Value && x0.Value < x0.Upper && x0.Lower > 0) {
		t.Errorf("informative column: %+v; want a large drop with an interval around it above 0", *x0)
	}
	if imp.Repeats != 5 || len(x0.Drops) != 5 || imp.Level != 0.95 || imp.Method != MethodPermutation {
		t.Errorf("defaults: %+v", imp)
	}
	if imp.Baseline < 0.9 {
		t.Errorf("baseline roc_auc %v; want the model's good score", imp.Baseline)
	}
}

// TestPermutationImportanceWorkers checks that the importances are
// bit-identical whatever the number of workers.
func TestPermutationImportanceWorkers(t *testing.T) {
	cols, score := importanceFixture(300)
	var first *Importances
	for _, w := range []int{1, 2, 7} {
		imp, err := PermutationImportance(context.Background(), cols, 300, "roc_auc", true, score, &PermutationOptions{Seed: 9, Repeats: 4, Workers: w})
		if err != nil {
			t.Fatal(err)
		}
		if first == nil {
			first = imp
			continue
		}
		for j, c := range imp.Columns {
			f := first.Columns[j]
			if c.Column != f.Column || math.Float64bits(c.Value) != math.Float64bits(f.Value) || math.Float64bits(c.Upper) != math.Float64bits(f.Upper) {
				t.Errorf("workers %d: column %d = %+v; with 1 worker %+v", w, j, c, f)
			}
		}
	}
}

func TestPermutationImportanceErrors(t *testing.T) {
	defer goleak.VerifyNone(t)
	boom := errors.New("boom")
	ctx := context.Background()
	for _, c := range []struct {
		name  string
		n     int
		score Permuted
		want  error
	}{
		{"too few", 1, func(context.Context, int, []int) (float64, error) { return 0, nil }, ErrEmpty},
		{"baseline fails", 10, func(context.Context, int, []int) (float64, error) { return 0, boom }, boom},
		{"shuffle fails", 10, func(_ context.Context, col int, _ []int) (float64, error) {
			if col == 1 {
				return 0, boom
			}
			return 1, nil
		}, boom},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := PermutationImportance(ctx, []string{"a", "b"}, c.n, "m", true, c.score, nil)
			if !errors.Is(err, c.want) {
				t.Errorf("error %v; want %v", err, c.want)
			}
		})
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := PermutationImportance(cctx, []string{"a"}, 10, "m", true, func(ctx context.Context, _ int, _ []int) (float64, error) { return 0, ctx.Err() }, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v; want context.Canceled", err)
	}
}

func TestNewImportancesAndLosses(t *testing.T) {
	imp := NewImportances(MethodGain, []string{"a", "b", "c"}, []float64{0.2, 0.5, 0.3})
	if imp.Columns[0].Column != "b" || imp.Columns[2].Column != "a" || imp.Get("zz") != nil {
		t.Errorf("NewImportances order: %+v", imp.Columns)
	}
	// a loss: shuffling raises it, so the importance is positive.
	imp2, err := PermutationImportance(context.Background(), []string{"a"}, 4, "log_loss", false, func(_ context.Context, col int, _ []int) (float64, error) {
		if col < 0 {
			return 0.3, nil
		}
		return 0.5, nil
	}, &PermutationOptions{Repeats: 2})
	if err != nil {
		t.Fatal(err)
	}
	if v := imp2.Columns[0].Value; math.Abs(v-0.2) > 1e-15 {
		t.Errorf("loss drop %v; want 0.2", v)
	}
}
