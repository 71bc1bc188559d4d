package forest

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/loomml/loom/train"
)

// Criterion is the impurity a classification tree minimises.
type Criterion uint8

const (
	// Gini is the Gini impurity 1 - Σ p², scikit-learn's default.
	Gini Criterion = iota
	// Entropy is the Shannon entropy -Σ p log₂ p (scikit-learn's
	// "entropy" and "log_loss", which are the same).
	Entropy
)

// String returns scikit-learn's name of the criterion.
func (c Criterion) String() string {
	switch c {
	case Gini:
		return "gini"
	case Entropy:
		return "entropy"
	}
	return "Criterion(" + strconv.Itoa(int(c)) + ")"
}

// MaxFeatures is the number of features drawn as split candidates at each
// node: Sqrt, Log2, All, Count(n) or Fraction(f). The zero value means the
// trainer's default (scikit-learn 1.2's): All for single trees and
// regression forests, Sqrt for classification forests.
type MaxFeatures struct {
	kind uint8
	n    int
	f    float64
}

const (
	mfDefault uint8 = iota
	mfSqrt
	mfLog2
	mfAll
	mfCount
	mfFraction
)

var (
	// Sqrt draws max(1, ⌊√features⌋) features ("sqrt").
	Sqrt = MaxFeatures{kind: mfSqrt}
	// Log2 draws max(1, ⌊log₂ features⌋) features ("log2").
	Log2 = MaxFeatures{kind: mfLog2}
	// All considers every feature (None, or 1.0).
	All = MaxFeatures{kind: mfAll}
)

// Count draws n features (an int max_features); n must be at least 1 and
// at most the number of features.
func Count(n int) MaxFeatures { return MaxFeatures{kind: mfCount, n: n} }

// Fraction draws max(1, ⌊f·features⌋) features (a float max_features), f
// in (0, 1].
func Fraction(f float64) MaxFeatures { return MaxFeatures{kind: mfFraction, f: f} }

// String returns the setting as scikit-learn writes it: "sqrt", "log2",
// "all" (None), an integer count or a fraction such as "0.5".
func (m MaxFeatures) String() string {
	switch m.kind {
	case mfDefault:
		return "default"
	case mfSqrt:
		return "sqrt"
	case mfLog2:
		return "log2"
	case mfAll:
		return "all"
	case mfCount:
		return strconv.Itoa(m.n)
	}
	s := strconv.FormatFloat(m.f, 'f', -1, 64)
	if m.f == math.Trunc(m.f) {
		s += ".0"
	}
	return s
}

