package forest

import (
	"context"
	"slices"
	"strings"

	"github.com/loomml/loom/train"
)

// TreeClassifier fits one CART classification tree: scikit-learn 1.2's
// DecisionTreeClassifier. The zero value is ready to use and means
// scikit-learn's defaults (Gini, grown until pure, every feature).
type TreeClassifier struct {
	Options
	// Criterion is the impurity to minimise; the zero value is Gini.
	Criterion Criterion
	// ClassWeight multiplies the weight of each row of the given class
	// label; classes not listed weigh 1. Ignored when Balanced is set.
	ClassWeight map[float64]float64
	// Balanced weighs each class by n / (classes · rows of the class),
	// scikit-learn's class_weight="balanced".
	Balanced bool
}

// TreeRegressor fits one CART regression tree on squared error:
// scikit-learn 1.2's DecisionTreeRegressor. The zero value is ready to
// use and means scikit-learn's defaults.
type TreeRegressor struct {
	Options
}

// Classifier fits a random forest classifier: scikit-learn 1.2's
// RandomForestClassifier, trees grown on bootstrap samples with Sqrt
// features drawn at each node by default. The zero value is ready to use
// and means scikit-learn's defaults (100 trees).
type Classifier struct {
	Options
	ForestOptions
	// Criterion is the impurity to minimise; the zero value is Gini.
	Criterion Criterion
	// ClassWeight multiplies the weight of each row of the given class
	// label; classes not listed weigh 1. Ignored when Balanced is set.
	ClassWeight map[float64]float64
	// Balanced weighs each class by n / (classes · rows of the class),
	// computed on all rows before sampling (class_weight="balanced").
	Balanced bool
}

// Regressor fits a random forest regressor: scikit-learn 1.2's
// RandomForestRegressor, trees grown on bootstrap samples with every
// feature a candidate by default. The zero value is ready to use and
// means scikit-learn's defaults (100 trees).
type Regressor struct {
	Options
	ForestOptions
}

// ExtraClassifier fits extremely randomized trees for classification:
// scikit-learn 1.2's ExtraTreesClassifier, one random threshold per
// candidate feature, every row for every tree by default, Sqrt features.
// The zero value is ready to use and means scikit-learn's defaults.
type ExtraClassifier struct {
	Options
	ForestOptions
	// Criterion is the impurity to minimise; the zero value is Gini.
	Criterion Criterion
	// ClassWeight multiplies the weight of each row of the given class
	// label; classes not listed weigh 1. Ignored when Balanced is set.
	ClassWeight map[float64]float64
	// Balanced weighs each class by n / (classes · rows of the class).
	Balanced bool
}

// ExtraRegressor fits extremely randomized trees for regression:
// scikit-learn 1.2's ExtraTreesRegressor, one random threshold per
// feature, every row for every tree and every feature by default. The
// zero value is ready to use and means scikit-learn's defaults.
type ExtraRegressor struct {
	Options
	ForestOptions
}

var (
	_ train.Trainer       = TreeClassifier{}
	_ train.Trainer       = TreeRegressor{}
	_ train.Trainer       = Classifier{}
	_ train.Trainer       = Regressor{}
	_ train.Trainer       = ExtraClassifier{}
	_ train.Trainer       = ExtraRegressor{}
	_ train.Parameterized = TreeClassifier{}
	_ train.Parameterized = TreeRegressor{}
	_ train.Parameterized = Classifier{}
	_ train.Parameterized = Regressor{}
	_ train.Parameterized = ExtraClassifier{}
	_ train.Parameterized = ExtraRegressor{}
	_ train.NativeMissing = TreeClassifier{}
	_ train.NativeMissing = TreeRegressor{}
	_ train.NativeMissing = Classifier{}
	_ train.NativeMissing = Regressor{}
	_ train.NativeMissing = ExtraClassifier{}
	_ train.NativeMissing = ExtraRegressor{}
)

func (c TreeClassifier) job() *job {
	return &job{kind: "TreeClassifier", opts: c.Options, crit: criterion(c.Criterion), defFeatures: All,
		classify: true, classWeight: c.ClassWeight, balanced: c.Balanced}
}

