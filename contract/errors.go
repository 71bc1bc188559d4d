package contract

import (
	"errors"
	"strconv"
	"strings"
)

// Sentinel errors of package contract, tested with errors.Is.
var (
	// ErrInvalid reports a malformed contract: bad JSON, an unknown type or
	// check, a check that does not apply to its field's type.
	ErrInvalid = errors.New("contract: invalid contract")
	// ErrBind reports that a contract does not fit a row type.
	ErrBind = errors.New("contract: cannot bind")
	// ErrViolation reports rows or a data set that fail error-severity checks.
	ErrViolation = errors.New("contract: violation")
)

// Reason is why one value failed one check.
type Reason struct {
	Field    string   `json:"field"`
	Check    string   `json:"check"`
	Value    string   `json:"value"`
	Severity Severity `json:"severity"`
}

// String returns `field "age" value "150": range [18, 100]`.
func (r Reason) String() string {
	var b strings.Builder
	if r.Field != "" {
		b.WriteString("field ")
		b.WriteString(strconv.Quote(r.Field))
		b.WriteString(" ")
	}
	b.WriteString("value ")
	b.WriteString(strconv.Quote(r.Value))
	b.WriteString(": ")
	b.WriteString(r.Check)
	if r.Severity == Warn {
		b.WriteString(" (warn)")
	}
	return b.String()
}

// RowError reports a row that failed checks: its number (0-based, -1 when
// unknown) and every reason. It unwraps to ErrViolation.
type RowError struct {
	Row     int64
	Reasons []Reason
}

// Error implements error.
func (e *RowError) Error() string {
	var b strings.Builder
	b.WriteString("contract: ")
	if e.Row >= 0 {
		b.WriteString("row ")
		b.WriteString(strconv.FormatInt(e.Row, 10))
		b.WriteString(": ")
	}
	for i, r := range e.Reasons {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(r.String())
	}
	return b.String()
}

// Unwrap returns ErrViolation.
func (e *RowError) Unwrap() error { return ErrViolation }

// ViolationError reports a validation whose verdict is Fail; Report says
// why. It unwraps to ErrViolation.
type ViolationError struct {
	Report *Report
}

// Error implements error.
func (e *ViolationError) Error() string {
	var fails []string
	for _, c := range e.Report.Checks {
		if c.Failed > 0 && c.Severity == Error {
			fails = append(fails, c.Field+": "+c.Check+" ("+strconv.FormatInt(c.Failed, 10)+" rows)")
		}
	}
	for _, d := range e.Report.Dataset {
		if !d.OK && d.Severity == Error {
			fails = append(fails, d.Check+": "+d.Detail)
		}
	}
	return "contract: " + e.Report.Contract + " violated: " + strings.Join(fails, "; ")
}

// Unwrap returns ErrViolation.
func (e *ViolationError) Unwrap() error { return ErrViolation }

// rowNumberer is implemented by decoding errors of sources that know the
// row they failed on (package pipeline/source's *Error).
type rowNumberer interface{ RowNumber() int64 }
