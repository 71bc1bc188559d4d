package evaluate

import (
	"errors"
	"fmt"
)

// Sentinel errors of package evaluate, tested with errors.Is. The typed
// errors below wrap them.
var (
	// ErrEmpty reports an input with no examples.
	ErrEmpty = errors.New("evaluate: empty input")
	// ErrLength reports inputs that should describe the same examples but
	// have different lengths.
	ErrLength = errors.New("evaluate: mismatched lengths")
	// ErrNaN reports a NaN or infinite score, probability, target or weight.
	ErrNaN = errors.New("evaluate: not a finite number")
	// ErrLabel reports a label outside the declared classes.
	ErrLabel = errors.New("evaluate: label outside the declared classes")
	// ErrRange reports a value outside its allowed range, such as a
	// probability outside [0, 1] or a negative weight.
	ErrRange = errors.New("evaluate: value out of range")
	// ErrSingleClass reports a metric that needs both classes, such as
	// ROC AUC, given labels of one class only.
	ErrSingleClass = errors.New("evaluate: only one class present")
	// ErrUndefined reports a metric that is undefined for its input, such
	// as any weighted mean whose weights sum to zero.
	ErrUndefined = errors.New("evaluate: metric undefined for this input")
	// ErrUnknownMetric reports a metric name that the package does not know.
	ErrUnknownMetric = errors.New("evaluate: unknown metric")
	// ErrGate reports an invalid gate definition.
	ErrGate = errors.New("evaluate: invalid gate")
)

// InputError reports a bad value in the input of a metric: which input
// (Field), which example (Index) and the offending value. It wraps one of
// the sentinels ErrNaN, ErrLabel, ErrRange.
type InputError struct {
	Field string // name of the input, such as "scores" or "yTrue"
	Index int    // example (row) index
	Value string // the offending value as text
	Err   error  // the sentinel cause
}

// Error implements error.
func (e *InputError) Error() string {
	return fmt.Sprintf("evaluate: %s[%d] = %s: %v", e.Field, e.Index, e.Value, e.Err)
}

// Unwrap returns the cause.
func (e *InputError) Unwrap() error { return e.Err }

// LengthError reports that an input has a different number of examples
// than the labels it goes with. It wraps ErrLength.
type LengthError struct {
	Field string // name of the input whose length is wrong
	Got   int    // its length
	Want  int    // the length of the labels
}

// Error implements error.
func (e *LengthError) Error() string {
	return fmt.Sprintf("evaluate: %s has %d elements, want %d", e.Field, e.Got, e.Want)
}

// Unwrap returns ErrLength.
func (e *LengthError) Unwrap() error { return ErrLength }

// MetricError reports that a named metric could not be computed. It wraps
// the cause, such as ErrSingleClass.
type MetricError struct {
	Metric string // name of the metric
	Err    error  // the cause
}

// Error implements error.
func (e *MetricError) Error() string {
	return fmt.Sprintf("evaluate: metric %q: %v", e.Metric, e.Err)
}

// Unwrap returns the cause.
func (e *MetricError) Unwrap() error { return e.Err }

// GateError reports an invalid gate in a gate set: its position, the field
// at fault and the value found. It wraps ErrGate or ErrUnknownMetric.
type GateError struct {
	Index int    // position of the gate in its set
	Field string // JSON name of the field at fault
	Value string // the value found, as text
	Err   error  // the cause
}

// Error implements error.
func (e *GateError) Error() string {
	return fmt.Sprintf("evaluate: gate %d: field %q = %s: %v", e.Index, e.Field, e.Value, e.Err)
}

// Unwrap returns the cause.
func (e *GateError) Unwrap() error { return e.Err }
