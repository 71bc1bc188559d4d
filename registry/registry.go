package registry

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Registry keeps versions of artifacts in a Store and enforces the rules:
// dense numbering, immutable versions, verified hashes, aliases with
// promotion gates and rollback, authorization and the audit chain. It is
// safe for concurrent use; create it with Open or New.
type Registry struct {
	store Store
	auth  Authorizer
	now   func() time.Time
	poll  time.Duration
	ttl   time.Duration

	mu        sync.RWMutex
	snaps     map[string]*snapshot // model → last snapshot read
	manifests map[string]*manifest // model+"/"+hash → verified manifest
	changed   chan struct{}        // closed and replaced after every local commit
}

// snapshot is a decoded head with its versions, valid while the store's
// stamp is unchanged.
type snapshot struct {
	stamp    uint64
	stamped  bool
	checked  atomic.Int64 // when the stamp was last found unchanged, Unix ns
	head     Head
	versions map[int]Version
}

// New returns a Registry over store.
func New(store Store, opts ...Option) *Registry {
	if store == nil {
		panic("registry: New needs a Store, got nil")
	}
	r := &Registry{
		store:     store,
		now:       time.Now,
		poll:      200 * time.Millisecond,
		snaps:     make(map[string]*snapshot),
		manifests: make(map[string]*manifest),
		changed:   make(chan struct{}),
	}
	for _, o := range opts {
		o.apply(r)
	}
	return r
}

// Open returns a Registry over the filesystem store in dir, creating dir if
// needed. See the package documentation for the layout.
func Open(dir string, opts ...Option) (*Registry, error) {
	s, err := OpenFileStore(dir)
	if err != nil {
		return nil, err
	}
	return New(s, opts...), nil
}

// Store returns the store the Registry works on.
func (r *Registry) Store() Store { return r.store }

// Close closes the store if it implements io.Closer.
func (r *Registry) Close() error {
	if c, ok := r.store.(io.Closer); ok {
		return c.Close()
	}
	return nil
}

// snapshot returns the current state of model, from memory when the store's
// stamp says nothing changed.
func (r *Registry) snapshot(ctx context.Context, model string) (*snapshot, error) {
	return r.snapshotTTL(ctx, model, r.ttl)
}

// snapshotTTL is snapshot trusting a cached state checked less than ttl
// ago.
func (r *Registry) snapshotTTL(ctx context.Context, model string, ttl time.Duration) (*snapshot, error) {
	if err := ValidateName("model", model); err != nil {
		return nil, err
	}
	var stamp uint64
	st, stamped := r.store.(Stamper)
	if stamped {
		r.mu.RLock()
		s := r.snaps[model]
		r.mu.RUnlock()
		if s != nil && ttl > 0 && time.Now().UnixNano()-s.checked.Load() < int64(ttl) {
			return s, nil
		}
		var err error
		if stamp, err = st.Stamp(ctx, model); err != nil {
			return nil, err
		}
		if s != nil && s.stamped && s.stamp == stamp {
			if ttl > 0 {
				s.checked.Store(time.Now().UnixNano())
			}
			return s, nil
		}
	}
	h, err := r.store.Head(ctx, model)
	if err != nil {
		return nil, err
	}
	s, err := r.build(ctx, h)
	if err != nil {
		return nil, err
	}
	if stamped {
		s.stamp, s.stamped = stamp, true
		s.checked.Store(time.Now().UnixNano())
		r.mu.Lock()
		r.snaps[model] = s
		r.mu.Unlock()
	}
	return s, nil
}

// build decodes the versions of h.
func (r *Registry) build(ctx context.Context, h Head) (*snapshot, error) {
	s := &snapshot{head: h, versions: make(map[int]Version, len(h.Versions))}
	for _, hv := range h.Versions {
		m, err := r.manifest(ctx, h.Model, hv.Manifest)
		if err != nil {
			return nil, err
		}
		if m.Number != hv.Number || m.Model != h.Model {
			return nil, &CorruptionError{Model: h.Model, Object: "manifest of version " + strconv.Itoa(hv.Number),
				Want: fmt.Sprintf("%s v%d", h.Model, hv.Number), Got: fmt.Sprintf("%s v%d", m.Model, m.Number)}
		}
		v := m.version(hv.Manifest)
		v.Archived = hv.Archived
		v.Metadata.Tags = hv.Tags
		s.versions[hv.Number] = v
	}
	return s, nil
}

// manifest loads, verifies and caches the manifest blob hash of model.
func (r *Registry) manifest(ctx context.Context, model, hash string) (*manifest, error) {
	key := model + "/" + hash
	r.mu.RLock()
	m := r.manifests[key]
	r.mu.RUnlock()
	if m != nil {
		return m, nil
	}
	b, err := r.blob(ctx, model, hash, "manifest "+hash)
	if err != nil {
		return nil, err
	}
	m, err = decodeManifest(b)
	if err != nil {
		return nil, &CorruptionError{Model: model, Object: "manifest " + hash, Err: err}
	}
	r.mu.Lock()
	r.manifests[key] = m
	r.mu.Unlock()
	return m, nil
}

