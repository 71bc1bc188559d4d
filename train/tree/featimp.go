package tree

import "github.com/loomml/loom/train"

// FeatureImportances returns each feature's share of the total split gain
// over all trees ("gain"), or, when no tree records gains, its share of
// the splits ("split"); the shares sum to 1 (all 0 for an ensemble
// without a split). It makes tree models a train.Importancer.
func (e *Ensemble) FeatureImportances() ([]float64, string) {
	v, method := e.Importances(Gain), "gain"
	total := 0.0
	for _, g := range v {
		total += g
	}
	if total <= 0 {
		v, method = e.Importances(SplitCount), "split"
		total = 0
		for _, g := range v {
			total += g
		}
	}
	if total > 0 {
		for j := range v {
			v[j] /= total
		}
	}
	return v, method
}

var (
	_ train.Importancer = (*Classifier)(nil)
	_ train.Importancer = (*Regressor)(nil)
)
