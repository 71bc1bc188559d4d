package source

import (
	"context"
	"fmt"
	"io"
	"iter"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// IPCFileRecords streams the record batches of an Arrow IPC file (random
// access format). Each batch is valid until the next iteration. mem may be
// nil. A malformed file yields an *Error wrapping ErrSyntax; name labels
// errors. It is a single-use iterator.
func IPCFileRecords(ctx context.Context, name string, r ipc.ReadAtSeeker, mem memory.Allocator) iter.Seq2[arrow.RecordBatch, error] {
	if mem == nil {
		mem = memory.DefaultAllocator
	}
	return func(yield func(arrow.RecordBatch, error) bool) {
		fr, err := ipc.NewFileReader(r, ipc.WithAllocator(mem))
		if err != nil {
			yield(nil, &Error{File: name, Row: -1, Err: fmt.Errorf("%w: %v", ErrSyntax, err)})
			return
		}
		defer fr.Close()
		for i := range fr.NumRecords() {
			if err := ctx.Err(); err != nil {
				yield(nil, err)
				return
			}
			rec, err := fr.RecordBatch(i)
			if err != nil {
				yield(nil, &Error{File: name, Row: -1, Err: fmt.Errorf("%w: batch %d: %v", ErrSyntax, i, err)})
				return
			}
			if !yield(rec, nil) {
				return
			}
		}
	}
}

// IPCStreamRecords streams the record batches of an Arrow IPC stream. Each
// batch is valid until the next iteration. mem may be nil. It is a
// single-use iterator.
func IPCStreamRecords(ctx context.Context, name string, r io.Reader, mem memory.Allocator) iter.Seq2[arrow.RecordBatch, error] {
	if mem == nil {
		mem = memory.DefaultAllocator
	}
	return func(yield func(arrow.RecordBatch, error) bool) {
		sr, err := ipc.NewReader(r, ipc.WithAllocator(mem))
		if err != nil {
			yield(nil, &Error{File: name, Row: -1, Err: fmt.Errorf("%w: %v", ErrSyntax, err)})
			return
		}
		defer sr.Release()
		for sr.Next() {
			if !yield(sr.RecordBatch(), nil) {
				return
			}
			if err := ctx.Err(); err != nil {
				yield(nil, err)
				return
			}
		}
		if err := sr.Err(); err != nil {
			yield(nil, &Error{File: name, Row: -1, Err: fmt.Errorf("%w: %v", ErrSyntax, err)})
		}
	}
}

// ReadIPCFile streams the rows of an Arrow IPC file into T (see Rows).
func ReadIPCFile[T any](ctx context.Context, name string, r ipc.ReadAtSeeker, mem memory.Allocator) iter.Seq2[T, error] {
	return Rows[T](name, IPCFileRecords(ctx, name, r, mem))
}

// ReadIPCStream streams the rows of an Arrow IPC stream into T (see Rows).
func ReadIPCStream[T any](ctx context.Context, name string, r io.Reader, mem memory.Allocator) iter.Seq2[T, error] {
	return Rows[T](name, IPCStreamRecords(ctx, name, r, mem))
}
