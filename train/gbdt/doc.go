// Package gbdt fits gradient-boosted decision trees on histograms, with
// the semantics and defaults of scikit-learn 1.2's
// HistGradientBoostingClassifier and HistGradientBoostingRegressor. Its
// models are train/tree ensembles (kind tree_ensemble), so they encode,
// decode, score and serve like every other Loom model.
//
// # Overview
//
// Classifier and Regressor are plain train.Trainer values whose zero
// value means scikit-learn's defaults; drop one in wherever a trainer goes
// (cross-validation, searches, experiment records):
//
//	m, err := gbdt.Classifier{}.Fit(ctx, train.Dataset{X: X, Y: y, Categorical: cat})
//	p := m.(train.Classifier).PredictProba(buf, row) // 0 allocations
//
// What a fit does, as scikit-learn does it:
//
//   - Binning: each numeric feature is cut into at most MaxBins (255)
//     bins at the midpoints between distinct values, or at "midpoint"
//     percentiles when there are more distinct values, computed on a
//     seeded subsample of 200,000 rows above that; NaN has a bin of its
//     own. A categorical feature (train.Dataset.Categorical) takes integer
//     codes 0 to MaxBins-1 as its bins.
//   - Growth: each tree grows leaf-wise, splitting the leaf of largest
//     gain, up to MaxLeafNodes (31) leaves, MaxDepth, with at least
//     MinSamplesLeaf (20) rows and a hessian of 1e-3 in a leaf; leaf
//     values are Newton steps -G/(H+L2Regularization), shrunk by
//     LearningRate (0.1). The histogram of the smaller child is built and
//     the larger one's is the parent's minus it.
//   - Missing values: each split tries missing values on both sides and
//     keeps the better; when training saw no missing value for a feature,
//     a missing value at prediction goes to the child that had more rows.
//     The direction is stored in the tree (tree.DefaultLeft).
//   - Each tree records the gain of each split (tree.Tree.Gain) and the
//     training weight that reached each node (tree.Tree.Cover: the sum of
//     the sample and class weights of its rows, the number of rows when
//     unweighted, as scikit-learn's node count), for gain importances and
//     TreeSHAP.
//   - Categories: a categorical split sends a set of categories left:
//     the categories (with at least 10 rows' worth of hessian, missing
//     values counted as a category) sorted by G/(H+10), then the best
//     prefix or suffix up to the middle. Categories unseen in training
//     follow missing values.
//   - Monotonic constraints (Options.Monotonic) keep the children's
//     values ordered and bound the values below them.
//   - Losses: binary log loss (two classes) or multinomial log loss (one
//     tree per class per iteration) for Classifier; squared error,
//     absolute error (leaves set to the median residual) or Poisson for
//     Regressor. Sample weights (train.Dataset.Weights) and class weights
//     (Classifier.ClassWeight, Balanced) multiply gradients and hessians.
//   - Early stopping: with EarlyStopping On, or Auto above 10,000 rows,
//     ValidationFraction (0.1) of the rows (stratified for a classifier,
//     chosen by Seed) are held out, and boosting stops when the
//     validation loss has not improved by more than Tol (1e-7) in
//     NIterNoChange (10) iterations.
//
// On the shared data sets (iris, breast_cancer, diabetes, mixed with its
// categorical columns) the test predictions equal scikit-learn 1.2.1's to
// 1e-12 for every loss and option tested, except two documented cases
// (testdata/gen_reference.py, TestSklearnReference): early stopping,
// whose validation rows are drawn by another generator, and iris, where
// after about 60 iterations probabilities near 1 make near-ties that
// round differently (largest difference 0.06 in a probability; accuracy
// equal).
//
// # Progress and cancellation
//
// Options.Progress receives one train.Progress per iteration with the
// training loss and, with early stopping, the validation loss (both the
// weighted mean pointwise loss, as scikit-learn's train_score_ and
// validation_score_ negated). A fit checks ctx between nodes and returns
// ctx.Err() within one tree.
//
// # Errors
//
// X may hold NaN (a missing value); ±Inf is a *train.DataError wrapping
// train.ErrNonFinite, a categorical value that is not an integer code
// below MaxBins one wrapping ErrCategory, a negative Poisson target one
// wrapping ErrTarget. Settings out of range (a negative MaxIter,
// MaxBins above 255, a monotonic constraint on a categorical feature)
// are programmer mistakes and panic.
//
// # Concurrency and determinism
//
// A fit runs on Workers goroutines (GOMAXPROCS by default): its own and
// Workers-1 that it starts, which take parts of each parallel step (the
// histograms of a node by group of features, its partition by array, the
// gathering of gradients by range of rows, the split search by feature)
// as they come free, and spin for up to 2 ms between steps before they
// sleep. Every feature's histogram sums are taken in the order
// of the node's rows (an order that the partitions fix, whatever the
// number of workers); gradients and losses are computed over fixed blocks
// of rows. The model
// is therefore bit-identical whatever the number of workers, and the
// same data, settings and Seed give the same model. The goroutines have
// returned when Fit returns, whether it ends by success, error or
// cancellation.
//
// # Performance
//
// Bins take one byte per value, stored by group of four features (the
// last group padded), a row's four bins of a group side by side in one
// 4-byte word. The rows of a node occupy a contiguous range of positions,
// and the bins are kept in that position order: each split partitions
// its node's row indices and the words of every group, so that a node's
// bins are contiguous and its histogram pass reads them in order instead
// of reading scattered rows of the whole columns; the gradient pairs too,
// gathered by row once per tree and then moved with the rows. On amd64
// with AVX2 the left marks of a numeric split come from a compare of 8
// words at a time. The partition runs in place, from both ends of the
// node a block of 32 words at a time, on a plan made once from the marks
// for all the arrays (part.go), and packs 8 words at a time (VPMOVMSKB of
// the left marks, VPERMD with a table): each word is read once and
// written once. The gradient and hessian pairs (float32, side by side)
// are gathered by row at the start of each tree (on linux the array is
// backed by huge pages, as the gather reads it at random). A node's
// histogram pass fills the histograms of a group in one pass (only the
// used features of the last group). A histogram bin holds its
// gradient sum, hessian sum and row count as three float64 lanes of 32
// bytes, so that on amd64 an assembly kernel adds a row's (g, h, 1) to a
// bin with one load, one add and one store (the same sums, in the same
// order, as the portable Go loop, which runs elsewhere and under the
// build tag purego). Only the smaller child of a split has its histogram
// built, the other one's is the parent's minus it. The split search
// skips empty bins and evaluates the gains of up to 32 splits at a time
// (four to an AVX2 division); binning finds a value's bin from a table
// of equal-width buckets between a feature's first and last thresholds,
// then a short search, and the thresholds by selection rather than a
// full sort (the same bins and thresholds as the search and the sort).
// The binary loss's
// gradients use internal/fastmath's exponential (the logistic model's,
// e^-|z| by ExpNegAbs), 256 rows at a time, and on amd64 an AVX2 kernel
// for the pairs; the margins are updated through a byte per row
// naming its leaf, then in row order. A fit of 1,000,000 × 30 rows for
// 100 iterations keeps 32 MB of bins, 8 MB of gradient pairs by row and
// 8 MB in position order, 4 MB of row indices, 8 MB of margins, the 8 MB
// of labels, 1 MB of marks (a byte per row: left or right in a
// partition, then its leaf), a partition plan of 250 KB and up to about
// 33 histograms of 262 KB (one per leaf waiting to split, 8.6 MB): 78.5
// MB at the peak of the live heap, 1.93 times the binned data plus
// histograms, besides the caller's X (and a copy of X only when it is a
// strided view). On nodes of more than 4,096 rows the partition and the
// update of the margins are split among the workers too. Measured
// figures against scikit-learn, with the commands, are in BENCHMARKS.md.
package gbdt
