// Package source reads typed rows from CSV, Parquet, Arrow IPC and
// database/sql, and writes them to CSV and Parquet.
//
// # Overview
//
// Rows are the user's struct type T; columns are bound to fields by the
// `loom:"name"` struct tag (pointer and sql.Null fields are nullable), the
// same convention as package contract. Every reader streams:
//
//	ReadCSV / ReadCSVFile            iter.Seq2[T, error] over CSV text (encoding/csv)
//	ReadParquet / ReadParquetFile    iter.Seq2[T, error] over Parquet (pqarrow)
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
// The CSV reader uses encoding/csv and parses cells straight into the
// struct: measured here on 1,000,000 rows × 12 columns it was faster than
// arrow-go's CSV reader with a declared schema plus decoding its batches
// into T (see BenchmarkReadCSV).
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
// # Memory
//
// Readers hold one CSV record, or one Arrow batch (16,384 rows by default
// for Parquet) and the Parquet column chunks it comes from, at a time,
// whatever the file size; rows own their data (strings
// are copied out of Arrow buffers, one allocation per column per batch), so
// nothing refers to a released batch. Record-batch iterators yield batches
// valid until the next iteration: Retain what you keep. Pointer fields get
// their pointees from slabs of 1024 values.
//
// # Concurrency
//
// Each iterator is single-use and not safe for concurrent use; stopping the
// loop early closes files, rows and readers. Parquet columns are decoded in
// parallel unless ParquetOptions.Serial is set.
package source
