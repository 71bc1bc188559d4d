package train_test

import (
	"errors"
	"slices"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/loomml/loom/train"
)

func dataOfSize(n int, y func(i int) float64) train.Dataset {
	d := train.Dataset{X: mat.NewDense(n, 1, nil), Y: make([]float64, n)}
	for i := range n {
		d.Y[i] = y(i)
	}
	return d
}

// checkPartition checks that each fold's train and test sets are sorted,
// disjoint and within 0..n-1, and that every row is tested exactly
// `tested` times over all folds (0 to skip).
func checkPartition(t *testing.T, folds []train.Fold, n, tested int) {
	t.Helper()
	count := make([]int, n)
	for i, f := range folds {
		if !slices.IsSorted(f.Train) || !slices.IsSorted(f.Test) {
			t.Errorf("fold %d: indices not sorted", i)
		}
		seen := map[int]bool{}
		for _, r := range f.Train {
			seen[r] = true
		}
		for _, r := range f.Test {
			if seen[r] {
				t.Errorf("fold %d: row %d in both train and test", i, r)
			}
			count[r]++
		}
		for _, r := range append(slices.Clone(f.Train), f.Test...) {
			if r < 0 || r >= n {
				t.Fatalf("fold %d: row %d out of range", i, r)
			}
		}
	}
	if tested > 0 {
		for r, c := range count {
			if c != tested {
				t.Errorf("row %d tested %d times; want %d", r, c, tested)
			}
		}
	}
}

func TestSplitters(t *testing.T) {
	labels := dataOfSize(23, func(i int) float64 { return float64(i % 3) })
	groups := make([]int, 23)
	for i := range groups {
		groups[i] = i / 4 // 6 groups: five of 4 rows and one of 3
	}
	tests := []struct {
		name      string
		s         train.Splitter
		folds     int
		tested    int
		testSizes []int // nil to skip
	}{
		{"kfold", train.KFold{K: 5}, 5, 1, []int{5, 5, 5, 4, 4}},
		{"kfold shuffled", train.KFold{K: 4, Shuffle: true, Seed: 3}, 4, 1, []int{6, 6, 6, 5}},
		{"stratified kfold", train.StratifiedKFold{K: 3, Shuffle: true, Seed: 1}, 3, 1, nil},
		{"group kfold", train.GroupKFold{K: 3, Groups: groups}, 3, 1, nil},
		{"time series", train.TimeSeriesSplit{K: 3}, 3, 0, []int{5, 5, 5}},
		{"time series gap", train.TimeSeriesSplit{K: 2, Gap: 2, TestSize: 4, MaxTrain: 6}, 2, 0, []int{4, 4}},
		{"holdout", train.Holdout{TestFraction: 0.25, Seed: 9}, 1, 0, []int{6}},
		{"holdout stratified", train.Holdout{Stratify: true, Seed: 9}, 1, 0, []int{6}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			folds, err := tt.s.Split(labels)
			if err != nil {
				t.Fatal(err)
			}
			if len(folds) != tt.folds {
				t.Fatalf("%d folds; want %d", len(folds), tt.folds)
			}
			checkPartition(t, folds, 23, tt.tested)
			for i, want := range tt.testSizes {
				if got := len(folds[i].Test); got != want {
					t.Errorf("fold %d: %d test rows; want %d", i, got, want)
				}
			}
			again, _ := tt.s.Split(labels)
			if !slices.EqualFunc(folds, again, func(a, b train.Fold) bool {
				return slices.Equal(a.Train, b.Train) && slices.Equal(a.Test, b.Test)
			}) {
				t.Error("Split is not deterministic")
			}
		})
	}
}

func TestStratifiedKFoldBalancesClasses(t *testing.T) {
	d := dataOfSize(100, func(i int) float64 { return float64(min(i%10, 2)) }) // classes 10, 10, 80
	folds, err := train.StratifiedKFold{K: 5}.Split(d)
	if err != nil {
		t.Fatal(err)
	}
	for i, f := range folds {
		n := map[float64]int{}
		for _, r := range f.Test {
			n[d.Y[r]]++
		}
		if n[0] != 2 || n[1] != 2 || n[2] != 16 {
			t.Errorf("fold %d class counts %v; want 2, 2, 16", i, n)
		}
	}
}

