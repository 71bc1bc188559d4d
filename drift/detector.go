package drift

import (
	"fmt"
	"math"
	"slices"
	"sync"
)

// Detector is a drift test of one column: it compares the current data of
// the column with the reference and returns a score, a p-value when the
// test has one, and a verdict against a threshold. Register makes a
// detector available by name (a Method) to Compare, monitors, profiles
// (ProfileOptions.Methods) and reports, like the built-in ones, which are
// registered the same way. Package drift/drifttest holds a conformance
// suite that every detector should pass.
//
// Detect must not modify c nor keep its slices after it returns (a Monitor
// reuses their memory from one window to the next), must be safe for
// concurrent use, and must
// return the same Score and PValue whatever the threshold (only Drifted
// depends on it). An error wrapping ErrNotEnoughData reports the column as
// StatusNotEnoughData; any other error as StatusError, with the message in
// ColumnResult.Error (a monitor keeps running).
type Detector interface {
	// DefaultThreshold is the threshold used unless CompareOptions sets one.
	DefaultThreshold() float64
	// Detect compares c.Cur (and the current histograms) with the reference.
	Detect(c *ColumnData, threshold float64) (Detection, error)
}

// KindSupporter is implemented by detectors that test only some kinds of
// column. For the others Compare still calls Detect, which must return a
// Detection that is not drifted (the built-in KS, Anderson–Darling and
// Wasserstein detectors return score 0 for categorical columns, which have
// no order).
type KindSupporter interface {
	Supports(k Kind) bool
}

// Detection is a detector's verdict on one column.
type Detection struct {
	Score   float64 // statistic or distance
	PValue  float64 // NaN when the test has none
	Drifted bool    // the values moved
}

// Sample is a sorted sample with repetition counts: Values ascending and
// distinct, Weights[i] the number of values equal to Values[i] (or that a
// compacted quantile sketch's item stands for).
type Sample struct {
	Values  []float64
	Weights []uint64
}

// Count returns the sum of the weights.
func (s Sample) Count() uint64 { return sum(s.Weights) }

// ColumnData is what a Detector sees of one column.
type ColumnData struct {
	Name string
	Kind Kind

	// Ref and Cur are the present values of a numeric column (empty for
	// categorical columns): exact while the profile's sketch has not
	// compacted, else a sketch whose empirical CDF is within RefError
	// (CurError) of the data's at every point.
	Ref, Cur           Sample
	RefError, CurError float64
	RefStd             float64 // population standard deviation of the reference values (numeric)

	// Bins labels the histogram both sides are counted into: for numeric
	// columns the bins cut at the reference quantile edges, for categorical
	// columns the reference categories and, when any value fell outside
	// them, "(other)" last. RefHist and CurHist hold the counts.
	Bins             []string
	RefHist, CurHist []float64

	// Values, RefValues and CurValues count each distinct value: for
	// categorical columns the same as Bins, RefHist and CurHist; for numeric
	// columns only when they have at most 5 distinct values (nil otherwise).
	Values               []string
	RefValues, CurValues []float64

	// Unique is the number of distinct values over reference and current.
	Unique int
}

var (
	detectorsMu sync.RWMutex
	detectors   = map[Method]Detector{}
)

// Register makes a detector available under name, for Compare, monitors,
// profiles and reports. It is meant to be called from an init function; it
// panics when name is empty or already registered or d is nil.
func Register(name Method, d Detector) {
	detectorsMu.Lock()
	defer detectorsMu.Unlock()
	if name == "" {
		panic("drift: Register needs a method name, got \"\"")
	}
	if d == nil {
		panic("drift: Register of a nil detector, got nil for " + string(name))
	}
	if _, dup := detectors[name]; dup {
		panic("drift: Register called twice for method " + string(name))
	}
	detectors[name] = d
}

// Lookup returns the detector registered under name; an unknown name is an
// error wrapping ErrUnknownMethod.
func Lookup(name Method) (Detector, error) {
	detectorsMu.RLock()
	d, ok := detectors[name]
	detectorsMu.RUnlock()
	if !ok {
		return nil, fmt.Errorf("%w %q (forgotten import?)", ErrUnknownMethod, string(name))
	}
	return d, nil
}

// Methods returns the names of the registered detectors, sorted.
func Methods() []Method {
	detectorsMu.RLock()
	defer detectorsMu.RUnlock()
	ms := make([]Method, 0, len(detectors))
	for m := range detectors {
		ms = append(ms, m)
	}
	slices.Sort(ms)
	return ms
}

// DetectorFunc adapts a function and a default threshold to a Detector.
type DetectorFunc struct {
	Threshold float64
	Func      func(c *ColumnData, threshold float64) (Detection, error)
}

// DefaultThreshold returns f.Threshold.
func (f DetectorFunc) DefaultThreshold() float64 { return f.Threshold }

