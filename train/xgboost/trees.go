package xgboost

import (
	"fmt"
	"math"

	"github.com/loomml/loom/train/tree"
)

// xtree holds the arrays of one XGBoost tree as the file gives them.
type xtree struct {
	left, right, feature []int32
	cond                 []float32 // threshold of a split, value of a leaf
	defaultLeft          []bool
	gain, cover          []float64 // nil when absent
	categorical          []bool    // nil: every split numeric
	cats                 [][]int32 // per node, the categories of a categorical split
}

// readTrees reads the trees of a gbtree model m; weights, when not nil, are
// dart's per-tree weights, folded into the leaf values.
func (b *Booster) readTrees(m *value, mp string, weights *value, outputs int, o Options, catWords int) (tree.Spec, error) {
	var s tree.Spec
	tv, err := need(m, mp, "trees")
	if err != nil {
		return s, err
	}
	tp := at(mp, "trees")
	if err := array(tv, tp, -1); err != nil {
		return s, err
	}
	n := tv.len()
	if nt := m.get("gbtree_model_param"); nt != nil {
		if v := nt.get("num_trees"); v != nil {
			want, err := toInt(v, at(mp, "gbtree_model_param.num_trees"), 0, math.MaxInt32)
			if err != nil {
				return s, err
			}
			if want != n {
				return s, fieldErr(tp, "%d trees, num_trees says %d", n, want)
			}
		}
	}
	info, err := need(m, mp, "tree_info")
	if err != nil {
		return s, err
	}
	class, err := ints(info, at(mp, "tree_info"), n, 0, outputs-1)
	if err != nil {
		return s, err
	}
	var w []float32
	if weights != nil {
		wp := "learner.gradient_booster.weight_drop"
		if err := array(weights, wp, n); err != nil {
			return s, err
		}
		w = make([]float32, n)
		for i := range w {
			f, f32, err := numAt(weights, wp, i)
			if err != nil {
				return s, err
			}
			if math.IsNaN(f) || math.IsInf(f, 0) {
				return s, fieldErr(idx(wp, i), "weight %v", f)
			}
			w[i] = f32
		}
	}
	xts := make([]xtree, n)
	total := 0
	for i := range xts {
		p := idx(tp, i)
		t := tv.elem(i)
		if err := readTree(&t, p, b.features, &xts[i]); err != nil {
			return s, err
		}
		total += len(xts[i].left)
		if total > o.MaxNodes {
			return s, fieldErr(p, "more than %d nodes in all", o.MaxNodes)
		}
	}
	// A categorical bitset covers every category any split on its feature
	// names, so that codes within that range follow XGBoost exactly.
	maxCat := make([]int32, b.features)
	for i := range xts {
		for j, cs := range xts[i].cats {
			for _, c := range cs {
				f := xts[i].feature[j]
				maxCat[f] = max(maxCat[f], c)
			}
		}
	}
	// Each categorical split gets a bitset as wide as its feature's largest
	// category: bound the total, which a small file could make huge.
	words := 0
	for i := range xts {
		for j, cs := range xts[i].cats {
			if cs != nil {
				words += int(maxCat[xts[i].feature[j]])/64 + 1
			}
		}
		if words > catWords {
			return s, fieldErr(idx(tp, i), "categorical splits need more than %d bitset words in all", catWords)
		}
	}
	s.Trees = make([]tree.Tree, n)
	maxDepth := max(1024, 16*o.MaxDepth)
	for i := range xts {
		wi := float32(1)
		if w != nil {
			wi = w[i]
		}
		t, err := xts[i].toLoom(idx(tp, i), wi, maxCat, maxDepth)
		if err != nil {
			return s, err
		}
		t.Class = int(class[i])
		s.Trees[i] = t
	}
	return s, nil
}

