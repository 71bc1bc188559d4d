package feature

import (
	"errors"
	"fmt"
)

// Sentinel errors of package feature, tested with errors.Is. They arrive
// wrapped in a *ValueError (which says where) or in a *StateError.
var (
	// ErrMissing reports a missing value (an optional accessor returned
	// false, or a numeric accessor returned NaN) in a feature whose chain
	// has no imputer and whose encoder has no missing category.
	ErrMissing = errors.New("feature: missing value and no imputer")
	// ErrInfinite reports a ±Inf numeric value, in fitting or in
	// transforming. Use Clip (which maps ±Inf to its bounds) to accept them.
	ErrInfinite = errors.New("feature: infinite value")
	// ErrUnknownCategory reports a category not seen in training, for an
	// encoder whose unknown policy is UnknownError.
	ErrUnknownCategory = errors.New("feature: unknown category")
	// ErrDomain reports a value outside a transform's domain, such as
	// Log1p of a value below -1.
	ErrDomain = errors.New("feature: value outside the transform's domain")
	// ErrEmpty reports fitting with no rows, or a stateful transform that
	// saw no non-missing value.
	ErrEmpty = errors.New("feature: nothing to fit")
	// ErrMismatch reports that encoded fitted state does not match the Set
	// it is applied to (names, transform kinds, options or output width).
	ErrMismatch = errors.New("feature: fitted state does not match the feature set")
	// ErrFormat reports encoded fitted state that is not valid: bad JSON,
	// an unknown format or version, or inconsistent values.
	ErrFormat = errors.New("feature: malformed fitted state")
)

// ValueError reports a value that could not be fitted or transformed: which
// row, which feature, the value itself and the cause (one of the sentinel
// errors above).
type ValueError struct {
	Row     int    // 0-based row index within the call; -1 for a single row
	Feature string // feature name
	Value   string // the offending value, formatted
	Err     error  // the cause
}

// Error implements error.
func (e *ValueError) Error() string {
	if e.Row < 0 {
		return fmt.Sprintf("feature %q: value %s: %v", e.Feature, e.Value, e.Err)
	}
	return fmt.Sprintf("feature %q: row %d: value %s: %v", e.Feature, e.Row, e.Value, e.Err)
}

// Unwrap returns the cause.
func (e *ValueError) Unwrap() error { return e.Err }

// StateError reports a problem with one feature's fitted state: nothing to
// fit, a Learner that failed to fit, or encoded state that does not match
// the definition.
type StateError struct {
	Feature   string // feature name ("" for the set as a whole)
	Transform string // transform kind, when the problem is in one
	Reason    string // human-readable detail
	Err       error  // ErrEmpty, ErrMismatch or ErrFormat; or the error of a Learner's Finish or MarshalText
}

// Error implements error.
func (e *StateError) Error() string {
	switch {
	case e.Feature == "":
		return fmt.Sprintf("%v: %s", e.Err, e.Reason)
	case e.Transform == "":
		return fmt.Sprintf("feature %q: %s: %v", e.Feature, e.Reason, e.Err)
	}
	return fmt.Sprintf("feature %q: %s: %s: %v", e.Feature, e.Transform, e.Reason, e.Err)
}

// Unwrap returns the cause.
func (e *StateError) Unwrap() error { return e.Err }
