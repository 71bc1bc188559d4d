package stage

import (
	"errors"
	"fmt"
)

// Sentinel errors of package stage, tested with errors.Is.
var (
	// ErrBreakerOpen is returned, wrapped in a *BreakerOpenError, when a
	// circuit breaker rejects a call without running its stage.
	ErrBreakerOpen = errors.New("stage: circuit breaker is open")
	// ErrTimeout is returned, wrapped, when a Timeout stage gives up.
	ErrTimeout = errors.New("stage: timed out")
)

// Error reports that a named stage failed. It wraps the cause, so errors.Is
// and errors.As see through it.
type Error struct {
	Stage string // name of the stage that failed
	Err   error  // the cause
}

// Error implements error.
func (e *Error) Error() string { return fmt.Sprintf("stage %q: %v", e.Stage, e.Err) }

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Wrap returns err wrapped in an *Error naming stage, or err itself when it
// is nil or already carries a stage name (an *Error or a *PanicError
// anywhere in its chain).
func Wrap(stage string, err error) error {
	if err == nil {
		return nil
	}
	var se *Error
	var pe *PanicError
	if errors.As(err, &se) || errors.As(err, &pe) {
		return err
	}
	return &Error{Stage: stage, Err: err}
}

// PanicError is the error a recovered panic becomes: the stage that panicked,
// the value it panicked with and the goroutine's stack at that moment.
type PanicError struct {
	Stage string
	Value any
	Stack []byte
}

// Error implements error.
func (e *PanicError) Error() string {
	return fmt.Sprintf("stage %q panicked: %v", e.Stage, e.Value)
}

// Unwrap returns the panic value when it is an error, so errors.Is sees it.
func (e *PanicError) Unwrap() error {
	if err, ok := e.Value.(error); ok {
		return err
	}
	return nil
}
