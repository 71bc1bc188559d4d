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
		if err := checkFileSchema(r); err != nil {
			yield(nil, &Error{File: name, Row: -1, Err: fmt.Errorf("%w: %v", ErrSyntax, err)})
			return
		}
		fr, err := guard("footer and schema", func() (*ipc.FileReader, error) { return ipc.NewFileReader(r, ipc.WithAllocator(mem)) })
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
			rec, err := guard("batch", func() (arrow.RecordBatch, error) { return fr.RecordBatch(i) })
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
		r, err := checkStreamSchema(r)
		if err != nil {
			yield(nil, &Error{File: name, Row: -1, Err: fmt.Errorf("%w: %v", ErrSyntax, err)})
			return
		}
		// Through NewMessageReader, which applies arrow-go's default limits
		// on a message's metadata and body (64 and 256 MiB): NewReader
		// does not, and allocates up to 2 GiB for a length a damaged
		// stream states.
		sr, err := ipc.NewReaderFromMessageReader(ipc.NewMessageReader(r, ipc.WithAllocator(mem)), ipc.WithAllocator(mem))
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

// guard returns fn's results, with a panic while arrow-go parses damaged
// bytes turned into an error naming what was read. arrow-go recovers such
// panics itself in most of its IPC reader, but not (v18.8.0) while a file
// reader parses the footer and schema or reads a batch's message header: a
// changed byte there panics in flatbuffers.
func guard[V any](what string, fn func() (V, error)) (v V, err error) {
	defer func() {
		if p := recover(); p != nil {
			var zero V
			v, err = zero, fmt.Errorf("arrow/ipc: cannot read the %s: %v", what, p)
		}
	}()
	return fn()
}
