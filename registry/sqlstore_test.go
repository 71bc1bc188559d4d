package registry_test

import (
	"context"
	"database/sql"
	"path/filepath"
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