// readTree reads the arrays of one tree.
func readTree(t *value, p string, features int, x *xtree) error {
	if t.kind != kObj {
		return fieldErr(p, "want an object, got a %v", t.kind)
	}
	lv, err := need(t, p, "left_children")
	if err != nil {
		return err
	}
	if err := array(lv, at(p, "left_children"), -1); err != nil {
		return err
	}
	n := lv.len()
	if n == 0 {
		return fieldErr(at(p, "left_children"), "a tree without nodes")
	}
	if x.left, err = ints(lv, at(p, "left_children"), n, -1, n-1); err != nil {
		return err
	}
	arr := func(key string) (*value, error) {
		v, err := need(t, p, key)
		if err != nil {
			return nil, err
		}
		return v, array(v, at(p, key), n)
	}
	rv, err := arr("right_children")
	if err != nil {
		return err
	}
	if x.right, err = ints(rv, at(p, "right_children"), n, -1, n-1); err != nil {
		return err
	}
	fv, err := arr("split_indices")
	if err != nil {
		return err
	}
	if x.feature, err = ints(fv, at(p, "split_indices"), n, 0, math.MaxInt32); err != nil {
		return err
	}
	cv, err := arr("split_conditions")
	if err != nil {
		return err
	}
	x.cond = make([]float32, n)
	for i := range x.cond {
		if _, x.cond[i], err = numAt(cv, at(p, "split_conditions"), i); err != nil {
			return err
		}
	}
	dv, err := arr("default_left")
	if err != nil {
		return err
	}
	dl, err := ints(dv, at(p, "default_left"), n, 0, 1)
	if err != nil {
		return err
	}
	x.defaultLeft = make([]bool, n)
	for i, d := range dl {
		x.defaultLeft[i] = d == 1
	}
	floats := func(key string) ([]float64, error) {
		v := t.get(key)
		if v == nil {
			return nil, nil
		}
		if err := array(v, at(p, key), n); err != nil {
			return nil, err
		}
		out := make([]float64, n)
		for i := range out {
			_, f32, err := numAt(v, at(p, key), i)
			if err != nil {
				return nil, err
			}
			out[i] = float64(f32)
		}
		return out, nil
	}
	if x.gain, err = floats("loss_changes"); err != nil {
		return err
	}
	if x.cover, err = floats("sum_hessian"); err != nil {
		return err
	}
	for i := range n {
		if x.left[i] < 0 {
			continue
		}
		if int(x.feature[i]) >= features {
			return fieldErr(idx(at(p, "split_indices"), i), "feature %d of %d", x.feature[i], features)
		}
	}
	return readCategories(t, p, x)
}

// readCategories reads the categorical splits: split_type marks them, and
// categories_nodes, categories_segments and categories_sizes locate each
// one's categories in categories.
func readCategories(t *value, p string, x *xtree) error {
	n := len(x.left)
	st := t.get("split_type")
	if st == nil {
		return nil
	}
	types, err := ints(st, at(p, "split_type"), n, 0, 1)
	if err != nil {
		return err
	}
	x.categorical = make([]bool, n)
	any := false
	for i, ty := range types {
		x.categorical[i] = ty == 1 && x.left[i] >= 0
		any = any || x.categorical[i]
	}
	if !any {
		return nil
	}
	get := func(key string) (*value, error) {
		v, err := need(t, p, key)
		if err != nil {
			return nil, err
		}
		return v, array(v, at(p, key), -1)
	}
	cv, err := get("categories")
	if err != nil {
		return err
	}
	cats, err := ints(cv, at(p, "categories"), -1, 0, maxCategory-1)
	if err != nil {
		return err
	}
	nv, err := get("categories_nodes")
	if err != nil {
		return err
	}
	nodes, err := ints(nv, at(p, "categories_nodes"), -1, 0, n-1)
	if err != nil {
		return err
	}
	sv, err := get("categories_segments")
	if err != nil {
		return err
	}
	segs, err := ints(sv, at(p, "categories_segments"), len(nodes), 0, len(cats))
	if err != nil {
		return err
	}
	zv, err := get("categories_sizes")
	if err != nil {
		return err
	}
	sizes, err := ints(zv, at(p, "categories_sizes"), len(nodes), 0, len(cats))
	if err != nil {
		return err
	}
	x.cats = make([][]int32, n)
	for k, nd := range nodes {
		if int(segs[k])+int(sizes[k]) > len(cats) {
			return fieldErr(idx(at(p, "categories_sizes"), k), "segment [%d, %d+%d) outside %d categories", segs[k], segs[k], sizes[k], len(cats))
		}
		if !x.categorical[nd] {
			return fieldErr(idx(at(p, "categories_nodes"), k), "node %d is not a categorical split", nd)
		}
		x.cats[nd] = cats[segs[k] : segs[k]+sizes[k]]
	}
	for i, c := range x.categorical {
		if c && x.cats[i] == nil {
			return fieldErr(idx(at(p, "split_type"), i), "categorical split without categories")
		}
	}
	return nil
}