// blob reads a blob and checks its hash.
func (r *Registry) blob(ctx context.Context, model, hash, what string) ([]byte, error) {
	b, err := r.store.Blob(ctx, model, hash)
	if err != nil {
		if errors.Is(err, ErrNotFound) {
			return nil, &CorruptionError{Model: model, Object: what, Want: hash, Err: err}
		}
		return nil, err
	}
	if got := HashBytes(b); got != hash {
		return nil, &CorruptionError{Model: model, Object: what, Want: hash, Got: got}
	}
	return b, nil
}

// authorize checks the principal of ctx and consults the Authorizer.
func (r *Registry) authorize(ctx context.Context, a Action) error {
	p := Principal(ctx)
	if err := checkText("principal", p); err != nil {
		return err
	}
	if r.auth == nil {
		return nil
	}
	if err := r.auth.Authorize(ctx, p, a); err != nil {
		return &DeniedError{Principal: p, Action: a, Err: err}
	}
	return nil
}

// update authorizes a, then commits the change fn makes to a copy of the
// head, appending the audit entries fn returns. fn may run more than once.
func (r *Registry) update(ctx context.Context, a Action, fn func(h *Head, exists bool, c *Commit) ([]Entry, error)) error {
	if err := r.authorize(ctx, a); err != nil {
		return err
	}
	principal := Principal(ctx)
	err := r.store.Update(ctx, a.Model, func(cur Head, exists bool) (*Commit, error) {
		h := cur.clone()
		if !exists {
			h = Head{Model: a.Model, Next: 1, Aliases: map[string]AliasTarget{}}
		}
		c := &Commit{Blobs: map[string][]byte{}}
		entries, err := fn(&h, exists, c)
		if err != nil {
			return nil, err
		}
		now := r.now().UTC()
		for i := range entries {
			e := &entries[i]
			for _, f := range [...]struct{ name, value string }{{"reason", e.Reason}, {"before", e.Before}, {"after", e.After}} {
				if err := checkText(e.Action+" "+f.name, f.value); err != nil {
					return nil, err
				}
			}
			e.Model, e.Principal, e.Time = a.Model, principal, now
			seal(e, h.AuditCount, h.AuditHash)
			h.AuditCount, h.AuditHash = e.Seq, e.Hash
		}
		h.Gen++
		c.Head = h
		c.Audit = append(c.Audit, entries...)
		return c, nil
	})
	if err != nil {
		return err
	}
	r.mu.Lock()
	delete(r.snaps, a.Model)
	close(r.changed)
	r.changed = make(chan struct{})
	r.mu.Unlock()
	return nil
}

// Register stores a new version of model holding parts and md, numbered one
// past the highest number ever used, and returns it. Part names and tag keys
// must be valid names (see ValidateName); metrics must be finite. The
// version is durable when Register returns.
func (r *Registry) Register(ctx context.Context, model string, parts map[string][]byte, md Metadata) (Version, error) {
	if err := ValidateName("model", model); err != nil {
		return Version{}, err
	}
	if err := md.validate(); err != nil {
		return Version{}, err
	}
	infos := make([]PartInfo, 0, len(parts))
	for _, name := range slices.Sorted(maps.Keys(parts)) {
		if err := ValidateName("part", name); err != nil {
			return Version{}, err
		}
		infos = append(infos, PartInfo{Name: name, Size: int64(len(parts[name])), SHA256: HashBytes(parts[name])})
	}
	md = md.clone()
	created := r.now().UTC()
	var v Version
	err := r.update(ctx, Action{Kind: ActionRegister, Model: model}, func(h *Head, _ bool, c *Commit) ([]Entry, error) {
		n := h.Next
		m := &manifest{Format: manifestFormat, Model: model, Number: n, Parts: infos, Metadata: md,
			CreatedAt: created, CreatedBy: Principal(ctx)}
		mb, err := json.Marshal(m)
		if err != nil {
			return nil, err
		}
		mh := HashBytes(mb)
		for _, p := range infos {
			c.Blobs[p.SHA256] = parts[p.Name]
		}
		c.Blobs[mh] = mb
		h.Versions = append(h.Versions, HeadVersion{Number: n, Manifest: mh, Tags: maps.Clone(md.Tags)})
		h.Next = n + 1
		v = m.version(mh)
		return []Entry{{Action: ActionRegister, Version: n, Reason: md.Description, After: mh}}, nil
	})
	if err != nil {
		return Version{}, err
	}
	return v.clone(), nil
}

// Get returns version number of model.
func (r *Registry) Get(ctx context.Context, model string, number int) (Version, error) {
	s, err := r.snapshot(ctx, model)
	if err != nil {
		return Version{}, err
	}
	v, ok := s.versions[number]
	if !ok {
		return Version{}, &NotFoundError{Model: model, Version: number}
	}
	return v.clone(), nil
}

