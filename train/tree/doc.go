// Package tree is Loom's representation of tree ensembles: the model that
// gradient boosting (package train/gbdt), and later decision trees,
// forests and imported XGBoost and LightGBM models, produce and serve.
//
// # Overview
//
// An Ensemble is a sum of regression trees plus a base margin per output,
// mapped to a prediction by a Link: Identity (squared or absolute error),
// Exp (Poisson), Logistic (binary classification, or a regressor in
// [0, 1] without classes), Softmax (one margin per class) or Probability
// (margins that are class probabilities already, as averaged trees of a
// forest give). New checks a Spec and builds one; Model gives its
// train.Model, a *Classifier (a train.Classifier) or a *Regressor:
//
//	e, err := tree.New(tree.Spec{Features: 3, Link: tree.Identity, Base: []float64{0}, Trees: trees})
//	y := e.Model().Predict(row) // 0 allocations
//
// Each Tree is a flat array of Nodes, root first. A split node tests one
// feature: numeric (x <= Value goes left) or categorical (the integer
// code x goes left when it is in the split's bitset, stored in Tree.Cats).
// A missing value (NaN), and under a categorical split a code outside the
// bitset's range, goes where the DefaultLeft flag says: the direction
// training learned for missing values; a numeric split flagged
// ZeroMissing sends values within ±1e-35 of zero the same way (LightGBM's
// missing type Zero). Tree.Gain and Tree.Cover optionally record each
// node's loss reduction and the training weight that reached it, for
// importances and explanations. The children of a node are
// adjacent (Left and Left+1) and come after it, so every walk ends; New
// checks this and every other invariant, so a Spec built by hand or read
// from outside bytes cannot make prediction panic or loop. A tree adds its
// leaf value to one output (Tree.Class): a multinomial model has one tree
// per class per iteration, as scikit-learn, LightGBM and XGBoost build
// them.
//
// Raw gives the margins before the link; Leaves the leaf reached in each
// tree. RawBatch, PredictBatch and PredictProbaBatch score a matrix on all
// cores. Importances gives split counts or total gains per feature.
//
// # Explanations
//
// An Explainer splits a row's raw margins into one exact TreeSHAP
// contribution per feature plus the expected margin (XGBoost's
// pred_contribs layout), weighing the unknown side of each split by the
// node covers (Tree.Cover) the trainer or importer recorded; an ensemble
// without covers gives ErrNoCover. It allocates nothing with a caller's
// workspace. It computes the Shapley values as integrals that
// Gauss–Legendre quadrature makes exact (Quadrature-TreeSHAP): two
// passes over each tree's splits per row with a few vector operations
// per split over the quadrature points (half the most distinct features
// on a path, padded to 4 or 8 lanes: AVX2 on amd64, the same bits in Go
// elsewhere or under the purego tag), from per-split records
// NewExplainer builds within a 16 MiB budget (trees beyond it, such as
// deep forests, take a recursive walk); one row through 100 trees of 31
// leaves costs a few tens of microseconds (BENCHMARKS.md).
//
// # Encoding
//
// Every ensemble encodes under one registered model kind, Kind, through
// train.Encode (MarshalBinary documents the payload) and decodes with
// train.Decode once this package is imported. The payload is data only:
// decoding checks it as New does, so corrupt or hostile bytes give an
// error wrapping train.ErrCorrupt, never a panic, and allocate no more
// than the payload's size justifies (FuzzDecode checks this).
//
// # Concurrency
//
// An Ensemble and its models are immutable and safe for concurrent use.
// The batch methods run GOMAXPROCS goroutines over blocks of 512 rows and
// wait for them before returning.
//
// # Float32 sums
//
// With Spec.Float32 an ensemble computes as XGBoost's predictor does: its
// base margins and leaf values are float32 values, each output's margin
// is summed in float32 (the base margin first, then the leaf values in
// the order of the trees) and its predictions and probabilities are
// rounded to float32. The XGBoost importer sets it, so that imported
// margins equal XGBoost's bit for bit. Without it, margins are summed in
// float64. Explanations split the float64 margin either way.
//
// # Performance
//
// New compiles the trees for prediction; the leaf values always add up
// in the order of the trees, so every prediction is bit-identical to
// walking the trees one by one, only faster. Trees with numeric splits
// only take one of two forms, chosen per output by an estimate of their
// cost:
//
//   - Chunks of up to 128 trees of at most 64 leaves are scored without
//     walking them, as QuickScorer does: each tree has a word of bits, one
//     per leaf from left to right; for each feature the splits on it,
//     sorted by threshold, are scanned up to the row's value, and every
//     split the row goes right at clears the leaves of its left subtree;
//     the lowest leaf left in a tree's word is the leaf the row reaches.
//     A row costs about one step per split it goes right at, without a
//     chain of dependent loads: the form for depth-limited trees, as
//     XGBoost grows them.
//   - Otherwise the trees lie in one array of 16-byte nodes, where a leaf
//     leads back to itself, and are walked eight at a time in lockstep,
//     each step choosing the child without a branch (the comparison with
//     the threshold is unpredictable), so that eight chains of dependent
//     loads overlap; a row without NaN takes steps that skip the
//     missing-value test: the form for leaf-wise trees with a few long
//     paths (train/gbdt, LightGBM) and for trees of more than 64 leaves.
//
// Trees with categorical or ZeroMissing splits, and lockstep trees of an
// ensemble of 8192 features or more, are walked one at a time. One row
// through 100 trees of 31 leaves, or of depth 6, takes a microsecond or
// two without allocation (BenchmarkPredict in train/gbdt,
// BenchmarkPredictRow in train/xgboost; figures in BENCHMARKS.md).
package tree
