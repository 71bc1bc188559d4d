package feature

// TreeTransform is Transform for tree learners, the serving path of
// TreeMatrix: a missing value that TreeMatrix passes as NaN (a one-column
// numeric feature without an imputer, an Ordinal-encoded category) is NaN
// here too, and every other value without a defined output is the same
// *ValueError as from Transform. It does not allocate when dst has the
// capacity and the row is valid.
func (f *Fitted[T]) TreeTransform(row *T, dst []float64) ([]float64, error) {
	dst = grow(dst, f.width)
	var first error
	for i := range f.feats {
		ff := &f.feats[i]
		if code := ff.put(row, dst); code != codeOK && (code != codeMissing || !ff.keepsMissing()) && first == nil {
			first = ff.explain(row, -1, code)
		}
	}
	return dst, first
}
