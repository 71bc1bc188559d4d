package drifttest_test

import (
	"fmt"
	"math"

	"github.com/loomml/loom/drift"
)

// rangeShift drifts when the current median leaves the reference's
// interquartile range; it is registered once and then chosen by name.
type rangeShift struct{}

func (rangeShift) DefaultThreshold() float64 { return 0 }

func (rangeShift) Supports(k drift.Kind) bool { return k == drift.Numeric }

func (rangeShift) Detect(c *drift.ColumnData, _ float64) (drift.Detection, error) {
	if c.Kind != drift.Numeric {
		return drift.Detection{PValue: math.NaN()}, nil
	}
	at := func(s drift.Sample, q float64) float64 {
		target := uint64(q * float64(s.Count()))
		var cum uint64
		for i, w := range s.Weights {
			if cum += w; cum > target {
				return s.Values[i]
			}
		}
		return s.Values[len(s.Values)-1]
	}
	med := at(c.Cur, 0.5)
	lo, hi := at(c.Ref, 0.25), at(c.Ref, 0.75)
	out := math.Max(lo-med, med-hi)
	return drift.Detection{Score: math.Max(out, 0), PValue: math.NaN(), Drifted: out > 0}, nil
}

func Example() {
	drift.Register("rangeshift", rangeShift{}) // usually in an init function
	type row struct{ X float64 }
	cols := []drift.Column[row]{drift.Float("x", func(r *row) (float64, bool) { return r.X, true })}
	var ref, cur []row
	for i := range 100 {
		ref = append(ref, row{float64(i)})
		cur = append(cur, row{float64(i + 60)})
	}
	rep, err := drift.Compare(
		drift.BuildProfile(ref, cols, nil),
		drift.BuildProfile(cur, cols, nil),
		&drift.CompareOptions{Methods: map[string]drift.Method{"x": "rangeshift"}})
	if err != nil {
		panic(err)
	}
	// Its test: func TestRangeShift(t *testing.T) { drifttest.Run(t, "rangeshift") }
	c := rep.Column("x")
	fmt.Println(c.Method, c.Score, c.Drifted)
	// Output: rangeshift 35 true
}
