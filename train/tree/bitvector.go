package tree

import (
	"cmp"
	"math"
	"math/bits"
	"slices"
	"unsafe"
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
// of mask cannot be reached in the tree whose word lies at byte offset
// off of chunkSum's array of words.
type split struct {
	thr  float64
	mask uint64
	off  uintptr
}

// chunkFeature locates the splits of a chunk on one feature.
type chunkFeature struct {
	off   uintptr // byte offset of the feature in a row (8·feature)
	first uintptr // byte offset in chunk.splits of the feature's first split
	nan   []split // the splits sending a missing value right
}

// chunk is the bitvector form of up to chunkTrees trees of one output,
// consecutive in its plan.
type chunk struct {
	features []chunkFeature
	// splits holds each feature's splits by increasing threshold,
	// followed by a sentinel of threshold +Inf, which no value is above.
	splits []split
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
				split{thr: n.Value, mask: 1<<mid - 1<<lo, off: 8 * uintptr(t)}})
			return lo, hi
		}
		leaves(0)
	}
	slices.SortStableFunc(entries, func(a, b entry) int {
		return cmp.Or(cmp.Compare(a.feature, b.feature), cmp.Compare(a.thr, b.thr))
	})
	for i := 0; i < len(entries); {
		j := i
		f := chunkFeature{off: 8 * uintptr(entries[i].feature), first: uintptr(len(c.splits)) * unsafe.Sizeof(split{})}
		for ; j < len(entries) && entries[j].feature == entries[i].feature; j++ {
			c.splits = append(c.splits, entries[j].split)
			if entries[j].missRight {
				f.nan = append(f.nan, entries[j].split)
			}
		}
		c.splits = append(c.splits, split{thr: math.Inf(1)})
		c.features = append(c.features, f)
		i = j
	}
	return c
}

// chunkSum returns s plus the leaf values x reaches in the trees of c,
// added in order. It reads x, c.splits and its words without bounds
// checks: every feature of c is below len(x), every run of splits ends
// with its sentinel, and every word offset lies below 8·chunkTrees.
func chunkSum[F float32 | float64](c *chunk, x []float64, s F) F {
	var gone [chunkTrees]uint64 // per tree, the leaves x cannot reach
	words := unsafe.Pointer(&gone)
	xp := unsafe.Pointer(unsafe.SliceData(x))
	splits := unsafe.Pointer(unsafe.SliceData(c.splits))
	for fi := range c.features {
		f := &c.features[fi]
		v := *(*float64)(unsafe.Add(xp, f.off))
		if v != v {
			for _, sp := range f.nan {
				*(*uint64)(unsafe.Add(words, sp.off)) |= sp.mask
			}
			continue
		}
		for p := unsafe.Add(splits, f.first); ; p = unsafe.Add(p, unsafe.Sizeof(split{})) {
			sp := (*split)(p)
			if !(sp.thr < v) {
				break
			}
			*(*uint64)(unsafe.Add(words, sp.off)) |= sp.mask
		}
	}
	value := unsafe.Pointer(unsafe.SliceData(c.value))
	for t, first := range c.leaf {
		leaf := first + uint32(bits.TrailingZeros64(^gone[t%chunkTrees]))
		s += F(*(*float64)(unsafe.Add(value, uintptr(leaf)*8)))
	}
	return s
}