func TestGroupKFoldKeepsGroupsTogether(t *testing.T) {
	groups := []int{7, 7, 7, 1, 1, 3, 3, 3, 3, 9, 2, 2}
	d := dataOfSize(len(groups), func(int) float64 { return 0 })
	folds, err := train.GroupKFold{K: 3, Groups: groups}.Split(d)
	if err != nil {
		t.Fatal(err)
	}
	for i, f := range folds {
		in := map[int]bool{}
		for _, r := range f.Test {
			in[groups[r]] = true
		}
		for _, r := range f.Train {
			if in[groups[r]] {
				t.Errorf("fold %d: group %d in both sets", i, groups[r])
			}
		}
	}
	// Largest group first, each to the lightest fold: group 3 (4 rows) →
	// fold 0, 7 (3) → 1, 1 (2) → 2, 2 (2) → 2 (2 rows < 3), 9 (1) → 1.
	want := [][]int{{5, 6, 7, 8}, {0, 1, 2, 9}, {3, 4, 10, 11}}
	for i, w := range want {
		if !slices.Equal(folds[i].Test, w) {
			t.Errorf("fold %d test = %v; want %v", i, folds[i].Test, w)
		}
	}
}

func TestTimeSeriesSplitMatchesScikitLearn(t *testing.T) {
	// sklearn.model_selection.TimeSeriesSplit(n_splits=3, gap=1,
	// max_train_size=4) on 10 rows.
	folds, err := train.TimeSeriesSplit{K: 3, Gap: 1, MaxTrain: 4}.Split(dataOfSize(10, func(int) float64 { return 0 }))
	if err != nil {
		t.Fatal(err)
	}
	want := []train.Fold{
		{Train: []int{0, 1, 2}, Test: []int{4, 5}},
		{Train: []int{1, 2, 3, 4}, Test: []int{6, 7}},
		{Train: []int{3, 4, 5, 6}, Test: []int{8, 9}},
	}
	for i, w := range want {
		if !slices.Equal(folds[i].Train, w.Train) || !slices.Equal(folds[i].Test, w.Test) {
			t.Errorf("fold %d = %v; want %v", i, folds[i], w)
		}
	}
}

func TestSplitErrors(t *testing.T) {
	tiny := dataOfSize(3, func(i int) float64 { return float64(i) })
	tests := []struct {
		name string
		s    train.Splitter
		want error
	}{
		{"kfold more folds than rows", train.KFold{K: 4}, train.ErrSplit},
		{"group kfold too few groups", train.GroupKFold{K: 3, Groups: []int{1, 1, 2}}, train.ErrSplit},
		{"group kfold groups length", train.GroupKFold{K: 2, Groups: []int{1}}, train.ErrShape},
		{"time series too short", train.TimeSeriesSplit{K: 5}, train.ErrSplit},
		{"stratified holdout single rows", train.Holdout{Stratify: true}, train.ErrSplit},
	}
	for _, tt := range tests {
		if _, err := tt.s.Split(tiny); !errors.Is(err, tt.want) {
			t.Errorf("%s: Split = %v; want %v", tt.name, err, tt.want)
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("KFold{K: 1} did not panic")
		}
	}()
	train.KFold{K: 1}.Split(tiny)
}

func TestTrainTestSplit(t *testing.T) {
	f := train.TrainTestSplit(10, 0.25, 42)
	if len(f.Test) != 3 || len(f.Train) != 7 {
		t.Errorf("TrainTestSplit(10, 0.25) sizes %d/%d; want 7/3", len(f.Train), len(f.Test))
	}
	checkPartition(t, []train.Fold{f}, 10, 0)
	if g := train.TrainTestSplit(10, 0.25, 43); slices.Equal(f.Test, g.Test) {
		t.Error("different seeds gave the same split")
	}
	y := []float64{0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1}
	s, err := train.StratifiedTrainTestSplit(y, 0.5, 1)
	if err != nil {
		t.Fatal(err)
	}
	ones := 0
	for _, r := range s.Test {
		ones += int(y[r])
	}
	if len(s.Test) != 7 || ones != 4 {
		t.Errorf("stratified test set %v has %d ones; want 7 rows with 4 ones", s.Test, ones)
	}
}
