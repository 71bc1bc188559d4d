package tree

// algorithm2 returns the contributions of row x as Algorithm 2 of
// Lundberg, Erion and Lee (2018) computes them: the reference the
// quadrature form is tested against on trees too large for brute force.
// It allocates freely.
func algorithm2(e *Ensemble, x []float64) []float64 {
	p := e.spec.Features
	dst := make([]float64, e.outputs*(p+1))
	for ti := range e.spec.Trees {
		t := &e.spec.Trees[ti]
		mean, _ := t.meanDepth(0)
		dst[t.Class*(p+1)+p] += mean
		w := alg2Walk{t: t, phi: dst[t.Class*(p+1) : t.Class*(p+1)+p], row: x, frac: t.shares()}
		w.node(nil, 0, 1, 1, -1)
	}
	for k := range e.outputs {
		dst[k*(p+1)+p] += e.spec.Base[k]
	}
	return dst
}

// pathElem is one feature on the path from the root, with the fraction
// of the paths where it is unknown (zero) and known (one) that pass, and
// the weight of the subsets of each size (pw).
type pathElem struct {
	feature       int32
	zero, one, pw float64
}

// alg2Walk is the state of Algorithm 2 over one tree for one row.
type alg2Walk struct {
	t        *Tree
	phi, row []float64
	frac     []float64 // each node's share of its parent's cover
}

// node is RECURSE of Algorithm 2 at node i, reached with the parent's
// path and the fractions zero and one of the split on feature.
func (w *alg2Walk) node(parent []pathElem, i int32, zero, one float64, feature int32) {
	path := extend(parent, zero, one, feature)
	n := &w.t.Nodes[i]
	if n.Feature < 0 {
		for j := 1; j < len(path); j++ {
			s := unwoundSum(path, j)
			w.phi[path[j].feature] += s * (path[j].one - path[j].zero) * n.Value
		}
		return
	}
	hot := w.t.child(n, w.row[n.Feature])
	cold := 2*n.Left + 1 - hot
	inZero, inOne := 1.0, 1.0
	for j := 1; j < len(path); j++ {
		if path[j].feature == n.Feature {
			inZero, inOne = path[j].zero, path[j].one
			path = unwind(path, j)
			break
		}
	}
	// a child reached with both fractions 0 adds nothing (and would
	// divide by 0 when unwound)
	if z := w.frac[hot] * inZero; z != 0 || inOne != 0 {
		w.node(path, hot, z, inOne, n.Feature)
	}
	if z := w.frac[cold] * inZero; z != 0 {
		w.node(path, cold, z, 0, n.Feature)
	}
}

// extend returns a copy of path with one more feature (EXTEND).
func extend(path []pathElem, zero, one float64, feature int32) []pathElem {
	l := len(path)
	m := append(append(make([]pathElem, 0, l+1), path...), pathElem{feature: feature, zero: zero, one: one})
	if l == 0 {
		m[0].pw = 1
		return m
	}
	m[l].pw = 0
	for i := l - 1; i >= 0; i-- {
		m[i+1].pw += one * m[i].pw * float64(i+1) / float64(l+1)
		m[i].pw = zero * m[i].pw * float64(l-i) / float64(l+1)
	}
	return m
}

// unwind returns a copy of path without element j (UNWIND).
func unwind(path []pathElem, j int) []pathElem {
	l := len(path) - 1
	m := append([]pathElem(nil), path...)
	one, zero := m[j].one, m[j].zero
	next := m[l].pw
	for i := l - 1; i >= 0; i-- {
		if one != 0 {
			tmp := m[i].pw
			m[i].pw = next * float64(l+1) / (float64(i+1) * one)
			next = tmp - m[i].pw*zero*float64(l-i)/float64(l+1)
		} else {
			m[i].pw = m[i].pw * float64(l+1) / (zero * float64(l-i))
		}
	}
	for i := j; i < l; i++ {
		m[i].feature, m[i].zero, m[i].one = m[i+1].feature, m[i+1].zero, m[i+1].one
	}
	return m[:l]
}

// unwoundSum is the total weight of the path's subsets without element j.
func unwoundSum(path []pathElem, j int) float64 {
	l := len(path) - 1
	one, zero := path[j].one, path[j].zero
	next := path[l].pw
	total := 0.0
	for i := l - 1; i >= 0; i-- {
		if one != 0 {
			tmp := next * float64(l+1) / (float64(i+1) * one)
			total += tmp
			next = path[i].pw - tmp*zero*float64(l-i)/float64(l+1)
		} else {
			total += path[i].pw / zero / (float64(l-i) / float64(l+1))
		}
	}
	return total
}
