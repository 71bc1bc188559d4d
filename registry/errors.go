package registry

import (
	"errors"
	"fmt"
)

// Sentinel errors of package registry, tested with errors.Is. Most reach the
// caller wrapped in one of the typed errors below, which say where.
var (
	// ErrNotFound reports a model, version, part or alias that does not exist.
	ErrNotFound = errors.New("registry: not found")
	// ErrExists reports an import of a model the target store already holds.
	ErrExists = errors.New("registry: already exists")
	// ErrInvalidName reports a model, alias, part or tag name outside the
	// documented charset or length; it is wrapped in a *NameError.
	ErrInvalidName = errors.New("registry: invalid name")
	// ErrInvalidMetadata reports metadata that cannot be stored, such as a
	// NaN metric.
	ErrInvalidMetadata = errors.New("registry: invalid metadata")
	// ErrInvalidText reports a reason, principal, tag value or metadata
	// string that is not valid UTF-8, which JSON (the form of the audit log
	// and of manifests) cannot carry unchanged. Nothing was written.
	ErrInvalidText = errors.New("registry: text is not valid UTF-8")
	// ErrCorrupt reports stored bytes whose hash does not match, a broken
	// audit chain or an undecodable record; it is wrapped in a
	// *CorruptionError. Corrupt data is never returned.
	ErrCorrupt = errors.New("registry: corrupt data")
	// ErrDenied reports a write the Authorizer refused; it is wrapped in a
	// *DeniedError and nothing was changed.
	ErrDenied = errors.New("registry: permission denied")
	// ErrGateFailed reports a promotion whose gate did not pass; it is
	// wrapped in a *GateError and the alias did not move.
	ErrGateFailed = errors.New("registry: promotion gate failed")
	// ErrReasonRequired reports a promotion, rollback, archive or delete
	// without a reason.
	ErrReasonRequired = errors.New("registry: a reason is required")
	// ErrNoPrevious reports a rollback of an alias that has no earlier
	// target.
	ErrNoPrevious = errors.New("registry: alias has no previous target")
	// ErrArchived reports an alias move onto an archived version.
	ErrArchived = errors.New("registry: version is archived")
	// ErrInUse reports the deletion of a version an alias points at.
	ErrInUse = errors.New("registry: version is the target of an alias")
	// ErrConflict reports a write that lost a race: a Store's Update that
	// gave up retrying, or a Promote whose alias moved while its gate ran.
	ErrConflict = errors.New("registry: concurrent update conflict")
)

// NameError reports an invalid name: which kind of name, the value and why.
// It wraps ErrInvalidName.
type NameError struct {
	Kind   string // "model", "alias", "part" or "tag"
	Name   string // the rejected value
	Reason string // what rule it breaks
}

// Error implements error.
func (e *NameError) Error() string {
	return fmt.Sprintf("registry: invalid %s name %q: %s", e.Kind, e.Name, e.Reason)
}

// Unwrap returns ErrInvalidName.
func (e *NameError) Unwrap() error { return ErrInvalidName }

// NotFoundError says what was not found. It wraps ErrNotFound.
type NotFoundError struct {
	Model   string // model name
	Version int    // version number, 0 when not about a version
	Alias   string // alias name, "" when not about an alias
	Part    string // part name, "" when not about a part
}

// Error implements error.
func (e *NotFoundError) Error() string {
	s := fmt.Sprintf("registry: model %q", e.Model)
	if e.Version != 0 {
		s += fmt.Sprintf(" version %d", e.Version)
	}
	if e.Alias != "" {
		s += fmt.Sprintf(" alias %q", e.Alias)
	}
	if e.Part != "" {
		s += fmt.Sprintf(" part %q", e.Part)
	}
	return s + ": not found"
}

// Unwrap returns ErrNotFound.
func (e *NotFoundError) Unwrap() error { return ErrNotFound }

// CorruptionError reports stored data that failed verification: the model,
// the object (a blob hash, a file path, an audit sequence number) and what
// was expected. It wraps ErrCorrupt and, when there is one, the cause.
type CorruptionError struct {
	Model  string // model name
	Object string // what was read, e.g. "part model of version 3" or a path
	Want   string // expected hash or value, if known
	Got    string // computed hash or value, if known
	Err    error  // underlying cause, may be nil
}

// Error implements error.
func (e *CorruptionError) Error() string {
	s := fmt.Sprintf("registry: corrupt data in model %q, %s", e.Model, e.Object)
	if e.Want != "" || e.Got != "" {
		s += fmt.Sprintf(": want %s, got %s", e.Want, e.Got)
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns ErrCorrupt and the cause.
func (e *CorruptionError) Unwrap() []error {
	if e.Err == nil {
		return []error{ErrCorrupt}
	}
	return []error{ErrCorrupt, e.Err}
}

// DeniedError reports a write refused by the Authorizer: who, what, and the
// Authorizer's reason. It wraps ErrDenied and that reason.
type DeniedError struct {
	Principal string // who asked
	Action    Action // what was asked
	Err       error  // the Authorizer's error
}

// Error implements error.
func (e *DeniedError) Error() string {
	return fmt.Sprintf("registry: %s denied to %q: %v", e.Action, e.Principal, e.Err)
}

// Unwrap returns ErrDenied and the Authorizer's error.
func (e *DeniedError) Unwrap() []error { return []error{ErrDenied, e.Err} }

// GateError reports a promotion refused by its gate. It wraps ErrGateFailed
// and the gate's error.
type GateError struct {
	Model   string // model name
	Alias   string // alias that was to move
	Version int    // candidate version
	Err     error  // the gate's verdict
}

// Error implements error.
func (e *GateError) Error() string {
	return fmt.Sprintf("registry: promotion of %s version %d to %q refused by gate: %v", e.Model, e.Version, e.Alias, e.Err)
}

// Unwrap returns ErrGateFailed and the gate's error.
func (e *GateError) Unwrap() []error { return []error{ErrGateFailed, e.Err} }

func isNotFound(err error) bool { return errors.Is(err, ErrNotFound) }
