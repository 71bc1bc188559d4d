// Package scorefile scores whole files with a serve.Scorer, in batch and in
// bounded memory: Parquet in, Parquet out. It is apart from serve so that a
// service that scores requests does not link the Parquet reader and writer.
package scorefile

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/loomml/loom/serve"
)

// Parquet scores every row of the Parquet file r with s and writes the
// predictions, as serve.Scorer.ScoreArrow lays them out, to the Parquet
// file w, in batches of opts.BatchRows rows, in bounded memory. It returns
// the number of rows scored and the number that failed (with their reason
// in the "error" column).
func Parquet[T any](ctx context.Context, s *serve.Scorer[T], r parquet.ReaderAtSeeker, w io.Writer, o *serve.BatchOptions) (rows, failed int64, err error) {
	var opts serve.BatchOptions
	if o != nil {
		opts = *o
	}
	if opts.BatchRows == 0 {
		opts.BatchRows = 1 << 16
	}
	mem := opts.Allocator
	if mem == nil {
		mem = memory.DefaultAllocator
	}
	pf, err := file.NewParquetReader(r)
	if err != nil {
		return 0, 0, fmt.Errorf("scorefile: reading Parquet: %w", err)
	}
	defer pf.Close()
	fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{BatchSize: opts.BatchRows, Parallel: true}, mem)
	if err != nil {
		return 0, 0, fmt.Errorf("scorefile: reading Parquet: %w", err)
	}
	rr, err := fr.GetRecordReader(ctx, nil, nil)
	if err != nil {
		return 0, 0, fmt.Errorf("scorefile: reading Parquet: %w", err)
	}
	defer rr.Release()
	var pw *pqarrow.FileWriter
	for rr.Next() {
		in := rr.RecordBatch()
		out, err := s.ScoreArrow(ctx, in, &opts)
		if err != nil {
			return rows, failed, fmt.Errorf("scorefile: scoring Parquet rows %d to %d: %w", rows, rows+in.NumRows(), err)
		}
		if pw == nil {
			pw, err = pqarrow.NewFileWriter(out.Schema(), w, parquet.NewWriterProperties(parquet.WithAllocator(mem)), pqarrow.NewArrowWriterProperties(pqarrow.WithAllocator(mem)))
			if err != nil {
				out.Release()
				return rows, failed, fmt.Errorf("scorefile: writing Parquet: %w", err)
			}
		}
		errCol := out.Column(int(out.NumCols()) - 1)
		failed += int64(errCol.Len() - errCol.NullN())
		err = pw.Write(out)
		rows += out.NumRows()
		out.Release()
		if err != nil {
			pw.Close()
			return rows, failed, fmt.Errorf("scorefile: writing Parquet: %w", err)
		}
	}
	if err := rr.Err(); err != nil && !errors.Is(err, io.EOF) {
		if pw != nil {
			pw.Close()
		}
		return rows, failed, fmt.Errorf("scorefile: reading Parquet after row %d: %w", rows, err)
	}
	if pw == nil {
		return 0, 0, errors.New("scorefile: the Parquet file has no rows")
	}
	if err := pw.Close(); err != nil {
		return rows, failed, fmt.Errorf("scorefile: writing Parquet: %w", err)
	}
	return rows, failed, nil
}
