package evaluate

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"testing"
)

// TestPermutationImportanceSklearn feeds scikit-learn's own permutations
// (testdata/gen_permutation.py) to the engine and compares the
// importances with sklearn.inspection.permutation_importance's, for a
// logistic regression fitted by scikit-learn, scored by roc_auc.
func TestPermutationImportanceSklearn(t *testing.T) {
	b, err := os.ReadFile("testdata/permutation.json")
	if err != nil {
		t.Fatal(err)
	}
	var ref struct {
		X           [][]float64
		Y           []int
		Coef        []float64
		Intercept   float64
		Perms       [][]int
		Importances [][]float64
		Mean, Std   []float64
	}
	if err := json.Unmarshal(b, &ref); err != nil {
		t.Fatal(err)
	}
	repeats := len(ref.Perms)
	saved := shuffleFunc
	defer func() { shuffleFunc = saved }()
	// scikit-learn shuffles every column with the same sequence.
	shuffleFunc = func(perm []int, _, task uint64) { copy(perm, ref.Perms[task%uint64(repeats)]) }
	n := len(ref.Y)
	score := func(_ context.Context, col int, perm []int) (float64, error) {
		s := make([]float64, n)
		for i, x := range ref.X {
			z := ref.Intercept
			for j, c := range ref.Coef {
				v := x[j]
				if j == col {
					v = ref.X[perm[i]][j]
				}
				z += c * v
			}
			s[i] = 1 / (1 + math.Exp(-z))
		}
		return Compute(&Predictions{Labels: ref.Y, Scores: s}, "roc_auc")
	}
	imp, err := PermutationImportance(context.Background(), []string{"x0", "x1", "x2"}, n, "roc_auc", true, score, &PermutationOptions{Repeats: repeats, Workers: 3})
	if err != nil {
		t.Fatal(err)
	}
	for j, name := range []string{"x0", "x1", "x2"} {
		got := imp.Get(name)
		if math.Abs(got.Value-ref.Mean[j]) > 1e-12 || math.Abs(got.Std-ref.Std[j]) > 1e-12 {
			t.Errorf("%s: mean %v std %v; scikit-learn %v %v", name, got.Value, got.Std, ref.Mean[j], ref.Std[j])
		}
		for r, d := range got.Drops {
			if math.Abs(d-ref.Importances[j][r]) > 1e-12 {
				t.Errorf("%s repeat %d: drop %v; scikit-learn %v", name, r, d, ref.Importances[j][r])
			}
		}
	}
}
