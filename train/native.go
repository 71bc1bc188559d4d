package train

// NativeMissing is implemented by trainers, and by the models they fit,
// that take NaN as a missing value and read the columns Dataset.Categorical
// marks as integer category codes: tree learners such as train/gbdt and
// their train/tree ensembles. Package model fits such a trainer on the
// features' tree matrix (feature.Fitted.TreeMatrix: raw numbers, NaN for a
// missing one, ordinal categories split as sets) and serves the model with
// the same vectors, so no imputation or one-hot encoding is needed.
type NativeMissing interface {
	// NativeMissing reports whether NaN inputs and categorical codes are
	// handled natively.
	NativeMissing() bool
}

// IsNativeMissing reports whether v (a Trainer or a Model) implements
// NativeMissing and reports true.
func IsNativeMissing(v any) bool {
	nm, ok := v.(NativeMissing)
	return ok && nm.NativeMissing()
}
