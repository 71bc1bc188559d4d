package registry

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"
)

// SQLStore is a Store over database/sql: heads, blobs and audit entries in
// three tables (loom_registry_heads, loom_registry_blobs,
// loom_registry_audit), each commit one transaction. Writers are
// serialized by optimistic concurrency on the head's generation, so several
// processes may share the database. It uses '?' placeholders and standard
// SQL; it is tested on SQLite through modernc.org/sqlite (driver "sqlite"),
// where the DSN should set a busy timeout and immediate transactions, e.g.
//
//	file:reg.db?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_txlock=immediate
//
// Create it with OpenSQLStore.
type SQLStore struct {
	db *sql.DB
	mu sync.Mutex // serializes this process's writers, sparing the database retries
}

var (
	_ Store   = (*SQLStore)(nil)
	_ Stamper = (*SQLStore)(nil)
)

// sqlSchema creates the tables if needed.
var sqlSchema = []string{
	`CREATE TABLE IF NOT EXISTS loom_registry_heads (model VARCHAR(64) PRIMARY KEY, gen BIGINT NOT NULL, head BLOB NOT NULL)`,
	`CREATE TABLE IF NOT EXISTS loom_registry_blobs (model VARCHAR(64) NOT NULL, hash CHAR(64) NOT NULL, data BLOB NOT NULL, PRIMARY KEY (model, hash))`,
	`CREATE TABLE IF NOT EXISTS loom_registry_audit (model VARCHAR(64) NOT NULL, seq BIGINT NOT NULL, entry BLOB NOT NULL, PRIMARY KEY (model, seq))`,
}

// OpenSQLStore returns a store over db, creating its tables if needed. The
// caller keeps ownership of db: Close does not close it.
func OpenSQLStore(ctx context.Context, db *sql.DB) (*SQLStore, error) {
	if db == nil {
		panic("registry: OpenSQLStore needs a *sql.DB, got nil")
	}
	for _, q := range sqlSchema {
		if _, err := db.ExecContext(ctx, q); err != nil {
			return nil, fmt.Errorf("registry: create tables: %w", err)
		}
	}
	return &SQLStore{db: db}, nil
}

type queryer interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func sqlHead(ctx context.Context, q queryer, model string) (Head, bool, error) {
	var gen int64
	var b []byte
	err := q.QueryRowContext(ctx, `SELECT gen, head FROM loom_registry_heads WHERE model = ?`, model).Scan(&gen, &b)
	if errors.Is(err, sql.ErrNoRows) {
		return Head{}, false, nil
	}
	if err != nil {
		return Head{}, false, err
	}
	h, err := UnmarshalHead(b)
	if err != nil || h.Model != model || h.Gen != uint64(gen) {
		return Head{}, false, &CorruptionError{Model: model, Object: "head row", Err: err}
	}
	return h, true, nil
}

// Head implements Store.
func (s *SQLStore) Head(ctx context.Context, model string) (Head, error) {
	h, ok, err := sqlHead(ctx, s.db, model)
	if err != nil {
		return Head{}, err
	}
	if !ok {
		return Head{}, &NotFoundError{Model: model}
	}
	return h, nil
}

// Stamp implements Stamper with the head's generation.
func (s *SQLStore) Stamp(ctx context.Context, model string) (uint64, error) {
	var gen int64
	err := s.db.QueryRowContext(ctx, `SELECT gen FROM loom_registry_heads WHERE model = ?`, model).Scan(&gen)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, &NotFoundError{Model: model}
	}
	if err != nil {
		return 0, err
	}
	return uint64(gen), nil
}

// errRetry marks a database failure worth another attempt.
type errRetry struct{ err error }

func (e errRetry) Error() string { return e.err.Error() }

