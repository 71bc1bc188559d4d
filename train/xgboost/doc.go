// Package xgboost imports models trained with XGBoost into Loom: the JSON
// of Booster.save_model("model.json") (XGBoost 1.0 and later) and its
// binary UBJSON form ("model.ubj") become ordinary Loom models that
// score in pure Go, with no cgo and no Python, and bind to Loom's
// contracts and feature definitions with model.Import.
//
// # Overview
//
// Parse (or Read) checks a file and returns a *Booster: its feature names
// and types and its trees or weights. Booster.Model gives the train.Model:
//
//	b, err := xgboost.Read(f, nil)
//	m, err := b.Model("")                     // or model.Import(ctx, spec, b, rows)
//	p := m.(train.Classifier).PredictProba(dst, x)
//
// The boosters gbtree and dart become train/tree ensembles (kind
// tree.Kind; dart's tree weights are folded into the leaf values), so they
// encode, register and serve like Loom's own gradient-boosted trees;
// gblinear becomes a *Linear model of its own kind, LinearKind (no linear
// model of package train skips missing features as gblinear does).
//
// Objectives: binary:logistic and binary:logitraw (classifiers of classes
// 0 and 1; XGBoost's prediction under logitraw is the raw margin, which
// Loom gives by the ensemble's Raw, its probabilities by PredictProba),
// multi:softprob and multi:softmax (classes 0 to k-1), reg:squarederror,
// reg:logistic, count:poisson and reg:tweedie, each with a fixture; also
// reg:linear, reg:squaredlogerror, reg:pseudohubererror,
// reg:absoluteerror (identity) and reg:gamma (log link), mapped the same
// way without a fixture. Any other objective, a multi-target model or a
// vector base_score is refused with an *Error naming the field.
//
// # Semantics
//
// XGBoost converts each input to float32 and sends x left when
// float32(x) < threshold; Loom's trees send x left when x <= v in
// float64. Each threshold t becomes the largest float64 v such that
// float32(x) < t exactly when x <= v, round-to-nearest-even at the
// midpoint included (TestLeftBound checks it around twenty thousand
// thresholds), so every float64 input takes XGBoost's path. A missing
// value (NaN) goes to the default child. base_score becomes the starting
// margin: logit(base_score) for binary:logistic and reg:logistic, its log
// for count:poisson, reg:gamma and reg:tweedie, itself otherwise
// (binary:logitraw included, as XGBoost 1.7 does). In a multi-class model
// tree_info gives each tree's class.
//
// A categorical split (enable_categorical) sends the categories of its set
// right in XGBoost; the converted split sends them to the same child. A
// code not in the set goes left, as in XGBoost, for codes up to the
// largest category any split of the model names on that feature; a larger
// or negative code goes where missing values go, and a fractional code
// too, where XGBoost would truncate it. Loom's features give categories as
// Ordinal codes (0 to k-1 in sorted order, as pandas' sorted categories) or
// NaN, for which the converted trees follow XGBoost exactly.
//
// Each tree node carries XGBoost's loss_changes as Tree.Gain and
// sum_hessian as Tree.Cover, so gain importances and explanations work.
// The trees are renumbered breadth first (Loom's layout), so the leaf
// indices of tree.Ensemble.Leaves are not the file's node ids.
//
// # Fidelity
//
// XGBoost's predictor computes in float32: leaf values, base_score and
// each partial sum of the margin are float32 values, the margin of each
// output starting from base_score and adding the trees' leaf values in
// the order of the file, and its exp, sigmoid and softmax give float32
// results. The imported ensembles set tree.Spec.Float32, which sums the
// same float32 values in the same order, so their raw margins are
// XGBoost's bit for bit, and round their predictions and probabilities to
// float32; the linear booster computes in float32 as well. The fixtures
// of testdata, made by testdata/gen_fixtures.py with Debian's
// python3-xgboost 1.7.4 on the shared data sets with 5% missing values,
// cover every objective and booster above, missing values, categorical
// splits and the UBJSON form. Raw margins, predictions and probabilities
// equal XGBoost's to 1e-6 absolute, margins near 150 included; go test -v
// -run TestFixtures logs the largest differences.
//
// # Hostile files
//
// A file is data only, never code. Parse refuses a file larger than
// Options.MaxBytes (256 MiB), nesting deeper than Options.MaxDepth (64), a
// tree deeper than 1024, more nodes than Options.MaxNodes (1<<24) in all,
// more features than Options.MaxFeatures (1<<20), category codes of 2^16
// or more, categorical bitsets of more than 2^22 words in all (and more
// than 8 words per byte of the file), cycles and
// shared children, and every
// out-of-range index; each error is an *Error naming the byte offset or
// the field, tree and node (learner.gradient_booster.model.trees[3].
// split_conditions[5]). FuzzParse checks that no input panics.
//
// # Performance
//
// Scoring is train/tree's: a row through 100 trees of depth 6 takes about
// a microsecond without allocation; batch scoring runs on all cores.
// BENCHMARKS.md compares it with XGBoost's own predict on the same model
// and threads.
package xgboost
