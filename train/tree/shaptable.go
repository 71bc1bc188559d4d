package tree

// The per-leaf form of TreeSHAP, used for trees whose leaves have at
// most 64 distinct features on their path (every tree in practice).
//
// For a leaf l of value v, let F be the distinct features on its path
// (d of them), z_j the product of the cover shares of the path's
// children over the splits on feature j, and A ⊆ F the features on
// which a row follows the path at every split (B = F \ A the others).
// The leaf's part of the conditional expectation given the known
// features S is v·Π_{j∈S} 1[j∈A]·Π_{j∈F\S} z_j, whose Shapley values
// are, with w(s) = s!(d−s−1)!/d! and Q(A) = Σ_{S⊆A} w(|S|)·Π_{j∈A\S} z_j,
//
//	φ_i = −v·Z_B·Q(A)                for i ∈ B,
//	φ_i = v·(1−z_i)·Z_B·Q(A \ {i})   for i ∈ A,      Z_B = Π_{j∈B} z_j.
//
// Q(A) = Σ_k w(|A|−k)·e_k(z_A) with e_k the elementary symmetric
// polynomials of the z_j of A, and those of A \ {i} follow from them by
// dividing Π(1 + z_j·t) by (1 + z_i·t), which is stable since z_i ≤ 1.
// One walk of the tree carries A as a bit mask (going down the child the
// row does not take clears the split feature's bit); a leaf then costs
// O(|A|²) arithmetic and no memory beyond its d features and fractions,
// where Algorithm 2 extends and unwinds a path of weights at every node.
// The result is the same (TestTableMatchesAlgorithm2).

// maxLeafFeatures bounds the distinct features of a leaf's path for the
// per-leaf form: the bits of the mask.
const maxLeafFeatures = 64

// tableLeaf is one leaf's data.
type tableLeaf struct {
	feats []int32   // the distinct features of the path, in order of first split
	z     []float64 // their zero fractions
	v     float64
}

// tableTree is the per-leaf form of one tree.
type tableTree struct {
	bit    []uint8 // per split node: the position of its feature on the path
	leaf   []int32 // per leaf node: its index in leaves
	leaves []tableLeaf
}

// newTableTree prepares t, or returns nil when a leaf's path has more
// than maxLeafFeatures distinct features.
func newTableTree(t *Tree, frac []float64) *tableTree {
	tt := &tableTree{bit: make([]uint8, len(t.Nodes)), leaf: make([]int32, len(t.Nodes))}
	if !tt.build(t, frac, 0, nil, nil) {
		return nil
	}
	return tt
}

// build walks the subtree of node i reached with the path's distinct
// features and zero fractions so far; false when a path is too long.
func (tt *tableTree) build(t *Tree, frac []float64, i int32, feats []int32, z []float64) bool {
	n := &t.Nodes[i]
	if n.Feature < 0 {
		tt.leaf[i] = int32(len(tt.leaves))
		tt.leaves = append(tt.leaves, tableLeaf{feats: feats, z: z, v: n.Value})
		return true
	}
	u := len(feats)
	for k, f := range feats {
		if f == n.Feature {
			u = k
			break
		}
	}
	if u == maxLeafFeatures {
		return false
	}
	tt.bit[i] = uint8(u)
	for _, c := range []int32{n.Left, n.Left + 1} {
		cf := append([]int32(nil), feats...)
		cz := append([]float64(nil), z...)
		if u == len(feats) {
			cf, cz = append(cf, n.Feature), append(cz, 1)
		}
		cz[u] *= frac[c]
		if !tt.build(t, frac, c, cf, cz) {
			return false
		}
	}
	return true
}

// shapleyWeights returns w[d][s] = s!(d−s−1)!/d! for d up to n.
func shapleyWeights(n int) [][]float64 {
	w := make([][]float64, n+1)
	for d := 1; d <= n; d++ {
		w[d] = make([]float64, d)
		for s := range d {
			// s!(d−s−1)!/d! = 1 / (d · C(d−1, s))
			c := 1.0
			for k := range s {
				c = c * float64(d-1-k) / float64(k+1)
			}
			w[d][s] = 1 / (float64(d) * c)
		}
	}
	return w
}

// table adds the contributions of the subtree of node i for a row whose
// agreement with the paths so far is mask.
func (s *shapWalk) table(tt *tableTree, i int32, mask uint64) {
	t := s.t
	n := &t.Nodes[i]
	if n.Feature < 0 {
		s.tableLeaf(&tt.leaves[tt.leaf[i]], mask)
		return
	}
	hot := t.child(n, s.row[n.Feature])
	s.table(tt, hot, mask)
	s.table(tt, 2*n.Left+1-hot, mask&^(1<<tt.bit[i]))
}

// tableLeaf adds the contributions of leaf l for a row that agrees with
// its path on the features of mask. The agreement bits select without
// branches (they follow the row, so a branch on them would be
// mispredicted half the time), and the divisions for the features of A
// run side by side, one step of each at a time, so that their chains of
// dependent operations overlap.
func (s *shapWalk) tableLeaf(l *tableLeaf, mask uint64) {
	d := len(l.feats)
	if d == 0 {
		return
	}
	zb := l.v
	za, fa := s.za[:d], s.fa[:d]
	m := 0
	for k, z := range l.z {
		bit := int(mask >> k & 1)
		zb *= z + float64(bit)*(1-z) // z for B, 1 for A
		za[m], fa[m] = z, l.feats[k]
		m += bit
	}
	if zb == 0 {
		return
	}
	za, fa = za[:m], fa[:m]
	// Π(1 + z_j·t) over A
	e := s.e[:m+1]
	e[0] = 1
	for i, z := range za {
		e[i+1] = 0
		for j := i + 1; j > 0; j-- {
			e[j] += z * e[j-1]
		}
	}
	w := s.w[d]
	if m < d {
		q := 0.0
		for k, ek := range e {
			q += w[m-k] * ek
		}
		q *= zb
		for k, f := range l.feats {
			s.phi[f] -= q * float64(mask>>k&1^1)
		}
	}
	if m == 0 {
		return
	}
	// divide by (1 + z_i·t) for each i of A: the polynomials of A \ {i}
	e2, q := s.e2[:m], s.q[:m]
	for i := range e2 {
		e2[i], q[i] = 1, w[m-1]
	}
	for j := 1; j < m; j++ {
		ej, wj := e[j], w[m-1-j]
		for i, z := range za {
			e2[i] = ej - z*e2[i]
			q[i] += wj * e2[i]
		}
	}
	for i, f := range fa {
		s.phi[f] += zb * (1 - za[i]) * q[i]
	}
}
