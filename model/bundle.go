package model

import (
	"context"
	"fmt"

	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"

	"github.com/loomml/loom/contract"
	"github.com/loomml/loom/drift"
	"github.com/loomml/loom/feature"
	"github.com/loomml/loom/registry"
	"github.com/loomml/loom/train"
)

// Bundle is a trained model as the one unit that ships: the data contract,
// the fitted feature state, the model fitted on those features, the
// reference drift profile of the training rows and the lineage, bound to
// the spec that declared them. Fit makes one; Register stores it as one
// registry version and Load brings it back, equal in every part. A Bundle
// is immutable and safe for concurrent use.
type Bundle[T any] struct {
	spec     *Spec[T]
	contract *contract.Contract // the contract as fitted, label included
	serving  *contract.Bound[T] // the contract without the label, bound
	inputs   []contract.Field
	features *feature.Fitted[T]
	model    train.Model
	profile  *drift.Profile
	lineage  Lineage
	version  registry.Version
	native   bool // the model handles missing values natively (train.NativeMissing)
	explain  explainerCache
}

// bind derives the serving contract (the label's field and the data set
// checks on it left out) and checks that the model was fitted on exactly
// these features.
func (b *Bundle[T]) bind() error {
	if err := train.Verify(b.model, b.features.Width(), b.features.Fingerprint()); err != nil {
		return fmt.Errorf("%w: the model does not match its features: %w", ErrArtifact, err)
	}
	label := b.spec.label.name
	c := &contract.Contract{Version: b.contract.Version, Name: b.contract.Name}
	for _, f := range b.contract.Fields {
		if f.Name != label {
			c.Fields = append(c.Fields, f)
		}
	}
	for _, d := range b.contract.Dataset {
		if d.Field != label {
			c.Dataset = append(c.Dataset, d)
		}
	}
	bound, err := contract.Bind(c, b.spec.preds...)
	if err != nil {
		return fmt.Errorf("%w: the contract: %w", ErrArtifact, err)
	}
	b.serving, b.inputs = bound, c.Fields
	b.native = train.IsNativeMissing(b.model)
	return nil
}

// Name returns the model's name.
func (b *Bundle[T]) Name() string { return b.spec.name }

// Spec returns the declaration the bundle was fitted (or loaded) with.
func (b *Bundle[T]) Spec() *Spec[T] { return b.spec }

// Version returns the registry version the bundle was loaded from; the zero
// Version for a bundle fresh from Fit.
func (b *Bundle[T]) Version() registry.Version { return b.version }

// Contract returns the data contract the bundle was fitted under, the
// label's field included. Do not modify it.
func (b *Bundle[T]) Contract() *contract.Contract { return b.contract }

// Inputs returns the fields of a row to score: the contract's fields
// without the label. Do not modify the slice.
func (b *Bundle[T]) Inputs() []contract.Field { return b.inputs }

// Label returns the name of the label column.
func (b *Bundle[T]) Label() string { return b.spec.label.name }

// Features returns the fitted feature state.
func (b *Bundle[T]) Features() *feature.Fitted[T] { return b.features }

// Model returns the trained model.
func (b *Bundle[T]) Model() train.Model { return b.model }

// Profile returns the reference drift profile of the training rows.
func (b *Bundle[T]) Profile() *drift.Profile { return b.profile }

// Lineage returns how the bundle was made.
func (b *Bundle[T]) Lineage() Lineage { return b.lineage }

// CheckRow checks one row to score against the contract's row checks, the
// label's excepted: nil, or an error naming each bad field. It does not
// allocate on a valid row.
func (b *Bundle[T]) CheckRow(row *T) error { return b.serving.CheckRow(row) }

// CheckRows is CheckRow over many rows, the checks run field by field over
// blocks of rows (contract.Bound.CheckRows): errs[i] is set to what
// CheckRow(&rows[i]) returns, and it returns how many rows failed. It
// does not allocate on valid rows.
func (b *Bundle[T]) CheckRows(rows []T, errs []error) int { return b.serving.CheckRows(rows, errs) }