// Latest returns the highest-numbered version of model that is not
// archived.
func (r *Registry) Latest(ctx context.Context, model string) (Version, error) {
	s, err := r.snapshot(ctx, model)
	if err != nil {
		return Version{}, err
	}
	for i := len(s.head.Versions) - 1; i >= 0; i-- {
		if hv := s.head.Versions[i]; !hv.Archived {
			return s.versions[hv.Number].clone(), nil
		}
	}
	return Version{}, &NotFoundError{Model: model, Alias: "latest"}
}

// Resolve returns the version alias of model points at. While nothing
// changed, it is answered from memory after one cheap check of the store
// (a stat of the head file for the filesystem store).
func (r *Registry) Resolve(ctx context.Context, model, alias string) (Version, error) {
	s, err := r.snapshot(ctx, model)
	if err != nil {
		return Version{}, err
	}
	t, ok := s.head.Aliases[alias]
	if !ok {
		return Version{}, &NotFoundError{Model: model, Alias: alias}
	}
	return s.versions[t.Version].clone(), nil
}

// Aliases returns the aliases of model and the version each points at.
func (r *Registry) Aliases(ctx context.Context, model string) (map[string]int, error) {
	s, err := r.snapshot(ctx, model)
	if err != nil {
		return nil, err
	}
	m := make(map[string]int, len(s.head.Aliases))
	for a, t := range s.head.Aliases {
		m[a] = t.Version
	}
	return m, nil
}

// Models returns the names of all models, sorted.
func (r *Registry) Models(ctx context.Context) ([]string, error) { return r.store.Models(ctx) }

// Filter selects versions in Versions and FindByTag. The zero Filter selects
// every version that is not archived.
type Filter struct {
	Tags       map[string]string  // each key must be present with this value; "" matches any value
	MinMetrics map[string]float64 // each metric must be present and at least this
	MaxMetrics map[string]float64 // each metric must be present and at most this
	Archived   bool               // include archived versions
}

func (f Filter) match(v Version) bool {
	if v.Archived && !f.Archived {
		return false
	}
	for k, want := range f.Tags {
		got, ok := v.Metadata.Tags[k]
		if !ok || (want != "" && got != want) {
			return false
		}
	}
	for k, min := range f.MinMetrics {
		got, ok := v.Metadata.Metrics[k]
		if !ok || got < min {
			return false
		}
	}
	for k, max := range f.MaxMetrics {
		got, ok := v.Metadata.Metrics[k]
		if !ok || got > max {
			return false
		}
	}
	return true
}

// Versions returns the versions of model that f selects, ascending by
// number.
func (r *Registry) Versions(ctx context.Context, model string, f Filter) ([]Version, error) {
	s, err := r.snapshot(ctx, model)
	if err != nil {
		return nil, err
	}
	var out []Version
	for _, hv := range s.head.Versions {
		if v := s.versions[hv.Number]; f.match(v) {
			out = append(out, v.clone())
		}
	}
	return out, nil
}

// FindByTag returns the versions of every model tagged key (with value
// value, or any value when value is ""), not archived, by model then number.
func (r *Registry) FindByTag(ctx context.Context, key, value string) ([]Version, error) {
	models, err := r.Models(ctx)
	if err != nil {
		return nil, err
	}
	var out []Version
	for _, m := range models {
		vs, err := r.Versions(ctx, m, Filter{Tags: map[string]string{key: value}})
		if err != nil {
			return nil, err
		}
		out = append(out, vs...)
	}
	return out, nil
}

// ReadPart returns the bytes of part name of v, after checking their hash:
// a mismatch is a *CorruptionError and the bytes are not returned.
func (r *Registry) ReadPart(ctx context.Context, v Version, name string) ([]byte, error) {
	p, ok := v.Part(name)
	if !ok {
		return nil, &NotFoundError{Model: v.Model, Version: v.Number, Part: name}
	}
	return r.blob(ctx, v.Model, p.SHA256, fmt.Sprintf("part %q of version %d", name, v.Number))
}

// ReadParts returns every part of v by name, each checked like ReadPart.
func (r *Registry) ReadParts(ctx context.Context, v Version) (map[string][]byte, error) {
	out := make(map[string][]byte, len(v.Parts))
	for _, p := range v.Parts {
		b, err := r.ReadPart(ctx, v, p.Name)
		if err != nil {
			return nil, err
		}
		out[p.Name] = b
	}
	return out, nil
}

// Audit returns the audit log of model, oldest first, after verifying the
// hash chain end to end; a broken chain is a *CorruptionError.
func (r *Registry) Audit(ctx context.Context, model string) ([]Entry, error) {
	if err := ValidateName("model", model); err != nil {
		return nil, err
	}
	h, err := r.store.Head(ctx, model)
	if err != nil {
		return nil, err
	}
	es, err := r.store.Audit(ctx, model, h.AuditCount)
	if err != nil {
		return nil, err
	}
	if len(es) != h.AuditCount {
		return nil, &CorruptionError{Model: model, Object: "audit log", Want: strconv.Itoa(h.AuditCount) + " entries", Got: strconv.Itoa(len(es))}
	}
	if err := verifyChain(model, es, h.AuditHash); err != nil {
		return nil, err
	}
	return es, nil
}
