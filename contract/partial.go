package contract

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"time"
)

// Partial is the mergeable state of a Validator: what it has counted so
// far, as plain data, so that rows validated apart (on other goroutines,
// processes or machines, such as the workers of an Apache Beam pipeline)
// give one report. Take one from each shard with Validator.Partial,
// combine them with Merge (in any order and grouping) and turn the result
// into a Report with Bound.ReportOf. Its fields are exported for encoding
// (encoding/json); treat them as opaque.
//
// The merged report counts rows, rejections and failures per check
// exactly as one Validator over all the rows would, with these
// differences, all documented consequences of shards having no common
// order: example failures keep the row numbers their shard gave them
// (counted from 0 in each shard), and at most the Bound's number of
// examples per check; a monotonic check is checked within each shard
// only; a unique check counts a value seen in several shards once per
// extra shard, as one Validator would (so its failure count is exact),
// but the rows that fail it only across shards were accepted by their
// shard and stay counted in Valid, as they were output; mean and standard
// deviation checks agree with one Validator's to rounding (about 1e-12
// relative).
type Partial struct {
	Contract string `json:"contract"`
	Rows     int64  `json:"rows"`
	Rejected int64  `json:"rejected"`
	// Per row check, in the order of Report.Checks.
	Failed   []int64     `json:"failed"`
	Examples [][]Failure `json:"examples"`
	UniqueS  [][]string  `json:"unique_s,omitempty"` // distinct texts seen by a unique check, sorted
	UniqueN  [][]float64 `json:"unique_n,omitempty"` // distinct numbers seen by a unique check, sorted
	// Per field, in the contract's order.
	NonNull []int64     `json:"non_null"`
	Shift   []float64   `json:"shift"` // sums are of value - shift, for stability
	Sum     []float64   `json:"sum"`
	SumSq   []float64   `json:"sum_sq"`
	Newest  []time.Time `json:"newest"`
	// Examples kept per check.
	MaxExamples int `json:"max_examples"`
}

// Partial returns the state of everything validated so far, for merging
// with other Validators' (see Partial). The Validator may go on
// validating; the Partial does not change with it.
func (v *Validator[T]) Partial() *Partial {
	p := &Partial{
		Contract: v.b.c.Name, Rows: v.rows, Rejected: v.rejected,
		Failed: slices.Clone(v.failed), Examples: make([][]Failure, len(v.examples)),
		NonNull: slices.Clone(v.nonNull), Shift: slices.Clone(v.shift), Sum: slices.Clone(v.sum), SumSq: slices.Clone(v.sumSq),
		Newest: slices.Clone(v.newest), MaxExamples: v.b.examples,
	}
	for i, e := range v.examples {
		p.Examples[i] = slices.Clone(e)
	}
	for ri := range v.b.rules {
		if v.b.rules[ri].kind != rUnique {
			continue
		}
		if p.UniqueS == nil {
			p.UniqueS, p.UniqueN = make([][]string, len(v.b.rules)), make([][]float64, len(v.b.rules))
		}
		for s := range v.uniqS[ri] {
			p.UniqueS[ri] = append(p.UniqueS[ri], s)
		}
		for x := range v.uniqN[ri] {
			p.UniqueN[ri] = append(p.UniqueN[ri], x)
		}
		slices.Sort(p.UniqueS[ri])
		slices.SortFunc(p.UniqueN[ri], cmp.Compare[float64])
	}
	return p
}

