package registry

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/loomml/loom/internal/atomicfile"
)

// FileStore is the filesystem Store: one directory per model holding a lock
// file, a head file, content-addressed blobs and an append-only audit log.
// Several processes may share the directory. See the package documentation
// for the layout and the write protocol. Create it with OpenFileStore.
type FileStore struct {
	dir string

	mu      sync.Mutex
	cleaned map[string]bool       // models whose leftover temporary files were removed
	heads   map[string]cachedHead // last head read or written by Update, by model
}

// cachedHead spares Update decoding a head it already knows: it is used
// only while the head file's stamp is unchanged.
type cachedHead struct {
	stamp      uint64
	head       Head
	auditBytes int64
}

var (
	_ Store   = (*FileStore)(nil)
	_ Stamper = (*FileStore)(nil)
)

// OpenFileStore returns the filesystem store in dir, creating the directory
// if needed.
func OpenFileStore(dir string) (*FileStore, error) {
	for _, sub := range []string{"models", "locks"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o755); err != nil {
			return nil, fmt.Errorf("registry: open %s: %w", dir, err)
		}
	}
	return &FileStore{dir: dir, cleaned: map[string]bool{}, heads: map[string]cachedHead{}}, nil
}

// Dir returns the store's directory.
func (s *FileStore) Dir() string { return s.dir }

// headFile is the on-disk form of a head: the head's JSON, its hash, and the
// length of the committed part of the audit log.
type headFile struct {
	Sum        string          `json:"sum"`         // hex SHA-256 of Head
	AuditBytes int64           `json:"audit_bytes"` // committed length of audit.jsonl
	Head       json.RawMessage `json:"head"`
}

func (s *FileStore) modelDir(model string) string { return filepath.Join(s.dir, "models", model) }

// readHead reads and verifies the head file of model.
func (s *FileStore) readHead(model string) (Head, int64, error) {
	p := filepath.Join(s.modelDir(model), "head.json")
	b, err := os.ReadFile(p)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return Head{}, 0, &NotFoundError{Model: model}
		}
		return Head{}, 0, err
	}
	var hf headFile
	if err := json.Unmarshal(b, &hf); err != nil {
		return Head{}, 0, &CorruptionError{Model: model, Object: p, Err: err}
	}
	if got := HashBytes(hf.Head); got != hf.Sum {
		return Head{}, 0, &CorruptionError{Model: model, Object: p, Want: hf.Sum, Got: got}
	}
	h, err := UnmarshalHead(hf.Head)
	if err != nil {
		return Head{}, 0, &CorruptionError{Model: model, Object: p, Err: err}
	}
	if h.Model != model {
		return Head{}, 0, &CorruptionError{Model: model, Object: p, Want: model, Got: h.Model}
	}
	return h, hf.AuditBytes, nil
}

// Head implements Store.
func (s *FileStore) Head(ctx context.Context, model string) (Head, error) {
	if err := ValidateName("model", model); err != nil {
		return Head{}, err
	}
	h, _, err := s.readHead(model)
	return h, err
}

// Stamp implements Stamper with one stat(2) of the head file.
func (s *FileStore) Stamp(ctx context.Context, model string) (uint64, error) {
	st, err := fileStamp(s.dir + string(filepath.Separator) + "models" + string(filepath.Separator) + model + string(filepath.Separator) + "head.json")
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return 0, &NotFoundError{Model: model}
		}
		return 0, err
	}
	return st, nil
}

// mixStamp combines the identity of a file version into one number.
func mixStamp(a, b, c, d uint64) uint64 {
	h := uint64(14695981039346656037)
	for _, x := range [4]uint64{a, b, c, d} {
		h ^= x
		h *= 1099511628211
		h ^= h >> 29
	}
	return h
}

