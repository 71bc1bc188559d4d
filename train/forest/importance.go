package forest

import (
	"github.com/loomml/loom/train"
	"github.com/loomml/loom/train/tree"
)

// Importances returns the impurity importance of each feature of a model
// this package fitted, exactly as scikit-learn's feature_importances_:
// for each tree, the sum over its splits on the feature of N_t/N times
// the weighted impurity decrease (the tree's Tree.Gain), normalised to sum
// 1; then the mean over the trees that split at all, normalised again. A
// multiclass forest holds one tree per class per forest tree, all of one
// shape and gains, which weigh the same. It returns nil for a model that
// is not a tree ensemble.
func Importances(m train.Model) []float64 {
	var e *tree.Ensemble
	switch m := m.(type) {
	case *tree.Classifier:
		e = m.Ensemble
	case *tree.Regressor:
		e = m.Ensemble
	default:
		return nil
	}
	s := e.Spec()
	out := make([]float64, s.Features)
	per := make([]float64, s.Features)
	trees := 0
	for _, t := range s.Trees {
		if len(t.Nodes) < 2 || t.Gain == nil {
			continue
		}
		clear(per)
		total := 0.0
		for i, n := range t.Nodes {
			if !n.IsLeaf() {
				per[n.Feature] += t.Gain[i]
				total += t.Gain[i]
			}
		}
		if total > 0 {
			for j := range per {
				out[j] += per[j] / total
			}
		}
		trees++
	}
	if trees == 0 {
		return out
	}
	total := 0.0
	for j := range out {
		out[j] /= float64(trees)
		total += out[j]
	}
	if total > 0 {
		for j := range out {
			out[j] /= total
		}
	}
	return out
}
