package feature

import (
	"context"

	"gonum.org/v1/gonum/mat"
)

// keepsMissing reports whether a missing value of the feature can be
// handed to a tree learner as NaN: a one-column numeric feature, or an
// Ordinal-encoded category.
func (f *fitFeat[T]) keepsMissing() bool {
	switch f.typ {
	case typeNum:
		return f.width == 1
	case typeCat:
		return f.enc.kind == catOrdinal
	}
	return false
}

// Categorical returns one entry per output column, true for the column of
// an Ordinal-encoded categorical feature (codes 0, 1, … in the sorted
// order of the training categories): what train.Dataset.Categorical
// wants, so that a tree learner such as train/gbdt splits those columns
// on sets of categories, with no one-hot encoding.
func (f *Fitted[T]) Categorical() []bool {
	out := make([]bool, f.width)
	for i := range f.feats {
		ff := &f.feats[i]
		if ff.typ == typeCat && ff.enc.kind == catOrdinal {
			out[ff.off] = true
		}
	}
	return out
}

// TreeMatrix is Matrix for tree learners that handle missing values
// natively (train/gbdt): a missing value of a one-column numeric feature
// without an imputer, or of an Ordinal-encoded category, is NaN in its
// column instead of an ErrMissing error, so raw numbers need no
// imputation. Every other value without a defined output (±Inf, an
// unknown category under UnknownError, out of domain, a missing value of
// any other feature) is still an error naming the first such row. Vector,
// the serving path, already writes NaN for such missing values, so a tree
// model scores served rows as it was trained.
//
// It is Matrix's path (blocks of rows in parallel on GOMAXPROCS
// goroutines, which have returned when it returns, each evaluated feature
// by feature over chunks of rows) with those missing values let through;
// the result does not depend on the number of goroutines, and its rows are
// bit-identical to TreeTransform's.
func (f *Fitted[T]) TreeMatrix(ctx context.Context, rows []T) (*mat.Dense, error) {
	return f.newMatrix(ctx, rows, true)
}
