package drift_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"

	"github.com/loomml/loom/drift"
)

type Customer struct {
	Age     float64
	Income  *float64
	Segment string
}

func customers(n int, seed uint64, ageShift float64) []Customer {
	r := rand.New(rand.NewPCG(seed, 1))
	out := make([]Customer, n)
	for i := range out {
		inc := 50_000 + 10_000*r.NormFloat64()
		c := Customer{Age: 40 + ageShift + 10*r.NormFloat64(), Income: &inc, Segment: []string{"low", "mid", "high"}[r.IntN(3)]}
		if r.IntN(20) == 0 {
			c.Income = nil
		}
		out[i] = c
	}
	return out
}

var customerColumns = []drift.Column[Customer]{
	drift.Float("age", func(c *Customer) (float64, bool) { return c.Age, true }),
	drift.FloatPtr("income", func(c *Customer) *float64 { return c.Income }),
	drift.String("segment", func(c *Customer) (string, bool) { return c.Segment, true }),
}

// Build a reference profile from training rows, save it with the model,
// and later compare a batch of live rows with it.
func ExampleBuildProfile() {
	ref := drift.BuildProfile(customers(5000, 1, 0), customerColumns, nil)
	saved, _ := json.Marshal(ref) // travels with the model artifact

	var loaded drift.Profile
	if err := json.Unmarshal(saved, &loaded); err != nil {
		panic(err)
	}
	live := drift.BuildProfile(customers(2000, 2, 5), customerColumns, nil)
	rep, err := drift.Compare(&loaded, live, nil)
	if err != nil {
		panic(err)
	}
	for _, c := range rep.Columns {
		fmt.Printf("%-8s %-14s drifted=%v\n", c.Column, c.Method, c.Drifted)
	}
	fmt.Printf("dataset drift: %v (%d of %d columns)\n", rep.DatasetDrift, rep.Drifted, rep.Tested)
	// Output:
	// age      wasserstein    drifted=true
	// income   wasserstein    drifted=false
	// segment  jensenshannon  drifted=false
	// dataset drift: false (1 of 3 columns)
}

// The detectors can be used on their own, on samples or histograms.
func ExampleKS() {
	a := []float64{0.1, 0.4, 0.7, 1.0, 1.3, 1.6}
	b := []float64{1.1, 1.4, 1.7, 2.0, 2.3, 2.6}
	stat, p := drift.KS(a, b)
	fmt.Printf("D = %.4f, p = %.4f\n", stat, p)
	fmt.Printf("PSI = %.4f\n", drift.PSI([]float64{25, 25, 25, 25}, []float64{10, 20, 30, 40}))
	fmt.Printf("JS  = %.4f\n", drift.JensenShannon([]float64{1, 0}, []float64{0, 1}))
	// Output:
	// D = 0.6667, p = 0.1429
	// PSI = 0.2282
	// JS  = 0.8326
}
