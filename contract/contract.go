package contract

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/loomml/loom/internal/rowmap"
)

// FormatVersion is the version of the JSON form written by Marshal and
// accepted by Parse.
const FormatVersion = 1

// Type is the declared type of a field.
type Type uint8

// Field types. String and Category both bind to Go string fields; Category
// says the values come from a small set.
const (
	Bool      = Type(rowmap.Bool)
	Int       = Type(rowmap.Int)
	Float     = Type(rowmap.Float)
	String    = Type(rowmap.String)
	Timestamp = Type(rowmap.Timestamp)
	Category  = Type(rowmap.Category)
)

// String returns the type's JSON name.
func (t Type) String() string { return rowmap.Type(t).String() }

// MarshalText implements encoding.TextMarshaler.
func (t Type) MarshalText() ([]byte, error) {
	if _, ok := rowmap.ParseType(t.String()); !ok {
		return nil, fmt.Errorf("contract: unknown type %d", uint8(t))
	}
	return []byte(t.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (t *Type) UnmarshalText(b []byte) error {
	v, ok := rowmap.ParseType(string(b))
	if !ok {
		return fmt.Errorf("%w: unknown type %q", ErrInvalid, b)
	}
	*t = Type(v)
	return nil
}

func (t Type) numeric() bool { return t == Int || t == Float }
func (t Type) text() bool    { return t == String || t == Category }

// Severity says what a failed check does: Error rejects the row (or fails
// the run, for a dataset check); Warn is recorded only.
type Severity uint8

// Severities. The zero value is Error.
const (
	Error Severity = iota
	Warn
)

// String returns "error" or "warn".
func (s Severity) String() string {
	if s == Warn {
		return "warn"
	}
	return "error"
}

// MarshalText implements encoding.TextMarshaler.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (s *Severity) UnmarshalText(b []byte) error {
	switch string(b) {
	case "error":
		*s = Error
	case "warn":
		*s = Warn
	default:
		return fmt.Errorf("%w: unknown severity %q", ErrInvalid, b)
	}
	return nil
}

// Check kinds, as they appear in a Check's Kind.
const (
	KindRange        = "range"          // Min/Max, inclusive unless MinExclusive/MaxExclusive
	KindSet          = "set"            // Values: allowed values (text, int or bool fields)
	KindRegex        = "regex"          // Pattern: the whole value must match
	KindLength       = "length"         // MinLen/MaxLen: string length in bytes
	KindNotNullRatio = "not_null_ratio" // Ratio: at least this share of rows present
	KindUnique       = "unique"         // no value repeats
	KindMonotonic    = "monotonic"      // values never decrease (Strict: always increase)
	KindCustom       = "custom"         // Name: a predicate over the row given to Bind
)

// Check is one check on a field's values. Kind says which; only the
// parameters of that kind are set. Null values of a nullable field pass
// every check but not_null_ratio.
type Check struct {
	Kind         string   `json:"kind"`
	Severity     Severity `json:"severity"`
	Min          *float64 `json:"min,omitempty"`
	Max          *float64 `json:"max,omitempty"`
	MinExclusive bool     `json:"min_exclusive,omitempty"`
	MaxExclusive bool     `json:"max_exclusive,omitempty"`
	Values       []string `json:"values,omitempty"`
	Pattern      string   `json:"pattern,omitempty"`
	MinLen       *int     `json:"min_len,omitempty"`
	MaxLen       *int     `json:"max_len,omitempty"`
	Ratio        float64  `json:"ratio,omitempty"`
	Strict       bool     `json:"strict,omitempty"`
	Name         string   `json:"name,omitempty"`
}

// Field declares one named field: its type, whether it may be null, and its
// checks. Build one with the constructors named after the types
// (FloatField, IntField, ...), which take the checks (Range, OneOf, ...),
// and Optional for a nullable field.
type Field struct {
	Name     string  `json:"name"`
	Type     Type    `json:"type"`
	Nullable bool    `json:"nullable,omitempty"`
	Checks   []Check `json:"checks,omitempty"`
}

// Dataset check kinds, as they appear in a DatasetCheck's Kind.
const (
	KindRowCount     = "row_count"    // Min/Max rows
	KindFreshness    = "freshness"    // newest Field timestamp at most MaxAge old
	KindCompleteness = "completeness" // at least Ratio of Field present
	KindMean         = "mean"         // mean of Field within [Min, Max]
	KindStd          = "std"          // standard deviation of Field within [Min, Max]
)

// DatasetCheck is a check on the whole input rather than on one row.
type DatasetCheck struct {
	Kind     string   `json:"kind"`
	Severity Severity `json:"severity"`
	Field    string   `json:"field,omitempty"`
	Min      *float64 `json:"min,omitempty"`
	Max      *float64 `json:"max,omitempty"`
	Ratio    float64  `json:"ratio,omitempty"`
	MaxAge   Duration `json:"max_age,omitempty"`
}

// Duration is a time.Duration written in JSON as its String form ("36h0m0s").
type Duration time.Duration

// MarshalText implements encoding.TextMarshaler.
func (d Duration) MarshalText() ([]byte, error) { return []byte(time.Duration(d).String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return fmt.Errorf("%w: duration %q", ErrInvalid, b)
	}
	*d = Duration(v)
	return nil
}

// Contract declares the fields of a data set and the checks its rows and the
// whole set must pass. Declare one with New, load one with Parse; bind it to
// a row type with Bind before validating. A Contract is plain data: do not
// modify it while it is bound.
type Contract struct {
	Version int            `json:"version"`
	Name    string         `json:"name"`
	Fields  []Field        `json:"fields"`
	Dataset []DatasetCheck `json:"dataset,omitempty"`
}

// New returns a contract named name with the given fields and dataset
// checks.
func New(name string, fields ...Field) *Contract {
	return &Contract{Version: FormatVersion, Name: name, Fields: fields}
}

// With returns c after appending dataset checks to it.
func (c *Contract) With(checks ...DatasetCheck) *Contract {
	c.Dataset = append(c.Dataset, checks...)
	return c
}

// Field returns the field named name, or nil.
func (c *Contract) Field(name string) *Field {
	for i := range c.Fields {
		if c.Fields[i].Name == name {
			return &c.Fields[i]
		}
	}
	return nil
}

// Marshal returns the contract's JSON form, indented, with a trailing
// newline. Parse(Marshal(c)) gives back an equal contract.
func (c *Contract) Marshal() ([]byte, error) {
	if err := c.Err(); err != nil {
		return nil, err
	}
	b, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("contract: %w", err)
	}
	return append(b, '\n'), nil
}

