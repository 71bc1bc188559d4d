package contract

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
)

// Parse reads a contract from its JSON form. It rejects unknown keys, a
// version other than FormatVersion, unknown types, check kinds or
// severities, checks that do not apply to their field's type, bad regular
// expressions, NaN or infinite bounds, duplicate field names and dataset
// checks naming unknown fields; every error wraps ErrInvalid.
//
// The JSON form: an object with "version" (1), "name", "fields" (each with
// "name", "type" — bool, int, float, string, timestamp or category —,
// "nullable" and "checks") and "dataset" (dataset checks). A check has
// "kind" and "severity" ("error" or "warn") and the parameters of its kind:
// range: "min", "max", "min_exclusive", "max_exclusive"; set: "values";
// regex: "pattern"; length: "min_len", "max_len"; not_null_ratio: "ratio";
// unique; monotonic: "strict"; custom: "name". A dataset check has "kind"
// (row_count, freshness, completeness, mean, std), "severity", "field",
// "min", "max", "ratio" and "max_age" (a Go duration such as "24h0m0s") as
// its kind needs.
func Parse(data []byte) (*Contract, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var c Contract
	if err := dec.Decode(&c); err != nil {
		if errors.Is(err, ErrInvalid) {
			return nil, err
		}
		return nil, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("%w: trailing data after the contract", ErrInvalid)
	}
	if err := c.Err(); err != nil {
		return nil, err
	}
	// Empty lists are omitted by Marshal: read them as nil so that a
	// parsed contract equals its re-parsed JSON.
	for i := range c.Fields {
		f := &c.Fields[i]
		if len(f.Checks) == 0 {
			f.Checks = nil
		}
		for j := range f.Checks {
			if len(f.Checks[j].Values) == 0 {
				f.Checks[j].Values = nil
			}
		}
	}
	if len(c.Dataset) == 0 {
		c.Dataset = nil
	}
	return &c, nil
}

// Err reports whether the contract is well formed, as Parse requires: nil,
// or an error wrapping ErrInvalid that names the field and check.
func (c *Contract) Err() error {
	if c.Version != FormatVersion {
		return fmt.Errorf("%w: version %d, want %d", ErrInvalid, c.Version, FormatVersion)
	}
	var errs []error
	seen := map[string]bool{}
	for i := range c.Fields {
		f := &c.Fields[i]
		if f.Name == "" {
			errs = append(errs, fmt.Errorf("%w: field %d has no name", ErrInvalid, i))
			continue
		}
		if seen[f.Name] {
			errs = append(errs, fmt.Errorf("%w: duplicate field %q", ErrInvalid, f.Name))
		}
		seen[f.Name] = true
		if _, err := f.Type.MarshalText(); err != nil {
			errs = append(errs, fmt.Errorf("%w: field %q: unknown type", ErrInvalid, f.Name))
			continue
		}
		for j := range f.Checks {
			if err := checkErr(f, &f.Checks[j]); err != nil {
				errs = append(errs, fmt.Errorf("%w: field %q check %d (%s): %v", ErrInvalid, f.Name, j, f.Checks[j].Kind, err))
			}
		}
	}
	for j := range c.Dataset {
		if err := c.datasetErr(&c.Dataset[j]); err != nil {
			errs = append(errs, fmt.Errorf("%w: dataset check %d (%s): %v", ErrInvalid, j, c.Dataset[j].Kind, err))
		}
	}
	return errors.Join(errs...)
}

func badBound(p *float64) bool { return p != nil && (math.IsNaN(*p) || math.IsInf(*p, 0)) }

func checkErr(f *Field, c *Check) error {
	if c.Severity > Warn {
		return errors.New("unknown severity")
	}
	switch c.Kind {
	case KindRange:
		if !f.Type.numeric() {
			return fmt.Errorf("needs an int or float field, got %s", f.Type)
		}
		if c.Min == nil && c.Max == nil {
			return errors.New("needs min or max")
		}
		if badBound(c.Min) || badBound(c.Max) {
			return errors.New("bounds must be finite")
		}
		if c.Min != nil && c.Max != nil && *c.Min > *c.Max {
			return fmt.Errorf("min %v > max %v", *c.Min, *c.Max)
		}
	case KindSet:
		if !f.Type.text() && f.Type != Int && f.Type != Bool {
			return fmt.Errorf("needs a string, category, int or bool field, got %s", f.Type)
		}
		if len(c.Values) == 0 {
			return errors.New("needs values")
		}
		if _, _, err := parseSet(f.Type, c.Values); err != nil {
			return err
		}
	case KindRegex:
		if !f.Type.text() {
			return fmt.Errorf("needs a string or category field, got %s", f.Type)
		}
		if _, err := regexp.Compile(c.Pattern); err != nil {
			return err
		}
	case KindLength:
		if !f.Type.text() {
			return fmt.Errorf("needs a string or category field, got %s", f.Type)
		}
		if c.MinLen == nil && c.MaxLen == nil {
			return errors.New("needs min_len or max_len")
		}
		if (c.MinLen != nil && *c.MinLen < 0) || (c.MinLen != nil && c.MaxLen != nil && *c.MinLen > *c.MaxLen) {
			return errors.New("bad length bounds")
		}
	case KindNotNullRatio:
		if !(c.Ratio >= 0 && c.Ratio <= 1) {
			return fmt.Errorf("ratio must be in [0, 1], got %v", c.Ratio)
		}
	case KindUnique:
	case KindMonotonic:
		if !f.Type.numeric() && f.Type != Timestamp {
			return fmt.Errorf("needs an int, float or timestamp field, got %s", f.Type)
		}
	case KindCustom:
		if c.Name == "" {
			return errors.New("needs a name")
		}
	default:
		return fmt.Errorf("unknown check kind %q", c.Kind)
	}
	return nil
}

func (c *Contract) datasetErr(d *DatasetCheck) error {
	if d.Severity > Warn {
		return errors.New("unknown severity")
	}
	if badBound(d.Min) || badBound(d.Max) {
		return errors.New("bounds must be finite")
	}
	if d.Min != nil && d.Max != nil && *d.Min > *d.Max {
		return fmt.Errorf("min %v > max %v", *d.Min, *d.Max)
	}
	var f *Field
	if d.Kind != KindRowCount {
		if f = c.Field(d.Field); f == nil {
			return fmt.Errorf("unknown field %q", d.Field)
		}
	}
	switch d.Kind {
	case KindRowCount:
		if d.Min == nil && d.Max == nil {
			return errors.New("needs min or max")
		}
	case KindFreshness:
		if f.Type != Timestamp {
			return fmt.Errorf("needs a timestamp field, got %s", f.Type)
		}
		if d.MaxAge <= 0 {
			return errors.New("needs a positive max_age")
		}
	case KindCompleteness:
		if !(d.Ratio >= 0 && d.Ratio <= 1) {
			return fmt.Errorf("ratio must be in [0, 1], got %v", d.Ratio)
		}
	case KindMean, KindStd:
		if !f.Type.numeric() {
			return fmt.Errorf("needs an int or float field, got %s", f.Type)
		}
		if d.Min == nil && d.Max == nil {
			return errors.New("needs min or max")
		}
	default:
		return fmt.Errorf("unknown dataset check kind %q", d.Kind)
	}
	return nil
}
