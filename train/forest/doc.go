// Package forest fits CART decision trees, random forests and extremely
// randomized trees with the semantics and defaults of scikit-learn 1.2.
// Its models are train/tree ensembles (kind tree_ensemble), so they
// encode, decode, score, explain and serve like every other Loom tree
// model.
//
// # Overview
//
// Six plain train.Trainer values, whose zero values mean scikit-learn's
// defaults:
//
//	TreeClassifier, TreeRegressor     DecisionTreeClassifier, DecisionTreeRegressor
//	Classifier, Regressor             RandomForestClassifier, RandomForestRegressor
//	ExtraClassifier, ExtraRegressor   ExtraTreesClassifier, ExtraTreesRegressor
//
//	m, err := forest.Classifier{}.Fit(ctx, train.Dataset{X: X, Y: y})
//	p := m.(train.Classifier).PredictProba(buf, row) // 0 allocations
//
// They share Options (MaxDepth, MinSamplesSplit, MinSamplesLeaf,
// MaxFeatures, MinImpurityDecrease, Seed); the forests add ForestOptions
// (Trees, Sampling, Workers, Progress); the classifiers add a Criterion
// (Gini or Entropy) and class weights (ClassWeight, Balanced), which
// multiply the sample weights (train.Dataset.Weights). Params gives the
// settings under scikit-learn's names for experiment records and
// searches. FitOOB also returns the out-of-bag estimate (OOB) of a
// bootstrapped forest, and Importances the impurity importances
// (scikit-learn's feature_importances_) of any model of this package.
//
// # What a fit does
//
// As scikit-learn 1.2 does it, step for step:
//
//   - Values: X is rounded to float32, as scikit-learn's trees take it;
//     a value beyond float32's range gives a *train.DataError wrapping
//     ErrTooLarge, and NaN or ±Inf one wrapping train.ErrNonFinite (with
//     its row and column): scikit-learn 1.2's trees reject missing values
//     too. Category codes are split as ordinary numbers.
//   - Growth: depth first, left child first. A node is a leaf at
//     MaxDepth, below MinSamplesSplit (at least 2·MinSamplesLeaf) rows, or
//     when its impurity is at most DBL_EPSILON; otherwise up to
//     MaxFeatures features are drawn in random order (more while the
//     drawn ones are constant in the node; constant features are
//     remembered for the node's descendants), and the split of largest
//     impurity improvement is kept if its weighted decrease is at least
//     MinImpurityDecrease and each child keeps MinSamplesLeaf rows.
//   - Best splits (trees and random forests): every position between two
//     distinct sorted values (values within 1e-7 are one value); the
//     threshold is the midpoint of the two float32 values.
//   - Random splits (extra trees): one threshold per drawn feature,
//     uniform between the node's least and greatest value.
//   - Randomness: scikit-learn's 32-bit xorshift generator (our_rand_r),
//     drawing features and thresholds in scikit-learn's order. A single
//     tree seeds it with Seed, so Seed = RandomState(s).randint(0,
//     2**31-1) grows scikit-learn's random_state=s tree. A forest derives
//     each tree's seed from Seed and the tree's index (SplitMix64) and
//     draws its bootstrap sample (n rows with replacement, as weights
//     equal to the counts) from a PCG generator: the same distribution as
//     scikit-learn's, not the same draws (which need NumPy's Mersenne
//     Twister).
//   - Criteria: Gini, Entropy (log₂) and squared error, with
//     scikit-learn's formulas for impurities and improvements, so that
//     ties between equally good splits break the same way.
//
// The ten decision trees and four single extra trees of
// testdata/reference.json (iris, breast_cancer and diabetes; Gini,
// entropy, depth and leaf limits, sqrt, log2 and fractional max_features,
// balanced classes, sample weights, min_impurity_decrease) are grown node
// for node as scikit-learn grows them: same features, thresholds,
// covers, leaf values, importances and test predictions
// (TestSklearnTrees). The forests, whose draws differ, score within 0.01
// of scikit-learn's accuracy, and within 2% of its RMSE, averaged over 5
// seeds on each side (TestSklearnForests).
//
// # The model
//
// A fit returns the train.Model of a train/tree Ensemble: a
// *tree.Classifier with link tree.Probability, whose leaves hold class
// proportions divided by the number of trees (two classes: one tree per
// forest tree, holding the second class; more: one tree per class per
// forest tree), or a *tree.Regressor with link tree.Identity, whose
// leaves hold the weighted mean divided by the number of trees. Summed,
// they are scikit-learn's predict_proba and predict. Each tree records
// Cover (the weighted rows that reached each node) and Gain (N_t/N times
// the weighted impurity decrease of each split). Thresholds are stored
// as the float64 boundary that routes a float64 input exactly as
// scikit-learn routes it after rounding it to float32 (less than one
// float32 step from scikit-learn's midpoint). A missing value (NaN) at
// prediction goes to the child that had more training weight.
//
// Package model fits these trainers on its tree matrix (they report
// train.NativeMissing: raw numbers, category codes as numbers), which has
// no NaN only when the declared columns have no missing values or are
// imputed.
//
// # Concurrency
//
// A forest grows ForestOptions.Workers trees at a time (GOMAXPROCS by
// default) on goroutines it waits for before returning; each tree depends
// only on the data, the settings, Seed and its index, so the model is bit
// for bit the same whatever the number of workers (TestWorkersBitIdentical).
// A done context stops a fit between trees and every 256 nodes within a
// tree. Trainers are values and safe for concurrent use; models are
// immutable.
//
// # Performance
//
// X is copied once per fit, column by column in float32, with its values'
// order-preserving bits. At each node and drawn feature, the node's
// (value bits, row) keys are sorted by an LSD radix sort on the bits that
// vary in the node (pdqsort below 256 rows) and scanned once, with the
// weight and target of each row side by side in memory; nothing is
// allocated per node. A forest of 100 trees on 100,000 × 30 rows fits in
// 0.36 (one thread) and 0.72 (two threads) of scikit-learn's wall time
// and 0.69 of its CPU time, medians of three side-by-side runs on a
// heavily shared machine; figures and the script that measures them are
// in BENCHMARKS.md and testdata/bench_sklearn.py.
package forest
