package train

import (
	"fmt"
	"math"
	"slices"
)

type dimKind uint8

const (
	dimValues dimKind = iota
	dimChoices
	dimUniform
	dimLogUniform
	dimIntRange
)

// Dim is one dimension of a parameter Space: a named hyperparameter and
// the values it may take. Make one with Values, Choices, Uniform,
// LogUniform or IntRange.
type Dim struct {
	name   string
	kind   dimKind
	nums   []float64
	strs   []string
	lo, hi float64
}

// Name returns the name of the hyperparameter.
func (d Dim) Name() string { return d.name }

func checkName(name string) {
	if name == "" {
		panic("train: parameter name must not be empty")
	}
}

// Values is a dimension taking one of the given numbers. It panics when
// none is given.
func Values(name string, v ...float64) Dim {
	checkName(name)
	if len(v) == 0 {
		panic(fmt.Sprintf("train: parameter %q needs at least one value, got none", name))
	}
	return Dim{name: name, kind: dimValues, nums: slices.Clone(v)}
}

// Choices is a categorical dimension taking one of the given non-empty
// strings. It panics when none is given or one is empty.
func Choices(name string, v ...string) Dim {
	checkName(name)
	if len(v) == 0 || slices.Contains(v, "") {
		panic(fmt.Sprintf("train: parameter %q needs non-empty choices, got %q", name, v))
	}
	return Dim{name: name, kind: dimChoices, strs: slices.Clone(v)}
}

// Uniform is a continuous dimension uniform on [lo, hi), for random
// search. It panics unless lo < hi.
func Uniform(name string, lo, hi float64) Dim {
	checkName(name)
	if !(lo < hi) || math.IsInf(lo, 0) || math.IsInf(hi, 0) {
		panic(fmt.Sprintf("train: parameter %q needs finite lo < hi, got [%v, %v)", name, lo, hi))
	}
	return Dim{name: name, kind: dimUniform, lo: lo, hi: hi}
}

// LogUniform is a continuous dimension whose logarithm is uniform: right
// for scales such as C or alpha. It panics unless 0 < lo < hi.
func LogUniform(name string, lo, hi float64) Dim {
	checkName(name)
	if !(lo > 0 && lo < hi) || math.IsInf(hi, 0) {
		panic(fmt.Sprintf("train: parameter %q needs 0 < lo < hi, got [%v, %v)", name, lo, hi))
	}
	return Dim{name: name, kind: dimLogUniform, lo: lo, hi: hi}
}

// IntRange is a dimension taking the integers lo..hi, both included. It
// panics unless lo <= hi.
func IntRange(name string, lo, hi int) Dim {
	checkName(name)
	if lo > hi {
		panic(fmt.Sprintf("train: parameter %q needs lo <= hi, got %d..%d", name, lo, hi))
	}
	return Dim{name: name, kind: dimIntRange, lo: float64(lo), hi: float64(hi)}
}

// points returns every value of a discrete dimension.
func (d Dim) points() []Param {
	switch d.kind {
	case dimValues:
		out := make([]Param, len(d.nums))
		for i, v := range d.nums {
			out[i] = Param{Name: d.name, Num: v}
		}
		return out
	case dimChoices:
		out := make([]Param, len(d.strs))
		for i, v := range d.strs {
			out[i] = Param{Name: d.name, Str: v}
		}
		return out
	case dimIntRange:
		var out []Param
		for v := d.lo; v <= d.hi; v++ {
			out = append(out, Param{Name: d.name, Num: v})
		}
		return out
	}
	panic(fmt.Sprintf("train: parameter %q is continuous and has no grid; use Values or RandomSearch", d.name))
}

// sample draws one value.
func (d Dim) sample(r interface {
	Float64() float64
	IntN(int) int
}) Param {
	switch d.kind {
	case dimValues:
		return Param{Name: d.name, Num: d.nums[r.IntN(len(d.nums))]}
	case dimChoices:
		return Param{Name: d.name, Str: d.strs[r.IntN(len(d.strs))]}
	case dimUniform:
		return Param{Name: d.name, Num: d.lo + r.Float64()*(d.hi-d.lo)}
	case dimLogUniform:
		return Param{Name: d.name, Num: math.Exp(math.Log(d.lo) + r.Float64()*(math.Log(d.hi)-math.Log(d.lo)))}
	default:
		return Param{Name: d.name, Num: d.lo + float64(r.IntN(int(d.hi-d.lo)+1))}
	}
}

// Space is a typed hyperparameter space: one Dim per parameter, names
// distinct.
type Space []Dim

func (s Space) check() {
	seen := map[string]bool{}
	for _, d := range s {
		if d.name == "" {
			panic("train: Space has a zero Dim; make dimensions with Values, Choices, Uniform, LogUniform or IntRange")
		}
		if seen[d.name] {
			panic(fmt.Sprintf("train: Space names parameter %q twice", d.name))
		}
		seen[d.name] = true
	}
}

// Grid returns every combination of the space's values, the last
// dimension varying fastest. It panics on a continuous dimension.
func (s Space) Grid() []Params {
	s.check()
	out := []Params{{}}
	for _, d := range s {
		pts := d.points()
		next := make([]Params, 0, len(out)*len(pts))
		for _, p := range out {
			for _, q := range pts {
				next = append(next, append(slices.Clone(p), q))
			}
		}
		out = next
	}
	for i := range out {
		out[i] = sortedParams(out[i])
	}
	return out
}

// Sample returns n points drawn independently from the space with the
// seed; the same seed gives the same points.
func (s Space) Sample(n int, seed uint64) []Params {
	s.check()
	if n < 0 {
		panic(fmt.Sprintf("train: sample size must be non-negative, got %d", n))
	}
	r := newRand(seed)
	out := make([]Params, n)
	for i := range out {
		p := make(Params, len(s))
		for j, d := range s {
			p[j] = d.sample(r)
		}
		out[i] = sortedParams(p)
	}
	return out
}