// Update implements Store: one transaction per attempt; the head row is
// replaced only if its generation is still the one read, else the attempt
// is rolled back and fn runs again on the newer head.
func (s *SQLStore) Update(ctx context.Context, model string, fn func(cur Head, exists bool) (*Commit, error)) error {
	if err := ValidateName("model", model); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var last error
	for attempt := 0; attempt < 100; attempt++ {
		if attempt > 0 {
			d := time.Duration(attempt) * time.Millisecond
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(min(d, 50*time.Millisecond)):
			}
		}
		err := s.try(ctx, model, fn)
		var r errRetry
		if !errors.As(err, &r) {
			return err
		}
		last = r.err
	}
	return fmt.Errorf("registry: update %s: %w (last error: %v)", model, ErrConflict, last)
}

func (s *SQLStore) try(ctx context.Context, model string, fn func(cur Head, exists bool) (*Commit, error)) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return errRetry{err}
	}
	defer tx.Rollback()
	cur, exists, err := sqlHead(ctx, tx, model)
	if err != nil {
		var ce *CorruptionError
		if errors.As(err, &ce) {
			return err
		}
		return errRetry{err}
	}
	c, err := fn(cur, exists)
	if err != nil || c == nil {
		return err
	}
	for _, hash := range sortedKeys(c.Blobs) {
		var one int
		err := tx.QueryRowContext(ctx, `SELECT 1 FROM loom_registry_blobs WHERE model = ? AND hash = ?`, model, hash).Scan(&one)
		if err == nil {
			continue
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return errRetry{err}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO loom_registry_blobs (model, hash, data) VALUES (?, ?, ?)`, model, hash, c.Blobs[hash]); err != nil {
			return errRetry{err}
		}
	}
	for _, e := range c.Audit {
		b, err := marshalEntry(e)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO loom_registry_audit (model, seq, entry) VALUES (?, ?, ?)`, model, e.Seq, b); err != nil {
			return errRetry{err}
		}
	}
	hb, err := MarshalHead(c.Head)
	if err != nil {
		return err
	}
	if exists {
		res, err := tx.ExecContext(ctx, `UPDATE loom_registry_heads SET gen = ?, head = ? WHERE model = ? AND gen = ?`,
			int64(c.Head.Gen), hb, model, int64(cur.Gen))
		if err != nil {
			return errRetry{err}
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return errRetry{fmt.Errorf("head of %s changed concurrently", model)}
		}
	} else if _, err := tx.ExecContext(ctx, `INSERT INTO loom_registry_heads (model, gen, head) VALUES (?, ?, ?)`, model, int64(c.Head.Gen), hb); err != nil {
		return errRetry{err}
	}
	for _, hash := range c.Garbage {
		if _, err := tx.ExecContext(ctx, `DELETE FROM loom_registry_blobs WHERE model = ? AND hash = ?`, model, hash); err != nil {
			return errRetry{err}
		}
	}
	if err := tx.Commit(); err != nil {
		return errRetry{err}
	}
	return nil
}

// Blob implements Store.
func (s *SQLStore) Blob(ctx context.Context, model, hash string) ([]byte, error) {
	var b []byte
	err := s.db.QueryRowContext(ctx, `SELECT data FROM loom_registry_blobs WHERE model = ? AND hash = ?`, model, hash).Scan(&b)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("registry: blob %s of %s: %w", hash, model, ErrNotFound)
	}
	return b, err
}

// Audit implements Store.
func (s *SQLStore) Audit(ctx context.Context, model string, n int) ([]Entry, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT seq, entry FROM loom_registry_audit WHERE model = ? AND seq <= ? ORDER BY seq`, model, n)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make([]Entry, 0, n)
	for rows.Next() {
		var seq int
		var b []byte
		if err := rows.Scan(&seq, &b); err != nil {
			return nil, err
		}
		e, err := unmarshalEntry(b)
		if err != nil {
			return nil, &CorruptionError{Model: model, Object: "audit row " + strconv.Itoa(seq), Err: err}
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// Models implements Store.
func (s *SQLStore) Models(ctx context.Context) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT model FROM loom_registry_heads ORDER BY model`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var m string
		if err := rows.Scan(&m); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}