func (r TreeRegressor) job() *job {
	return &job{kind: "TreeRegressor", opts: r.Options, crit: squaredError, defFeatures: All}
}

func (c Classifier) job() *job {
	f := c.ForestOptions
	return &job{kind: "Classifier", opts: c.Options, forest: &f, crit: criterion(c.Criterion), defFeatures: Sqrt,
		defSampling: Bootstrap, classify: true, classWeight: c.ClassWeight, balanced: c.Balanced}
}

func (r Regressor) job() *job {
	f := r.ForestOptions
	return &job{kind: "Regressor", opts: r.Options, forest: &f, crit: squaredError, defFeatures: All,
		defSampling: Bootstrap}
}

func (c ExtraClassifier) job() *job {
	f := c.ForestOptions
	return &job{kind: "ExtraClassifier", opts: c.Options, forest: &f, crit: criterion(c.Criterion), random: true,
		defFeatures: Sqrt, defSampling: AllRows, classify: true, classWeight: c.ClassWeight, balanced: c.Balanced}
}

func (r ExtraRegressor) job() *job {
	f := r.ForestOptions
	return &job{kind: "ExtraRegressor", opts: r.Options, forest: &f, crit: squaredError, random: true,
		defFeatures: All, defSampling: AllRows}
}

// fitModel runs j and returns the ensemble's model.
func fitModel(ctx context.Context, j *job, d train.Dataset) (train.Model, error) {
	if j.crit > squaredError || (j.classify && j.crit == squaredError) {
		panic("forest: " + j.kind + " Criterion out of range, got " + Criterion(j.crit).String())
	}
	e, _, err := j.fit(ctx, d, false)
	if err != nil {
		return nil, err
	}
	return e.Model(), nil
}

// fitOOB runs j with out-of-bag estimates.
func fitOOB(ctx context.Context, j *job, d train.Dataset) (train.Model, *OOB, error) {
	if j.crit > squaredError || (j.classify && j.crit == squaredError) {
		panic("forest: " + j.kind + " Criterion out of range, got " + Criterion(j.crit).String())
	}
	e, oob, err := j.fit(ctx, d, true)
	if err != nil {
		return nil, nil, err
	}
	return e.Model(), oob, nil
}

// Fit fits the tree. X must be finite: a NaN or infinite value gives a
// *train.DataError naming its row and column. With fewer than two classes
// it returns train.ErrSingleClass. The model is a *tree.Classifier (link
// tree.Probability) whose leaves hold the class proportions.
func (c TreeClassifier) Fit(ctx context.Context, d train.Dataset) (train.Model, error) {
	return fitModel(ctx, c.job(), d)
}

// Fit fits the tree. X must be finite: a NaN or infinite value gives a
// *train.DataError naming its row and column. The model is a
// *tree.Regressor whose leaves hold the weighted mean target.
func (r TreeRegressor) Fit(ctx context.Context, d train.Dataset) (train.Model, error) {
	return fitModel(ctx, r.job(), d)
}

// Fit fits the forest on all cores (ForestOptions.Workers). X must be
// finite: a NaN or infinite value gives a *train.DataError naming its row
// and column. The model is a *tree.Classifier (link tree.Probability)
// averaging the trees' leaf class proportions. When ctx is done it stops
// within a few hundred nodes and returns ctx.Err().
func (c Classifier) Fit(ctx context.Context, d train.Dataset) (train.Model, error) {
	return fitModel(ctx, c.job(), d)
}

// FitOOB is Fit that also returns the out-of-bag estimate. It panics
// when Sampling is AllRows.
func (c Classifier) FitOOB(ctx context.Context, d train.Dataset) (train.Model, *OOB, error) {
	return fitOOB(ctx, c.job(), d)
}

// Fit fits the forest on all cores, as Classifier.Fit; the model is a
// *tree.Regressor averaging the trees' leaf means.
func (r Regressor) Fit(ctx context.Context, d train.Dataset) (train.Model, error) {
	return fitModel(ctx, r.job(), d)
}

