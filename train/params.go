package train

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Param is one named hyperparameter value: a number, or a string when Str
// is set (a categorical choice such as a class-weight mode).
type Param struct {
	Name string  `json:"name"`
	Num  float64 `json:"num,omitempty"`
	Str  string  `json:"str,omitempty"`
}

// String formats p as name=value.
func (p Param) String() string {
	if p.Str != "" {
		return p.Name + "=" + p.Str
	}
	return p.Name + "=" + strconv.FormatFloat(p.Num, 'g', -1, 64)
}

// Params is one point of a parameter space, sorted by name. Builders read
// it with Float, Int and Str; a missing name is a programmer mistake and
// panics.
type Params []Param

// String formats p as space-separated name=value pairs.
func (p Params) String() string {
	s := make([]string, len(p))
	for i, q := range p {
		s[i] = q.String()
	}
	return strings.Join(s, " ")
}

func (p Params) find(name string) Param {
	i, ok := slices.BinarySearchFunc(p, name, func(q Param, n string) int { return strings.Compare(q.Name, n) })
	if !ok {
		panic(fmt.Sprintf("train: no parameter named %q in {%v}", name, p))
	}
	return p[i]
}

// Float returns the numeric parameter name.
func (p Params) Float(name string) float64 { return p.find(name).Num }

// Int returns the numeric parameter name rounded to an int.
func (p Params) Int(name string) int {
	v := p.find(name).Num
	if v < 0 {
		return int(v - 0.5)
	}
	return int(v + 0.5)
}

// Str returns the categorical parameter name.
func (p Params) Str(name string) string { return p.find(name).Str }

// Has reports whether p holds a parameter called name.
func (p Params) Has(name string) bool {
	_, ok := slices.BinarySearchFunc(p, name, func(q Param, n string) int { return strings.Compare(q.Name, n) })
	return ok
}

// sorted returns p sorted by name, panicking on a duplicate name.
func sortedParams(p Params) Params {
	p = slices.Clone(p)
	slices.SortStableFunc(p, func(a, b Param) int { return strings.Compare(a.Name, b.Name) })
	for i := 1; i < len(p); i++ {
		if p[i].Name == p[i-1].Name {
			panic(fmt.Sprintf("train: duplicate parameter name %q", p[i].Name))
		}
	}
	return p
}

// Parameterized is the optional interface of a Trainer that reports its
// hyperparameters, for experiment records.
type Parameterized interface {
	Params() Params
}
