package gbdt

import (
	"math"
	"slices"
	"sort"

	"github.com/loomml/loom/internal/fastmath"
	"github.com/loomml/loom/train/tree"
)

// Loss names a regression loss of Regressor.
type Loss uint8

// Regression losses, scikit-learn's loss parameter.
const (
	// SquaredError is scikit-learn's "squared_error" (the default).
	SquaredError Loss = iota
	// AbsoluteError is "absolute_error": leaves hold the median residual.
	AbsoluteError
	// Poisson is "poisson", for non-negative targets: a log link.
	Poisson
)

var lossNames = [...]string{"squared_error", "absolute_error", "poisson"}

// String returns scikit-learn's name of the loss.
func (l Loss) String() string {
	if int(l) < len(lossNames) {
		return lossNames[l]
	}
	return "Loss(?)"
}

// objective is a loss being boosted: K outputs per row (K > 1 only for
// multinomial), gradients and hessians from raw margins.
type objective interface {
	outputs() int
	link() tree.Link
	// baseline returns the starting margins: the best constant.
	baseline(y, w []float64) []float64
	// gradients writes the gradient and hessian of rows [lo, hi) of
	// output k (gh[k*n+i] for row i) from the raw margins (row-major,
	// outputs per row), multiplied by the sample weights w (nil for 1).
	gradients(gh []gradPair, raw, y, w []float64, lo, hi, n int)
	// constHessian reports a hessian of 1 for every row (without weights).
	constHessian() bool
	// loss returns the sum of the pointwise losses of rows [lo, hi), times
	// their weights.
	loss(raw, y, w []float64, lo, hi int) float64
}

func weight(w []float64, i int) float64 {
	if w == nil {
		return 1
	}
	return w[i]
}

func weightedMean(y, w []float64) float64 {
	s, t := 0.0, 0.0
	for i, v := range y {
		s += weight(w, i) * v
		t += weight(w, i)
	}
	return s / t
}

type squared struct{}

func (squared) outputs() int                      { return 1 }
func (squared) link() tree.Link                   { return tree.Identity }
func (squared) constHessian() bool                { return true }
func (squared) baseline(y, w []float64) []float64 { return []float64{weightedMean(y, w)} }
func (squared) gradients(gh []gradPair, raw, y, w []float64, lo, hi, _ int) {
	gh, raw, y = gh[lo:hi], raw[lo:hi], y[lo:hi]
	if w == nil {
		for i, r := range raw {
			gh[i] = gradPair{float32(r - y[i]), 1}
		}
		return
	}
	w = w[lo:hi]
	for i, r := range raw {
		gh[i] = gradPair{float32(w[i] * (r - y[i])), float32(w[i])}
	}
}
func (squared) loss(raw, y, w []float64, lo, hi int) float64 {
	s := 0.0
	for i := lo; i < hi; i++ {
		d := raw[i] - y[i]
		s += weight(w, i) * 0.5 * d * d
	}
	return s
}

type absolute struct{}

func (absolute) outputs() int       { return 1 }
func (absolute) link() tree.Link    { return tree.Identity }
func (absolute) constHessian() bool { return true }
func (absolute) baseline(y, w []float64) []float64 {
	return []float64{weightedMedian(slices.Clone(y), w)}
}
func (absolute) gradients(gh []gradPair, raw, y, w []float64, lo, hi, _ int) {
	for i := lo; i < hi; i++ {
		s := float32(1)
		if raw[i] <= y[i] {
			s = -1
		}
		if w == nil {
			gh[i] = gradPair{s, 1}
		} else {
			gh[i] = gradPair{s * float32(w[i]), float32(w[i])}
		}
	}
}
func (absolute) loss(raw, y, w []float64, lo, hi int) float64 {
	s := 0.0
	for i := lo; i < hi; i++ {
		s += weight(w, i) * math.Abs(raw[i]-y[i])
	}
	return s
}

// weightedMedian returns the median of v (which it reorders): numpy's
// median without weights, scikit-learn's _weighted_percentile(50) with.
func weightedMedian(v, w []float64) float64 {
	if w == nil {
		slices.Sort(v)
		n := len(v)
		if n%2 == 1 {
			return v[n/2]
		}
		return v[n/2-1] + (v[n/2]-v[n/2-1])*0.5
	}
	idx := make([]int, len(v))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return v[idx[a]] < v[idx[b]] })
	total := 0.0
	for _, x := range w {
		total += x
	}
	half, cum := 0.5*total, 0.0
	for _, i := range idx {
		cum += w[i]
		if cum >= half {
			return v[i]
		}
	}
	return v[idx[len(idx)-1]]
}

type poisson struct{}

func (poisson) outputs() int       { return 1 }
func (poisson) link() tree.Link    { return tree.Exp }
func (poisson) constHessian() bool { return false }
func (poisson) baseline(y, w []float64) []float64 {
	return []float64{math.Log(weightedMean(y, w))}
}
func (poisson) gradients(gh []gradPair, raw, y, w []float64, lo, hi, _ int) {
	for i := lo; i < hi; i++ {
		e := math.Exp(raw[i])
		wi := weight(w, i)
		gh[i] = gradPair{float32(wi * (e - y[i])), float32(wi * e)}
	}
}
func (poisson) loss(raw, y, w []float64, lo, hi int) float64 {
	s := 0.0
	for i := lo; i < hi; i++ {
		s += weight(w, i) * (math.Exp(raw[i]) - y[i]*raw[i])
	}
	return s
}

