package feature

import (
	"context"
	"fmt"
	"math"
)

// ParityError reports that two paths of a Fitted computed different bits
// for the same row and column.
type ParityError struct {
	Row       int     // row index
	Column    string  // output column name
	Path      string  // the path that disagrees with Vector
	Got, Want float64 // its value, and Vector's
}

// Error implements error.
func (e *ParityError) Error() string {
	return fmt.Sprintf("feature: parity: row %d column %q: %s gives %v (bits %#x), Vector %v (bits %#x)",
		e.Row, e.Column, e.Path, e.Got, math.Float64bits(e.Got), e.Want, math.Float64bits(e.Want))
}

// CheckParity asserts that the serving path (Vector), the checked serving
// path (Transform), the training path (Matrix, in parallel blocks) and the
// batch path (rows encoded as an Arrow record batch, decoded back into T by
// DecodeArrow, then Matrix) agree bit for bit on rows, and that the fitted state survives an encode/decode
// round trip through set with the same fingerprint and the same values.
// Pass a nil set to skip the round trip. The Arrow path is checked when T
// has `loom:"name"` struct tags; it finds accessors that read fields the
// tags do not carry, and times in a location other than UTC. Rows whose values have no defined
// output are compared too: every path gives NaN there (Transform and Matrix
// also return an error, which CheckParity ignores). It returns a
// *ParityError for the first difference.
func CheckParity[T any](ctx context.Context, set *Set[T], f *Fitted[T], rows []T) error {
	if len(rows) == 0 {
		return nil
	}
	w := f.Width()
	want := make([]float64, len(rows)*w)
	for i := range rows {
		f.Vector(&rows[i], want[i*w:(i+1)*w])
	}
	compare := func(path string, got []float64) error {
		for k := range want {
			if math.Float64bits(got[k]) != math.Float64bits(want[k]) {
				return &ParityError{Row: k / w, Column: f.names[k%w], Path: path, Got: got[k], Want: want[k]}
			}
		}
		return nil
	}
	got := make([]float64, len(rows)*w)
	for i := range rows {
		f.Transform(&rows[i], got[i*w:(i+1)*w]) //nolint:errcheck // errors are expected for bad rows; values are compared
	}
	if err := compare("Transform", got); err != nil {
		return err
	}
	clear(got)
	if err := f.MatrixTo(ctx, got, rows); err != nil && ctx.Err() != nil {
		return err
	}
	if err := compare("Matrix", got); err != nil {
		return err
	}
	if rec, err := arrowOf(rows); err == nil {
		decoded, err := f.DecodeArrow(nil, rec, 0)
		rec.Release()
		if err != nil {
			return fmt.Errorf("feature: parity: decoding the rows from Arrow: %w", err)
		}
		clear(got)
		if err := f.MatrixTo(ctx, got, decoded); err != nil && ctx.Err() != nil {
			return err
		}
		if err := compare("Arrow", got); err != nil {
			return err
		}
	}
	if set == nil {
		return nil
	}
	b, err := f.MarshalJSON()
	if err != nil {
		return err
	}
	g, err := set.Decode(b)
	if err != nil {
		return fmt.Errorf("feature: parity: decoding the encoded state: %w", err)
	}
	if g.Fingerprint() != f.Fingerprint() {
		return fmt.Errorf("feature: parity: fingerprint %s after a round trip, %s before", g.Fingerprint(), f.Fingerprint())
	}
	for i := range rows {
		g.Vector(&rows[i], got[i*w:(i+1)*w])
	}
	return compare("decoded Vector", got)
}