// FitOOB is Fit that also returns the out-of-bag estimate. It panics
// when Sampling is AllRows.
func (r Regressor) FitOOB(ctx context.Context, d train.Dataset) (train.Model, *OOB, error) {
	return fitOOB(ctx, r.job(), d)
}

// Fit fits the extra trees on all cores, as Classifier.Fit.
func (c ExtraClassifier) Fit(ctx context.Context, d train.Dataset) (train.Model, error) {
	return fitModel(ctx, c.job(), d)
}

// FitOOB is Fit that also returns the out-of-bag estimate. It panics
// unless Sampling is Bootstrap.
func (c ExtraClassifier) FitOOB(ctx context.Context, d train.Dataset) (train.Model, *OOB, error) {
	return fitOOB(ctx, c.job(), d)
}

// Fit fits the extra trees on all cores, as Regressor.Fit.
func (r ExtraRegressor) Fit(ctx context.Context, d train.Dataset) (train.Model, error) {
	return fitModel(ctx, r.job(), d)
}

// FitOOB is Fit that also returns the out-of-bag estimate. It panics
// unless Sampling is Bootstrap.
func (r ExtraRegressor) FitOOB(ctx context.Context, d train.Dataset) (train.Model, *OOB, error) {
	return fitOOB(ctx, r.job(), d)
}

// classParams is the classification settings with scikit-learn's names.
func classParams(crit Criterion, balanced bool, weights map[float64]float64) train.Params {
	cw := "none"
	switch {
	case balanced:
		cw = "balanced"
	case len(weights) > 0:
		cw = "custom"
	}
	return train.Params{{Name: "class_weight", Str: cw}, {Name: "criterion", Str: crit.String()}}
}

func sorted(p ...train.Params) train.Params {
	out := slices.Concat(p...)
	slices.SortFunc(out, func(a, b train.Param) int { return strings.Compare(a.Name, b.Name) })
	return out
}

var squaredParam = train.Params{{Name: "criterion", Str: "squared_error"}}

// Params returns the settings with scikit-learn's names, for experiment
// records and searches.
func (c TreeClassifier) Params() train.Params {
	return sorted(c.Options.params(All), classParams(c.Criterion, c.Balanced, c.ClassWeight))
}

// Params returns the settings with scikit-learn's names.
func (r TreeRegressor) Params() train.Params { return sorted(r.Options.params(All), squaredParam) }

// Params returns the settings with scikit-learn's names.
func (c Classifier) Params() train.Params {
	return sorted(c.Options.params(Sqrt), c.ForestOptions.params(Bootstrap),
		classParams(c.Criterion, c.Balanced, c.ClassWeight))
}

// Params returns the settings with scikit-learn's names.
func (r Regressor) Params() train.Params {
	return sorted(r.Options.params(All), r.ForestOptions.params(Bootstrap), squaredParam)
}

// Params returns the settings with scikit-learn's names.
func (c ExtraClassifier) Params() train.Params {
	return sorted(c.Options.params(Sqrt), c.ForestOptions.params(AllRows),
		classParams(c.Criterion, c.Balanced, c.ClassWeight))
}

// Params returns the settings with scikit-learn's names.
func (r ExtraRegressor) Params() train.Params {
	return sorted(r.Options.params(All), r.ForestOptions.params(AllRows), squaredParam)
}

// NativeMissing reports true: the trainer takes the tree matrix (package
// model's raw numbers, category codes as numbers) and its model is a
// train/tree ensemble, scored on the same vectors. Training data must
// still hold no NaN, as in scikit-learn 1.2.
func (TreeClassifier) NativeMissing() bool { return true }

// NativeMissing reports true, as TreeClassifier.NativeMissing.
func (TreeRegressor) NativeMissing() bool { return true }

// NativeMissing reports true, as TreeClassifier.NativeMissing.
func (Classifier) NativeMissing() bool { return true }

// NativeMissing reports true, as TreeClassifier.NativeMissing.
func (Regressor) NativeMissing() bool { return true }

// NativeMissing reports true, as TreeClassifier.NativeMissing.
func (ExtraClassifier) NativeMissing() bool { return true }

// NativeMissing reports true, as TreeClassifier.NativeMissing.
func (ExtraRegressor) NativeMissing() bool { return true }
