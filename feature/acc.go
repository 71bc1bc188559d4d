package feature

import (
	"encoding"
	"fmt"
	"math"
	"slices"
	"unicode/utf8"

	"github.com/loomml/loom/internal/sketch"
)

// numAcc holds the mergeable statistics of one numeric transform's input:
// moments (Welford, merged with Chan et al.'s formula), and, when the
// transform needs them, the values themselves (exact quantiles) or their
// counts (most frequent).
type numAcc struct {
	n        int64
	mean, m2 float64
	min, max float64
	values   []float64
	counts   map[float64]int64
	keepVals bool
	sk       *sketch.KLL // approximate quantiles, instead of values
	user     Accumulator // a Learner's statistics
}

// newNumAcc returns an accumulator for o; sketchK > 0 keeps quantile
// statistics in a KLL sketch.
func newNumAcc(o *numOp, sketchK int) *numAcc {
	a := &numAcc{min: math.Inf(1), max: math.Inf(-1), keepVals: o.needsValues()}
	if a.keepVals && sketchK > 0 && o.kind != opYeoJohnson && o.kind != opBoxCox {
		a.keepVals, a.sk = false, sketch.New(sketchK)
	}
	if o.needsCounts() {
		a.counts = make(map[float64]int64)
	}
	if o.kind == opLearn {
		if a.user = o.learner.NewAccumulator(); a.user == nil {
			panic(fmt.Sprintf("feature: NewAccumulator of Learner %q returned nil", o.learner.Kind()))
		}
	}
	return a
}

func (a *numAcc) add(x float64) {
	a.n++
	d := x - a.mean
	a.mean += d / float64(a.n)
	a.m2 += float64(d * (x - a.mean)) // float64(): no fused multiply-add
	if x < a.min {
		a.min = x
	}
	if x > a.max {
		a.max = x
	}
	if a.keepVals {
		a.values = append(a.values, x)
	} else if a.sk != nil {
		a.sk.Add(x)
	}
	if a.counts != nil {
		a.counts[x]++
	}
	if a.user != nil {
		a.user.Add(x)
	}
}

func (a *numAcc) merge(b *numAcc) {
	if b.n == 0 {
		return
	}
	if a.n == 0 {
		a.n, a.mean, a.m2 = b.n, b.mean, b.m2
	} else {
		n := a.n + b.n
		d := b.mean - a.mean
		na, nb, nn := float64(a.n), float64(b.n), float64(n)
		a.mean += float64(d*nb) / nn
		a.m2 += b.m2 + float64(d*d*na*nb)/nn
		a.n = n
	}
	a.min = min(a.min, b.min)
	a.max = max(a.max, b.max)
	if a.keepVals {
		a.values = append(a.values, b.values...)
	} else if a.sk != nil {
		a.sk.Merge(b.sk)
	}
	for v, c := range b.counts {
		a.counts[v] += c
	}
	if a.user != nil {
		a.user.Merge(b.user)
	}
}

// quantile returns the q-quantile (0 <= q <= 1) of sorted values with
// numpy's default linear interpolation, computed as numpy's _lerp.
func quantile(sorted []float64, q float64) float64 {
	n := len(sorted)
	idx := q * float64(n-1)
	lo := int(math.Floor(idx))
	if lo >= n-1 {
		return sorted[n-1]
	}
	if lo < 0 {
		return sorted[0]
	}
	t := idx - float64(lo)
	a, b := sorted[lo], sorted[lo+1]
	d := b - a
	if t >= 0.5 {
		return b - float64(d*(1-t))
	}
	return a + float64(d*t)
}

// median returns the median as numpy.median: the middle value, or the mean
// of the two middle values.
func median(sorted []float64) float64 {
	n := len(sorted)
	if n%2 == 1 {
		return sorted[n/2]
	}
	return (sorted[n/2-1] + sorted[n/2]) / 2
}

// q returns the p-quantile of the values: exact (numpy's linear
// interpolation) or from the sketch.
func (a *numAcc) q(p float64) float64 {
	if a.sk != nil {
		return a.sk.Quantile(p)
	}
	return quantile(a.values, p)
}

// median returns the median: exact (numpy.median) or from the sketch.
func (a *numAcc) median() float64 {
	if a.sk != nil {
		return a.sk.Quantile(0.5)
	}
	return median(a.values)
}

const eps = 2.220446049250313e-16 // float64 machine epsilon

