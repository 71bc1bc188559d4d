// Package train fits models to matrices: the Trainer and Model interfaces,
// registration of model kinds, the built-in linear and logistic trainers,
// splits, cross-validation, hyperparameter search and experiment records.
// It knows nothing of Loom's feature, evaluate or registry packages: it
// works on gonum matrices, slices and bytes, so it can be used alone.
//
// # Overview
//
// A Dataset is a view of a *mat.Dense X (one row per sample), targets Y,
// optional sample weights, an opaque feature fingerprint and, for tree
// learners, which columns hold category codes (Categorical). A Trainer
// fits it and returns a Model:
//
//	m, err := train.LogisticRegression{C: 1}.Fit(ctx, train.Dataset{X: X, Y: y})
//	label := m.Predict(row)                                   // 0 allocations
//	proba := m.(train.Classifier).PredictProba(buf, row)     // 0 allocations
//
// Built-in trainers, numerically equivalent to scikit-learn 1.2 (checked
// against reference values in testdata):
//
//   - LinearRegression: ordinary least squares with an intercept, by QR.
//   - Ridge: L2-penalised least squares, unpenalised intercept, by Cholesky.
//   - LogisticRegression: binary or multinomial, L2 with scikit-learn's C
//     convention, class weights (including balanced) and sample weights,
//     L-BFGS from gonum/optimize with SciPy's stopping rules.
//
// Model capabilities beyond Info and Predict are optional interfaces found
// by type assertion (Classifier; encoding.BinaryMarshaler for saving).
// PredictBatch and PredictProbaBatch score a whole matrix. Verify checks a
// model against the width and feature fingerprint of its inputs.
//
// # Encoding and model kinds
//
// Encode writes a model as data only: a versioned binary envelope (magic,
// format version, kind, number of features, feature fingerprint, payload)
// closed by a CRC-32C, documented on Encode; floats are stored as their
// bits, so a round trip is exact. Decode finds the decoder registered for
// the kind, the way database/sql finds drivers: a package defining a model
// kind calls Register in its init, and a program that decodes such models
// imports it. An unregistered kind is an error wrapping ErrUnknownKind
// (`train: unknown model kind "gbdt" (forgotten import?)`); corrupt or
// hostile bytes give ErrCorrupt, never a panic and never an allocation
// larger than the input justifies.
//
// # Model selection
//
// Splitters return row indices, never copies, deterministically from a
// seed: Holdout (train/test, optionally stratified), KFold,
// StratifiedKFold, GroupKFold and TimeSeriesSplit; TrainTestSplit and
// StratifiedTrainTestSplit for one split. CrossValidate fits and scores
// each fold, folds in parallel with bounded concurrency, and returns
// per-fold scores and timings. GridSearch, RandomSearch, HalvingSearch
// (successive halving over rows) and Search cross-validate candidates from
// a typed Space (Values, Choices, IntRange, Uniform, LogUniform), in
// parallel, and refit the best; the results table holds every candidate.
// Scorers (Accuracy, NegLogLoss, R2, NegMeanSquaredError, or any Scorer
// function) follow scikit-learn's greater-is-better convention.
//
// # Records and progress
//
// Fit wraps any Trainer and returns a Record: kind, parameters, seed, data
// fingerprint (SHA-256 of X, y and weights), the caller's metrics,
// durations, Go version and Loom's module version; searches return one
// too. Both go to an optional Observer. LogisticRegression.Progress and
// SearchOptions.Progress receive (iteration, loss, elapsed) reports, for a
// progress bar.
//
// # Errors
//
// Bad data returns errors, never a silent NaN model. NaN in X is a missing
// value: trainers that handle missing values natively (train/gbdt) take
// it, the built-in linear trainers refuse it; cross-validation and the
// searches leave that decision to the trainer. The errors are ErrEmpty,
// ErrShape, ErrNonFinite and ErrNegativeWeight (as a *DataError naming the field,
// row and column), ErrSingleClass, ErrUnderdetermined and ErrSingular for
// OLS. A logistic fit that reaches MaxIter returns its model together with
// a *NotConvergedError (errors.Is ErrNotConverged), like scikit-learn's
// ConvergenceWarning; cross-validation and searches keep such models and
// mark them. A failed fold is a *FoldError. Invalid settings, such as a
// negative C or one fold, are programmer mistakes and panic.
//
// # Concurrency
//
// Models are immutable after fitting and safe for concurrent use.
// Trainers are plain values; Fit may be called concurrently. A logistic
// fit computes its loss and gradient over fixed blocks of 2048 rows on
// Workers goroutines (GOMAXPROCS by default) that live for the fit, and
// sums the blocks in order, so the model is bit-identical whatever the
// number of workers. CrossValidate and the searches run fits through an
// errgroup with SetLimit; every goroutine has returned when they return.
// Cancelling ctx stops a fit within one evaluation of the loss, and a
// search or cross-validation within one iteration of its running fits;
// they then return ctx.Err().
//
// # Performance
//
// Predict and PredictProba of a logistic model with 30 features take tens
// of nanoseconds and do not allocate (BenchmarkPredict,
// BenchmarkPredictProba). PredictBatch and PredictProbaBatch of a logistic
// model score blocks of 16,384 rows on GOMAXPROCS goroutines, with the
// values of Predict and PredictProba bit for bit; other models with a
// batch method of the same name (train/tree's ensembles) are scored by it,
// the rest row by row. An evaluation of the logistic loss and gradient
// allocates nothing; for a binary model it computes the scores of 64 rows,
// then their losses, then their gradient updates, with a table-driven exp
// and a division-free log1p (both within one ulp, architecture-independent)
// in place of math.Exp and math.Log1p, which were most of its cost.
// Iterations equal scikit-learn's n_iter_ (SciPy's count), so fits of the
// same data stop at the same iteration and the same optimum. A fit copies
// X only when it is a strided view, plus 20 bytes per row of labels and
// weights. Cross-validation and Subset copy the rows of each fold;
// Fingerprint hashes all of X (about 1 s per 240 MB). Measured figures,
// side by side with scikit-learn and NumPy (testdata/bench_sklearn.py),
// are in BENCHMARKS.md.
package train
