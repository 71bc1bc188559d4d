package registry

import "strconv"

// MaxNameLen is the longest model, alias, part or tag name accepted.
const MaxNameLen = 64

// ValidateName reports whether name is a valid model, alias, part or tag
// name; kind names which, for the error. A valid name is 1 to MaxNameLen
// bytes of lower-case ASCII letters, digits, '.', '_' and '-', starting with
// a letter or digit. So no name contains a path separator, none is "." or
// "..", and names are the same on case-insensitive file systems. The error is
// a *NameError wrapping ErrInvalidName.
func ValidateName(kind, name string) error {
	if name == "" {
		return &NameError{Kind: kind, Name: name, Reason: "empty"}
	}
	if len(name) > MaxNameLen {
		return &NameError{Kind: kind, Name: name, Reason: "longer than " + strconv.Itoa(MaxNameLen) + " bytes"}
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
		case (c == '.' || c == '_' || c == '-') && i > 0:
		default:
			return &NameError{Kind: kind, Name: name, Reason: "byte " + strconv.Itoa(i) + " (" + strconv.QuoteRune(rune(c)) + ") is not allowed; use a-z, 0-9, '.', '_', '-', starting with a-z or 0-9"}
		}
	}
	return nil
}
