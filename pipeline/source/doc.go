// Package source reads typed rows from CSV, Parquet, Arrow IPC and
// database/sql, and writes them to CSV and Parquet.
//
// # Overview
//
// Rows are the user's struct type T; columns are bound to fields by the
// `loom:"name"` struct tag (pointer and sql.Null fields are nullable), the
// same convention as package contract. Every reader streams:
//
//	ReadCSV / ReadCSVFile            iter.Seq2[T, error] over CSV text
//	ReadParquet / ReadParquetFile    iter.Seq2[T, error] over Parquet (pqarrow)
//	ReadCSVAll, ReadParquetAll       the same into a []T (and their File forms)
//	ParquetRecords                   iter.Seq2[arrow.RecordBatch, error]
//	ReadIPCFile, ReadIPCStream       iter.Seq2[T, error] over Arrow IPC
//	IPCFileRecords, IPCStreamRecords iter.Seq2[arrow.RecordBatch, error]
//	Query                            iter.Seq2[T, error] over database/sql rows
//	Rows                             batches → rows, for any Arrow source
//
// and WriteCSV, WriteParquet, Schema and Record go the other way. Feed a
// reader to contract.Bound.QuarantineSeq to keep bad rows with reasons.
//
// Columnar inputs match columns to fields by name: integer and floating
// columns fill float fields, integer columns int fields, string (and
// dictionary-encoded string) columns string fields, boolean columns bool
// fields, timestamp and date columns time.Time fields. A missing column is
// an error for a non-nullable field and nulls for a nullable one.
//
// The CSV reader splits text with a scanner of its own, which follows
// encoding/csv's grammar and error recovery (a differential test and a
// fuzz target hold it to that) without allocating per record, parses
// numbers from the bytes in place (floats exactly as strconv.ParseFloat,
// bit for bit) and decodes blocks of 1024 records on up to four goroutines
// while the caller's goroutine reads, splits and yields. Non-ASCII
// delimiters go through encoding/csv.
//
// # Errors
//
// Every decoding error is an *Error naming the input (file path or given
// name), the line for CSV, the 0-based data row, the column and the raw
// value, and wrapping a sentinel (ErrType, ErrRange, ErrNull,
// ErrMissingColumn, ErrEncoding, ErrTooLong, ErrSyntax). A bad value costs
// only its row: the iterator yields the error and goes on, so valid rows
// before and after it are kept. Schema problems and I/O errors stop the
// iteration after yielding the error. *Error has RowNumber, which package
// contract uses to quarantine the row.
//
// Damaged input is an error, never a panic: a CSV header that names a
// field's column twice is ErrSyntax naming the column; an Arrow IPC file or
// stream whose bytes were changed is ErrSyntax (Row -1) naming the column
// whose buffers contradict its length, or the schema or batch arrow-go
// could not read. The schema's flatbuffer is checked before arrow-go reads
// it (arrow-go allocates from its vector lengths), and a stream's messages
// are held to arrow-go's limits (64 MiB of metadata, 256 MiB of body).
//
// # Memory
//
// Readers hold a bounded window whatever the file size: for CSV a 256 KiB
// window (more for a longer record) and up to eight blocks of 1024 records;
// for Parquet one Arrow batch (8,192 rows by default), 128 KiB of read
// buffer per column and the dictionaries of the current row group, with
// the buffers of released batches recycled for the next ones. Rows own their data: CSV strings are copied into shared
// 32 KiB blocks, Parquet strings out of Arrow buffers (one allocation per
// column per batch), so nothing refers to the input or to a released batch.
// Record-batch iterators yield batches valid until the next iteration:
// Retain what you keep. Pointer fields get their pointees from slabs (of
// 1024 values for CSV, one per column per batch for Parquet).
//
// # Performance
//
// Measured on the 2-core machine this package is developed on (shared with
// other work, so figures vary by tens of percent), reading 1,000,000 rows
// of 12 columns (5 float, 3 nullable float, 2 string, 1 nullable string,
// 1 int) into T, medians of 5 runs:
//
//	go test -run '^$' -bench 'ReadCSV|ReadParquet' -benchtime 1x -count 5 -benchmem ./pipeline/source/
//
//	                                          rows/s   peak heap   allocs
//	CSV, ReadCSV streamed                      1.77 M     8.2 MiB     5.8 k
//	CSV, ReadCSVFileAll into []T               1.89 M
//	CSV, ReadCSV appended to a []T             0.48 M
//	CSV, through encoding/csv (streamed)       0.47 M     2.7 MiB     1.0 M
//	CSV, arrow-go's reader + Rows              0.46 M    53   MiB     1.0 M
//	Parquet, ReadParquet streamed              3.76 M    31   MiB    46   k
//	Parquet, serial column decoding            3.08 M    33   MiB    43   k
//	Parquet, ReadParquetAll into []T           4.04 M
//	Parquet, ReadParquet appended to a []T     1.01 M
//	Parquet, every column dictionary-encoded   2.41 M    40   MiB   103   k
//
// Peak heap is the live heap sampled every 65,536 rows while streaming; it
// does not grow with the file. Appending a million rows to a growing slice
// costs more than reading them (copies, and a collector scanning the
// slice); the All functions avoid it: ReadCSVFileAll sizes its slice from
// the file and the workers decode blocks straight into it. Parquet files are read as
// WriteParquet writes them (floats plain); files with dictionary-encoded
// floats, as pyarrow writes by default, read more slowly because arrow-go
// decodes those dictionaries lazily, batch by batch.
//
// # Concurrency
//
// Each iterator is single-use and not safe for concurrent use; stopping the
// loop early closes files, rows and readers. ReadCSV decodes on worker
// goroutines but reads its input only on the caller's goroutine, and its
// workers have exited when the loop ends. Parquet columns are decoded in
// parallel unless ParquetOptions.Serial is set.
package source
