package contract

import (
	"context"
	"errors"
	"iter"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/loomml/loom/stage"
)

// Rejected is a row that failed error-severity checks, with its row number
// (0-based, in input order) and every reason it failed (warnings included).
// Value is the zero T when the row could not even be decoded.
type Rejected[T any] struct {
	Row     int64    `json:"row"`
	Value   T        `json:"value"`
	Reasons []Reason `json:"reasons"`
}

// Split is the result of quarantining: the valid rows in input order, the
// rejected rows, and the report. Invariant: rows in = len(Valid) +
// len(Rejected) = Report.Rows.
type Split[T any] struct {
	Valid    []T
	Rejected []Rejected[T]
	Report   *Report
}

// Quarantine splits rows into valid and rejected ones.
func (b *Bound[T]) Quarantine(rows []T) Split[T] {
	v := b.NewValidator()
	out := Split[T]{Valid: make([]T, 0, len(rows))}
	v.rowsBlocks(rows, func(p *T, row int64, ok bool, reasons []Reason) {
		if ok {
			out.Valid = append(out.Valid, *p)
		} else {
			out.Rejected = append(out.Rejected, Rejected[T]{Row: row, Value: *p, Reasons: append([]Reason(nil), reasons...)})
		}
	})
	out.Report = v.Report()
	return out
}

func (v *Validator[T]) check(p *T, reasons *[]Reason) bool {
	ok := v.row(p, v.rows, reasons)
	v.rows++
	if !ok {
		v.rejected++
	}
	return ok
}

// QuarantineSeq splits a stream of decoded rows, such as a source from
// package pipeline/source yields. A decoding error that names its row (it
// has a RowNumber() int64 method, as source errors do) becomes a rejected
// row with a "decodable" reason; any other error stops the split and is
// returned with what was split so far. Rows are numbered by position in the
// stream, errors included.
func (b *Bound[T]) QuarantineSeq(ctx context.Context, seq iter.Seq2[T, error]) (Split[T], error) {
	v := b.NewValidator()
	var out Split[T]
	var reasons []Reason
	for r, err := range seq {
		if err == nil {
			err = ctx.Err()
		}
		if err != nil {
			var rn rowNumberer
			if !errors.As(err, &rn) {
				out.Report = v.Report()
				return out, err
			}
			rs := Reason{Check: "decodable", Value: err.Error()}
			out.Rejected = append(out.Rejected, Rejected[T]{Row: v.rows, Reasons: []Reason{rs}})
			v.rows++
			v.rejected++
			continue
		}
		reasons = reasons[:0]
		row := v.rows
		if v.check(&r, &reasons) {
			out.Valid = append(out.Valid, r)
		} else {
			out.Rejected = append(out.Rejected, Rejected[T]{Row: row, Value: r, Reasons: append([]Reason(nil), reasons...)})
		}
	}
	out.Report = v.Report()
	return out, nil
}

// QuarantineRecord splits the rows of an Arrow record batch (columns matched
// by name) into dst, numbering rows by v's running count, and sets
// dst.Report to the report so far. It is the columnar counterpart of
// Quarantine; see Validator.Record for how nulls and undecodable values
// count.
func (v *Validator[T]) QuarantineRecord(dst *Split[T], rec arrow.RecordBatch) error {
	err := v.record(rec, func(p *T, row int64, ok bool, reasons []Reason) {
		if ok {
			dst.Valid = append(dst.Valid, *p)
		} else {
			dst.Rejected = append(dst.Rejected, Rejected[T]{Row: row, Value: *p, Reasons: append([]Reason(nil), reasons...)})
		}
	})
	dst.Report = v.Report()
	return err
}

// QuarantineStage returns a stage named name that splits each input batch
// with Quarantine. It never fails on bad rows: they go to Split.Rejected.
func (b *Bound[T]) QuarantineStage(name string) stage.Stage[[]T, Split[T]] {
	return stage.Func(name, func(ctx context.Context, rows []T) (Split[T], error) {
		if err := ctx.Err(); err != nil {
			return Split[T]{}, err
		}
		return b.Quarantine(rows), nil
	})
}

// Enforce returns a stage named name that validates each input batch and
// passes it on unchanged when the verdict is not Fail; otherwise it fails
// with a *ViolationError carrying the report.
func (b *Bound[T]) Enforce(name string) stage.Stage[[]T, []T] {
	return stage.Func(name, func(ctx context.Context, rows []T) ([]T, error) {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if err := b.Validate(rows).Err(); err != nil {
			return nil, err
		}
		return rows, nil
	})
}

// Check returns a stage named name that passes each row through when it
// passes CheckRow and fails with its *RowError otherwise; place it between
// row stages of a streaming pipeline (with pipeline.ContinueOnError to keep
// going past bad rows).
func (b *Bound[T]) Check(name string) stage.Stage[T, T] {
	return stage.Func(name, func(_ context.Context, r T) (T, error) {
		if err := b.CheckRow(&r); err != nil {
			return r, err
		}
		return r, nil
	})
}
