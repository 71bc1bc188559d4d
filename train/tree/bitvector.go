package tree

import (
	"cmp"
	"math/bits"
	"slices"
)

// Trees of at most chunkLeaves leaves with numeric splits only are
// scored without walking them, as QuickScorer does (Lucchese et al.,
// "QuickScorer: a fast algorithm to rank documents with additive
// ensembles of regression trees", SIGIR 2015). Number each tree's leaves
// from left to right and give the tree a word of bits, one per leaf. A
// split that sends x right removes from the word every leaf of its left
// subtree, which x cannot reach; once every such split is applied, the
// lowest leaf left is the leaf x reaches: a leaf left of it lies in the
// left subtree of a split on its path that went right. The splits that
// send x right are, for each feature, those whose threshold is below
// x[feature] (or, for a missing value, those sending missing values
// right), so a row costs one scan per feature over its thresholds in
// increasing order, stopping at the first one not below the value: no
// chain of dependent loads, as a walk has.
const (
	chunkLeaves = 64  // leaves of a tree: the bits of a word
	chunkTrees  = 128 // trees of a chunk: its words fit in a stack array
)

// split is a split node of a chunk: x goes right when x > thr (for
// entries of chunkFeature.nan: when x is missing), and then the leaves
// of mask cannot be reached in tree tree of the chunk.
type split struct {
	thr  float64
	mask uint64
	tree uint32
}

// chunkFeature lists the splits of a chunk on one feature.
type chunkFeature struct {
	feature int
	splits  []split // by increasing threshold
	nan     []split // the splits sending a missing value right
}

// chunk is the bitvector form of up to chunkTrees trees of one output,
// consecutive in its plan.
type chunk struct {
	features []chunkFeature
	// leaf[t] is the index in value of tree t's leftmost leaf; its
	// leaves follow from left to right.
	leaf  []uint32
	value []float64
}

// bitvectorTree reports whether t can join a chunk: numeric splits
// only, and at most chunkLeaves leaves.
func bitvectorTree(t *Tree) bool {
	leaves := 0
	for _, n := range t.Nodes {
		if n.Feature < 0 {
			leaves++
		} else if n.Flags&(Categorical|ZeroMissing) != 0 {
			return false
		}
	}
	return leaves <= chunkLeaves
}

// compileChunk builds the chunk of trees ts of s, each accepted by
// bitvectorTree, at most chunkTrees of them.
func compileChunk(s *Spec, ts []int32) chunk {
	var c chunk
	type entry struct {
		feature   int32
		missRight bool
		split
	}
	var entries []entry
	for t, ti := range ts {
		nodes := s.Trees[ti].Nodes
		c.leaf = append(c.leaf, uint32(len(c.value)))
		first := len(c.value)
		// leaves returns the leaves [lo, hi) of the subtree of node i,
		// numbered from left to right; the depth of the recursion is
		// below chunkLeaves.
		var leaves func(i int32) (lo, hi int)
		leaves = func(i int32) (lo, hi int) {
			n := &nodes[i]
			if n.Feature < 0 {
				c.value = append(c.value, n.Value)
				hi = len(c.value) - first
				return hi - 1, hi
			}
			lo, mid := leaves(n.Left)
			_, hi = leaves(n.Left + 1)
			entries = append(entries, entry{n.Feature, n.Flags&DefaultLeft == 0,
				split{thr: n.Value, mask: 1<<mid - 1<<lo, tree: uint32(t)}})
			return lo, hi
		}
		leaves(0)
	}
	slices.SortStableFunc(entries, func(a, b entry) int {
		return cmp.Or(cmp.Compare(a.feature, b.feature), cmp.Compare(a.thr, b.thr))
	})
	for i := 0; i < len(entries); {
		j := i
		f := chunkFeature{feature: int(entries[i].feature)}
		for ; j < len(entries) && entries[j].feature == entries[i].feature; j++ {
			f.splits = append(f.splits, entries[j].split)
			if entries[j].missRight {
				f.nan = append(f.nan, entries[j].split)
			}
		}
		c.features = append(c.features, f)
		i = j
	}
	return c
}

// chunkSum returns s plus the leaf values x reaches in the trees of c,
// added in order. Every feature of c is below len(x).
func chunkSum[F float32 | float64](c *chunk, x []float64, s F) F {
	var gone [chunkTrees]uint64 // per tree, the leaves x cannot reach
	for fi := range c.features {
		f := &c.features[fi]
		v := x[f.feature]
		if v != v {
			for _, sp := range f.nan {
				gone[sp.tree%chunkTrees] |= sp.mask
			}
			continue
		}
		for _, sp := range f.splits {
			if !(sp.thr < v) {
				break
			}
			gone[sp.tree%chunkTrees] |= sp.mask
		}
	}
	for t, first := range c.leaf {
		s += F(c.value[first+uint32(bits.TrailingZeros64(^gone[t%chunkTrees]))])
	}
	return s
}
