package serve

import "encoding/json"

// validJSON reports whether data is one valid JSON value, exactly as
// json.Valid does (FuzzValidJSON compares them), in one pass without the
// per-byte state-function calls of encoding/json's scanner. Like
// json.Valid it does not check that strings are valid UTF-8. Nesting
// deeper than 64 levels is left to json.Valid itself.
func validJSON(data []byte) bool {
	i := valueEnd(data, skipWS(data, 0))
	if i == tooDeep {
		return json.Valid(data)
	}
	return i >= 0 && skipWS(data, i) == len(data)
}

// tooDeep is what valueEnd returns for a value nested deeper than it
// follows.
const tooDeep = -2

// valueEnd returns the index past the JSON value that starts at i, -1 when
// no valid value starts there, or tooDeep when it nests more than 64
// levels (encoding/json allows 10,000).
func valueEnd(data []byte, i int) int {
	const maxDepth = 64
	var stack [maxDepth]byte // '{' or '[' of each open container
	depth := 0
	for {
		// A value starts at i.
		if i >= len(data) {
			return -1
		}
		switch c := data[i]; {
		case c == '{' || c == '[':
			if depth == maxDepth {
				return tooDeep
			}
			stack[depth] = c
			depth++
			i = skipWS(data, i+1)
			if i < len(data) && data[i] == c+2 { // '}' is '{'+2, ']' is '['+2
				depth--
				i++
				break
			}
			if c == '{' {
				if i = objectKey(data, i); i < 0 {
					return -1
				}
			}
			continue
		case c == '"':
			if i = stringEnd(data, i); i < 0 {
				return -1
			}
		case c == '-' || c >= '0' && c <= '9':
			if i = numberEnd(data, i); i < 0 {
				return -1
			}
		case c == 't':
			if !hasLit(data, i, "true") {
				return -1
			}
			i += 4
		case c == 'f':
			if !hasLit(data, i, "false") {
				return -1
			}
			i += 5
		case c == 'n':
			if !hasLit(data, i, "null") {
				return -1
			}
			i += 4
		default:
			return -1
		}
		// A value ended at i: close containers, or go on to the next
		// element or member.
		for {
			if depth == 0 {
				return i
			}
			i = skipWS(data, i)
			if i >= len(data) {
				return -1
			}
			open := stack[depth-1]
			c := data[i]
			if c == open+2 {
				depth--
				i++
				continue
			}
			if c != ',' {
				return -1
			}
			i = skipWS(data, i+1)
			if open == '{' {
				if i = objectKey(data, i); i < 0 {
					return -1
				}
			}
			break
		}
	}
}

// objectKey checks a member's key and its colon at i, and returns where its
// value starts, or -1.
func objectKey(data []byte, i int) int {
	if i >= len(data) || data[i] != '"' {
		return -1
	}
	if i = stringEnd(data, i); i < 0 {
		return -1
	}
	i = skipWS(data, i)
	if i >= len(data) || data[i] != ':' {
		return -1
	}
	return skipWS(data, i+1)
}

func skipWS(data []byte, i int) int {
	for i < len(data) {
		switch data[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

func hasLit(data []byte, i int, lit string) bool {
	return len(data)-i >= len(lit) && string(data[i:i+len(lit)]) == lit
}

// strStop marks the bytes that end or interrupt a string literal's plain
// run: '"', '\\' and the control characters.
var strStop = func() (t [256]bool) {
	for c := range 0x20 {
		t[c] = true
	}
	t['"'], t['\\'] = true, true
	return t
}()

// stringEnd returns the index past the string literal starting at i (a
// '"'), or -1 when it is not one.
func stringEnd(data []byte, i int) int {
	for i++; i < len(data); i++ {
		c := data[i]
		if !strStop[c] {
			continue // one load and branch per ordinary byte
		}
		switch {
		case c == '"':
			return i + 1
		case c < 0x20:
			return -1
		case c == '\\':
			i++
			if i >= len(data) {
				return -1
			}
			switch data[i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if len(data)-i <= 4 {
					return -1
				}
				for _, h := range data[i+1 : i+5] {
					if !(h >= '0' && h <= '9' || h >= 'a' && h <= 'f' || h >= 'A' && h <= 'F') {
						return -1
					}
				}
				i += 4
			default:
				return -1
			}
		}
	}
	return -1
}

// numberEnd returns the index past the number starting at i, or -1 when it
// is not one: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func numberEnd(data []byte, i int) int {
	digits := func(i int) int {
		j := i
		for j < len(data) && data[j] >= '0' && data[j] <= '9' {
			j++
		}
		if j == i {
			return -1
		}
		return j
	}
	if data[i] == '-' {
		i++
	}
	switch {
	case i >= len(data):
		return -1
	case data[i] == '0':
		i++
	default:
		if i = digits(i); i < 0 {
			return -1
		}
	}
	if i < len(data) && data[i] == '.' {
		if i = digits(i + 1); i < 0 {
			return -1
		}
	}
	if i < len(data) && (data[i] == 'e' || data[i] == 'E') {
		i++
		if i < len(data) && (data[i] == '+' || data[i] == '-') {
			i++
		}
		if i = digits(i); i < 0 {
			return -1
		}
	}
	return i
}
