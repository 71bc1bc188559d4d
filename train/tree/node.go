package tree

import "math"

// Flags qualify a split node.
type Flags uint8

const (
	// DefaultLeft sends a missing value (NaN) to the left child; without
	// it, to the right child. For a categorical split it also routes
	// codes outside the split's bitset (negative, fractional or too large).
	DefaultLeft Flags = 1 << iota
	// Categorical makes the split a set test: x goes left when the
	// integer code x is in the split's bitset. Without it the split is
	// numeric: x goes left when x <= Value.
	Categorical
	// ZeroMissing makes a numeric split treat a value within ±1e-35 of
	// zero as missing, as it treats NaN: it goes where DefaultLeft says
	// (LightGBM's missing type Zero). Only numeric splits may carry it.
	ZeroMissing
)

const knownFlags = DefaultLeft | Categorical | ZeroMissing

// zeroEpsilon bounds the values a ZeroMissing split counts as zero
// (LightGBM's kZeroThreshold).
const zeroEpsilon = 1e-35

// Node is one node of a Tree. A leaf has Feature -1 and its output in
// Value. A split node tests feature Feature of the row and continues at
// its left child, Left, or at its right child, Left+1: the children of a
// node are adjacent and come after it, so a walk always ends.
type Node struct {
	// Feature is the column tested by a split, or -1 for a leaf.
	Feature int32
	// Left is the index of the left child within the tree; the right
	// child is Left+1. Unused in a leaf.
	Left int32
	// Value is the threshold of a numeric split (x <= Value goes left;
	// +Inf sends every non-missing value left, a split on missingness) or
	// the output of a leaf.
	Value float64
	// CatOffset and CatWords locate a categorical split's bitset of
	// left-going codes in Tree.Cats: words [CatOffset, CatOffset+CatWords)
	// hold codes 0 to 64·CatWords-1, code c at bit c%64 of word c/64.
	CatOffset uint32
	CatWords  uint16
	// Flags qualify a split (DefaultLeft, Categorical, ZeroMissing).
	Flags Flags
}

// IsLeaf reports whether n is a leaf.
func (n *Node) IsLeaf() bool { return n.Feature < 0 }

// Tree is one regression tree of an Ensemble: a flat array of nodes with
// the root at index 0, adding its leaf value to output Class of the
// ensemble's raw margins.
type Tree struct {
	// Nodes holds the nodes, root first; see Node for the layout.
	Nodes []Node
	// Cats holds the bitsets of the categorical splits.
	Cats []uint64
	// Gain holds the loss reduction of each split node (0 for leaves),
	// for gain importances; nil when unknown.
	Gain []float64
	// Cover holds the training weight that reached each node: the
	// (weighted) sample count, or the hessian sum for gradient boosting,
	// as XGBoost's cover and LightGBM's counts. Explanations (TreeSHAP)
	// need it; nil when unknown.
	Cover []float64
	// Class is the output (class index of a multinomial model, else 0)
	// the tree contributes to.
	Class int
}

// leaf walks t for row x and returns the index of the leaf reached.
// A numeric split picks its child without a branch: the comparison
// with the threshold is unpredictable, a mispredicted branch costs more
// than the arithmetic.
func (t *Tree) leaf(x []float64) int32 {
	nodes := t.Nodes
	i := int32(0)
	for {
		n := &nodes[i]
		if n.Feature < 0 {
			return i
		}
		v := x[n.Feature]
		if n.Flags&Categorical != 0 {
			i = n.Left + t.catRight(n, v)
			continue
		}
		missRight := int32(n.Flags&DefaultLeft) ^ 1
		if n.Flags&ZeroMissing != 0 && math.Abs(v) <= zeroEpsilon {
			i = n.Left + missRight
			continue
		}
		i = n.Left + (b2i(v > n.Value) | b2i(v != v)&missRight)
	}
}

// b2i converts b to 0 or 1 (the compiler emits a SETcc, not a branch).
func b2i(b bool) int32 {
	var r int32
	if b {
		r = 1
	}
	return r
}

// catRight returns 1 when the categorical split n sends v right.
func (t *Tree) catRight(n *Node, v float64) int32 {
	c := int64(v)
	if v != v || float64(c) != v || c < 0 || c >= 64*int64(n.CatWords) {
		return int32(n.Flags&DefaultLeft ^ DefaultLeft)
	}
	if t.Cats[int64(n.CatOffset)+c>>6]>>(c&63)&1 != 0 {
		return 0
	}
	return 1
}