// ParseMaxFeatures reads a MaxFeatures as String writes it (and as
// Params reports it): "sqrt", "log2", "all" (or "none"), an integer count
// such as "5", or a fraction with a point such as "0.5" or "1.0"; a
// search's builder turns a Choices dimension into the setting with it.
func ParseMaxFeatures(s string) (MaxFeatures, error) {
	switch s {
	case "sqrt":
		return Sqrt, nil
	case "log2":
		return Log2, nil
	case "all", "none":
		return All, nil
	}
	if n, err := strconv.Atoi(s); err == nil && n >= 1 {
		return Count(n), nil
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil && strings.Contains(s, ".") && f > 0 && f <= 1 {
		return Fraction(f), nil
	}
	return MaxFeatures{}, fmt.Errorf("forest: max_features %q is not sqrt, log2, all, a count >= 1 or a fraction in (0, 1]", s)
}

// resolve returns the number of features to draw out of p.
func (m MaxFeatures) resolve(p int, def MaxFeatures) int {
	if m.kind == mfDefault {
		m = def
	}
	switch m.kind {
	case mfSqrt:
		return max(1, int(math.Sqrt(float64(p))))
	case mfLog2:
		return max(1, int(math.Log2(float64(p))))
	case mfCount:
		if m.n > p {
			panic(fmt.Sprintf("forest: MaxFeatures %d is more than the %d features", m.n, p))
		}
		return m.n
	case mfFraction:
		return max(1, int(m.f*float64(p)))
	}
	return p
}

// Options are the tree settings every trainer of the package shares. The
// zero value means scikit-learn 1.2's defaults.
type Options struct {
	// MaxDepth bounds the depth of a tree (the root has depth 0); 0 means
	// no bound.
	MaxDepth int
	// MinSamplesSplit is the least number of rows a node needs to be
	// split; 0 means 2.
	MinSamplesSplit int
	// MinSamplesLeaf is the least number of rows in each child of a
	// split; 0 means 1.
	MinSamplesLeaf int
	// MaxFeatures is the number of features drawn as candidates at each
	// node; the zero value is the trainer's default.
	MaxFeatures MaxFeatures
	// MinImpurityDecrease is the least weighted impurity decrease
	// (N_t/N · (impurity - N_l/N_t·left - N_r/N_t·right)) a split must
	// bring; 0 means none.
	MinImpurityDecrease float64
	// Seed drives every random choice: the order in which features are
	// drawn, extra trees' thresholds, forests' bootstrap samples. A single
	// tree uses its low 32 bits xor its high 32 bits as the state of
	// scikit-learn's xorshift generator, so a tree grown with the seed
	// scikit-learn draws (RandomState(s).randint(0, 2**31-1)) draws
	// features in scikit-learn's order.
	Seed uint64
}

// ForestOptions are the settings of an ensemble of trees. The zero value
// means scikit-learn 1.2's defaults.
type ForestOptions struct {
	// Trees is the number of trees (n_estimators); 0 means 100.
	Trees int
	// Sampling chooses the rows each tree is grown on; the zero value is
	// the trainer's default: Bootstrap for random forests, AllRows for
	// extra trees.
	Sampling Sampling
	// Workers is the number of trees grown at once; 0 means GOMAXPROCS.
	// The model does not depend on it.
	Workers int
	// Progress, when set, receives one report per finished tree
	// (Iteration trees of Total done; Loss is 0). Calls come one at a
	// time, from the goroutines growing the trees.
	Progress train.ProgressFunc
}

// Sampling chooses the rows each tree of a forest is grown on.
type Sampling uint8

const (
	// DefaultSampling is the trainer's default.
	DefaultSampling Sampling = iota
	// Bootstrap grows each tree on n rows drawn with replacement, as row
	// weights equal to the draw counts (scikit-learn's bootstrap=True).
	Bootstrap
	// AllRows grows each tree on every row (bootstrap=False).
	AllRows
)

// String returns the setting's name.
func (s Sampling) String() string {
	switch s {
	case DefaultSampling:
		return "default"
	case Bootstrap:
		return "bootstrap"
	case AllRows:
		return "all_rows"
	}
	return "Sampling(" + strconv.Itoa(int(s)) + ")"
}

// check panics on a setting out of range: a programmer mistake.
func (o *Options) check(kind string) {
	bad := func(field string, v any) {
		panic(fmt.Sprintf("forest: %s %s out of range, got %v", kind, field, v))
	}
	if o.MaxDepth < 0 {
		bad("MaxDepth", o.MaxDepth)
	}
	if o.MinSamplesSplit < 0 || o.MinSamplesSplit == 1 {
		bad("MinSamplesSplit", o.MinSamplesSplit)
	}
	if o.MinSamplesLeaf < 0 {
		bad("MinSamplesLeaf", o.MinSamplesLeaf)
	}
	switch m := o.MaxFeatures; {
	case m.kind > mfFraction:
		bad("MaxFeatures", m)
	case m.kind == mfCount && m.n < 1:
		bad("MaxFeatures", m.n)
	case m.kind == mfFraction && !(m.f > 0 && m.f <= 1):
		bad("MaxFeatures", m.f)
	}
	if !(o.MinImpurityDecrease >= 0) || math.IsInf(o.MinImpurityDecrease, 0) {
		bad("MinImpurityDecrease", o.MinImpurityDecrease)
	}
}

func (f *ForestOptions) check(kind string) {
	if f.Trees < 0 {
		panic(fmt.Sprintf("forest: %s Trees out of range, got %d", kind, f.Trees))
	}
	if f.Workers < 0 {
		panic(fmt.Sprintf("forest: %s Workers out of range, got %d", kind, f.Workers))
	}
	if f.Sampling > AllRows {
		panic(fmt.Sprintf("forest: %s Sampling out of range, got %d", kind, f.Sampling))
	}
}

// growth resolves the settings for p features.
func (o *Options) growth(c criterion, random bool, p int, def MaxFeatures) growth {
	g := growth{crit: c, random: random, maxDepth: o.MaxDepth, minSplit: o.MinSamplesSplit,
		minLeaf: o.MinSamplesLeaf, maxFeatures: o.MaxFeatures.resolve(p, def), minDecrease: o.MinImpurityDecrease}
	if g.maxDepth == 0 {
		g.maxDepth = math.MaxInt32
	}
	if g.minLeaf == 0 {
		g.minLeaf = 1
	}
	if g.minSplit == 0 {
		g.minSplit = 2
	}
	g.minSplit = max(g.minSplit, 2*g.minLeaf)
	return g
}

// params lists the tree settings with scikit-learn's names.
func (o *Options) params(def MaxFeatures) train.Params {
	mf := o.MaxFeatures
	if mf.kind == mfDefault {
		mf = def
	}
	split, leaf := o.MinSamplesSplit, o.MinSamplesLeaf
	if split == 0 {
		split = 2
	}
	if leaf == 0 {
		leaf = 1
	}
	return train.Params{
		{Name: "max_depth", Num: float64(o.MaxDepth)},
		{Name: "max_features", Str: mf.String()},
		{Name: "min_impurity_decrease", Num: o.MinImpurityDecrease},
		{Name: "min_samples_leaf", Num: float64(leaf)},
		{Name: "min_samples_split", Num: float64(split)},
	}
}

func (f *ForestOptions) params(def Sampling) train.Params {
	s, trees := f.Sampling, f.Trees
	if s == DefaultSampling {
		s = def
	}
	if trees == 0 {
		trees = 100
	}
	return train.Params{{Name: "bootstrap", Str: strconv.FormatBool(s == Bootstrap)},
		{Name: "n_estimators", Num: float64(trees)}}
}
