package train

import (
	"errors"
	"fmt"
)

// Sentinel errors of package train, tested with errors.Is.
var (
	// ErrEmpty reports a dataset with no rows or no features.
	ErrEmpty = errors.New("train: empty dataset")
	// ErrShape reports lengths that do not agree: rows of X, labels,
	// weights, or the features a model expects.
	ErrShape = errors.New("train: mismatched lengths")
	// ErrNonFinite reports a NaN or infinite value in X, y or the weights.
	ErrNonFinite = errors.New("train: NaN or infinite value")
	// ErrNegativeWeight reports a negative sample weight.
	ErrNegativeWeight = errors.New("train: negative sample weight")
	// ErrSingleClass reports classification data with fewer than two
	// classes (of positive total weight).
	ErrSingleClass = errors.New("train: fewer than two classes")
	// ErrUnderdetermined reports more features than rows for ordinary
	// least squares, whose solution is then not unique.
	ErrUnderdetermined = errors.New("train: more features than rows")
	// ErrSingular reports a rank-deficient design (collinear or constant
	// features) that ordinary least squares cannot solve uniquely.
	ErrSingular = errors.New("train: singular design matrix (collinear features)")
	// ErrNotConverged is wrapped by *NotConvergedError.
	ErrNotConverged = errors.New("train: optimizer did not converge")
	// ErrUnknownKind reports a model kind no imported package registered.
	ErrUnknownKind = errors.New("train: unknown model kind")
	// ErrCorrupt reports encoded model bytes that are truncated, altered
	// or otherwise invalid.
	ErrCorrupt = errors.New("train: corrupt model encoding")
	// ErrNotEncodable reports a model that does not implement
	// encoding.BinaryMarshaler and so cannot be saved.
	ErrNotEncodable = errors.New("train: model cannot be encoded")
	// ErrFingerprint reports a model trained on other features than the
	// ones it is checked against.
	ErrFingerprint = errors.New("train: feature fingerprint mismatch")
	// ErrSplit reports a split that the data cannot satisfy, such as more
	// folds than rows, groups or members of a class.
	ErrSplit = errors.New("train: impossible split")
)

// DataError reports a bad value in a dataset: where it is and why it was
// rejected. It wraps one of the sentinels ErrNonFinite or ErrNegativeWeight.
type DataError struct {
	Field  string  // "X", "y" or "weights"
	Row    int     // 0-based row
	Column int     // 0-based column of X; -1 for y and weights
	Value  float64 // the offending value
	Err    error   // the sentinel cause
}

// Error implements error.
func (e *DataError) Error() string {
	if e.Column >= 0 {
		return fmt.Sprintf("%v: %s[%d, %d] = %v", e.Err, e.Field, e.Row, e.Column, e.Value)
	}
	return fmt.Sprintf("%v: %s[%d] = %v", e.Err, e.Field, e.Row, e.Value)
}

// Unwrap returns the sentinel cause.
func (e *DataError) Unwrap() error { return e.Err }

// NotConvergedError reports an iterative fit that stopped before meeting
// its tolerance. The model returned alongside it is the best point found
// and is usable, like scikit-learn's result after a ConvergenceWarning.
type NotConvergedError struct {
	Kind       string  // model kind, such as "logistic"
	Iterations int     // iterations run
	Loss       float64 // objective at the returned point
	Gradient   float64 // infinity norm of the gradient there
	Tol        float64 // tolerance that was not met
	Reason     string  // why the optimizer stopped
}

// Error implements error.
func (e *NotConvergedError) Error() string {
	return fmt.Sprintf("%v: %s after %d iterations (%s): loss %.6g, gradient %.3g > tol %.3g",
		ErrNotConverged, e.Kind, e.Iterations, e.Reason, e.Loss, e.Gradient, e.Tol)
}

// Unwrap returns ErrNotConverged.
func (e *NotConvergedError) Unwrap() error { return ErrNotConverged }

// MismatchError reports a model checked against inputs it was not trained
// for: a different number of features or a different feature fingerprint.
type MismatchError struct {
	Kind      string // model kind
	Field     string // "features" or "fingerprint"
	Want, Got string // what the model expects and what it was given
	Err       error  // ErrShape or ErrFingerprint
}

// Error implements error.
func (e *MismatchError) Error() string {
	return fmt.Sprintf("%v: %s model expects %s %s, got %s", e.Err, e.Kind, e.Field, e.Want, e.Got)
}

// Unwrap returns ErrShape or ErrFingerprint.
func (e *MismatchError) Unwrap() error { return e.Err }

// FoldError reports a fit or score that failed on one fold of a
// cross-validation or one candidate of a search.
type FoldError struct {
	Fold   int    // 0-based fold index
	Params Params // candidate parameters, nil outside a search
	Err    error  // the cause
}

// Error implements error.
func (e *FoldError) Error() string {
	if e.Params != nil {
		return fmt.Sprintf("train: fold %d of candidate {%v}: %v", e.Fold, e.Params, e.Err)
	}
	return fmt.Sprintf("train: fold %d: %v", e.Fold, e.Err)
}

// Unwrap returns the cause.
func (e *FoldError) Unwrap() error { return e.Err }
