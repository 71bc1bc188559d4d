package evaluate

import (
	"math"
	"math/rand/v2"
)

// synthetic returns n deterministic examples from seed: labels with about
// 30% positives, the scores of a good model (candidate) and of a weaker
// one (champion), and a group per example among four regions whose
// difficulty differs.
func synthetic(n int, seed uint64) (labels []int, candidate, champion []float64, groups []string) {
	rng := rand.New(rand.NewPCG(seed, 1))
	regions := []string{"north", "south", "east", "west"}
	labels = make([]int, n)
	candidate = make([]float64, n)
	champion = make([]float64, n)
	groups = make([]string, n)
	for i := range n {
		g := rng.IntN(len(regions))
		groups[i] = regions[g]
		x := rng.NormFloat64()
		if rng.Float64() < 1/(1+math.Exp(-(2*x-1))) {
			labels[i] = 1
		}
		noise := 0.6 + 0.3*float64(g)
		candidate[i] = 1 / (1 + math.Exp(-(2*x - 1 + noise*rng.NormFloat64())))
		champion[i] = 1 / (1 + math.Exp(-(1.2*x - 0.8 + 1.2*rng.NormFloat64())))
	}
	return labels, candidate, champion, groups
}
