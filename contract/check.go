package contract

// The constructors below make one Check each, for the field constructors
// (FloatField("age", Range(16, 100))) and for declarations that attach
// checks to a column of their own (package model).

// Range is the inclusive range check min ≤ v ≤ max.
func Range(min, max float64) Check { return Check{Kind: KindRange, Min: &min, Max: &max} }

// AtLeast is the check v ≥ min.
func AtLeast(min float64) Check { return Check{Kind: KindRange, Min: &min} }

// AtMost is the check v ≤ max.
func AtMost(max float64) Check { return Check{Kind: KindRange, Max: &max} }

// Above is the check v > min.
func Above(min float64) Check { return Check{Kind: KindRange, Min: &min, MinExclusive: true} }

// Below is the check v < max.
func Below(max float64) Check { return Check{Kind: KindRange, Max: &max, MaxExclusive: true} }

// OneOf is the allowed-set check: the value is one of values.
func OneOf(values ...string) Check {
	return Check{Kind: KindSet, Values: append([]string(nil), values...)}
}

// Match is the regular-expression check; the whole value must match.
func Match(pattern string) Check { return Check{Kind: KindRegex, Pattern: pattern} }

// Length is the string-length check, in bytes, min ≤ len ≤ max.
func Length(min, max int) Check { return Check{Kind: KindLength, MinLen: &min, MaxLen: &max} }

// NotNullRatio is the check that at least the share p of rows have a
// value.
func NotNullRatio(p float64) Check { return Check{Kind: KindNotNullRatio, Ratio: p} }

// Unique is the check that no value repeats; the second and later rows
// with a value fail.
func Unique() Check { return Check{Kind: KindUnique} }

// Increasing is the check that values never decrease from row to row
// (strictly increase when strict is true).
func Increasing(strict bool) Check { return Check{Kind: KindMonotonic, Strict: strict} }

// Custom is the check by a named predicate over the whole row, supplied to
// Bind with Pred.
func Custom(name string) Check { return Check{Kind: KindCustom, Name: name} }

// Warn returns c as a warning: recorded, never rejecting a row.
func (c Check) Warn() Check { c.Severity = Warn; return c }
