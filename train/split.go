package train

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
)

// Fold is one split of a dataset's rows into training and test rows, as
// indices into the dataset (never copies), each in increasing order.
type Fold struct {
	Train []int
	Test  []int
}

// Splitter divides a dataset into folds. Splitters in this package are
// deterministic: the same data and seed give the same folds.
type Splitter interface {
	Split(d Dataset) ([]Fold, error)
}

// newRand returns the package's seeded generator (PCG), so that every
// shuffle is reproducible across platforms.
func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0x5851f42d4c957f2d)) }

// permutation returns a seeded random permutation of 0..n-1 (Fisher–Yates).
func permutation(n int, seed uint64) []int {
	p := make([]int, n)
	for i := range p {
		p[i] = i
	}
	r := newRand(seed)
	for i := n - 1; i > 0; i-- {
		j := r.IntN(i + 1)
		p[i], p[j] = p[j], p[i]
	}
	return p
}

func checkFraction(f float64) {
	if !(f > 0 && f < 1) {
		panic(fmt.Sprintf("train: test fraction must be in (0, 1), got %v", f))
	}
}

// testCount is scikit-learn's train_test_split rule: ceil(fraction·n).
func testCount(n int, fraction float64) int { return int(math.Ceil(fraction * float64(n))) }

// TrainTestSplit shuffles the rows 0..n-1 with the seed and puts
// ceil(testFraction·n) of them in the test set, the rest in the training
// set. It panics unless 0 < testFraction < 1.
func TrainTestSplit(n int, testFraction float64, seed uint64) Fold {
	checkFraction(testFraction)
	perm := permutation(n, seed)
	nt := testCount(n, testFraction)
	f := Fold{Test: perm[:nt:nt], Train: perm[nt:]}
	slices.Sort(f.Test)
	slices.Sort(f.Train)
	return f
}

// StratifiedTrainTestSplit is TrainTestSplit keeping each label's share
// in both sets: every class puts round(testFraction·count) of its rows,
// chosen at random with the seed, in the test set. Each class needs at
// least one row in each set, otherwise the error wraps ErrSplit.
func StratifiedTrainTestSplit(y []float64, testFraction float64, seed uint64) (Fold, error) {
	checkFraction(testFraction)
	var f Fold
	perm := permutation(len(y), seed)
	byClass := groupBy(perm, func(i int) float64 { return y[i] })
	for _, g := range byClass {
		nt := int(math.Round(testFraction * float64(len(g.rows))))
		if nt == 0 || nt == len(g.rows) {
			return Fold{}, fmt.Errorf("%w: class %v has %d rows, too few for a %v test fraction", ErrSplit, g.key, len(g.rows), testFraction)
		}
		f.Test = append(f.Test, g.rows[:nt]...)
		f.Train = append(f.Train, g.rows[nt:]...)
	}
	slices.Sort(f.Test)
	slices.Sort(f.Train)
	return f, nil
}

type group[K cmp.Ordered] struct {
	key  K
	rows []int
}

// groupBy groups rows by key, keeping their order within each group;
// groups come in increasing key order.
func groupBy[K cmp.Ordered](rows []int, key func(int) K) []group[K] {
	idx := map[K]int{}
	var out []group[K]
	for _, r := range rows {
		k := key(r)
		g, ok := idx[k]
		if !ok {
			g = len(out)
			idx[k] = g
			out = append(out, group[K]{key: k})
		}
		out[g].rows = append(out[g].rows, r)
	}
	slices.SortFunc(out, func(a, b group[K]) int { return cmp.Compare(a.key, b.key) })
	return out
}

// Holdout is a Splitter giving a single train/test fold, shuffled with
// Seed and stratified on the labels when Stratify is set.
type Holdout struct {
	TestFraction float64 // share of rows in the test set; 0 means 0.25
	Stratify     bool
	Seed         uint64
}

// Split implements Splitter.
func (h Holdout) Split(d Dataset) ([]Fold, error) {
	n, _ := d.Dims()
	if n < 2 {
		return nil, fmt.Errorf("%w: %d rows cannot be split", ErrSplit, n)
	}
	frac := h.TestFraction
	if frac == 0 {
		frac = 0.25
	}
	if !h.Stratify {
		f := TrainTestSplit(n, frac, h.Seed)
		if len(f.Train) == 0 {
			return nil, fmt.Errorf("%w: no training rows left out of %d", ErrSplit, n)
		}
		return []Fold{f}, nil
	}
	if len(d.Y) != n {
		return nil, fmt.Errorf("%w: X has %d rows, y has %d", ErrShape, n, len(d.Y))
	}
	f, err := StratifiedTrainTestSplit(d.Y, frac, h.Seed)
	if err != nil {
		return nil, err
	}
	return []Fold{f}, nil
}

// KFold splits rows into K consecutive folds (after a seeded shuffle when
// Shuffle is set), each the test set once; the first n mod K folds have
// one row more, as in scikit-learn.
type KFold struct {
	K       int // number of folds; 0 means 5; 1 panics
	Shuffle bool
	Seed    uint64
}

func folds(k int) int {
	if k == 0 {
		return 5
	}
	if k < 2 {
		panic(fmt.Sprintf("train: number of folds must be at least 2, got %d", k))
	}
	return k
}

