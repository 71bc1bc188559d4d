package feature_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"

	"github.com/loomml/loom/feature"
)

func TestCheckParityEveryTransform(t *testing.T) {
	ctx := context.Background()
	sets := []struct {
		name string
		set  func(*feature.Options) *feature.Set[item]
	}{{"built-in", fullSet}, {"learners", learnerSet}, {"polynomial", polySet}}
	for _, tc := range sets {
		for _, block := range []int{1, 7, 0} {
			set := tc.set(&feature.Options{BlockRows: block})
			train := items(3000, 1)
			f, err := set.Fit(ctx, train)
			if err != nil {
				t.Fatal(err)
			}
			rows := append(items(500, 2), badItems()...)
			if err := feature.CheckParity(ctx, set, f, rows); err != nil {
				t.Fatalf("%s, BlockRows %d: %v", tc.name, block, err)
			}
		}
	}
}

// drifting is a Custom that breaks the contract (it is not a function of
// its input), so the paths disagree.
type drifting struct{ n *atomic.Int64 }

func (d drifting) Kind() string            { return "drifting" }
func (d drifting) Apply(x float64) float64 { return x + float64(d.n.Add(1)) }

func TestCheckParityDetectsDifference(t *testing.T) {
	ctx := context.Background()
	set := feature.NewSet[item](nil).Num("x", func(it *item) float64 { return it.X }, feature.Transform(drifting{new(atomic.Int64)}))
	f, err := set.Fit(ctx, items(10, 1))
	if err != nil {
		t.Fatal(err)
	}
	err = feature.CheckParity(ctx, nil, f, items(10, 2))
	var pe *feature.ParityError
	if !errors.As(err, &pe) || pe.Path != "Transform" || pe.Row != 0 || pe.Column != "x" {
		t.Fatalf("CheckParity = %v; want a *ParityError at row 0 of Transform", err)
	}
}
