package registry

import (
	"archive/tar"
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// Export file layout: a tar archive holding
//
//	FORMAT        "loom-registry-export 1\n"
//	head.json     the model's Head as JSON
//	audit.jsonl   the audit log, one Entry per line
//	blobs/<hash>  every manifest and part, named by hex SHA-256
const exportFormat = "loom-registry-export 1\n"

// maxExportEntry bounds one file inside an export archive (4 GiB).
const maxExportEntry = 4 << 30

// Export writes model with all its versions, aliases (with their history)
// and audit log to w as one tar archive, after verifying every hash and the
// audit chain. Import reads it back into any store.
func (r *Registry) Export(ctx context.Context, model string, w io.Writer) error {
	if err := ValidateName("model", model); err != nil {
		return err
	}
	h, err := r.store.Head(ctx, model)
	if err != nil {
		return err
	}
	entries, err := r.store.Audit(ctx, model, h.AuditCount)
	if err != nil {
		return err
	}
	if err := verifyChain(model, entries, h.AuditHash); err != nil {
		return err
	}
	tw := tar.NewWriter(w)
	mtime := time.Unix(0, 0).UTC()
	put := func(name string, b []byte) error {
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(b)), ModTime: mtime, Typeflag: tar.TypeReg}); err != nil {
			return err
		}
		_, err := tw.Write(b)
		return err
	}
	if err := put("FORMAT", []byte(exportFormat)); err != nil {
		return err
	}
	hb, err := MarshalHead(h)
	if err != nil {
		return err
	}
	if err := put("head.json", hb); err != nil {
		return err
	}
	var ab bytes.Buffer
	enc := json.NewEncoder(&ab)
	for _, e := range entries {
		if err := enc.Encode(e); err != nil {
			return err
		}
	}
	if err := put("audit.jsonl", ab.Bytes()); err != nil {
		return err
	}
	seen := map[string]bool{}
	for _, hv := range h.Versions {
		m, err := r.manifest(ctx, model, hv.Manifest)
		if err != nil {
			return err
		}
		for _, hash := range append([]string{hv.Manifest}, partHashes(m)...) {
			if seen[hash] {
				continue
			}
			seen[hash] = true
			b, err := r.blob(ctx, model, hash, "blob "+hash+" of version "+strconv.Itoa(hv.Number))
			if err != nil {
				return err
			}
			if err := put("blobs/"+hash, b); err != nil {
				return err
			}
		}
	}
	return tw.Close()
}

// ImportError reports an export archive that cannot be imported: the file
// inside the archive and why. It wraps the cause (ErrCorrupt for a failed
// check).
type ImportError struct {
	File string // file inside the archive, "" for the archive as a whole
	Err  error
}

// Error implements error.
func (e *ImportError) Error() string {
	if e.File == "" {
		return "registry: import: " + e.Err.Error()
	}
	return fmt.Sprintf("registry: import %s: %v", e.File, e.Err)
}

// Unwrap returns the cause.
func (e *ImportError) Unwrap() error { return e.Err }

// exported is a decoded and verified export archive.
type exported struct {
	head    Head
	entries []Entry
	blobs   map[string][]byte
}