// Split implements Splitter.
func (s KFold) Split(d Dataset) ([]Fold, error) {
	k := folds(s.K)
	n, _ := d.Dims()
	if n < k {
		return nil, fmt.Errorf("%w: %d folds of %d rows", ErrSplit, k, n)
	}
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	if s.Shuffle {
		order = permutation(n, s.Seed)
	}
	assign := make([]int, n)
	start := 0
	for f := range k {
		size := n / k
		if f < n%k {
			size++
		}
		for _, r := range order[start : start+size] {
			assign[r] = f
		}
		start += size
	}
	return foldsFromAssignment(assign, k), nil
}

// foldsFromAssignment builds k folds from the fold number of each row.
func foldsFromAssignment(assign []int, k int) []Fold {
	out := make([]Fold, k)
	for f := range out {
		for r, a := range assign {
			if a == f {
				out[f].Test = append(out[f].Test, r)
			} else if a >= 0 {
				out[f].Train = append(out[f].Train, r)
			}
		}
	}
	return out
}

// StratifiedKFold is KFold keeping each label's share in every fold: the
// rows of each class (shuffled with Seed when Shuffle is set) are dealt to
// the folds in turn, so class counts differ by at most one between folds.
type StratifiedKFold struct {
	K       int // number of folds; 0 means 5; 1 panics
	Shuffle bool
	Seed    uint64
}

// Split implements Splitter.
func (s StratifiedKFold) Split(d Dataset) ([]Fold, error) {
	k := folds(s.K)
	n, _ := d.Dims()
	if len(d.Y) != n {
		return nil, fmt.Errorf("%w: X has %d rows, y has %d", ErrShape, n, len(d.Y))
	}
	if n < k {
		return nil, fmt.Errorf("%w: %d folds of %d rows", ErrSplit, k, n)
	}
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	if s.Shuffle {
		order = permutation(n, s.Seed)
	}
	assign := make([]int, n)
	next := 0
	for _, g := range groupBy(order, func(i int) float64 { return d.Y[i] }) {
		for _, r := range g.rows {
			assign[r] = next % k
			next++
		}
	}
	return foldsFromAssignment(assign, k), nil
}

// GroupKFold puts all rows of a group in the same fold, so no group is in
// both the training and the test set of a fold. Like scikit-learn's, it
// assigns groups from the largest to the smallest (ties by label) to the
// fold with the fewest rows so far (ties to the first fold); it is
// deterministic and does not shuffle.
type GroupKFold struct {
	K      int   // number of folds; 0 means 5; 1 panics
	Groups []int // group label of each row
}

// Split implements Splitter.
func (s GroupKFold) Split(d Dataset) ([]Fold, error) {
	k := folds(s.K)
	n, _ := d.Dims()
	if len(s.Groups) != n {
		return nil, fmt.Errorf("%w: X has %d rows, groups has %d", ErrShape, n, len(s.Groups))
	}
	rows := make([]int, n)
	for i := range rows {
		rows[i] = i
	}
	groups := groupBy(rows, func(i int) int { return s.Groups[i] })
	if len(groups) < k {
		return nil, fmt.Errorf("%w: %d folds of %d groups", ErrSplit, k, len(groups))
	}
	slices.SortStableFunc(groups, func(a, b group[int]) int { return cmp.Compare(len(b.rows), len(a.rows)) })
	sizes := make([]int, k)
	assign := make([]int, n)
	for _, g := range groups {
		f := 0
		for j := 1; j < k; j++ {
			if sizes[j] < sizes[f] {
				f = j
			}
		}
		sizes[f] += len(g.rows)
		for _, r := range g.rows {
			assign[r] = f
		}
	}
	return foldsFromAssignment(assign, k), nil
}

// TimeSeriesSplit gives K folds over rows in time order, each testing on
// the TestSize rows that follow its training rows, like scikit-learn's
// TimeSeriesSplit: training sets grow (up to MaxTrain rows when set) and
// Gap rows between training and test are left out.
type TimeSeriesSplit struct {
	K        int // number of folds; 0 means 5; 1 panics
	TestSize int // rows per test set; 0 means n / (K+1)
	Gap      int // rows dropped between training and test sets
	MaxTrain int // cap on training rows; 0 means no cap
}

// Split implements Splitter.
func (s TimeSeriesSplit) Split(d Dataset) ([]Fold, error) {
	k := folds(s.K)
	if s.TestSize < 0 || s.Gap < 0 || s.MaxTrain < 0 {
		panic(fmt.Sprintf("train: TimeSeriesSplit sizes must be non-negative, got %+v", s))
	}
	n, _ := d.Dims()
	ts := s.TestSize
	if ts == 0 {
		ts = n / (k + 1)
	}
	first := n - k*ts
	if ts == 0 || first-s.Gap <= 0 {
		return nil, fmt.Errorf("%w: %d folds of %d test rows with gap %d need more than %d rows", ErrSplit, k, ts, s.Gap, n)
	}
	out := make([]Fold, k)
	for f := range out {
		start := first + f*ts
		end := start - s.Gap
		lo := 0
		if s.MaxTrain > 0 {
			lo = max(0, end-s.MaxTrain)
		}
		out[f] = Fold{Train: span(lo, end), Test: span(start, start+ts)}
	}
	return out, nil
}

func span(lo, hi int) []int {
	out := make([]int, hi-lo)
	for i := range out {
		out[i] = lo + i
	}
	return out
}

var (
	_ Splitter = Holdout{}
	_ Splitter = KFold{}
	_ Splitter = StratifiedKFold{}
	_ Splitter = GroupKFold{}
	_ Splitter = TimeSeriesSplit{}
)
