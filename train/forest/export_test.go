package forest

import (
	"context"

	"github.com/loomml/loom/train"
)

// FitExtraTree grows one extremely randomized tree on every row, its
// generator started from o.Seed as a single tree's, as scikit-learn's
// ExtraTreeClassifier and ExtraTreeRegressor (max_features "sqrt" and 1.0
// by default): for the reference test of the random splitter.
func FitExtraTree(ctx context.Context, d train.Dataset, o Options, crit Criterion, classify bool) (train.Model, error) {
	j := &job{kind: "ExtraTree", opts: o, random: true, defFeatures: All, crit: squaredError}
	if classify {
		j.defFeatures, j.crit, j.classify = Sqrt, criterion(crit), true
	}
	return fitModel(ctx, j, d)
}
