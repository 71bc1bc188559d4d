package drift

import (
	"errors"
	"fmt"
)

// Sentinel errors of package drift, tested with errors.Is.
var (
	// ErrUnknownColumn reports a column the reference profile does not know.
	ErrUnknownColumn = errors.New("drift: column not in the reference profile")
	// ErrKindMismatch reports a column used as numeric when the profile
	// holds it as categorical, or the reverse.
	ErrKindMismatch = errors.New("drift: column kind differs from the profile")
	// ErrProfileVersion reports an encoded profile of an unsupported version.
	ErrProfileVersion = errors.New("drift: unsupported profile version")
	// ErrBadProfile reports an encoded profile that is malformed.
	ErrBadProfile = errors.New("drift: malformed profile")
	// ErrNotEnoughData reports a comparison with too few present values.
	ErrNotEnoughData = errors.New("drift: not enough data")
	// ErrUnknownMethod reports a method name no detector has.
	ErrUnknownMethod = errors.New("drift: unknown method")
)

// ColumnError says which column an error is about and wraps its cause.
type ColumnError struct {
	Column string // column name
	Value  string // offending value, if any
	Err    error  // the cause
}

// Error implements error.
func (e *ColumnError) Error() string {
	if e.Value != "" {
		return fmt.Sprintf("drift: column %q, value %q: %v", e.Column, e.Value, e.Err)
	}
	return fmt.Sprintf("drift: column %q: %v", e.Column, e.Err)
}

// Unwrap returns the cause.
func (e *ColumnError) Unwrap() error { return e.Err }
