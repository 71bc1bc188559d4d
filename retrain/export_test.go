package retrain

import "encoding/json"

// SetHook installs a test hook called at every step boundary of l's runs
// with the boundary's name; an error it returns stops the run there, as
// a kill of the process would (nothing more is written).
func SetHook[T any](l *Loop[T], h func(point string) error) { l.hook = h }

// ErrKilled is what a kill hook returns.
var ErrKilled = errKilled

// DecodeState decodes a state tag value and encodes it back.
func DecodeState(raw string) (string, error) {
	st, err := decodeState(raw)
	if err != nil {
		return "", err
	}
	b, err := json.Marshal(st)
	return string(b), err
}