// Predict computes the features of rows and predicts each: the estimated
// value of a regressor, the most probable class label of a classifier. It
// does not check the contract (see CheckRow; serve.Scorer does both); a
// row whose features cannot be computed is an error naming it.
//
// The rows go through the features and the model in blocks, on GOMAXPROCS
// goroutines, each block predicted while its features are in the cache
// (feature.Fitted.MatrixBlocks): no matrix of every row is made.
func (b *Bundle[T]) Predict(ctx context.Context, rows []T) ([]float64, error) {
	if len(rows) == 0 {
		return nil, emptyMatrix(b.features)
	}
	out := make([]float64, len(rows))
	err := blocks(ctx, b.model, b.features, rows, func(lo int, X *mat.Dense) {
		n, _ := X.Dims()
		dst := out[lo : lo+n]
		copy(dst, train.PredictBatch(dst, b.model, X)) // the same slice when the model writes in place
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// PredictProba computes the features of rows and the class probabilities
// of each, one row per input row and one column per class of
// Model().Info().Classes. It fails for a model that is not a
// train.Classifier.
func (b *Bundle[T]) PredictProba(ctx context.Context, rows []T) (*mat.Dense, error) {
	clf, ok := b.model.(train.Classifier)
	if !ok {
		return nil, fmt.Errorf("model: %q: a %s model gives no class probabilities", b.spec.name, b.model.Info().Kind)
	}
	if len(rows) == 0 {
		return nil, emptyMatrix(b.features)
	}
	k := len(clf.Info().Classes)
	out := mat.NewDense(len(rows), k, nil)
	raw := out.RawMatrix().Data
	err := blocks(ctx, b.model, b.features, rows, func(lo int, X *mat.Dense) {
		n, _ := X.Dims()
		var P mat.Dense
		P.SetRawMatrix(blas64.General{Rows: n, Cols: k, Stride: k, Data: raw[lo*k : (lo+n)*k]})
		train.PredictProbaBatch(&P, clf, X)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Transform computes the feature vector of one row as the model takes it
// (see Features): the serving vector of feature.Fitted.Transform, or for a
// model that handles missing values natively (train.NativeMissing) that of
// TreeTransform, NaN for a missing value. A value without a defined output
// is a *feature.ValueError naming the field. It does not allocate when dst
// has the capacity and the row is valid.
func (b *Bundle[T]) Transform(row *T, dst []float64) ([]float64, error) {
	if b.native {
		return b.features.TreeTransform(row, dst)
	}
	return b.features.Transform(row, dst)
}

// matrix is the feature matrix of rows as m takes it.
func matrix[T any](ctx context.Context, m train.Model, f *feature.Fitted[T], rows []T) (*mat.Dense, error) {
	if train.IsNativeMissing(m) {
		return f.TreeMatrix(ctx, rows)
	}
	return f.Matrix(ctx, rows)
}

// blocks calls fn with each block of the feature matrix of rows as m
// takes it (feature.Fitted.MatrixBlocks or TreeMatrixBlocks).
func blocks[T any](ctx context.Context, m train.Model, f *feature.Fitted[T], rows []T, fn func(lo int, X *mat.Dense)) error {
	if train.IsNativeMissing(m) {
		return f.TreeMatrixBlocks(ctx, rows, fn)
	}
	return f.MatrixBlocks(ctx, rows, fn)
}

// emptyMatrix is the error of a feature matrix of no rows, as
// feature.Fitted.Matrix gives it.
func emptyMatrix[T any](f *feature.Fitted[T]) error {
	_, err := f.Matrix(context.Background(), nil)
	return err
}

// transform is the feature vector of row as m takes it.
func transform[T any](m train.Model, f *feature.Fitted[T], row *T, dst []float64) ([]float64, error) {
	if train.IsNativeMissing(m) {
		return f.TreeTransform(row, dst)
	}
	return f.Transform(row, dst)
}

// Labels returns the label of every row, as Fit reads them: a missing
// label is a *LabelError.
func (b *Bundle[T]) Labels(rows []T) ([]float64, error) { return b.spec.labels(rows) }

// CompareOptions returns the drift methods and thresholds declared per
// column (Drift), for drift.Compare and monitors. Do not modify it.
func (b *Bundle[T]) CompareOptions() *drift.CompareOptions { return b.spec.compare }

// CompareDrift profiles rows over the drift columns and compares them with
// the reference profile, with the declared methods and thresholds.
func (b *Bundle[T]) CompareDrift(rows []T) (*drift.Report, error) {
	if b.profile == nil {
		return nil, fmt.Errorf("model: %q has no reference profile", b.spec.name)
	}
	return drift.Compare(b.profile, drift.BuildProfile(rows, b.spec.drift, nil), b.spec.compare)
}

// NewMonitor returns a drift monitor of live rows against the reference
// profile, over the declared drift columns. opts.Compare, when nil, takes
// the declared methods and thresholds.
func (b *Bundle[T]) NewMonitor(opts *drift.MonitorOptions) (*drift.Monitor[T], error) {
	if b.profile == nil {
		return nil, fmt.Errorf("model: %q has no reference profile", b.spec.name)
	}
	o := drift.MonitorOptions{}
	if opts != nil {
		o = *opts
	}
	if o.Compare == nil {
		o.Compare = b.spec.compare
	}
	return drift.NewMonitor(b.profile, b.spec.drift, &o)
}
