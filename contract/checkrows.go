package contract

import (
	"fmt"
	"slices"
)

// CheckRows applies CheckRow to every row of rows, block by block: errs[i]
// is set to what CheckRow(&rows[i]) returns, nil or a *RowError (Row -1)
// with the same reasons in the same order, and CheckRows returns how many
// rows failed. It panics when errs is shorter than rows.
//
// It is the serving path for many rows: the row-local checks of error
// severity run field by field over blocks of 512 rows, each check one
// loop over a gathered column, as Validate runs them; a valid row costs a
// fraction of a CheckRow call and allocates nothing. A failed row
// allocates its *RowError. CheckRows is safe for concurrent use.
func (b *Bound[T]) CheckRows(rows []T, errs []error) int {
	if len(errs) < len(rows) {
		panic(fmt.Sprintf("contract: CheckRows needs an error slot per row, got %d for %d rows", len(errs), len(rows)))
	}
	v, _ := b.checkers.Get().(*Validator[T])
	if v == nil {
		v = b.NewValidator()
		v.initBlock()
		v.bs.reasons = make([][]Reason, blockRows)
	}
	bs := &v.bs
	bs.serving, bs.collect = true, true
	failed := 0
	for lo := 0; lo < len(rows); lo += blockRows {
		blk := rows[lo:min(lo+blockRows, len(rows))]
		v.gatherRows(blk)
		v.evalBlock(blk, len(blk))
		for r, bad := range bs.bad[:len(blk)] {
			if !bad {
				errs[lo+r] = nil
				continue
			}
			errs[lo+r] = &RowError{Row: -1, Reasons: slices.Clone(bs.reasons[r])}
			failed++
		}
	}
	bs.clearStrings() // the reasons hold copies of the values only
	bs.serving, bs.collect = false, false
	// The counts a Validator keeps (rows, failures) are not read in
	// serving mode; they only grow.
	b.checkers.Put(v)
	return failed
}
