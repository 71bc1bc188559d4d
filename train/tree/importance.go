package tree

// Importance selects how Importances weighs a feature.
type Importance uint8

const (
	// SplitCount counts the splits on each feature (LightGBM's "split",
	// XGBoost's "weight").
	SplitCount Importance = iota
	// Gain sums the loss reduction of the splits on each feature
	// (LightGBM's "gain", XGBoost's "total_gain"); trees without gains
	// contribute nothing.
	Gain
)

// Importances returns one value per feature: the number of splits on it,
// or their total gain, over all trees.
func (e *Ensemble) Importances(by Importance) []float64 {
	out := make([]float64, e.spec.Features)
	for i := range e.spec.Trees {
		t := &e.spec.Trees[i]
		for j, n := range t.Nodes {
			if n.Feature < 0 {
				continue
			}
			switch {
			case by == SplitCount:
				out[n.Feature]++
			case t.Gain != nil:
				out[n.Feature] += t.Gain[j]
			}
		}
	}
	return out
}
