package xgboost

import (
	"errors"
	"fmt"
)

// ErrFormat is wrapped by every error about the content of a model file.
var ErrFormat = errors.New("xgboost: invalid model file")

// Error reports what is wrong in a model file and where: the byte offset
// of a syntax error, or the path of the field in the model document
// (for example learner.gradient_booster.model.trees[3].split_conditions[5],
// tree 3, node 5). It wraps ErrFormat.
type Error struct {
	// Offset is the byte offset of a syntax error; -1 for an error in a
	// well-formed document.
	Offset int64
	// Path names the field, "" for a syntax error.
	Path string
	// Msg says what is wrong.
	Msg string
}

// Error says what is wrong and where.
func (e *Error) Error() string {
	if e.Path != "" {
		return fmt.Sprintf("xgboost: %s: %s", e.Path, e.Msg)
	}
	return fmt.Sprintf("xgboost: at byte %d: %s", e.Offset, e.Msg)
}

// Unwrap returns ErrFormat.
func (e *Error) Unwrap() error { return ErrFormat }

func fieldErr(path, format string, args ...any) error {
	return &Error{Offset: -1, Path: path, Msg: fmt.Sprintf(format, args...)}
}
