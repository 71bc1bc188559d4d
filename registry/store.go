package registry

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
)

// Store persists registries. The Registry holds every rule (numbering,
// aliases, gates, authorization, the audit chain, hash checks); a Store only
// keeps, per model, a small mutable Head, immutable content-addressed blobs
// and an append-only audit log, and makes Update atomic and exclusive.
//
// FileStore (through Open) and SQLStore implement it; package
// registry/registrytest checks any implementation. A Store that also
// implements Stamper lets the Registry cache heads (see Stamper), and one
// that implements io.Closer is closed by Registry.Close.
type Store interface {
	// Head returns the committed head of model, or an error wrapping
	// ErrNotFound if the model was never written.
	Head(ctx context.Context, model string) (Head, error)
	// Update runs fn with the committed head of model (the zero Head and
	// exists false for a new model) and commits what fn returns, atomically:
	// afterwards readers see all of the commit or, after a crash or an
	// error, none of it. Updates of one model are serialized, across
	// processes for stores that can be shared; fn may run more than once
	// and must not have side effects. fn returning nil commits nothing.
	// fn must not modify cur, and the caller must not modify the Commit
	// after returning it: the store may keep both.
	Update(ctx context.Context, model string, fn func(cur Head, exists bool) (*Commit, error)) error
	// Blob returns the bytes stored under hash for model, or an error
	// wrapping ErrNotFound. The caller verifies the hash.
	Blob(ctx context.Context, model, hash string) ([]byte, error)
	// Audit returns the first n committed audit entries of model, n being
	// the AuditCount of a head the caller read.
	Audit(ctx context.Context, model string, n int) ([]Entry, error)
	// Models returns the names of all models, sorted.
	Models(ctx context.Context) ([]string, error)
}

// Stamper is implemented by stores that can tell cheaply whether a model's
// head changed: Stamp returns a value that differs after every commit (a
// mix of a file's identity, time and size; a generation counter), or an
// error wrapping ErrNotFound for a model never written. The Registry then
// serves Resolve and other reads from memory while the stamp is unchanged.
type Stamper interface {
	Stamp(ctx context.Context, model string) (uint64, error)
}

// Head is the committed mutable state of one model. Stores persist it as an
// opaque document (MarshalHead / UnmarshalHead) next to the model's blobs.
type Head struct {
	Model      string                 `json:"model"`
	Gen        uint64                 `json:"gen"`         // incremented by every commit
	Next       int                    `json:"next"`        // next version number; numbers are never reused
	Versions   []HeadVersion          `json:"versions"`    // live versions, ascending by number
	Aliases    map[string]AliasTarget `json:"aliases"`     // alias name → target
	AuditCount int                    `json:"audit_count"` // committed audit entries
	AuditHash  string                 `json:"audit_hash"`  // hash of the last entry, "" when none
}

// HeadVersion is the mutable state of one version inside a Head.
type HeadVersion struct {
	Number   int               `json:"number"`
	Manifest string            `json:"manifest"` // blob hash of the immutable manifest
	Archived bool              `json:"archived,omitempty"`
	Tags     map[string]string `json:"tags,omitempty"`
}

// AliasTarget is where an alias points and where it pointed before, most
// recent last, for Rollback.
type AliasTarget struct {
	Version int   `json:"version"`
	History []int `json:"history,omitempty"`
}

// Commit is one atomic change of a model, produced by the Registry inside
// Store.Update.
type Commit struct {
	Head    Head              // the new head
	Blobs   map[string][]byte // new blobs by hex SHA-256; existing ones may be skipped
	Audit   []Entry           // entries appended after the old head's AuditCount
	Garbage []string          // blob hashes the new head no longer needs; the store may delete them after committing
}

// clone returns a copy of h that can be changed without changing h: the
// version list, the alias map and alias histories are copied; the Tags maps
// are shared, so a change of tags replaces the map (see withTag).
func (h Head) clone() Head {
	h.Versions = slices.Clone(h.Versions)
	a := make(map[string]AliasTarget, len(h.Aliases))
	for k, v := range h.Aliases {
		v.History = slices.Clone(v.History)
		a[k] = v
	}
	h.Aliases = a
	return h
}

// find returns the index of version n in h.Versions, or -1.
func (h Head) find(n int) int {
	i, ok := slices.BinarySearchFunc(h.Versions, n, func(v HeadVersion, n int) int { return v.Number - n })
	if !ok {
		return -1
	}
	return i
}

// MarshalHead encodes h for storage.
func MarshalHead(h Head) ([]byte, error) { return json.Marshal(h) }

// UnmarshalHead decodes and checks a head written by MarshalHead.
func UnmarshalHead(b []byte) (Head, error) {
	var h Head
	if err := json.Unmarshal(b, &h); err != nil {
		return Head{}, err
	}
	if err := ValidateName("model", h.Model); err != nil {
		return Head{}, err
	}
	last := 0
	for _, v := range h.Versions {
		if v.Number <= last || v.Number >= h.Next || !isHash(v.Manifest) {
			return Head{}, fmt.Errorf("bad version entry %d (next %d)", v.Number, h.Next)
		}
		last = v.Number
	}
	for a, t := range h.Aliases {
		if err := ValidateName("alias", a); err != nil {
			return Head{}, err
		}
		if h.find(t.Version) < 0 {
			return Head{}, fmt.Errorf("alias %q points at missing version %d", a, t.Version)
		}
	}
	if h.AuditCount < 0 || (h.AuditCount == 0) != (h.AuditHash == "") {
		return Head{}, fmt.Errorf("bad audit count %d with hash %q", h.AuditCount, h.AuditHash)
	}
	return h, nil
}
