// Package registry is the embedded model registry: it keeps versions of
// artifacts (named parts as bytes, plus metadata), aliases such as
// "champion" that move by gated promotion and roll back, a tamper-evident
// audit log, and notifications of alias moves. It knows nothing of what a
// model is: package serve stores its "contract", "features", "model" and
// "profile" parts here and reads them back.
//
// # Overview
//
// Open a Registry on a directory (the filesystem store) or wrap any Store
// with New; OpenSQLStore gives a Store over database/sql:
//
//	reg, err := registry.Open("/var/lib/loom/registry")
//	ctx = registry.WithPrincipal(ctx, "ci@example.com")
//	v, err := reg.Register(ctx, "churn", parts, registry.Metadata{Metrics: m})
//	err = reg.Promote(ctx, "churn", "champion", v.Number, "weekly retrain", gate)
//	cur, err := reg.Resolve(ctx, "churn", "champion")
//	model, err := reg.ReadPart(ctx, cur, "model")
//
// A model (a name) has versions 1, 2, 3, …: numbers are dense, assigned
// under the store's lock, and never reused, even after Delete. A version is
// immutable: its parts and Metadata are fixed when it is registered and
// its Hash (the SHA-256 of its manifest, which lists every part's SHA-256)
// covers them all. Only its tags (SetTag, DeleteTag) and its archived flag
// (Archive, Unarchive) change later, each change audited.
//
// An alias names one version. Promote moves it atomically, after an
// optional Gate (for example an evaluation verdict comparing candidate and
// incumbent) has passed, and requires a reason; the previous targets are
// kept so Rollback can move it back. Archived versions are hidden from
// Latest and, unless the Filter asks, from Versions; Delete removes a
// version (not one an alias points at) explicitly, with a reason.
//
// Queries: Models, Versions with a Filter (tags, metric thresholds), Get by
// number, Resolve by alias, Latest, FindByTag across models.
//
// Every write is first put to the Authorizer, if one is set (WithAuthorizer),
// with the principal from the context (WithPrincipal) and the Action; a
// refusal returns a *DeniedError and changes nothing. Every write then
// appends an Entry to the model's audit log with who, what, when, why and
// the state before and after. Each entry holds the hash of the previous one
// and the head records the last hash, so Audit detects any changed, removed
// or reordered entry.
//
// Watch delivers moves of an alias, within the poll interval (200ms by
// default) when another process made them and at once when this Registry
// did: package serve uses it to hot-swap the model it scores with.
//
// Export writes a model, with all versions, aliases (and their history) and
// the audit log, to one tar file; Import reads it into any store, checking
// every hash and the chain first, and appends an "import" entry.
//
// # Names
//
// Model, alias, part and tag names are 1 to 64 (MaxNameLen) bytes of
// lower-case ASCII letters, digits, '.', '_' and '-', starting with a letter
// or a digit (see ValidateName). No name can hold a path separator or be
// "." or "..", so names are safe as file names, and two names never differ
// only in case. An invalid name is a *NameError wrapping ErrInvalidName.
//
// # Filesystem layout
//
// The filesystem store (Open, OpenFileStore) keeps one directory per model:
//
//	<dir>/locks/<model>                empty; flock(2) held by the model's writer
//	<dir>/models/<model>/head.json     the commit point: {"sum", "audit_bytes", "head"}
//	<dir>/models/<model>/audit.jsonl   audit entries, one JSON object a line
//	<dir>/models/<model>/blobs/<hash>  parts and manifests, named by hex SHA-256
//
// The head (a Head as JSON) lists the live versions with their manifest
// hashes, tags and archived flags, the aliases with their history, the next
// version number and the count and last hash of the audit entries; "sum" is
// the SHA-256 of the head and "audit_bytes" the committed length of the
// audit log. A manifest is JSON: format, model, number, parts (name, size,
// sha256), metadata, created_at, created_by.
//
// A write takes the model's flock, reads the head, writes new blobs (each to
// a temporary file, fsynced, renamed, then the directory fsynced), appends
// its audit entries after the committed length (cutting any uncommitted
// tail a crashed writer left) and fsyncs them, and finally replaces the head
// the same way. Replacing the head is the commit: a crash before it leaves
// only unreferenced blobs, temporary files (removed by the next writer) and
// an audit tail past audit_bytes (ignored, then overwritten); a crash after
// it loses nothing. Readers take no lock: they read the head, then only
// immutable files it references.
//
// # Errors
//
// Sentinels, tested with errors.Is: ErrNotFound, ErrExists, ErrInvalidName,
// ErrInvalidMetadata, ErrInvalidText, ErrCorrupt, ErrDenied, ErrGateFailed,
// ErrReasonRequired, ErrNoPrevious, ErrArchived, ErrInUse, ErrConflict.
//
// Free text (reasons, the principal, tag values and metadata strings) must
// be valid UTF-8, since the audit log and manifests are JSON, which cannot
// carry other bytes unchanged: such a write is refused with an error
// wrapping ErrInvalidText (and ErrInvalidMetadata for metadata) that names
// the field, and nothing is written.
// Typed errors say where: *NameError (kind, name, rule), *NotFoundError
// (model, version, alias, part), *CorruptionError (model, object, want,
// got), *DeniedError (principal, action), *GateError (model, alias,
// version, the gate's verdict), *ImportError (file in the archive).
//
// Every read of stored bytes checks their SHA-256: a mismatch, a broken
// audit chain or a head that fails its checksum is a *CorruptionError and
// the data is never returned. Programmer mistakes (a nil Store, a nil
// option value) panic with a "registry: " message.
//
// # Concurrency
//
// A Registry is safe for concurrent use by many goroutines, and several
// Registries, in one process or many, may share one store: writes to a model
// are serialized by the store (flock for the filesystem store, optimistic
// concurrency on the head's generation in one transaction for SQLStore), so
// numbers stay dense and no write is lost. Writes to different models do
// not wait for each other in the filesystem store. A Gate runs outside the
// lock; if the alias moved meanwhile, Promote fails with ErrConflict rather
// than act on a stale verdict.
//
// # Performance
//
// Reads are served from an in-memory snapshot of the model (head and
// verified manifests) that is checked against the store first: one stat(2)
// of head.json for the filesystem store, one indexed query for SQLStore.
// Resolve thus costs about 2–4µs on the filesystem store (9 allocations, for
// the copy of the Version it returns) and does no other I/O; with
// WithCacheTTL it skips the check for the given time, at the price of
// seeing other processes' writes up to that late. Reading a part reads its
// file and hashes it (SHA-256, about 2 ms per MiB here).
//
// Registering costs the fsyncs of its new blobs, of the audit log and of the
// head: about 8–20 ms for 1 MiB of parts on this machine's disk. Encoding
// the head grows with the number of live versions (about 100 bytes each), a
// small cost below a few thousand versions. Parts shared between versions
// of a model are stored once.
//
// # Invariants
//
//   - A version is either fully present (manifest and every part, with
//     matching hashes) or absent, whatever the moment of a crash.
//   - Version numbers of a model are unique and increasing; numbers of live
//     versions are dense unless versions were deleted.
//   - Every alias points at a live version.
//   - Every successful write appends exactly one audit entry (Import appends
//     the imported entries and one of its own), and the chain verifies.
//   - A refused write (Authorizer, gate, validation) changes nothing and is
//     not audited.
package registry
