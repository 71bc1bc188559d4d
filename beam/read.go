package beam

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"reflect"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/fileio"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"

	"github.com/loomml/loom/pipeline/source"
)

// Rejected is a row that was not taken, with why: a row that the data
// contract rejects (Validate), that cannot be scored (Score), or a record
// of a file that cannot be decoded into T (ReadCSV, ReadParquet; then Row
// is the zero T). Where names the file and record for decoding errors.
type Rejected[T any] struct {
	Row     T
	Where   string
	Reasons []string
}

// Format is a file format that ReadFiles decodes.
type Format string

// The formats of ReadFiles.
const (
	CSV     Format = "csv"     // a header row, then one row per record (package pipeline/source's ReadCSV)
	Parquet Format = "parquet" // columns matched by name (package pipeline/source's ReadParquet)
)

// ReadFiles reads the files that glob matches (on any file system Beam
// knows: a local path, gs://..., s3://... with their packages imported),
// decoding each record into T by its `loom:"name"` tags with Loom's own
// readers (pipeline/source), so that a field means the same on Beam as in
// one process. It returns the rows and the records that could not be
// decoded, as Rejected with the file, line and reason. An I/O error fails
// the bundle, which Beam retries.
//
// Each file is one unit of work, read by one worker: split large data
// into many files (as Beam's sinks write it) for parallelism. A CSV file
// is streamed; a Parquet file is read into memory whole (Parquet needs
// random access), so a worker holds one file at a time.
//
// T must be registered through Register (any model name over T will do)
// before the pipeline is built.
func ReadFiles[T any](s beam.Scope, glob string, format Format) (rows, bad beam.PCollection, err error) {
	if !registered[T]() {
		return rows, bad, errNotRegistered[T]()
	}
	if format != CSV && format != Parquet {
		return rows, bad, fmt.Errorf("beam: ReadFiles: unknown format %q (want %q or %q)", format, CSV, Parquet)
	}
	filesystem.ValidateScheme(glob)
	s = s.Scope("loom.ReadFiles")
	files := fileio.ReadMatches(s, fileio.MatchFiles(s, glob), fileio.ReadUncompressed())
	rows, bad = beam.ParDo2(s, &readFn[T]{Format: string(format)}, files)
	return rows, bad, nil
}

// readFn decodes one file into rows.
type readFn[T any] struct {
	Format string
}

func (fn *readFn[T]) ProcessElement(ctx context.Context, file fileio.ReadableFile, emit func(Block[T]), bad func(Rejected[T])) error {
	path := file.Metadata.Path
	var rows func(func(T, error) bool)
	switch Format(fn.Format) {
	case Parquet:
		data, err := file.Read(ctx)
		if err != nil {
			return fmt.Errorf("beam: reading %s: %w", path, err)
		}
		rows = source.ReadParquet[T](ctx, bytes.NewReader(data), &source.ParquetOptions{Name: path})
	default:
		rc, err := file.Open(ctx)
		if err != nil {
			return fmt.Errorf("beam: opening %s: %w", path, err)
		}
		defer rc.Close()
		rows = source.ReadCSV[T](ctx, rc, &source.CSVOptions{Name: path})
	}
	w := blockWriter[T]{emit: emit}
	for row, err := range rows {
		if err == nil {
			w.add(row)
			continue
		}
		var se *source.Error
		if !errors.As(err, &se) || se.Row < 0 {
			return err
		}
		var zero T
		bad(Rejected[T]{Row: zero, Where: fmt.Sprintf("%s: line %d, row %d", path, se.Line, se.Row), Reasons: []string{err.Error()}})
	}
	w.flush()
	return nil
}

// registered reports whether T's functions are registered with Beam.
func registered[T any]() bool {
	mu.Lock()
	defer mu.Unlock()
	return types[reflect.TypeFor[T]()]
}

func errNotRegistered[T any]() error {
	return fmt.Errorf("beam: rows of type %v are not registered: call beam.Register[%v](name, spec) in an init function of the program", reflect.TypeFor[T](), reflect.TypeFor[T]())
}
