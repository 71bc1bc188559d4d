package registry_test

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/loomml/loom/registry"
)

// Moving a model with its versions, aliases and audit history from the
// filesystem store to a database: Export to one tar file, Import into a
// Registry over an SQLStore.
func ExampleRegistry_Export() {
	dir, _ := os.MkdirTemp("", "registry-example")
	defer os.RemoveAll(dir)
	ctx := registry.WithPrincipal(context.Background(), "alice")
	src, _ := registry.Open(filepath.Join(dir, "files"))
	for i := range 3 {
		if _, err := src.Register(ctx, "churn", map[string][]byte{"model": {byte(i)}}, registry.Metadata{}); err != nil {
			log.Fatal(err)
		}
	}
	if err := src.Promote(ctx, "churn", "champion", 3, "best", nil); err != nil {
		log.Fatal(err)
	}
	var archive bytes.Buffer // or an *os.File
	if err := src.Export(ctx, "churn", &archive); err != nil {
		log.Fatal(err)
	}

	db, err := sql.Open("sqlite", filepath.Join(dir, "registry.db"))
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	store, err := registry.OpenSQLStore(ctx, db)
	if err != nil {
		log.Fatal(err)
	}
	dst := registry.New(store)
	name, err := dst.Import(registry.WithPrincipal(ctx, "bob"), &archive)
	if err != nil {
		log.Fatal(err)
	}
	champion, _ := dst.Resolve(ctx, name, "champion")
	entries, _ := dst.Audit(ctx, name)
	last := entries[len(entries)-1]
	fmt.Printf("imported %s: champion v%d, %d audit entries, the last: %s by %s\n",
		name, champion.Number, len(entries), last.Action, last.Principal)
	// Output:
	// imported churn: champion v3, 5 audit entries, the last: import by bob
}
