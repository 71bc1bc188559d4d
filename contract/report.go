package contract

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
)

// Verdict is the outcome of a validation.
type Verdict uint8

// Verdicts, in increasing gravity.
const (
	Pass     Verdict = iota // every check passed
	WarnOnly                // only warn-severity checks failed
	Fail                    // an error-severity check failed
)

// String returns "pass", "warn" or "fail".
func (v Verdict) String() string {
	switch v {
	case WarnOnly:
		return "warn"
	case Fail:
		return "fail"
	}
	return "pass"
}

// MarshalText implements encoding.TextMarshaler.
func (v Verdict) MarshalText() ([]byte, error) { return []byte(v.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (v *Verdict) UnmarshalText(b []byte) error {
	switch string(b) {
	case "pass":
		*v = Pass
	case "warn":
		*v = WarnOnly
	case "fail":
		*v = Fail
	default:
		return fmt.Errorf("contract: unknown verdict %q", b)
	}
	return nil
}

// Report is the result of a validation: row counts, one result per row
// check (the implicit not-null check of each non-nullable field first, then
// the declared checks in order), one per dataset check (not_null_ratio
// checks of fields included), and the verdict. Rows = Valid + Rejected,
// where a rejected row failed at least one error-severity check.
type Report struct {
	Contract string          `json:"contract"`
	Verdict  Verdict         `json:"verdict"`
	Rows     int64           `json:"rows"`
	Valid    int64           `json:"valid"`
	Rejected int64           `json:"rejected"`
	Checks   []CheckResult   `json:"checks"`
	Dataset  []DatasetResult `json:"dataset,omitempty"`
}

// CheckResult is the outcome of one row check: rows passed (null values of
// nullable fields pass) and failed, and the first failing examples.
type CheckResult struct {
	Field    string    `json:"field"`
	Check    string    `json:"check"`
	Severity Severity  `json:"severity"`
	Passed   int64     `json:"passed"`
	Failed   int64     `json:"failed"`
	Examples []Failure `json:"examples,omitempty"`
}

// DatasetResult is the outcome of one dataset check: the observed value
// (rows, share, mean, std, or age in seconds), whether it is acceptable and
// a readable detail.
type DatasetResult struct {
	Check    string   `json:"check"`
	Field    string   `json:"field,omitempty"`
	Severity Severity `json:"severity"`
	Observed float64  `json:"observed"`
	OK       bool     `json:"ok"`
	Detail   string   `json:"detail"`
}

// MarshalJSON writes a NaN observation as null.
func (d DatasetResult) MarshalJSON() ([]byte, error) {
	type plain DatasetResult
	if math.IsNaN(d.Observed) || math.IsInf(d.Observed, 0) {
		return json.Marshal(struct {
			plain
			Observed *float64 `json:"observed"`
		}{plain: plain(d)})
	}
	return json.Marshal(plain(d))
}

// Err returns a *ViolationError when the verdict is Fail, else nil.
func (r *Report) Err() error {
	if r.Verdict == Fail {
		return &ViolationError{Report: r}
	}
	return nil
}

// String renders the report as readable text: a summary line, then one line
// per check with its counts and examples.
func (r *Report) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "contract %s: %s — %d rows, %d valid, %d rejected\n", r.Contract, strings.ToUpper(r.Verdict.String()), r.Rows, r.Valid, r.Rejected)
	for _, c := range r.Checks {
		mark := "ok  "
		if c.Failed > 0 {
			mark = "FAIL"
			if c.Severity == Warn {
				mark = "warn"
			}
		}
		fmt.Fprintf(&b, "  %s %-16s %-28s failed %d", mark, c.Field, c.Check, c.Failed)
		if len(c.Examples) > 0 {
			b.WriteString("  e.g.")
			for _, e := range c.Examples {
				fmt.Fprintf(&b, " row %d=%q", e.Row, e.Value)
			}
		}
		b.WriteByte('\n')
	}
	for _, d := range r.Dataset {
		mark := "ok  "
		if !d.OK {
			mark = "FAIL"
			if d.Severity == Warn {
				mark = "warn"
			}
		}
		fmt.Fprintf(&b, "  %s %s: %s\n", mark, d.Check, d.Detail)
	}
	return b.String()
}