// Merge adds q's counts to p. Both must come from Validators of the same
// contract: a different contract name or number of checks or fields is an
// error naming the difference, and p is left unchanged.
func (p *Partial) Merge(q *Partial) error {
	if p.Contract != q.Contract {
		return fmt.Errorf("contract: merging the partial report of contract %q into one of %q", q.Contract, p.Contract)
	}
	if len(p.Failed) != len(q.Failed) || len(p.Examples) != len(q.Examples) || len(p.NonNull) != len(q.NonNull) ||
		len(p.Shift) != len(q.Shift) || len(p.Sum) != len(q.Sum) || len(p.SumSq) != len(q.SumSq) || len(p.Newest) != len(q.Newest) {
		return fmt.Errorf("contract: merging partial reports of contract %q with %d and %d checks, %d and %d fields", p.Contract, len(p.Failed), len(q.Failed), len(p.NonNull), len(q.NonNull))
	}
	if (q.UniqueS != nil && len(q.UniqueS) != len(q.Failed)) || (q.UniqueN != nil && len(q.UniqueN) != len(q.Failed)) ||
		(p.UniqueS != nil && len(p.UniqueS) != len(p.Failed)) || (p.UniqueN != nil && len(p.UniqueN) != len(p.Failed)) {
		return fmt.Errorf("contract: merging partial reports of contract %q: unique values for %d and %d checks, want %d", p.Contract, len(p.UniqueS), len(q.UniqueS), len(p.Failed))
	}
	p.Rows += q.Rows
	p.Rejected += q.Rejected
	p.MaxExamples = max(p.MaxExamples, q.MaxExamples)
	for i := range p.Failed {
		p.Failed[i] += q.Failed[i]
		if room := p.MaxExamples - len(p.Examples[i]); room > 0 {
			p.Examples[i] = append(p.Examples[i], q.Examples[i][:min(room, len(q.Examples[i]))]...)
		}
	}
	if q.UniqueS != nil {
		if p.UniqueS == nil {
			p.UniqueS, p.UniqueN = make([][]string, len(p.Failed)), make([][]float64, len(p.Failed))
		}
		for i := range p.Failed {
			var dups int64
			p.UniqueS[i], dups = mergeSorted(p.UniqueS[i], q.UniqueS[i], cmp.Compare[string])
			p.Failed[i] += dups
			p.UniqueN[i], dups = mergeSorted(p.UniqueN[i], q.UniqueN[i], cmp.Compare[float64])
			p.Failed[i] += dups
		}
	}
	for f := range p.NonNull {
		np, nq := p.NonNull[f], q.NonNull[f]
		switch {
		case nq == 0:
		case np == 0:
			p.Shift[f], p.Sum[f], p.SumSq[f] = q.Shift[f], q.Sum[f], q.SumSq[f]
		default:
			// Rebase q's sums of (x - q.Shift) onto p.Shift.
			d := q.Shift[f] - p.Shift[f]
			p.Sum[f] += q.Sum[f] + float64(nq)*d
			p.SumSq[f] += q.SumSq[f] + 2*d*q.Sum[f] + float64(nq)*d*d
		}
		p.NonNull[f] = np + nq
		if q.Newest[f].After(p.Newest[f]) {
			p.Newest[f] = q.Newest[f]
		}
	}
	return nil
}

// mergeSorted merges two sorted slices of distinct values into one and
// returns it with the number of values they share.
func mergeSorted[E any](a, b []E, compare func(E, E) int) ([]E, int64) {
	out := make([]E, 0, len(a)+len(b))
	var dups int64
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch c := compare(a[i], b[j]); {
		case c < 0:
			out = append(out, a[i])
			i++
		case c > 0:
			out = append(out, b[j])
			j++
		default:
			out = append(out, a[i])
			i, j = i+1, j+1
			dups++
		}
	}
	return append(append(out, a[i:]...), b[j:]...), dups
}

// ReportOf returns the report of the rows a Partial counted, as
// Validator.Report does, the data set checks evaluated on the merged
// counts and sums. A Partial of another contract, or with the wrong
// number of checks or fields, or with counts that do not add up, is an
// error.
func (b *Bound[T]) ReportOf(p *Partial) (*Report, error) {
	if p.Contract != b.c.Name {
		return nil, fmt.Errorf("contract: the partial report of contract %q given to contract %q", p.Contract, b.c.Name)
	}
	nr, nf := len(b.rules), len(b.fields)
	if len(p.Failed) != nr || len(p.Examples) != nr || len(p.NonNull) != nf || len(p.Shift) != nf ||
		len(p.Sum) != nf || len(p.SumSq) != nf || len(p.Newest) != nf {
		return nil, fmt.Errorf("contract: the partial report of contract %q has %d checks and %d fields, the contract %d and %d", p.Contract, len(p.Failed), len(p.NonNull), nr, nf)
	}
	if p.Rows < 0 || p.Rejected < 0 || p.Rejected > p.Rows {
		return nil, fmt.Errorf("contract: the partial report of contract %q counts %d rejected of %d rows", p.Contract, p.Rejected, p.Rows)
	}
	for i, n := range p.Failed {
		if n < 0 || n > p.Rows {
			return nil, fmt.Errorf("contract: the partial report of contract %q counts %d failures of check %q in %d rows", p.Contract, n, b.rules[i].desc, p.Rows)
		}
	}
	for f, n := range p.NonNull {
		if n < 0 || n > p.Rows || math.IsNaN(p.Sum[f]) || math.IsNaN(p.SumSq[f]) {
			return nil, fmt.Errorf("contract: the partial report of contract %q has bad counts for field %q", p.Contract, b.fields[f].name)
		}
	}
	v := b.NewValidator()
	v.rows, v.rejected = p.Rows, p.Rejected
	copy(v.failed, p.Failed)
	for i, e := range p.Examples {
		v.examples[i] = e[:min(len(e), b.examples)]
	}
	copy(v.nonNull, p.NonNull)
	copy(v.shift, p.Shift)
	copy(v.sum, p.Sum)
	copy(v.sumSq, p.SumSq)
	copy(v.newest, p.Newest)
	return v.Report(), nil
}
