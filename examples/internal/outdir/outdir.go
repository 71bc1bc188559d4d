// Package outdir prepares the output directory of an example without ever
// deleting a user's files: an example writes into a directory it created
// itself (marked by a file it writes there), or into an empty one, and on
// a later run removes only the outputs it names.
package outdir

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// Marker is the file that marks a directory as an example's own.
const Marker = ".loom-example"

// Prepare makes dir ready for the example called owner: it creates dir if
// it does not exist, and adopts it if it is empty, writing the marker; in a
// directory that holds the marker of the same example it removes the
// outputs named (paths relative to dir, files or directories) and nothing
// else. A directory that is not empty and not marked by this example is
// refused with an error naming it, and nothing in it is touched.
func Prepare(dir, owner string, outputs ...string) error {
	marker := filepath.Join(dir, Marker)
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
	case err != nil:
		return err
	case len(entries) > 0:
		b, err := os.ReadFile(marker)
		if err != nil || string(b) != owner+"\n" {
			return fmt.Errorf("output directory %s is not empty and was not created by %s: refusing to write into it (choose another with -out)", dir, owner)
		}
		for _, o := range outputs {
			if !filepath.IsLocal(o) {
				panic(fmt.Sprintf("outdir: output %q is not a local path", o))
			}
			if err := os.RemoveAll(filepath.Join(dir, o)); err != nil {
				return err
			}
		}
		return nil
	}
	return os.WriteFile(marker, []byte(owner+"\n"), 0o644)
}