// Update implements Store. It holds an flock on the model's lock file for
// the whole update, so writers in any process are serialized; fn runs
// exactly once.
func (s *FileStore) Update(ctx context.Context, model string, fn func(cur Head, exists bool) (*Commit, error)) error {
	if err := ValidateName("model", model); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	md := s.modelDir(model)
	lf, err := os.OpenFile(filepath.Join(s.dir, "locks", model), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return err
	}
	defer lf.Close()
	if err := lockFile(lf); err != nil {
		return fmt.Errorf("registry: lock %s: %w", model, err)
	}
	defer unlockFile(lf)
	if err := ctx.Err(); err != nil {
		return err
	}
	s.cleanup(model)

	cur, auditBytes, err := s.lockedHead(model)
	exists := err == nil
	if err != nil && !errors.Is(err, ErrNotFound) {
		return err
	}
	c, err := fn(cur, exists)
	if err != nil || c == nil {
		return err
	}
	if !exists {
		if err := s.ensureModelDir(md); err != nil {
			return err
		}
	}
	// 1. Blobs, each durable before anything refers to it.
	bd := filepath.Join(md, "blobs")
	wrote := false
	for _, hash := range sortedKeys(c.Blobs) {
		if !isHash(hash) {
			return fmt.Errorf("registry: commit has blob key %q, not a hex SHA-256", hash)
		}
		p := filepath.Join(bd, hash)
		if _, err := os.Stat(p); err == nil {
			continue
		}
		if err := atomicfile.WriteFileNoDirSync(p, c.Blobs[hash], 0o644); err != nil {
			return err
		}
		wrote = true
	}
	if wrote {
		if err := atomicfile.SyncDir(bd); err != nil {
			return err
		}
	}
	// 2. Audit entries, appended after the committed length; a tail left by
	// a writer that crashed before its head was written is cut off first.
	if len(c.Audit) > 0 {
		if auditBytes, err = appendAudit(filepath.Join(md, "audit.jsonl"), auditBytes, c.Audit); err != nil {
			return err
		}
	}
	// 3. The head: the commit point.
	hb, err := MarshalHead(c.Head)
	if err != nil {
		return err
	}
	// The same JSON as headFile, without re-encoding the head.
	fb := make([]byte, 0, len(hb)+128)
	fb = append(fb, `{"sum":"`...)
	fb = append(fb, HashBytes(hb)...)
	fb = append(fb, `","audit_bytes":`...)
	fb = strconv.AppendInt(fb, auditBytes, 10)
	fb = append(fb, `,"head":`...)
	fb = append(fb, hb...)
	fb = append(fb, '}')
	hp := filepath.Join(md, "head.json")
	// The modification time encodes the generation (seconds after the
	// epoch), so that stamps of two heads never agree, even if a new head
	// reuses a freed inode within one clock tick.
	if err := atomicfile.WriteFileModTime(hp, fb, 0o644, time.Unix(int64(c.Head.Gen), 0)); err != nil {
		s.forget(model)
		return err
	}
	if st, err := fileStamp(hp); err == nil {
		s.mu.Lock()
		s.heads[model] = cachedHead{stamp: st, head: c.Head, auditBytes: auditBytes}
		s.mu.Unlock()
	} else {
		s.forget(model)
	}
	// 4. Garbage, best effort: a leftover blob is harmless.
	for _, hash := range c.Garbage {
		if isHash(hash) {
			os.Remove(filepath.Join(bd, hash))
		}
	}
	return nil
}

// lockedHead returns the head of model, from the cache when the head file
// is the one this store last read or wrote. The caller holds the lock.
func (s *FileStore) lockedHead(model string) (Head, int64, error) {
	hp := filepath.Join(s.modelDir(model), "head.json")
	st, err := fileStamp(hp)
	if err == nil {
		s.mu.Lock()
		c, ok := s.heads[model]
		s.mu.Unlock()
		if ok && c.stamp == st {
			return c.head, c.auditBytes, nil
		}
	}
	h, ab, err := s.readHead(model)
	if err != nil {
		s.forget(model)
		return h, ab, err
	}
	if st2, err := fileStamp(hp); err == nil && st2 == st {
		s.mu.Lock()
		s.heads[model] = cachedHead{stamp: st, head: h, auditBytes: ab}
		s.mu.Unlock()
	}
	return h, ab, nil
}

