package drifttest_test

import (
	"math"
	"testing"

	"github.com/loomml/loom/drift"
	"github.com/loomml/loom/drift/drifttest"
)

// TestBuiltins runs the suite on every built-in detector.
func TestBuiltins(t *testing.T) {
	for _, m := range drift.Methods() {
		if m == "meanshift" { // registered by this test
			continue
		}
		t.Run(string(m), func(t *testing.T) { drifttest.Run(t, m) })
	}
}

// meanShift is a detector written outside package drift: the absolute
// difference of the weighted means in reference standard deviations.
type meanShift struct{}

func (meanShift) DefaultThreshold() float64 { return 0.5 }

func (meanShift) Supports(k drift.Kind) bool { return k == drift.Numeric }

func (meanShift) Detect(c *drift.ColumnData, threshold float64) (drift.Detection, error) {
	if c.Kind != drift.Numeric {
		return drift.Detection{PValue: math.NaN()}, nil
	}
	mean := func(s drift.Sample) float64 {
		t, n := 0.0, 0.0
		for i, v := range s.Values {
			t += v * float64(s.Weights[i])
			n += float64(s.Weights[i])
		}
		return t / n
	}
	d := math.Abs(mean(c.Cur)-mean(c.Ref)) / math.Max(c.RefStd, 1e-3)
	return drift.Detection{Score: d, PValue: math.NaN(), Drifted: d >= threshold}, nil
}

func init() { drift.Register("meanshift", meanShift{}) }

// TestUserDetector runs the suite on a detector defined in another package.
func TestUserDetector(t *testing.T) { drifttest.Run(t, "meanshift") }