// newField declares a field of type t with checks, each copied.
func newField(name string, t Type, checks []Check) Field {
	return Field{Name: name, Type: t, Checks: append([]Check(nil), checks...)}
}

// FloatField declares a float field with its checks (Range, AtLeast, ...).
func FloatField(name string, checks ...Check) Field { return newField(name, Float, checks) }

// IntField declares an int field with its checks.
func IntField(name string, checks ...Check) Field { return newField(name, Int, checks) }

// StringField declares a string field with its checks.
func StringField(name string, checks ...Check) Field { return newField(name, String, checks) }

// CategoryField declares a categorical (string) field with its checks.
func CategoryField(name string, checks ...Check) Field { return newField(name, Category, checks) }

// BoolField declares a bool field with its checks.
func BoolField(name string, checks ...Check) Field { return newField(name, Bool, checks) }

// TimestampField declares a timestamp field with its checks.
func TimestampField(name string, checks ...Check) Field { return newField(name, Timestamp, checks) }

// Optional returns f marked nullable.
func (f Field) Optional() Field { f.Nullable = true; return f }

// RowCount checks min ≤ rows ≤ max; a negative bound means none.
func RowCount(min, max int64) DatasetCheck {
	d := DatasetCheck{Kind: KindRowCount}
	if min >= 0 {
		v := float64(min)
		d.Min = &v
	}
	if max >= 0 {
		v := float64(max)
		d.Max = &v
	}
	return d
}

// Fresh checks that the newest value of the timestamp field is at most
// maxAge old when validation ends.
func Fresh(field string, maxAge time.Duration) DatasetCheck {
	return DatasetCheck{Kind: KindFreshness, Field: field, MaxAge: Duration(maxAge)}
}

// Complete checks that at least the share p of rows have field present.
func Complete(field string, p float64) DatasetCheck {
	return DatasetCheck{Kind: KindCompleteness, Field: field, Ratio: p}
}

// MeanWithin checks that the mean of the numeric field lies in [min, max].
func MeanWithin(field string, min, max float64) DatasetCheck {
	return DatasetCheck{Kind: KindMean, Field: field, Min: &min, Max: &max}
}

// StdWithin checks that the standard deviation of the numeric field lies in
// [min, max].
func StdWithin(field string, min, max float64) DatasetCheck {
	return DatasetCheck{Kind: KindStd, Field: field, Min: &min, Max: &max}
}

// Warn returns the dataset check with severity Warn.
func (d DatasetCheck) Warn() DatasetCheck { d.Severity = Warn; return d }
