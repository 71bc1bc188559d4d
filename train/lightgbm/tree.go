package lightgbm

import (
	"math"
	"strconv"
	"strings"

	"github.com/loomml/loom/train/tree"
)

// The bits of a LightGBM decision_type.
const (
	catMask         = 1
	defaultLeftMask = 2
	// bits 2 and 3 hold the missing type
	missingNone = 0
	missingZero = 1
	missingNaN  = 2
)

// block is one tree block: its key=value lines and where they are.
type block struct {
	p    *parser
	tree int
	kv   map[string]string
	line map[string]int
}

func (b *block) errorf(field, format string, args ...any) error {
	e := b.p.errorf(b.tree, field, format, args...).(*Error)
	base, _, _ := strings.Cut(field, "[")
	if l, ok := b.line[base]; ok {
		e.Line = l
	}
	return e
}

// has reports whether the block has a non-empty line key (LightGBM writes
// the arrays of a one-leaf tree empty).
func (b *block) has(key string) bool { return strings.TrimSpace(b.kv[key]) != "" }

// floats reads the array key of n numbers.
func (b *block) floats(key string, n int) ([]float64, error) {
	s, ok := b.kv[key]
	if !ok {
		return nil, b.errorf(key, "missing")
	}
	f := strings.Fields(s)
	if len(f) != n {
		return nil, b.errorf(key, "%d values, want %d", len(f), n)
	}
	out := make([]float64, n)
	for i, w := range f {
		v, err := strconv.ParseFloat(w, 64)
		if err != nil {
			if ne, ok := err.(*strconv.NumError); !ok || ne.Err != strconv.ErrRange {
				return nil, b.errorf(key+"["+strconv.Itoa(i)+"]", "%.40q is not a number", w)
			}
		}
		out[i] = v
	}
	return out, nil
}

// ints reads the array key of n integers in [lo, hi].
func (b *block) ints(key string, n, lo, hi int) ([]int, error) {
	s, ok := b.kv[key]
	if !ok {
		return nil, b.errorf(key, "missing")
	}
	f := strings.Fields(s)
	if n >= 0 && len(f) != n {
		return nil, b.errorf(key, "%d values, want %d", len(f), n)
	}
	out := make([]int, len(f))
	for i, w := range f {
		v, err := strconv.Atoi(w)
		if err != nil || v < lo || v > hi {
			return nil, b.errorf(key+"["+strconv.Itoa(i)+"]", "%.40q is not an integer in [%d, %d]", w, lo, hi)
		}
		out[i] = v
	}
	return out, nil
}

