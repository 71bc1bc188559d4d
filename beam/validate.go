package beam

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"

	"github.com/loomml/loom/contract"
)

// Validated is the result of Validate: the rows that pass the contract's
// error-severity checks, the rejected ones with every reason, and the
// contract report over all of them, merged across workers.
type Validated struct {
	Valid    beam.PCollection // PCollection<T>, or PCollection<Block[T]> for blocks in
	Rejected beam.PCollection // PCollection<Rejected[T]>
	// Report holds one element: the contract.Report as JSON (see
	// DecodeReport), merged from each worker's counts with
	// contract.Partial.
	Report beam.PCollection // PCollection<[]byte>
}

// Validate checks rows against the data contract of the model registered
// as name (model.Spec.Bind: the declared checks and predicates, the label
// included), as model.Fit and the single-machine quarantine do. A row
// that fails an error-severity check goes to Rejected with the reasons of
// every failed check (warnings included); the others to Valid. The report
// counts every row and check as one contract.Validator would, with the
// differences that contract.Partial documents (example row numbers count
// within a worker's bundle; monotonic checks within a bundle; a unique
// check's failures across bundles counted in the report, while their rows
// were accepted by their bundle). A worker holds only its counts.
//
// rows is a PCollection<T> or a PCollection<Block[T]>; Valid has the same
// shape. An unregistered name is an error here, when the pipeline is
// built.
func Validate[T any](s beam.Scope, name string, rows beam.PCollection) (Validated, error) {
	if _, err := lookup[T](name); err != nil {
		return Validated{}, err
	}
	s = s.Scope("loom.Validate")
	blocks, isRows, err := blocksOf[T](s, rows)
	if err != nil {
		return Validated{}, fmt.Errorf("beam: Validate of %q: %w", name, err)
	}
	valid, rejected, partials := beam.ParDo3(s, &validateFn[T]{Name: name}, blocks)
	if isRows {
		valid = fromBlocks[T](s, valid)
	}
	report := beam.Combine(s, &mergePartialFn[T]{Name: name}, partials)
	return Validated{Valid: valid, Rejected: rejected, Report: report}, nil
}

// DecodeReport decodes a report written by Validate.
func DecodeReport(data []byte) (*contract.Report, error) {
	var r contract.Report
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("beam: decoding a contract report: %w", err)
	}
	return &r, nil
}

// validateFn checks rows, counting them in one Validator per bundle.
type validateFn[T any] struct {
	Name string

	bound *contract.Bound[T]
	v     *contract.Validator[T]
}

func (fn *validateFn[T]) Setup() error {
	spec, err := mustLookup[T](fn.Name)
	if err != nil {
		return err
	}
	fn.bound = spec.Bind()
	return nil
}

func (fn *validateFn[T]) ProcessElement(_ context.Context, b Block[T], valid func(Block[T]), rejected func(Rejected[T]), _ func([]byte)) error {
	rows := b.Rows
	if fn.v == nil {
		fn.v = fn.bound.NewValidator()
	}
	var ok []T // nil while every row so far is valid
	for i := range rows {
		if fn.v.Row(&rows[i]) {
			if ok != nil {
				ok = append(ok, rows[i])
			}
			continue
		}
		if ok == nil {
			ok = append(make([]T, 0, len(rows)-1), rows[:i]...)
		}
		rejected(fn.reject(rows[i]))
	}
	switch {
	case ok == nil: // every row: the block as it came (blocks are read-only)
		valid(b)
	case len(ok) > 0:
		valid(Block[T]{Rows: ok})
	}
	return nil
}

// reject lists the reasons why row fails the contract.
func (fn *validateFn[T]) reject(row T) Rejected[T] {
	// A row checks alone, so a failure across rows (a unique or monotonic
	// check) has no reason here; the report counts it.
	var reasons []string
	if err := fn.bound.CheckRow(&row); err != nil {
		reasons = reasonsOf(err)
	}
	return Rejected[T]{Row: row, Reasons: reasons}
}

// FinishBundle emits the bundle's counts.
func (fn *validateFn[T]) FinishBundle(_ context.Context, _ func(Block[T]), _ func(Rejected[T]), partial func([]byte)) error {
	if fn.v == nil {
		return nil
	}
	data, err := json.Marshal(fn.v.Partial())
	fn.v = nil
	if err != nil {
		return err
	}
	partial(data)
	return nil
}

// mergePartialFn merges the bundles' counts into the report.
type mergePartialFn[T any] struct {
	Name string
}

func (fn *mergePartialFn[T]) CreateAccumulator() []byte { return nil }

func (fn *mergePartialFn[T]) AddInput(acc, in []byte) ([]byte, error) {
	return fn.MergeAccumulators(acc, in)
}

func (fn *mergePartialFn[T]) MergeAccumulators(a, b []byte) ([]byte, error) {
	if len(a) == 0 {
		return b, nil
	}
	if len(b) == 0 {
		return a, nil
	}
	var pa, pb contract.Partial
	if err := json.Unmarshal(a, &pa); err != nil {
		return nil, fmt.Errorf("beam: decoding the counts of contract %q: %w", fn.Name, err)
	}
	if err := json.Unmarshal(b, &pb); err != nil {
		return nil, fmt.Errorf("beam: decoding the counts of contract %q: %w", fn.Name, err)
	}
	if err := pa.Merge(&pb); err != nil {
		return nil, err
	}
	return json.Marshal(&pa)
}

func (fn *mergePartialFn[T]) ExtractOutput(acc []byte) ([]byte, error) {
	spec, err := mustLookup[T](fn.Name)
	if err != nil {
		return nil, err
	}
	bound := spec.Bind()
	p := bound.NewValidator().Partial() // no rows: an empty input
	if len(acc) > 0 {
		p = new(contract.Partial)
		if err := json.Unmarshal(acc, p); err != nil {
			return nil, fmt.Errorf("beam: decoding the counts of contract %q: %w", fn.Name, err)
		}
	}
	rep, err := bound.ReportOf(p)
	if err != nil {
		return nil, err
	}
	return json.Marshal(rep)
}