// toLoom renumbers the tree so that the children of each node are
// adjacent and after it (breadth first), and converts each node: a numeric
// split's threshold to Loom's x <= v (leftBound); a categorical split with
// its children swapped, since XGBoost sends the categories of the set
// right and Loom sends the codes of the bitset left; a leaf's value
// times dart's weight w, rounded to float32 as XGBoost multiplies.
func (x *xtree) toLoom(p string, w float32, maxCat []int32, maxDepth int) (tree.Tree, error) {
	n := len(x.left)
	newIdx := make([]int32, n)
	depth := make([]int32, n)
	for i := range newIdx {
		newIdx[i] = -1
	}
	order := make([]int32, 1, n)
	newIdx[0] = 0
	for k := 0; k < len(order); k++ {
		old := order[k]
		l, r := x.left[old], x.right[old]
		if l < 0 {
			if r >= 0 {
				return tree.Tree{}, fieldErr(idx(at(p, "right_children"), int(old)), "a leaf (left child -1) with right child %d", r)
			}
			continue
		}
		if r < 0 || l == r {
			return tree.Tree{}, fieldErr(idx(at(p, "right_children"), int(old)), "split with children %d and %d", l, r)
		}
		if newIdx[l] >= 0 || newIdx[r] >= 0 {
			return tree.Tree{}, fieldErr(idx(at(p, "left_children"), int(old)), "node %d or %d reached twice (a cycle or a shared child)", l, r)
		}
		if int(depth[old]) >= maxDepth {
			return tree.Tree{}, fieldErr(idx(at(p, "left_children"), int(old)), "tree deeper than %d", maxDepth)
		}
		first, second := l, r
		if x.categorical != nil && x.categorical[old] {
			first, second = r, l
		}
		newIdx[first] = int32(len(order))
		order = append(order, first)
		newIdx[second] = int32(len(order))
		order = append(order, second)
		depth[first], depth[second] = depth[old]+1, depth[old]+1
	}
	t := tree.Tree{Nodes: make([]tree.Node, len(order))}
	if x.gain != nil {
		t.Gain = make([]float64, len(order))
	}
	if x.cover != nil {
		t.Cover = make([]float64, len(order))
	}
	for k, old := range order {
		nd := &t.Nodes[k]
		if x.cover != nil {
			if c := x.cover[old]; !(c >= 0 && c < math.Inf(1)) {
				return tree.Tree{}, fieldErr(idx(at(p, "sum_hessian"), int(old)), "cover %v", c)
			}
			t.Cover[k] = x.cover[old]
		}
		if x.left[old] < 0 {
			v := float32(float64(w) * float64(x.cond[old]))
			if v != v || math.IsInf(float64(v), 0) {
				return tree.Tree{}, fieldErr(idx(at(p, "split_conditions"), int(old)), "leaf value %v", x.cond[old])
			}
			*nd = tree.Node{Feature: -1, Value: float64(v)}
			continue
		}
		if x.gain != nil {
			g := x.gain[old]
			if math.IsNaN(g) || math.IsInf(g, 0) {
				return tree.Tree{}, fieldErr(idx(at(p, "loss_changes"), int(old)), "gain %v", g)
			}
			t.Gain[k] = g
		}
		nd.Feature = x.feature[old]
		nd.Left = newIdx[x.left[old]]
		if x.categorical != nil && x.categorical[old] {
			nd.Left = newIdx[x.right[old]]
			words := int(maxCat[nd.Feature])/64 + 1
			nd.CatOffset, nd.CatWords = uint32(len(t.Cats)), uint16(words)
			set := make([]uint64, words)
			for _, c := range x.cats[old] {
				set[c/64] |= 1 << (c % 64)
			}
			t.Cats = append(t.Cats, set...)
			nd.Flags = tree.Categorical
			if !x.defaultLeft[old] {
				nd.Flags |= tree.DefaultLeft // missing goes to XGBoost's right child, Loom's left
			}
			continue
		}
		v, ok := leftBound(x.cond[old])
		if !ok {
			return tree.Tree{}, fieldErr(idx(at(p, "split_conditions"), int(old)), "threshold %v", x.cond[old])
		}
		nd.Value = v
		if x.defaultLeft[old] {
			nd.Flags = tree.DefaultLeft
		}
	}
	if len(t.Cats) > 0 && len(t.Cats) > math.MaxUint32 {
		return tree.Tree{}, fmt.Errorf("xgboost: %s: too many category words", p)
	}
	return t, nil
}
