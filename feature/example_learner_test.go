package feature_test

import (
	"context"
	"fmt"
	"math"
	"strconv"

	"github.com/loomml/loom/feature"
)

// ScaleToMax is a user-defined Learner: it divides by the largest value
// seen in training. The value itself is the definition; its Accumulator
// learns the maximum, mergeable over shards.
type ScaleToMax struct{}

// Kind names the transform in encoded state.
func (ScaleToMax) Kind() string { return "scale_to_max" }

// Apply is never called on the definition, only on the fitted DivideBy.
func (ScaleToMax) Apply(x float64) float64 { return math.NaN() }

// NewAccumulator starts an empty maximum.
func (ScaleToMax) NewAccumulator() feature.Accumulator { return &MaxAcc{Max: math.Inf(-1)} }

// Restore rebuilds the fitted transform from its MarshalText.
func (ScaleToMax) Restore(state []byte) (feature.Custom, error) {
	m, err := strconv.ParseFloat(string(state), 64)
	if err != nil || !(m > 0) || math.IsInf(m, 0) {
		return nil, fmt.Errorf("scale_to_max: state %q is not a positive number", state)
	}
	return DivideBy(m), nil
}

// MaxAcc accumulates the largest training value.
type MaxAcc struct{ Max float64 }

// Add takes one training value.
func (a *MaxAcc) Add(x float64) { a.Max = max(a.Max, x) }

// Merge takes the maximum of another shard.
func (a *MaxAcc) Merge(other feature.Accumulator) { a.Max = max(a.Max, other.(*MaxAcc).Max) }

// Finish returns the fitted transform.
func (a *MaxAcc) Finish() (feature.Custom, error) {
	if !(a.Max > 0) {
		return nil, fmt.Errorf("largest training value %v, want > 0", a.Max)
	}
	return DivideBy(a.Max), nil
}

// DivideBy is the fitted ScaleToMax: its text is its state.
type DivideBy float64

// Kind names the fitted transform.
func (d DivideBy) Kind() string { return "divide_by" }

// Apply divides by the learnt maximum.
func (d DivideBy) Apply(x float64) float64 { return x / float64(d) }

// MarshalText writes the learnt maximum exactly.
func (d DivideBy) MarshalText() ([]byte, error) {
	return strconv.AppendFloat(nil, float64(d), 'g', -1, 64), nil
}

// A user-defined transform that learns its state in Fit: fit, compute a
// vector, save the state and load it into the same definitions.
func ExampleLearner() {
	ctx := context.Background()
	set := func() *feature.Set[Customer] {
		return feature.NewSet[Customer](nil).
			Num("age", func(c *Customer) float64 { return c.Age }, feature.Transform(ScaleToMax{}))
	}
	fitted, err := set().Fit(ctx, customers()) // ages 25 to 55
	if err != nil {
		panic(err)
	}
	fmt.Println(fitted.Vector(&Customer{Age: 44}, nil))

	saved, err := fitted.MarshalJSON()
	if err != nil {
		panic(err)
	}
	fmt.Println(string(saved))
	loaded, err := set().Decode(saved) // runs ScaleToMax.Restore("55")
	if err != nil {
		panic(err)
	}
	fmt.Println(loaded.Vector(&Customer{Age: 44}, nil), loaded.Fingerprint() == fitted.Fingerprint())

	// An error from Finish names the feature.
	_, err = set().Fit(ctx, []Customer{{Age: 0}})
	fmt.Println(err)
	// Output:
	// [0.8]
	// {"format":"loom.feature","version":1,"width":1,"names":["age"],"features":[{"name":"age","type":"numeric","transforms":[{"kind":"custom_fitted","config":{"name":"scale_to_max"},"fitted":"55","n":4}]}]}
	// [0.8] true
	// feature "age": custom_fitted: Learner "scale_to_max": Finish: largest training value 0, want > 0
}
