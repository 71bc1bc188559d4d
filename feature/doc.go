// Package feature defines features once, in Go, over the user's row type T,
// fits their state on training data, and computes training matrices and
// serving vectors with the same code, so train/serve skew cannot arise from
// two implementations of one feature.
//
// # Overview
//
// A Set[T] lists named features. Each reads one value from a row through a
// typed accessor — Num (func(*T) float64), NumOpt and NumPtr for nullable
// numbers, Cat, CatOpt and CatPtr for categories, Time for time.Time — and
// passes it through a chain of transforms:
//
//   - numeric: Impute (Mean, Median, MostFrequent) and ImputeConstant, with
//     an optional NAME_missing indicator column; Standardize, MinMax,
//     Robust, MaxAbs (scikit-learn's scalers); Clip; Log1p; YeoJohnson and
//     BoxCox (the power transforms, with their maximum-likelihood λ; BoxCox
//     for values > 0 only); Bins (k bins by
//     quantile or uniform width, KBinsDiscretizer with ordinal output);
//     Transform for a user-defined Custom: stateless, or a Learner whose
//     state Fit learns (see User-defined transforms below).
//   - categorical: an optional CatImpute or CatImputeConstant, then one
//     encoder: OneHot (unknown categories ignored or an error; rare ones
//     folded into one infrequent column by MinFrequency or MaxCategories),
//     Ordinal, Hash into n buckets, or TargetEncode (the smoothed mean of
//     the Set's Label per category, cross-fitted over K folds in
//     Fitted.TrainingMatrix so that no training row sees its own label).
//   - time: calendar parts (Year, Month, ...) and cyclic sine/cosine pairs
//     (MonthCycle, HourCycle, ...).
//   - interactions: Product of two numeric outputs (or a square), and
//     Polynomial, every monomial of degree 2 to d of several numeric
//     outputs (or only the products of distinct ones), in the order of
//     scikit-learn's PolynomialFeatures(include_bias=False) after its
//     degree-1 columns, each a product feature named as its
//     get_feature_names_out with "*" for the space: x^2, x*y, x^2*y.
//
// Set.Fit (over []T) and Set.FitSeq (over iter.Seq2[T, error]) learn the state and
// return a Fitted[T]:
//
//   - Vector(row, dst): the serving path, no allocation when dst has room;
//   - Transform(row, dst): the same, returning a *ValueError for bad values;
//   - Matrix(ctx, rows) and MatrixTo: the training path, a gonum *mat.Dense
//     or a row-major slice, computed in parallel over blocks of rows;
//     TrainingMatrix is the same for the fitted rows themselves, with
//     target encodings cross-fitted;
//   - MatrixBlocks(ctx, rows, fn) and TreeMatrixBlocks: batch scoring, the
//     same rows handed to fn in blocks of 256 while they are in the cache,
//     so that a model predicts each block before the next is made (no
//     matrix of every row; model.Bundle's Predict and PredictProba);
//   - MatrixArrow and DecodeArrow: Arrow record batches in, for batch
//     scoring: columns are decoded into T by its `loom:"name"` struct tags
//     (the mapping that contracts and sources share, internal/rowmap), then
//     the matrix path runs, so no feature is defined a second time;
//   - Names(): the output columns, for example age, income_missing,
//     city=Paris, city=<missing>, city=<infrequent>, page#3, at.hour_sin,
//     x^2*y;
//   - MarshalJSON and Set.Decode: versioned JSON of the fitted state, exact
//     to the bit; Fingerprint: its SHA-256 content hash;
//   - NewStats: per-column count, missing, mean, std, min and max of
//     training matrices and of live vectors, to compare them (skew).
//
// CheckParity asserts that all these paths (Vector, Transform, Matrix, an
// Arrow round trip) and an encode/decode round trip agree bit for bit; the
// package's tests run it over every transform.
//
// The numeric definitions are scikit-learn 1.2's: the state and outputs of
// Standardize, MinMax, Robust, MaxAbs, Impute, OneHot, Ordinal and Bins
// agree with StandardScaler, MinMaxScaler, RobustScaler, MaxAbsScaler,
// SimpleImputer, OneHotEncoder, OrdinalEncoder and KBinsDiscretizer within
// 1e-9 relative on the breast_cancer, diabetes and mixed data sets
// (testdata/gen_sklearn.py produced the reference values). YeoJohnson's
// and BoxCox's λ, found by the same Brent iteration as scipy's (stopping
// tolerance 1.48e-8), and their outputs agree with PowerTransformer's
// within 1e-6 relative (BoxCox: or 1e-7 absolute, for λ near 0, where the
// flat likelihood fixes its maximum only to about that). On the three data
// sets BoxCox's largest differences are 1.3e-7 absolute in λ (1.8e-6
// relative, for a λ of -0.015), 1e-5 absolute in unstandardized outputs
// (3.4e-7 relative) and 1e-7 absolute in standardized ones (1.1e-5
// relative, near 0); go test -v -run Sklearn logs them. Polynomial's
// terms multiply their factors from the last to the first, as
// PolynomialFeatures does, and equal its outputs bit for bit (degree 3,
// and degree 2 with interaction_only, on diabetes' bmi, bp and s5: all
// 950 and 300 test values; the test allows 1e-12 relative).
//
// # Fitting
//
// Fitting takes one pass over the data for one-pass statistics (counts and
// vocabularies, mean and variance, min and max, exact or sketched
// quantiles); a chain with several stateful numeric transforms (Impute then
// Standardize) takes one pass per stateful transform, each fitted on the
// output of the ones before it, as a scikit-learn Pipeline. All statistics
// are mergeable: Set.Begin returns a Fitting whose Passes accumulate rows on
// separate shards and Merge, for distributed fitting; Fit itself fits
// blocks of Options.BlockRows rows in parallel and merges them in block
// order, so its result does not depend on the number of CPUs and equals
// FitSeq bit for bit. Quantiles are exact by default (every value is kept
// and sorted, as scikit-learn does); Options.SketchK switches to a KLL
// sketch whose returned quantiles have a rank error of at most 3/SketchK.
//
// # User-defined transforms
//
// Transform(c) adds a user's Custom to a numeric chain. A plain Custom is
// stateless: its Kind and MarshalText (its parameters) are stored and
// checked on decoding, nothing is learnt. A Custom that also implements
// Learner learns state from the training data, through the same passes
// and merges as the built-in stateful transforms: one pass for the step,
// over the output of the steps before it, with missing values (NaN) and
// ±Inf kept out of it as for Standardize. Each shard of the pass (each
// block in Fit, each Pass in a sharded Fitting) gets a fresh Accumulator
// from NewAccumulator; their Add(x) and Merge(other) collect the values,
// merged in block order, and Finish returns the fitted Custom. An
// Accumulator whose Merge is exact (kept values, counts, min and max)
// gives the same state from any shards as from all rows at once.
//
// The fitted Custom must implement encoding.TextMarshaler. Fit calls its
// MarshalText once; the text is stored in the encoded state as the
// transform's "fitted" string (kind "custom_fitted"), next to the
// definition's Kind and MarshalText as its configuration. Set.Decode
// checks the configuration as for any transform (ErrMismatch) and passes
// the text to the definition's Restore, which returns the fitted Custom;
// an error from Restore wraps ErrFormat and Restore's error. Decoding
// runs no user code but Restore: the state is data. Errors from Finish
// and MarshalText fail Fit with a *StateError naming the feature. The
// fitted Custom's Apply runs in the general per-value path of every one
// of Vector, Transform, Matrix and the Arrow path, so they stay
// bit-identical; it must be safe for concurrent use and, for a Vector
// without allocation, not allocate.
//
// # Bad input
//
// Every value has a documented outcome; none leaks NaN silently:
//
//   - Missing values: NumOpt/NumPtr/CatOpt/CatPtr report them, and a NaN
//     from a numeric accessor is missing too (scikit-learn's convention).
//     Fitting leaves them out of the statistics. In transforming, an imputer
//     fills them; OneHot gives a NAME=<missing> column when training saw
//     missing values; otherwise the value is an ErrMissing error.
//   - ±Inf: an ErrInfinite error, in fitting and transforming, unless the
//     chain starts with Clip, which bounds it. A result that overflows to
//     ±Inf is an ErrInfinite error as well, including a product whose
//     partial product overflows before a factor of 0 (Polynomial).
//   - Out of domain (Log1p below -1, BoxCox at or below 0, a Custom or
//     a Learner's fitted transform returning NaN): ErrDomain, in transforming and, for BoxCox, in
//     fitting too (scikit-learn refuses such data as well). A constant
//     column for BoxCox, whose λ is undefined, is an ErrDomain error from
//     Fit.
//   - Unknown category: under UnknownError (the default, as scikit-learn's)
//     an ErrUnknownCategory error; under UnknownIgnore all zeros for OneHot
//     (or the infrequent column when there is one), OrdinalOptions.
//     UnknownValue for Ordinal. Hash has no unknown categories. A missing
//     value that training never saw counts as unknown for OneHot.
//   - Values outside the training range are extrapolated (MinMax beyond
//     [lo, hi]) or fall in the first or last bin (Bins).
//   - A constant column: Standardize, Robust, MinMax and MaxAbs use scale 1
//     (so the output is 0, or x/1 for MaxAbs of zeros), Bins gives one bin,
//     as scikit-learn does.
//   - No training rows, or a stateful transform with no non-missing value:
//     an ErrEmpty error from Fit.
//
// Transform and Matrix return the first such value as a *ValueError naming
// the row, feature and value; Vector, which cannot return an error, writes
// NaN into every column of that feature, so a caller that skips checking
// still cannot mistake it for data. Fit reports ±Inf and domain errors the
// same way.
//
// Programmer mistakes (duplicate names, including a Polynomial term's, a
// categorical feature without an encoder, two imputers in one chain, bad
// parameters such as a Polynomial degree below 2 or a product of an
// unknown or non-numeric feature, changing a Set after its first use)
// panic with a message starting "feature: ".
//
// # Encoded state
//
// The features are Go code, so decoding is applying saved state to a Set's
// definitions: Set.Decode checks that names, types, transform kinds, their
// options (including a Custom's or Learner's MarshalText), a product's
// factors ("of", in order: two for Product, k for a Polynomial term of
// degree k, so state encoded before Polynomial existed decodes unchanged)
// and the output names match, and wraps ErrMismatch with the difference
// otherwise; it rebuilds a Learner's fitted transform by passing the
// stored text to the Learner's Restore. Malformed or inconsistent state
// (bad JSON, unknown format or version, unsorted categories, zero scales,
// NaN state, a Learner's state that Restore rejects) wraps ErrFormat. Finite floats are
// written in shortest round-trip form, NaN and ±Inf as strings, so every
// float64 keeps its bits. Decode never panics (unless a user's Restore
// does) and allocates in proportion to its input (at most 256 MiB);
// FuzzDecode checks this, over the built-in transforms, Learners and
// polynomial terms.
//
// # Concurrency
//
// A Set is defined on one goroutine; after its first Fit, Begin or Decode it
// is frozen and safe for concurrent use. A Fitted is immutable and safe for
// concurrent use by any number of goroutines. Accessors and Custom
// transforms must be safe for concurrent calls (Fit and Matrix call them
// from several goroutines). Pass, Fitting and Stats are not safe for
// concurrent use: keep one per goroutine and Merge. A Learner's
// Accumulators are each used by one goroutine at a time (one per block or
// Pass); NewAccumulator may be called from several goroutines at once.
//
// # Performance
//
// The benchmarks in bench_test.go use six numeric features with Impute and
// Standardize and three one-hot features with 3, 7 and 12 levels (28
// output columns). Measured on the shared 2-core machine with the previous
// version's test binary alternated in the same window (go test -c -o
// /tmp/feature.test ./feature; /tmp/feature.test -test.run '^$'
// -test.bench 'Vector$|VectorTransform|Matrix$' -test.benchmem
// -test.count 5, twice each; benchstat medians of the 10 runs; a load
// average of 3 to 6 from other work):
//
//   - Vector: median 198 ns (110 ns in the quietest run; before, 221 and
//     181 ns), no allocation.
//   - Matrix of 1,000,000 rows (BenchmarkMatrix/rows=1000000): median 7.4
//     million rows/s, 2.9 to 14.6 million across runs (before: 3.3
//     million, 1.8 to 4.2). Its cost is 109 ns of CPU per row (user+sys
//     time of 20 iterations; before, 233 ns), so about 18 million rows/s
//     when both cores are free. 10,000 rows: 13.8 million rows/s; 1,000:
//     8.5 million. 10 allocations a call, whatever the rows.
//   - Fit of 1,000,000 rows (BenchmarkFit): 0.50–0.52 s (median) at a
//     load average of 5 to 8.
//
// The matrix path evaluates chunks of 128 rows feature by feature: one
// loop of accessor calls per feature into a column, then a kernel for the
// chain (one pass for an imputer and Standardize or Robust, op by op for
// other imputer and affine chains, the general chain per value for the
// rest; one-hot and hashing set one column in a chunk cleared once), all
// computing Vector's float64 operations in Vector's order, so the values
// are bit-identical. Blocks of at most Options.BlockRows rows (about four
// per CPU, at least 256) go to GOMAXPROCS goroutines in turn; a single
// block runs on the caller's goroutine. TreeMatrix is the same path with
// the missing values a tree learner takes let through as NaN. Categories are found in a
// collision-free table over a hash of their length and five bytes for
// vocabularies up to 64 (a scan, or a map, when no such table exists);
// above 64, in a map. Matrix writes 8 bytes per column per row; Fit keeps
// every value of a quantile statistic unless Options.SketchK is set.
package feature
