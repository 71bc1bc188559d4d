// Package beam runs Loom's model declarations (package model) on Apache
// Beam, for data larger than one machine: the same data contract,
// feature definitions, drift profile and bundle, on any Beam runner
// (Prism in process, Dataflow, Flink, Spark through the portable runner).
// It is a nested Go module (github.com/loomml/loom/beam, its own go.mod)
// so that users of the main module never download Beam's dependencies.
//
// # Declarations by name
//
// Beam workers run the launcher's binary but cannot receive Go closures,
// and a declaration holds some (accessors, predicates). So a program
// registers each declaration under its model's name in an init function,
// and the transforms carry only the name and encoded state:
//
//	func init() { beam.Register("churn", customers.Spec) }
//
// A name not registered (or registered for another row type) is an error
// when the pipeline is built, not on a worker. Register also registers
// the Beam functions and coders of the transforms over the row type.
//
// # Blocks of rows
//
// A runner pays for each element of a collection (encoding, bookkeeping,
// watermarks), so the transforms pass rows between stages in blocks of up
// to 4,096 (Block[T]), encoded column by column from T's loom tags: a
// million rows are some 250 elements. Every transform that takes rows
// takes a PCollection<Block[T]> or a PCollection<T> (grouped into blocks
// per bundle, its row outputs given back as rows); ToBlocks and
// FromBlocks convert between the two.
//
// # Transforms
//
//   - ReadFiles reads CSV or Parquet files matched by a glob on any Beam
//     file system into a PCollection<Block[T]>, with Loom's own readers
//     (pipeline/source), and sends undecodable records, with file, line
//     and reason, to a second output. Any other PCollection<T> works too.
//   - Validate checks rows against the declaration's contract: valid rows,
//     rejected rows with their reasons, and the contract report merged
//     across workers (contract.Partial).
//   - FitFeatures fits the feature state as a combine of mergeable
//     statistics (feature.Pass): equal to model.Fit's exactly for counts,
//     vocabularies and exact quantiles, to rounding for means and
//     variances.
//   - BuildProfile builds the reference drift profile as a combine of
//     profiles (drift.Profile.Merge).
//   - Score scores rows with a registered bundle (model.Load on each
//     worker), bit for bit as model.Bundle.Predict, and WriteParquet
//     writes the predictions to sharded Parquet files.
//   - Materialize writes the feature matrix of rows (the fitted features
//     applied, with the labels) to sharded Parquet files for a trainer,
//     and ReadMatrix reads them back on one machine as a train.Dataset.
//   - WriteFile writes the one element of a result (features, profile,
//     report) to a file.
//
// # Training
//
// Training stays on one machine, as in TFX: a trainer needs the whole
// feature matrix in memory, rows × (features + 1) × 8 bytes (a million
// rows of 30 features: 248 MB). Validate and fit the
// features on Beam, Materialize the valid rows' matrix (or a sample's),
// and train on one machine from ReadMatrix, which refuses more rows than
// its limit before reading any value. The matrix equals
// feature.Fitted.Matrix of the same rows, bit for bit; the rows come in
// Beam's order. This package gathers no matrix onto one worker: a
// worker's memory would bound it just the same, with a less helpful
// failure.
//
// # Memory per worker
//
// A worker holds a few blocks of 4,096 rows at a time (ReadFiles fills
// one per file it reads, Validate and Score one output block per input
// block), plus: Validate one bundle's counts; BuildProfile one profile
// (sketches of 1,024 items per numeric column); Score the bundle;
// WriteParquet and Materialize one row group of up to 65,536 rows;
// Materialize the fitted features; ReadFiles one CSV record block
// (streamed) or one whole Parquet file. FitFeatures holds each column's
// statistics: constant size for moments and counts, but every value of a
// column whose transform needs exact quantiles (a median imputation,
// robust scaling, quantile bins), on the worker that merges them and,
// from the second pass on, in the state every worker reads. Set
// feature.Options.SketchK in the declaration (Spec.Features) to bound
// that by the sketch size.
//
// Measured on Prism, where the runner and its workers share one process
// and the runner keeps every collection between stages in memory: see
// BENCHMARKS.md ("Issue 17: Beam") for the time against one machine and
// the peak heap. On a cluster runner a worker holds what is listed above.
//
// # Testing
//
// The tests run pipelines on the Prism runner in process (no Docker, no
// Java): prism.Execute(ctx, p).
package beam
