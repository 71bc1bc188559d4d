package beam

import (
	"context"
	"fmt"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
)

func init() {
	register.DoFn2x1[context.Context, []byte, error](&writeFileFn{})
}

// WriteFile writes the one element of col, a PCollection<[]byte> such as
// the fitted features, profile or report of this package's transforms,
// to the file at path (on any file system Beam knows). An empty col
// writes nothing.
func WriteFile(s beam.Scope, path string, col beam.PCollection) {
	filesystem.ValidateScheme(path)
	beam.ParDo0(s.Scope("loom.WriteFile"), &writeFileFn{Path: path}, col)
}

// writeFileFn writes one element to a file.
type writeFileFn struct {
	Path string
}

func (fn *writeFileFn) ProcessElement(ctx context.Context, data []byte) (err error) {
	fs, err := filesystem.New(ctx, fn.Path)
	if err != nil {
		return err
	}
	defer fs.Close()
	w, err := fs.OpenWrite(ctx, fn.Path)
	if err != nil {
		return fmt.Errorf("beam: writing %s: %w", fn.Path, err)
	}
	if _, err := w.Write(data); err != nil {
		w.Close()
		return fmt.Errorf("beam: writing %s: %w", fn.Path, err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("beam: writing %s: %w", fn.Path, err)
	}
	return nil
}
