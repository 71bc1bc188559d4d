package registry_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"sync"
	"testing"

	_ "modernc.org/sqlite"

	"github.com/loomml/loom/registry"
	"github.com/loomml/loom/registry/registrytest"
)

// sqliteDSN is the DSN the SQL store is tested with: WAL, a busy timeout
// and immediate transactions, as its documentation recommends.
func sqliteDSN(path string) string {
	return "file:" + path + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_txlock=immediate"
}

func openSQLStore(t testing.TB) *registry.SQLStore {
	t.Helper()
	db, err := sql.Open("sqlite", sqliteDSN(filepath.Join(t.TempDir(), "registry.db")))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	s, err := registry.OpenSQLStore(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSQLStoreConformance(t *testing.T) {
	registrytest.Run(t, func(t *testing.T) registry.Store { return openSQLStore(t) })
}

func sqlDB(t *testing.T, s *registry.SQLStore) *sql.DB { t.Helper(); return s.DB() }

// TestSQLStoreTwoDatabases has two stores with their own connection pools,
// as two processes would have, register concurrently into one SQLite file:
// numbers stay dense and the audit log complete.
func TestSQLStoreTwoDatabases(t *testing.T) {
	path := filepath.Join(t.TempDir(), "shared.db")
	ctx := context.Background()
	var regs []*registry.Registry
	for range 2 {
		db, err := sql.Open("sqlite", sqliteDSN(path))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		s, err := registry.OpenSQLStore(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		regs = append(regs, registry.New(s))
	}
	const perWriter = 5
	var wg sync.WaitGroup
	errs := make(chan error, 2*4*perWriter)
	for p, r := range regs {
		for g := range 4 {
			wg.Go(func() {
				for i := range perWriter {
					_, err := r.Register(ctx, "m", map[string][]byte{"model": fmt.Appendf(nil, "%d/%d/%d", p, g, i)}, registry.Metadata{})
					errs <- err
				}
			})
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	vs, err := regs[1].Versions(ctx, "m", registry.Filter{})
	if err != nil || len(vs) != 2*4*perWriter {
		t.Fatalf("Versions() = %d, %v; want %d", len(vs), err, 2*4*perWriter)
	}
	for i, v := range vs {
		if v.Number != i+1 {
			t.Fatalf("version #%d numbered %d; want dense numbers", i+1, v.Number)
		}
	}
	if es, err := regs[0].Audit(ctx, "m"); err != nil || len(es) != len(vs) {
		t.Fatalf("Audit() = %d entries, %v; want %d", len(es), err, len(vs))
	}
}