// binary is the binary log loss; y holds 0 or 1.
type binary struct{}

func (binary) outputs() int       { return 1 }
func (binary) link() tree.Link    { return tree.Logistic }
func (binary) constHessian() bool { return false }
func (binary) baseline(y, w []float64) []float64 {
	p := min(max(weightedMean(y, w), eps), 1-eps)
	return []float64{math.Log(p / (1 - p))}
}

// eps is the float64 machine epsilon, scikit-learn's clipping of the
// baseline probabilities.
const eps = 2.220446049250313e-16

// expChunk is the number of rows whose exponentials binary.gradients
// computes in one loop.
const expChunk = 256

// gradients computes p = expit(raw) as tree.Expit does, 1/(1+e^-z) for
// z >= 0 and e^z/(1+e^z) below, with fastmath.ExpNegAbs's exponentials of
// -|z|, a chunk of rows at a time; with AVX2, the gradient pairs four rows
// at a time (binaryGH), the same bits as binaryGHGo.
func (binary) gradients(gh []gradPair, raw, y, w []float64, lo, hi, _ int) {
	var e [expChunk]float64
	for c := lo; c < hi; c += expChunk {
		z := raw[c:min(c+expChunk, hi)]
		ez, yc, ghc := e[:len(z)], y[c:c+len(z)], gh[c:c+len(z)]
		var wc []float64
		if w != nil {
			wc = w[c : c+len(z)]
		}
		fastmath.ExpNegAbs(ez, z)
		v := 0 // rows done by the assembly
		if useAVX2 {
			v = len(z) &^ 3
		}
		if v > 0 {
			var wp *float64
			if wc != nil {
				wp = &wc[0]
			}
			binaryGH(&ghc[0], &z[0], &ez[0], &yc[0], wp, v)
		}
		if wc != nil {
			wc = wc[v:]
		}
		binaryGHGo(ghc[v:], z[v:], ez[v:], yc[v:], wc)
	}
}

// binaryGHGo writes the gradient pairs of the rows of z, their e =
// e^-|z|, labels y and weights w (nil for 1).
func binaryGHGo(gh []gradPair, z, e, y, w []float64) {
	for i, v := range z {
		// p = 1/(1+e^-z) for z >= 0 and e^z/(1+e^z) below: the
		// numerator chosen by the sign bit, without a branch (z = -0
		// gives 1/2 either way).
		num := [2]float64{1, e[i]}[math.Float64bits(v)>>63]
		p := num / (1 + e[i])
		wi := weight(w, i)
		gh[i] = gradPair{float32(wi * (p - y[i])), float32(wi * p * (1 - p))}
	}
}
func (binary) loss(raw, y, w []float64, lo, hi int) float64 {
	s := 0.0
	for i := lo; i < hi; i++ {
		z := raw[i]
		// log(1+exp(z)) - y·z, stably.
		var l float64
		if z > 0 {
			l = z + math.Log1p(math.Exp(-z))
		} else {
			l = math.Log1p(math.Exp(z))
		}
		s += weight(w, i) * (l - y[i]*z)
	}
	return s
}

// multinomial is the multinomial log loss over k classes; y holds class
// indices.
type multinomial struct{ k int }

func (m multinomial) outputs() int     { return m.k }
func (multinomial) link() tree.Link    { return tree.Softmax }
func (multinomial) constHessian() bool { return false }
func (m multinomial) baseline(y, w []float64) []float64 {
	out := make([]float64, m.k)
	total := 0.0
	for i, c := range y {
		out[int(c)] += weight(w, i)
		total += weight(w, i)
	}
	mean := 0.0
	for k := range out {
		out[k] = math.Log(min(max(out[k]/total, eps), 1-eps))
		mean += out[k]
	}
	mean /= float64(m.k)
	for k := range out {
		out[k] -= mean
	}
	return out
}
func (m multinomial) gradients(gh []gradPair, raw, y, w []float64, lo, hi, n int) {
	var buf [16]float64
	p := buf[:0]
	if m.k > len(buf) {
		p = make([]float64, m.k)
	}
	p = p[:m.k]
	for i := lo; i < hi; i++ {
		copy(p, raw[i*m.k:(i+1)*m.k])
		tree.SoftmaxInPlace(p)
		wi := weight(w, i)
		for k := range m.k {
			t := 0.0
			if int(y[i]) == k {
				t = 1
			}
			gh[k*n+i] = gradPair{float32(wi * (p[k] - t)), float32(wi * p[k] * (1 - p[k]))}
		}
	}
}
func (m multinomial) loss(raw, y, w []float64, lo, hi int) float64 {
	s := 0.0
	for i := lo; i < hi; i++ {
		z := raw[i*m.k : (i+1)*m.k]
		zmax := slices.Max(z)
		sum := 0.0
		for _, v := range z {
			sum += math.Exp(v - zmax)
		}
		s += weight(w, i) * (zmax + math.Log(sum) - z[int(y[i])])
	}
	return s
}