// tree reads the block of tree ti (after its Tree= line) and converts it.
func (p *parser) tree(ti, features int, scale float64) (tree.Tree, error) {
	b := &block{p: p, tree: ti, kv: map[string]string{}, line: map[string]int{}}
	for {
		l, ok := p.next()
		if !ok || l == "" {
			break
		}
		if strings.HasPrefix(l, "Tree=") || l == "end of trees" {
			p.i--
			break
		}
		k, v, ok := strings.Cut(l, "=")
		if !ok {
			return tree.Tree{}, p.errorf(ti, "", "want key=value, got %.40q", l)
		}
		if _, dup := b.kv[k]; dup {
			return tree.Tree{}, p.errorf(ti, k, "given twice")
		}
		b.kv[k], b.line[k] = v, p.i
	}
	if v, ok := b.kv["is_linear"]; ok && strings.TrimSpace(v) != "0" {
		return tree.Tree{}, &Error{Line: b.line["is_linear"], Tree: ti, Field: "is_linear", Msg: "linear trees (linear_tree=true) are not supported", Unsupported: true}
	}
	nl, err := b.ints("num_leaves", 1, 1, p.o.MaxNodes)
	if err != nil {
		return tree.Tree{}, err
	}
	leaves := nl[0]
	p.nodes += 2*leaves - 1
	if p.nodes > p.o.MaxNodes {
		return tree.Tree{}, b.errorf("num_leaves", "more than %d nodes in all", p.o.MaxNodes)
	}
	values, err := b.floats("leaf_value", leaves)
	if err != nil {
		return tree.Tree{}, err
	}
	for i, v := range values {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return tree.Tree{}, b.errorf("leaf_value["+strconv.Itoa(i)+"]", "%v", v)
		}
	}
	var leafCount []float64
	if b.has("leaf_count") {
		if leafCount, err = b.floats("leaf_count", leaves); err != nil {
			return tree.Tree{}, err
		}
	}
	if leaves == 1 {
		t := tree.Tree{Nodes: []tree.Node{{Feature: -1, Value: values[0] * scale}}}
		if leafCount != nil {
			t.Cover = leafCount
		}
		return t, nil
	}
	n := leaves - 1
	feat, err := b.ints("split_feature", n, 0, features-1)
	if err != nil {
		return tree.Tree{}, err
	}
	dt, err := b.ints("decision_type", n, 0, 15)
	if err != nil {
		return tree.Tree{}, err
	}
	thr, err := b.floats("threshold", n)
	if err != nil {
		return tree.Tree{}, err
	}
	left, err := b.ints("left_child", n, -leaves, n-1)
	if err != nil {
		return tree.Tree{}, err
	}
	right, err := b.ints("right_child", n, -leaves, n-1)
	if err != nil {
		return tree.Tree{}, err
	}
	var gain, internalCount []float64
	if b.has("split_gain") {
		if gain, err = b.floats("split_gain", n); err != nil {
			return tree.Tree{}, err
		}
	}
	if b.has("internal_count") {
		if internalCount, err = b.floats("internal_count", n); err != nil {
			return tree.Tree{}, err
		}
	}
	var bounds []int
	var words []uint32
	numCat := 0
	if b.has("num_cat") {
		nc, err := b.ints("num_cat", 1, 0, n)
		if err != nil {
			return tree.Tree{}, err
		}
		numCat = nc[0]
	}
	if numCat > 0 {
		if bounds, err = b.ints("cat_boundaries", numCat+1, 0, math.MaxInt32); err != nil {
			return tree.Tree{}, err
		}
		raw, err := b.floats("cat_threshold", bounds[numCat])
		if err != nil {
			return tree.Tree{}, err
		}
		words = make([]uint32, len(raw))
		for i, w := range raw {
			if w != math.Trunc(w) || w < 0 || w > math.MaxUint32 {
				return tree.Tree{}, b.errorf("cat_threshold["+strconv.Itoa(i)+"]", "%v is not a 32-bit word", w)
			}
			words[i] = uint32(w)
		}
		for k := 1; k <= numCat; k++ {
			if bounds[k] < bounds[k-1] || bounds[k]-bounds[k-1] > maxCatWords {
				return tree.Tree{}, b.errorf("cat_boundaries["+strconv.Itoa(k)+"]", "bitset [%d, %d) is not an increasing range of at most %d words", bounds[k-1], bounds[k], maxCatWords)
			}
		}
		if bounds[0] != 0 {
			return tree.Tree{}, b.errorf("cat_boundaries[0]", "%d, want 0", bounds[0])
		}
	}

	// Renumber breadth first, so that the children of a node are adjacent
	// and after it: internal node i is id i, leaf j is id n+j.
	id := func(child int) int {
		if child < 0 {
			return n + ^child
		}
		return child
	}
	newIdx := make([]int32, 2*n+1)
	depth := make([]int32, 2*n+1)
	for i := range newIdx {
		newIdx[i] = -1
	}
	order := make([]int, 1, 2*n+1)
	newIdx[0] = 0
	for k := 0; k < len(order); k++ {
		old := order[k]
		if old >= n {
			continue
		}
		l, r := id(left[old]), id(right[old])
		if l == 0 || r == 0 || newIdx[l] >= 0 || newIdx[r] >= 0 || l == r {
			return tree.Tree{}, b.errorf("left_child["+strconv.Itoa(old)+"]", "children %d and %d: a node reached twice (a cycle or a shared child)", left[old], right[old])
		}
		if int(depth[old]) >= p.o.MaxDepth {
			return tree.Tree{}, b.errorf("left_child["+strconv.Itoa(old)+"]", "tree deeper than %d", p.o.MaxDepth)
		}
		newIdx[l], newIdx[r] = int32(len(order)), int32(len(order)+1)
		depth[l], depth[r] = depth[old]+1, depth[old]+1
		order = append(order, l, r)
	}
	if len(order) != 2*n+1 {
		return tree.Tree{}, b.errorf("left_child", "%d of %d nodes reachable from the root", len(order), 2*n+1)
	}
	t := tree.Tree{Nodes: make([]tree.Node, len(order))}
	if gain != nil {
		t.Gain = make([]float64, len(order))
	}
	if internalCount != nil && leafCount != nil {
		t.Cover = make([]float64, len(order))
	}
	for k, old := range order {
		nd := &t.Nodes[k]
		if old >= n {
			*nd = tree.Node{Feature: -1, Value: values[old-n] * scale}
			if t.Cover != nil {
				t.Cover[k] = leafCount[old-n]
			}
			continue
		}
		field := func(name string) string { return name + "[" + strconv.Itoa(old) + "]" }
		if t.Cover != nil {
			t.Cover[k] = internalCount[old]
		}
		if gain != nil {
			if g := gain[old]; math.IsNaN(g) || math.IsInf(g, 0) {
				return tree.Tree{}, b.errorf(field("split_gain"), "%v", g)
			}
			t.Gain[k] = gain[old]
		}
		nd.Feature, nd.Left = int32(feat[old]), newIdx[id(left[old])]
		d := dt[old]
		missing := (d >> 2) & 3
		if missing == 3 {
			return tree.Tree{}, b.errorf(field("decision_type"), "missing type 3 in %d", d)
		}
		if d&catMask != 0 {
			ci := thr[old]
			if ci != math.Trunc(ci) || ci < 0 || ci >= float64(numCat) {
				return tree.Tree{}, b.errorf(field("threshold"), "categorical split %v of %d bitsets", ci, numCat)
			}
			w := words[bounds[int(ci)]:bounds[int(ci)+1]]
			if len(w) == 0 {
				return tree.Tree{}, b.errorf(field("threshold"), "categorical split %v with an empty bitset", ci)
			}
			nd.Flags = tree.Categorical
			nd.CatOffset, nd.CatWords = uint32(len(t.Cats)), uint16((len(w)+1)/2)
			for i := 0; i < len(w); i += 2 {
				v := uint64(w[i])
				if i+1 < len(w) {
					v |= uint64(w[i+1]) << 32
				}
				t.Cats = append(t.Cats, v)
			}
			// NaN goes right under missing type NaN; otherwise LightGBM
			// takes it as code 0.
			if missing != missingNaN && w[0]&1 != 0 {
				nd.Flags |= tree.DefaultLeft
			}
			continue
		}
		th := thr[old]
		if math.IsNaN(th) || math.IsInf(th, -1) {
			return tree.Tree{}, b.errorf(field("threshold"), "%v", th)
		}
		nd.Value = th
		switch missing {
		case missingNone:
			// NaN becomes 0 and compares with the threshold.
			if 0 <= th {
				nd.Flags = tree.DefaultLeft
			}
		case missingZero:
			nd.Flags = tree.ZeroMissing
			if d&defaultLeftMask != 0 {
				nd.Flags |= tree.DefaultLeft
			}
		case missingNaN:
			if d&defaultLeftMask != 0 {
				nd.Flags = tree.DefaultLeft
			}
		}
	}
	return t, nil
}
