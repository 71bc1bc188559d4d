// Package lightgbm imports models trained with LightGBM into Loom: the
// text model of Booster.save_model("model.txt") (LightGBM 2 to 4) becomes
// a train/tree ensemble that scores in pure Go, encodes and registers as
// kind tree.Kind, and binds to Loom's contracts and feature definitions
// with model.Import.
//
// # Overview
//
// Parse (or Read) checks a file and returns a *Booster: its feature names,
// which features are categorical, and its trees. Booster.Model gives the
// train.Model:
//
//	b, err := lightgbm.Read(f, nil)
//	m, err := b.Model("") // or model.Import(ctx, spec, b, rows)
//
// Objectives: binary (classes 0 and 1; a sigmoid other than 1 is folded
// into the leaf values, so Loom's raw margins are sigmoid times
// LightGBM's), multiclass (classes 0 to k-1, softmax), the regressions
// (regression, regression_l1, huber, fair, quantile, mape: identity),
// poisson, gamma and tweedie (exp), cross_entropy (a logistic regressor)
// and the ranking objectives (raw scores). Random-forest models
// (average_output) average their trees, and apply the objective's
// transform as LightGBM 3 and later do; dart models need nothing more.
//
// Refused, with an *Error wrapping ErrUnsupported that names the option
// and its line: linear trees (is_linear=1), multiclassova,
// cross_entropy_lambda, custom objectives, regression's sqrt output
// transform (reg_sqrt) and a two-class softmax.
//
// # Semantics
//
// A numeric split sends x left when x <= threshold, in float64 as LightGBM
// does. Missing values follow the split's missing type: None, NaN becomes
// 0 and is compared with the threshold; Zero, NaN and values within 1e-35
// of zero go in the default direction (tree.ZeroMissing); NaN, NaN goes in
// the default direction. A categorical split sends the integer code x left
// when it is in the split's bitset; NaN goes right under missing type NaN,
// else it is taken as code 0. Negative codes and codes beyond the bitset
// go right, except in a split whose NaN goes left (missing type None or
// Zero with code 0 in the set), where they go left; LightGBM truncates a
// fractional code, Loom sends it where NaN goes. Loom's features give a
// category as an Ordinal code (0 to k-1) or NaN, for which the converted
// trees follow LightGBM exactly. LightGBM's zero band is ±1e-35 rounded
// to float32 (1.00000002e-35); Loom's is ±1e-35.
//
// The trees are renumbered breadth first (Loom's layout); each node
// carries split_gain as Tree.Gain and internal_count / leaf_count as
// Tree.Cover. Because of the renumbering the leaf indices of
// tree.Ensemble.Leaves are not LightGBM's leaf indices.
//
// # Fidelity
//
// LightGBM is not packaged on this system, so the fixtures of testdata are
// models and predictions made by the real LightGBM and published by
// github.com/dmitryikh/leaves (MIT; see testdata/README.md): binary
// (dart), multiclass (probabilities and raw scores), multiclass with
// categorical splits (kddcup99), Poisson regression with categorical
// splits of missing type NaN, and a random forest. Loom equals them to
// 1e-6 (the largest difference is about 1e-16). These fixtures hold no
// numeric split of missing type Zero or NaN and no missing input values:
// TestSemantics checks those cases against a transcription of LightGBM's
// decision functions (Tree::NumericalDecision, CategoricalDecision) on
// the same models with rewritten decision types, not against LightGBM
// itself. Plain l2 regression has no fixture.
//
// # Hostile files
//
// Parse refuses a file larger than Options.MaxBytes (256 MiB), more nodes
// than Options.MaxNodes (1<<24) in all, more features than
// Options.MaxFeatures (1<<20), a tree deeper than
// Options.MaxDepth (1024), bitsets of more than 2048 words, cycles,
// unreachable nodes and every out-of-range index; each error is an *Error
// naming the line, the tree and the field (split_feature[5]). FuzzParse
// checks that no input panics.
//
// # Performance
//
// Scoring is train/tree's; see BENCHMARKS.md.
package lightgbm
