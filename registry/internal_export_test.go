package registry

import "database/sql"

// DB exposes the database of an SQLStore to the tests.
func (s *SQLStore) DB() *sql.DB { return s.db }
