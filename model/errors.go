package model

import (
	"errors"
	"fmt"

	"github.com/loomml/loom/contract"
)

// ErrArtifact reports a registry version that is not a valid bundle of the
// spec it is loaded with: a missing or undecodable part, or parts that do
// not belong together or to the spec. It arrives wrapped with the version
// and the part.
var ErrArtifact = errors.New("model: invalid model artifact")

// ErrNotBinary reports an evaluation of a model that is not a binary
// classifier: evaluate's reports cover binary classifiers.
var ErrNotBinary = errors.New("model: not a binary classifier")

// ContractError is returned by Fit and the model selections when rows
// break the spec's contract. Report says which checks failed, on which
// rows and values.
type ContractError struct {
	Model  string
	Report *contract.Report
}

// Error says how many rows break the contract and lists the report.
func (e *ContractError) Error() string {
	return fmt.Sprintf("model: %q: %d of %d rows break the contract; quarantine them first (Spec.Bind().Quarantine):\n%s",
		e.Model, e.Report.Rejected, e.Report.Rows, e.Report.String())
}

// Unwrap returns the report's *contract.ViolationError.
func (e *ContractError) Unwrap() error { return e.Report.Err() }

// LabelError reports a row whose label is missing, not finite, or (when
// Classes is set) not one of a classifier's classes.
type LabelError struct {
	Model, Label string
	Row          int // 0-based index in the rows given
	Value        float64
	Missing      bool
	Classes      []float64 // the model's classes, when the label is not one of them
}

// Error names the row and the label's problem.
func (e *LabelError) Error() string {
	if e.Missing {
		return fmt.Sprintf("model: %q: row %d: label %q is missing", e.Model, e.Row, e.Label)
	}
	if e.Classes != nil {
		return fmt.Sprintf("model: %q: row %d: label %q is %v, not one of the model's classes %v", e.Model, e.Row, e.Label, e.Value, e.Classes)
	}
	return fmt.Sprintf("model: %q: row %d: label %q is %v, want a finite number", e.Model, e.Row, e.Label, e.Value)
}