// handleZero returns 1 for a scale too small to divide by, as
// scikit-learn's _handle_zeros_in_scale.
func handleZero(scale float64) float64 {
	if scale < 10*eps {
		return 1
	}
	return scale
}

// fit sets o's state from a; o must be stateful and a.n > 0.
func (o *numOp) fit(a *numAcc) {
	o.n = a.n
	if a.keepVals {
		slices.Sort(a.values)
	}
	switch o.kind {
	case opImpute:
		switch o.strategy {
		case Mean:
			o.a = a.mean
		case Median:
			o.a = a.median()
		case MostFrequent:
			best, bestN := 0.0, int64(-1)
			for v, c := range a.counts {
				if c > bestN || (c == bestN && v < best) {
					best, bestN = v, c
				}
			}
			o.a = best
		}
	case opStandardize:
		v := a.m2 / float64(a.n)
		n := float64(a.n)
		// scikit-learn's _is_constant_feature.
		if v <= float64(n*eps*v)+float64((n*a.mean*eps)*(n*a.mean*eps)) {
			o.a, o.b = a.mean, 1
		} else {
			o.a, o.b = a.mean, math.Sqrt(v)
		}
	case opMinMax:
		scale := (o.hi - o.lo) / handleZero(a.max-a.min)
		o.a, o.b = scale, o.lo-float64(a.min*scale)
	case opRobust:
		q1, q2, q3 := a.q(o.lo/100), a.q(0.5), a.q(o.hi/100)
		o.a, o.b = q2, handleZero(q3-q1)
	case opMaxAbs:
		o.a = handleZero(max(math.Abs(a.min), math.Abs(a.max)))
	case opBins:
		o.edges = binEdges(o.bins, o.uniform, a)
	case opYeoJohnson:
		o.a = yeoJohnsonLambda(a.values)
	case opBoxCox:
		o.a = boxCoxLambda(a.values)
	}
}

// binEdges computes KBinsDiscretizer's edges.
func binEdges(k int, uniform bool, a *numAcc) []float64 {
	if a.min == a.max {
		return []float64{math.Inf(-1), math.Inf(1)}
	}
	edges := make([]float64, k+1)
	if uniform {
		// numpy.linspace(min, max, k+1)
		step := (a.max - a.min) / float64(k)
		for i := range k {
			edges[i] = float64(float64(i)*step) + a.min
		}
		edges[k] = a.max
		return edges
	}
	// numpy.percentile(values, numpy.linspace(0, 100, k+1))
	step := 100 / float64(k)
	for i := range k + 1 {
		p := float64(i) * step
		if i == k {
			p = 100
		}
		edges[i] = a.q(p / 100)
	}
	// drop bins narrower than 1e-8, keeping the first edge
	// (numpy.ediff1d over the original edges).
	out, prev := edges[:1], edges[0]
	for i := 1; i < len(edges); i++ {
		e := edges[i]
		if e-prev > 1e-8 {
			out = append(out, e)
		}
		prev = e
	}
	return out
}

// learn sets a Learner step's fitted transform and its state text from a,
// whose a.n > 0. Errors from the user's Finish and MarshalText are wrapped
// in a *StateError naming the feature.
func (o *numOp) learn(feature string, a *numAcc) error {
	o.n = a.n
	fail := func(reason string, err error) error {
		return &StateError{Feature: feature, Transform: o.name(), Reason: fmt.Sprintf("Learner %q: %s", o.learner.Kind(), reason), Err: err}
	}
	c, err := a.user.Finish()
	if err != nil {
		return fail("Finish", err)
	}
	if c == nil {
		panic(fmt.Sprintf("feature: Finish of Learner %q (feature %q) returned no transform and no error", o.learner.Kind(), feature))
	}
	m, ok := c.(encoding.TextMarshaler)
	if !ok {
		panic(fmt.Sprintf("feature: the transform %T from Finish of Learner %q (feature %q) does not implement encoding.TextMarshaler", c, o.learner.Kind(), feature))
	}
	text, err := m.MarshalText()
	if err != nil {
		return fail("MarshalText of the fitted transform", err)
	}
	if !utf8.Valid(text) {
		return fail("MarshalText of the fitted transform", fmt.Errorf("%w: state is not valid UTF-8", ErrFormat))
	}
	o.custom, o.text = c, string(text)
	return nil
}