// readExport decodes an export archive and verifies it completely: head,
// audit chain, every manifest and every part.
func readExport(rd io.Reader) (*exported, error) {
	tr := tar.NewReader(rd)
	files := map[string][]byte{}
	blobs := map[string][]byte{}
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, &ImportError{Err: err}
		}
		if hdr.Typeflag != tar.TypeReg {
			return nil, &ImportError{File: hdr.Name, Err: fmt.Errorf("%w: not a regular file", ErrCorrupt)}
		}
		if hdr.Size < 0 || hdr.Size > maxExportEntry {
			return nil, &ImportError{File: hdr.Name, Err: fmt.Errorf("%w: size %d", ErrCorrupt, hdr.Size)}
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			return nil, &ImportError{File: hdr.Name, Err: err}
		}
		switch name := hdr.Name; {
		case name == "FORMAT" || name == "head.json" || name == "audit.jsonl":
			if _, dup := files[name]; dup {
				return nil, &ImportError{File: name, Err: fmt.Errorf("%w: duplicate file", ErrCorrupt)}
			}
			files[name] = b
		case strings.HasPrefix(name, "blobs/"):
			hash := strings.TrimPrefix(name, "blobs/")
			if !isHash(hash) {
				return nil, &ImportError{File: name, Err: fmt.Errorf("%w: not a blob name", ErrCorrupt)}
			}
			if got := HashBytes(b); got != hash {
				return nil, &ImportError{File: name, Err: &CorruptionError{Object: name, Want: hash, Got: got}}
			}
			blobs[hash] = b
		default:
			return nil, &ImportError{File: name, Err: fmt.Errorf("%w: unexpected file", ErrCorrupt)}
		}
	}
	if string(files["FORMAT"]) != exportFormat {
		return nil, &ImportError{File: "FORMAT", Err: fmt.Errorf("%w: not a %q archive", ErrCorrupt, strings.TrimSpace(exportFormat))}
	}
	hb, ok := files["head.json"]
	if !ok {
		return nil, &ImportError{File: "head.json", Err: fmt.Errorf("%w: missing", ErrCorrupt)}
	}
	h, err := UnmarshalHead(hb)
	if err != nil {
		return nil, &ImportError{File: "head.json", Err: &CorruptionError{Object: "head.json", Err: err}}
	}
	var entries []Entry
	sc := bufio.NewScanner(bytes.NewReader(files["audit.jsonl"]))
	sc.Buffer(nil, 64<<20)
	for sc.Scan() {
		var e Entry
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			return nil, &ImportError{File: "audit.jsonl", Err: &CorruptionError{Model: h.Model, Object: "audit line " + strconv.Itoa(len(entries)+1), Err: err}}
		}
		entries = append(entries, e)
	}
	if err := sc.Err(); err != nil {
		return nil, &ImportError{File: "audit.jsonl", Err: err}
	}
	if len(entries) != h.AuditCount {
		return nil, &ImportError{File: "audit.jsonl", Err: &CorruptionError{Model: h.Model, Object: "audit log",
			Want: strconv.Itoa(h.AuditCount) + " entries", Got: strconv.Itoa(len(entries))}}
	}
	if err := verifyChain(h.Model, entries, h.AuditHash); err != nil {
		return nil, &ImportError{File: "audit.jsonl", Err: err}
	}
	for _, hv := range h.Versions {
		mb, ok := blobs[hv.Manifest]
		if !ok {
			return nil, &ImportError{File: "blobs/" + hv.Manifest, Err: fmt.Errorf("%w: manifest of version %d missing", ErrCorrupt, hv.Number)}
		}
		m, err := decodeManifest(mb)
		if err != nil {
			return nil, &ImportError{File: "blobs/" + hv.Manifest, Err: &CorruptionError{Model: h.Model, Object: "manifest of version " + strconv.Itoa(hv.Number), Err: err}}
		}
		if m.Model != h.Model || m.Number != hv.Number {
			return nil, &ImportError{File: "blobs/" + hv.Manifest, Err: fmt.Errorf("%w: manifest is %s v%d, head says %s v%d", ErrCorrupt, m.Model, m.Number, h.Model, hv.Number)}
		}
		for _, p := range m.Parts {
			if _, ok := blobs[p.SHA256]; !ok {
				return nil, &ImportError{File: "blobs/" + p.SHA256, Err: fmt.Errorf("%w: part %q of version %d missing", ErrCorrupt, p.Name, hv.Number)}
			}
		}
	}
	return &exported{head: h, entries: entries, blobs: blobs}, nil
}

// Import reads an archive written by Export, verifies all of it (every hash,
// the audit chain, every version complete), and stores the model with its
// versions, aliases and audit history, appending an "import" entry to the
// log. It returns the model's name. A model that already exists in this
// store is not touched: the error wraps ErrExists. The archive is held in
// memory while it is checked.
func (r *Registry) Import(ctx context.Context, rd io.Reader) (string, error) {
	x, err := readExport(rd)
	if err != nil {
		return "", err
	}
	model := x.head.Model
	err = r.update(ctx, Action{Kind: ActionImport, Model: model}, func(h *Head, exists bool, c *Commit) ([]Entry, error) {
		if exists {
			return nil, fmt.Errorf("registry: import %s: %w", model, ErrExists)
		}
		*h = x.head.clone()
		if h.Aliases == nil {
			h.Aliases = map[string]AliasTarget{}
		}
		c.Blobs = x.blobs
		c.Audit = x.entries
		return []Entry{{Action: ActionImport, Reason: "import of " + strconv.Itoa(len(x.head.Versions)) + " versions",
			After: x.head.AuditHash}}, nil
	})
	if err != nil {
		return "", err
	}
	return model, nil
}
