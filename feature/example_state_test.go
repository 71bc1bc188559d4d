package feature_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/loomml/loom/feature"
)

// Save the fitted state as JSON and load it into the same definitions, for
// example in the serving process.
func ExampleSet_Decode() {
	ctx := context.Background()
	fitted, err := customerFeatures().Fit(ctx, customers())
	if err != nil {
		panic(err)
	}
	saved, err := fitted.MarshalJSON()
	if err != nil {
		panic(err)
	}

	loaded, err := customerFeatures().Decode(saved) // same Go definitions
	if err != nil {
		panic(err)
	}
	fmt.Println("same state:", loaded.Fingerprint() == fitted.Fingerprint())

	// A different definition is refused with a reason.
	other := feature.NewSet[Customer](nil).Num("age", func(c *Customer) float64 { return c.Age }, feature.Robust())
	_, err = other.Decode(saved)
	fmt.Println(errors.Is(err, feature.ErrMismatch))
	// Output:
	// same state: true
	// true
}

// Transform reports values that have no defined output, saying where.
func ExampleFitted_Transform() {
	ctx := context.Background()
	set := feature.NewSet[Customer](nil).
		Num("age", func(c *Customer) float64 { return c.Age }, feature.Standardize()).
		Cat("segment", func(c *Customer) string { return c.Segment }, feature.OneHot(feature.OneHotOptions{}))
	fitted, err := set.Fit(ctx, customers())
	if err != nil {
		panic(err)
	}
	_, err = fitted.Transform(&Customer{Age: 30, Segment: "vip"}, nil)
	fmt.Println(err)
	fmt.Println(errors.Is(err, feature.ErrUnknownCategory))
	// Output:
	// feature "segment": value "vip": feature: unknown category
	// true
}

// Fit over shards that are processed apart and merged: the statistics of
// every pass are mergeable.
func ExampleFitting() {
	set := customerFeatures()
	rows := customers()
	shards := [][]Customer{rows[:1], rows[1:3], rows[3:]}

	fz := set.Begin()
	for !fz.Done() {
		total := fz.NewPass()
		for _, shard := range shards {
			p := fz.NewPass() // on the shard's worker
			for i := range shard {
				if err := p.Add(&shard[i]); err != nil {
					panic(err)
				}
			}
			total.Merge(p)
		}
		if err := fz.Apply(total); err != nil {
			panic(err)
		}
	}
	sharded := fz.Result()
	whole, _ := set.Fit(context.Background(), rows)
	fmt.Println("passes:", fz.Passes())
	fmt.Println("same names:", fmt.Sprint(sharded.Names()) == fmt.Sprint(whole.Names()))
	// Output:
	// passes: 2
	// same names: true
}

// Compare training and live statistics of the output columns.
func ExampleStats() {
	ctx := context.Background()
	rows := customers()
	fitted, err := customerFeatures().Fit(ctx, rows)
	if err != nil {
		panic(err)
	}
	m, err := fitted.Matrix(ctx, rows)
	if err != nil {
		panic(err)
	}
	train := fitted.NewStats()
	train.AddMatrix(m)

	live := fitted.NewStats()
	for _, c := range []Customer{{Age: 70, Segment: "low"}, {Age: 80, Segment: "low"}} {
		live.Add(fitted.Vector(&c, nil))
	}
	tc, lc := train.Columns()[0], live.Columns()[0]
	fmt.Printf("%s: train mean %.2f std %.2f, live mean %.2f\n", tc.Name, tc.Mean, tc.Std, lc.Mean)
	// Output:
	// age: train mean 0.00 std 1.00, live mean 3.13
}

// CheckParity proves that the serving, checked and training paths (and the
// encoded state) give the same bits.
func ExampleCheckParity() {
	ctx := context.Background()
	set := customerFeatures()
	fitted, err := set.Fit(ctx, customers())
	if err != nil {
		panic(err)
	}
	fmt.Println(feature.CheckParity(ctx, set, fitted, customers()))
	// Output:
	// <nil>
}
