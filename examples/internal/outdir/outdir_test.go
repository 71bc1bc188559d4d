package outdir

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestPrepare(t *testing.T) {
	root := t.TempDir()
	write := func(p string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	exists := func(p string) bool { _, err := os.Stat(p); return err == nil }

	// A new directory is created and marked.
	dir := filepath.Join(root, "new")
	if err := Prepare(dir, "quickstart", "registry"); err != nil || !exists(filepath.Join(dir, Marker)) {
		t.Fatalf("new directory: %v", err)
	}
	// On the next run only the named outputs go; a user's file stays.
	write(filepath.Join(dir, "registry", "blob"))
	write(filepath.Join(dir, "notes.txt"))
	if err := Prepare(dir, "quickstart", "registry", "report.html"); err != nil {
		t.Fatal(err)
	}
	if exists(filepath.Join(dir, "registry")) || !exists(filepath.Join(dir, "notes.txt")) {
		t.Fatal("Prepare removed the wrong files")
	}
	// An empty directory is adopted.
	empty := filepath.Join(root, "empty")
	os.Mkdir(empty, 0o755)
	if err := Prepare(empty, "quickstart"); err != nil {
		t.Fatal(err)
	}
	// A user's directory is refused and left as it was.
	mine := filepath.Join(root, "mine")
	write(filepath.Join(mine, "thesis.tex"))
	write(filepath.Join(mine, "registry", "x"))
	err := Prepare(mine, "quickstart", "registry")
	if err == nil || !strings.Contains(err.Error(), mine) || !exists(filepath.Join(mine, "registry", "x")) || !exists(filepath.Join(mine, "thesis.tex")) {
		t.Fatalf("Prepare of a user's directory = %v", err)
	}
	// Another example's directory is refused too.
	if err := Prepare(dir, "retrain", "registry"); err == nil {
		t.Fatal("Prepare adopted another example's directory")
	}
}