func (s *FileStore) forget(model string) {
	s.mu.Lock()
	delete(s.heads, model)
	s.mu.Unlock()
}

// ensureModelDir creates the model directory and its blobs directory,
// durably, if needed.
func (s *FileStore) ensureModelDir(md string) error {
	bd := filepath.Join(md, "blobs")
	if _, err := os.Stat(bd); err == nil {
		return nil
	}
	if err := os.MkdirAll(bd, 0o755); err != nil {
		return err
	}
	if err := atomicfile.SyncDir(md); err != nil {
		return err
	}
	return atomicfile.SyncDir(filepath.Dir(md))
}

// cleanup removes temporary files left by writers that crashed, once per
// model and store. It runs under the model lock, so no live writer owns
// them.
func (s *FileStore) cleanup(model string) {
	s.mu.Lock()
	done := s.cleaned[model]
	s.cleaned[model] = true
	s.mu.Unlock()
	if done {
		return
	}
	md := s.modelDir(model)
	for _, d := range []string{md, filepath.Join(md, "blobs")} {
		es, _ := os.ReadDir(d)
		for _, e := range es {
			if strings.HasPrefix(e.Name(), ".") && strings.Contains(e.Name(), ".tmp-") {
				os.Remove(filepath.Join(d, e.Name()))
			}
		}
	}
}

// appendAudit writes entries as JSON lines at offset committed of path,
// syncs, and returns the new committed length.
func appendAudit(path string, committed int64, entries []Entry) (int64, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	if err := f.Truncate(committed); err != nil {
		return 0, err
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	for _, e := range entries {
		if err := enc.Encode(e); err != nil {
			return 0, err
		}
	}
	if _, err := f.WriteAt(buf.Bytes(), committed); err != nil {
		return 0, err
	}
	if err := f.Sync(); err != nil {
		return 0, err
	}
	if committed == 0 {
		if err := atomicfile.SyncDir(filepath.Dir(path)); err != nil {
			return 0, err
		}
	}
	return committed + int64(buf.Len()), nil
}

// Blob implements Store.
func (s *FileStore) Blob(ctx context.Context, model, hash string) ([]byte, error) {
	if err := ValidateName("model", model); err != nil {
		return nil, err
	}
	if !isHash(hash) {
		return nil, fmt.Errorf("registry: blob %q of %s: %w", hash, model, ErrNotFound)
	}
	b, err := os.ReadFile(filepath.Join(s.modelDir(model), "blobs", hash))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("registry: blob %s of %s: %w", hash, model, ErrNotFound)
	}
	return b, err
}

// Audit implements Store.
func (s *FileStore) Audit(ctx context.Context, model string, n int) ([]Entry, error) {
	if err := ValidateName("model", model); err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, nil
	}
	p := filepath.Join(s.modelDir(model), "audit.jsonl")
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	br := bufio.NewReader(f)
	out := make([]Entry, 0, n)
	for len(out) < n {
		line, err := br.ReadBytes('\n')
		if err == io.EOF && len(line) == 0 {
			break
		}
		if err != nil && err != io.EOF {
			return nil, err
		}
		var e Entry
		if jerr := json.Unmarshal(line, &e); jerr != nil {
			return nil, &CorruptionError{Model: model, Object: fmt.Sprintf("%s line %d", p, len(out)+1), Err: jerr}
		}
		out = append(out, e)
	}
	return out, nil
}

// Models implements Store.
func (s *FileStore) Models(ctx context.Context) ([]string, error) {
	es, err := os.ReadDir(filepath.Join(s.dir, "models"))
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range es {
		if !e.IsDir() || ValidateName("model", e.Name()) != nil {
			continue
		}
		if _, err := os.Stat(filepath.Join(s.dir, "models", e.Name(), "head.json")); err == nil {
			out = append(out, e.Name())
		}
	}
	sort.Strings(out)
	return out, nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
