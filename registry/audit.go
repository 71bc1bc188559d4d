package registry

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Entry is one record of the audit log: who did what to which model, when,
// why, and the state before and after. Each entry carries the hash of the
// previous one, so a changed, removed or reordered entry breaks the chain and
// Registry.Audit reports a *CorruptionError.
type Entry struct {
	Seq       int       `json:"seq"`       // 1, 2, 3, … per model
	Time      time.Time `json:"time"`      // UTC
	Principal string    `json:"principal"` // from WithPrincipal, "anonymous" when unset
	Action    string    `json:"action"`    // one of the Action* constants
	Model     string    `json:"model"`
	Version   int       `json:"version,omitempty"` // version acted on, 0 when none
	Alias     string    `json:"alias,omitempty"`   // alias acted on, "" when none
	Reason    string    `json:"reason,omitempty"`  // why, as given by the caller
	Before    string    `json:"before,omitempty"`  // state before, e.g. "3" for an alias target
	After     string    `json:"after,omitempty"`   // state after
	Prev      string    `json:"prev"`              // Hash of the previous entry, "" for the first
	Hash      string    `json:"hash"`              // hex SHA-256 of this entry with Hash empty
}

// Actions recorded in the audit log and passed to the Authorizer.
const (
	ActionRegister    = "register"
	ActionSetAlias    = "set-alias"
	ActionPromote     = "promote"
	ActionRollback    = "rollback"
	ActionDeleteAlias = "delete-alias"
	ActionArchive     = "archive"
	ActionUnarchive   = "unarchive"
	ActionDelete      = "delete"
	ActionSetTag      = "set-tag"
	ActionDeleteTag   = "delete-tag"
	ActionImport      = "import"
)

// entryHash computes the hash of e as if e.Hash were empty.
func entryHash(e Entry) string { return HashBytes(entryJSON(e)) }

// entryJSON is the JSON encoding of e with Hash empty, the bytes its hash
// covers.
func entryJSON(e Entry) []byte {
	e.Hash = ""
	b, err := json.Marshal(e)
	if err != nil {
		panic("registry: cannot encode audit entry: " + err.Error())
	}
	return b
}

// legacyMark stands for a U+FFFD that encoding/json escaped, while
// hashMatches tries encodings; it is a noncharacter, written as itself.
const legacyMark = "\U0010FFFF"

// hashMatches reports whether e.Hash is the hash of e.
//
// Entries are checked for valid UTF-8 before they are sealed (checkText),
// but earlier versions sealed entries holding invalid UTF-8. encoding/json
// had written each bad byte as an escaped U+FFFD (`\ufffd`) where a real
// U+FFFD is written as itself, so such an entry, read back, encodes
// differently. It is accepted when its hash matches an encoding where the
// U+FFFD of some of its free-text fields are escaped: at most 15 tries, only
// for a failing entry holding U+FFFD. This gives no freedom to forge an
// entry: every byte hashed is still a function of the entry.
func hashMatches(e Entry) bool {
	b := entryJSON(e)
	if HashBytes(b) == e.Hash {
		return true
	}
	if bytes.Contains(b, []byte(legacyMark)) {
		return false
	}
	fields := [...]*string{&e.Principal, &e.Reason, &e.Before, &e.After}
	var marked []*string
	var orig []string
	for _, f := range fields {
		if strings.ContainsRune(*f, utf8.RuneError) {
			marked, orig = append(marked, f), append(orig, *f)
		}
	}
	for mask := 1; mask < 1<<len(marked); mask++ {
		for i, f := range marked {
			*f = orig[i]
			if mask&(1<<i) != 0 {
				*f = strings.ReplaceAll(orig[i], string(utf8.RuneError), legacyMark)
			}
		}
		if HashBytes(bytes.ReplaceAll(entryJSON(e), []byte(legacyMark), []byte(`\ufffd`))) == e.Hash {
			return true
		}
	}
	return false
}

// checkText returns nil when s, the field named, is valid UTF-8, and
// otherwise an error wrapping ErrInvalidText that names the field and the
// first bad byte. JSON cannot carry such a string unchanged, so the audit
// log and manifests do not accept it.
func checkText(field, s string) error {
	if utf8.ValidString(s) {
		return nil
	}
	at := 0
	for at < len(s) {
		r, n := utf8.DecodeRuneInString(s[at:])
		if r == utf8.RuneError && n == 1 {
			break
		}
		at += n
	}
	return fmt.Errorf("%w: %s %q, byte %d", ErrInvalidText, field, s, at)
}

// seal sets e.Seq, e.Prev and e.Hash to continue a chain ending at
// (count, prev).
func seal(e *Entry, count int, prev string) {
	e.Seq = count + 1
	e.Prev = prev
	e.Time = e.Time.UTC()
	e.Hash = entryHash(*e)
}

// verifyChain checks that entries form an unbroken chain from the first
// entry and that it ends at the given hash.
func verifyChain(model string, entries []Entry, lastHash string) error {
	prev := ""
	for i, e := range entries {
		obj := "audit entry " + strconv.Itoa(i+1)
		if e.Seq != i+1 {
			return &CorruptionError{Model: model, Object: obj, Want: "seq " + strconv.Itoa(i+1), Got: "seq " + strconv.Itoa(e.Seq)}
		}
		if e.Model != model {
			return &CorruptionError{Model: model, Object: obj, Want: "model " + model, Got: "model " + e.Model}
		}
		if e.Prev != prev {
			return &CorruptionError{Model: model, Object: obj, Want: "prev " + prev, Got: "prev " + e.Prev}
		}
		if !hashMatches(e) {
			return &CorruptionError{Model: model, Object: obj, Want: e.Hash, Got: entryHash(e)}
		}
		prev = e.Hash
	}
	if prev != lastHash {
		return &CorruptionError{Model: model, Object: "audit log end", Want: lastHash, Got: prev,
			Err: fmt.Errorf("%d entries", len(entries))}
	}
	return nil
}

func marshalEntry(e Entry) ([]byte, error) { return json.Marshal(e) }

func unmarshalEntry(b []byte) (Entry, error) {
	var e Entry
	err := json.Unmarshal(b, &e)
	return e, err
}