// Detect calls f.Func.
func (f DetectorFunc) Detect(c *ColumnData, threshold float64) (Detection, error) {
	return f.Func(c, threshold)
}

var _ Detector = DetectorFunc{}

// The built-in detectors.

// pTest is a detector whose verdict is a p-value below (or, with orEqual,
// at most) the threshold.
type pTest struct {
	numericOnly bool
	orEqual     bool
	test        func(c *ColumnData) (float64, float64, error)
}

func (t pTest) DefaultThreshold() float64 { return 0.05 }

func (t pTest) rule(th string) string {
	if t.orEqual {
		return "p ≤ " + th
	}
	return "p < " + th
}

func (t pTest) Supports(k Kind) bool { return !t.numericOnly || k == Numeric }

func (t pTest) Detect(c *ColumnData, threshold float64) (Detection, error) {
	if t.numericOnly && c.Kind != Numeric {
		return Detection{Score: 0, PValue: 1}, nil
	}
	s, p, err := t.test(c)
	if err != nil {
		return Detection{}, err
	}
	return Detection{Score: s, PValue: p, Drifted: p < threshold || (t.orEqual && p == threshold)}, nil
}

// distance is a detector whose verdict is a score at or above the threshold.
type distance struct {
	numericOnly bool
	score       func(c *ColumnData) float64
}

func (d distance) DefaultThreshold() float64 { return 0.1 }

func (d distance) rule(th string) string { return "score ≥ " + th }

func (d distance) Supports(k Kind) bool { return !d.numericOnly || k == Numeric }

func (d distance) Detect(c *ColumnData, threshold float64) (Detection, error) {
	if d.numericOnly && c.Kind != Numeric {
		return Detection{Score: 0, PValue: math.NaN()}, nil
	}
	s := d.score(c)
	return Detection{Score: s, PValue: math.NaN(), Drifted: s >= threshold}, nil
}

// table returns the distinct-value counts when there are any, else the
// histogram.
func (c *ColumnData) table() ([]float64, []float64) {
	if c.RefValues != nil {
		return c.RefValues, c.CurValues
	}
	return c.RefHist, c.CurHist
}

func init() {
	Register(KSTest, pTest{numericOnly: true, orEqual: true, test: func(c *ColumnData) (float64, float64, error) {
		r := ksWeighted(c.Ref.Values, c.Ref.Weights, c.Cur.Values, c.Cur.Weights, KSAuto, c.RefError+c.CurError)
		return r.Statistic, r.PValue, nil
	}})
	// Anderson–Darling needs an order, like KS: categorical columns never
	// drift by it (score 0, p = 1), and neither do samples holding one and
	// the same value, for which the statistic is undefined. Fewer than 4
	// values in all (possible only with MinCount below 4) is not enough data.
	Register(AndersonTest, pTest{numericOnly: true, test: func(c *ColumnData) (float64, float64, error) {
		if c.Unique < 2 {
			return 0, 1, nil
		}
		res, err := andersonWeighted([]wsample{{c.Ref.Values, c.Ref.Weights}, {c.Cur.Values, c.Cur.Weights}})
		if err != nil {
			return 0, 0, fmt.Errorf("%w: %v", ErrNotEnoughData, err)
		}
		return res.Statistic, res.PValue, nil
	}})
	Register(ChiSquareTest, pTest{test: func(c *ColumnData) (float64, float64, error) {
		ref, cur := c.table()
		s, p, _ := ChiSquare(ref, cur)
		return s, p, nil
	}})
	Register(ZTestMethod, pTest{test: func(c *ColumnData) (float64, float64, error) {
		// Evidently: the first value (of the sorted union, or the reference's
		// most frequent category) is "success".
		ref, cur := c.table()
		if len(ref) == 0 {
			return 0, 1, nil
		}
		z, p := ZTest(ref[0], sumF(ref), cur[0], sumF(cur))
		return math.Abs(z), p, nil
	}})
	Register(WassersteinN, distance{numericOnly: true, score: func(c *ColumnData) float64 {
		return wassersteinWeighted(c.Ref.Values, c.Ref.Weights, c.Cur.Values, c.Cur.Weights) / math.Max(c.RefStd, 0.001)
	}})
	Register(WassersteinAbs, distance{numericOnly: true, score: func(c *ColumnData) float64 {
		return wassersteinWeighted(c.Ref.Values, c.Ref.Weights, c.Cur.Values, c.Cur.Weights)
	}})
	Register(JSDistance, distance{score: func(c *ColumnData) float64 { return JensenShannon(c.RefHist, c.CurHist) }})
	Register(PSIMethod, distance{score: func(c *ColumnData) float64 { return PSI(c.RefHist, c.CurHist) }})
	Register(LInf, distance{score: func(c *ColumnData) float64 { return LInfinity(c.RefHist, c.CurHist) }})
}
