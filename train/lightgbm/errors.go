package lightgbm

import (
	"errors"
	"fmt"
)

// ErrFormat is wrapped by every error about the content of a model file.
var ErrFormat = errors.New("lightgbm: invalid model file")

// ErrUnsupported is wrapped by the errors about an option of a valid
// model file that Loom does not support, such as linear trees.
var ErrUnsupported = errors.New("lightgbm: unsupported model option")

// Error reports what is wrong in a model file and where: the line (1-based),
// the tree (-1 outside the trees) and the field, such as
// split_feature[5]. It wraps ErrFormat, or ErrUnsupported for an option
// Loom does not support.
type Error struct {
	Line  int
	Tree  int
	Field string
	Msg   string
	// Unsupported marks a valid option Loom does not support.
	Unsupported bool
}

// Error says what is wrong and where.
func (e *Error) Error() string {
	where := fmt.Sprintf("line %d", e.Line)
	if e.Tree >= 0 {
		where += fmt.Sprintf(", tree %d", e.Tree)
	}
	if e.Field != "" {
		where += ", " + e.Field
	}
	return fmt.Sprintf("lightgbm: %s: %s", where, e.Msg)
}

// Unwrap returns ErrFormat, or ErrUnsupported.
func (e *Error) Unwrap() error {
	if e.Unsupported {
		return ErrUnsupported
	}
	return ErrFormat
}
