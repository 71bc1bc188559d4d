package registry

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"time"
)

// Metadata describes a version: how it was made and how well it did. It is
// stored with the version and is immutable, except Tags, which SetTag and
// DeleteTag change (each change audited).
type Metadata struct {
	Metrics         map[string]float64 `json:"metrics,omitempty"`          // evaluation metrics, finite values only
	Params          map[string]string  `json:"params,omitempty"`           // training parameters
	Tags            map[string]string  `json:"tags,omitempty"`             // searchable labels; keys are validated names
	DataFingerprint string             `json:"data_fingerprint,omitempty"` // hash of the training data
	ParentRun       string             `json:"parent_run,omitempty"`       // id of the run that produced it
	SourceVersion   string             `json:"source_version,omitempty"`   // module version of the code that trained it
	Description     string             `json:"description,omitempty"`      // free text
}

// validate checks metadata for values JSON cannot carry (non-finite
// metrics, strings that are not valid UTF-8) and tag names.
func (m Metadata) validate() error {
	for _, k := range slices.Sorted(maps.Keys(m.Metrics)) {
		if v := m.Metrics[k]; math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("%w: metric %q is %v", ErrInvalidMetadata, k, v)
		}
		if err := checkText("metric name", k); err != nil {
			return fmt.Errorf("%w: %w", ErrInvalidMetadata, err)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(m.Tags)) {
		if err := ValidateName("tag", k); err != nil {
			return err
		}
		if err := checkText("tag "+k+" value", m.Tags[k]); err != nil {
			return fmt.Errorf("%w: %w", ErrInvalidMetadata, err)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(m.Params)) {
		if err := checkText("param name", k); err != nil {
			return fmt.Errorf("%w: %w", ErrInvalidMetadata, err)
		}
		if err := checkText("param "+strconv.Quote(k)+" value", m.Params[k]); err != nil {
			return fmt.Errorf("%w: %w", ErrInvalidMetadata, err)
		}
	}
	for _, f := range [...]struct{ name, value string }{
		{"data fingerprint", m.DataFingerprint},
		{"parent run", m.ParentRun},
		{"source version", m.SourceVersion},
		{"description", m.Description},
	} {
		if err := checkText(f.name, f.value); err != nil {
			return fmt.Errorf("%w: %w", ErrInvalidMetadata, err)
		}
	}
	return nil
}

func (m Metadata) clone() Metadata {
	m.Metrics = maps.Clone(m.Metrics)
	m.Params = maps.Clone(m.Params)
	m.Tags = maps.Clone(m.Tags)
	return m
}

// PartInfo describes one stored part of a version.
type PartInfo struct {
	Name   string `json:"name"`   // part name, e.g. "model"
	Size   int64  `json:"size"`   // length in bytes
	SHA256 string `json:"sha256"` // lower-case hex SHA-256 of the bytes
}

// Version is one immutable registered version of a model, as returned by
// queries. Values are copies: changing one changes nothing stored.
type Version struct {
	Model     string     // model name
	Number    int        // 1, 2, 3, … dense per model, never reused
	Parts     []PartInfo // sorted by name
	Metadata  Metadata   // Metadata.Tags holds the current tags
	Hash      string     // hex SHA-256 of the version's manifest, which covers every part hash and the metadata as registered
	CreatedAt time.Time  // when it was registered (UTC)
	CreatedBy string     // principal that registered it
	Archived  bool       // hidden from Latest and, unless asked, from Versions
}

// Part returns the description of the named part and whether it exists.
func (v Version) Part(name string) (PartInfo, bool) {
	i, ok := slices.BinarySearchFunc(v.Parts, name, func(p PartInfo, n string) int {
		switch {
		case p.Name < n:
			return -1
		case p.Name > n:
			return 1
		}
		return 0
	})
	if !ok {
		return PartInfo{}, false
	}
	return v.Parts[i], true
}

func (v Version) clone() Version {
	v.Parts = slices.Clone(v.Parts)
	v.Metadata = v.Metadata.clone()
	return v
}

// manifest is the immutable record of a version, stored as a JSON blob whose
// hash is the version's Hash.
type manifest struct {
	Format    int        `json:"format"`
	Model     string     `json:"model"`
	Number    int        `json:"number"`
	Parts     []PartInfo `json:"parts"`
	Metadata  Metadata   `json:"metadata"`
	CreatedAt time.Time  `json:"created_at"`
	CreatedBy string     `json:"created_by"`
}

const manifestFormat = 1

// decodeManifest parses and checks a manifest blob.
func decodeManifest(b []byte) (*manifest, error) {
	var m manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	if m.Format != manifestFormat {
		return nil, fmt.Errorf("unknown manifest format %d", m.Format)
	}
	if err := ValidateName("model", m.Model); err != nil {
		return nil, err
	}
	if m.Number < 1 {
		return nil, fmt.Errorf("version number %d", m.Number)
	}
	for i, p := range m.Parts {
		if err := ValidateName("part", p.Name); err != nil {
			return nil, err
		}
		if i > 0 && m.Parts[i-1].Name >= p.Name {
			return nil, fmt.Errorf("parts not sorted or duplicated at %q", p.Name)
		}
		if !isHash(p.SHA256) || p.Size < 0 {
			return nil, fmt.Errorf("part %q has hash %q and size %d", p.Name, p.SHA256, p.Size)
		}
	}
	if err := m.Metadata.validate(); err != nil {
		return nil, err
	}
	return &m, nil
}

func (m *manifest) version(hash string) Version {
	return Version{
		Model:     m.Model,
		Number:    m.Number,
		Parts:     m.Parts,
		Metadata:  m.Metadata,
		Hash:      hash,
		CreatedAt: m.CreatedAt,
		CreatedBy: m.CreatedBy,
	}
}

// HashBytes returns the lower-case hex SHA-256 of b, the form every hash in
// the registry takes.
func HashBytes(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// isHash reports whether s is a lower-case hex SHA-256.
func isHash(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}
