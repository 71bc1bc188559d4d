package registry

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"time"
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
func entryHash(e Entry) string {
	e.Hash = ""
	b, err := json.Marshal(e)
	if err != nil {
		panic("registry: cannot encode audit entry: " + err.Error())
	}
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
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
		if h := entryHash(e); h != e.Hash {
			return &CorruptionError{Model: model, Object: obj, Want: e.Hash, Got: h}
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
