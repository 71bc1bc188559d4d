package drift

import "fmt"

// Kind is the kind of a monitored column.
type Kind uint8

// Column kinds.
const (
	Numeric     Kind = iota + 1 // float64 values
	Categorical                 // string values
)

// String returns "numeric" or "categorical".
func (k Kind) String() string {
	switch k {
	case Numeric:
		return "numeric"
	case Categorical:
		return "categorical"
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// Column reads one named column from a row of type T. Build it with Float,
// FloatPtr, String or StringPtr; the accessor is called once per row and
// must not retain the row.
type Column[T any] struct {
	name string
	kind Kind
	num  func(*T) (float64, bool)
	cat  func(*T) (string, bool)
}

// Name returns the column name.
func (c Column[T]) Name() string { return c.name }

// Kind returns the column kind.
func (c Column[T]) Kind() Kind { return c.kind }

func mustName(name string) {
	if name == "" {
		panic("drift: column name must not be empty, got \"\"")
	}
}

// Float returns a numeric column read by get; ok false means missing.
// NaN and ±Inf are counted as missing too.
func Float[T any](name string, get func(*T) (v float64, ok bool)) Column[T] {
	mustName(name)
	if get == nil {
		panic("drift: Float accessor must not be nil, got nil for " + name)
	}
	return Column[T]{name: name, kind: Numeric, num: get}
}

// FloatPtr returns a numeric column from a nullable field: nil is missing.
func FloatPtr[T any](name string, get func(*T) *float64) Column[T] {
	if get == nil {
		panic("drift: FloatPtr accessor must not be nil, got nil for " + name)
	}
	return Float(name, func(r *T) (float64, bool) {
		if p := get(r); p != nil {
			return *p, true
		}
		return 0, false
	})
}

// String returns a categorical column read by get; ok false means missing.
func String[T any](name string, get func(*T) (v string, ok bool)) Column[T] {
	mustName(name)
	if get == nil {
		panic("drift: String accessor must not be nil, got nil for " + name)
	}
	return Column[T]{name: name, kind: Categorical, cat: get}
}

// StringPtr returns a categorical column from a nullable field: nil is missing.
func StringPtr[T any](name string, get func(*T) *string) Column[T] {
	if get == nil {
		panic("drift: StringPtr accessor must not be nil, got nil for " + name)
	}
	return String(name, func(r *T) (string, bool) {
		if p := get(r); p != nil {
			return *p, true
		}
		return "", false
	})
}
