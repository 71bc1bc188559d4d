package drifttest

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/loomml/loom/drift"
	"github.com/loomml/loom/drift/drifthtml"
)

// Run runs the conformance suite against the detector registered as name,
// each check in its own subtest.
func Run(t *testing.T, name drift.Method) {
	t.Helper()
	d, err := drift.Lookup(name)
	if err != nil {
		t.Fatalf("drifttest: %v", err)
	}
	tests := []struct {
		name string
		fn   func(t *testing.T, name drift.Method, d drift.Detector)
	}{
		{"DefaultThreshold", testDefaultThreshold},
		{"IdenticalNotDrifted", testIdentical},
		{"ShiftDrifted", testShift},
		{"ConstantColumn", testConstant},
		{"ThresholdOnlyChangesVerdict", testThreshold},
		{"DeterministicAndReadOnly", testReadOnly},
		{"Concurrent", testConcurrent},
		{"ByNameEverywhere", testByName},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, name, d) })
	}
}

// supports reports whether d tests columns of kind k.
func supports(d drift.Detector, k drift.Kind) bool {
	if s, ok := d.(drift.KindSupporter); ok {
		return s.Supports(k)
	}
	return true
}

func normal(seed uint64, n int, mean, std float64) []float64 {
	r := rand.New(rand.NewPCG(seed, 1))
	x := make([]float64, n)
	for i := range x {
		x[i] = mean + std*r.NormFloat64()
	}
	return x
}

// sample turns values into a drift.Sample.
func sample(x []float64) drift.Sample {
	s := slices.Clone(x)
	slices.Sort(s)
	var out drift.Sample
	for _, v := range s {
		if k := len(out.Values); k > 0 && out.Values[k-1] == v {
			out.Weights[k-1]++
			continue
		}
		out.Values = append(out.Values, v)
		out.Weights = append(out.Weights, 1)
	}
	return out
}

func population(x []float64) float64 {
	m := 0.0
	for _, v := range x {
		m += v
	}
	m /= float64(len(x))
	s := 0.0
	for _, v := range x {
		s += (v - m) * (v - m)
	}
	return math.Sqrt(s / float64(len(x)))
}

// numericData builds the column data the way Compare does for exact
// samples: values with counts, decile bins of the reference.
func numericData(ref, cur []float64) *drift.ColumnData {
	edges := drift.QuantileEdges(ref, 10, drift.QuantileLinear)
	c := &drift.ColumnData{
		Name: "x", Kind: drift.Numeric, Ref: sample(ref), Cur: sample(cur), RefStd: population(ref),
		RefHist: drift.BinCounts(ref, edges, false), CurHist: drift.BinCounts(cur, edges, false),
	}
	for i := range c.RefHist {
		c.Bins = append(c.Bins, fmt.Sprintf("bin %d", i))
	}
	seen := map[float64]bool{}
	for _, v := range append(slices.Clone(ref), cur...) {
		seen[v] = true
	}
	c.Unique = len(seen)
	if c.Unique <= 5 {
		var vals []float64
		for v := range seen {
			vals = append(vals, v)
		}
		slices.Sort(vals)
		for _, v := range vals {
			c.Values = append(c.Values, fmt.Sprint(v))
			c.RefValues = append(c.RefValues, float64(count(ref, v)))
			c.CurValues = append(c.CurValues, float64(count(cur, v)))
		}
	}
	return c
}

func count(x []float64, v float64) int {
	n := 0
	for _, y := range x {
		if y == v {
			n++
		}
	}
	return n
}

// categoricalData is a column with categories a, b, c counted as given.
func categoricalData(ref, cur []float64) *drift.ColumnData {
	labels := []string{"a", "b", "c"}
	return &drift.ColumnData{
		Name: "c", Kind: drift.Categorical, Bins: labels, RefHist: ref, CurHist: cur,
		Values: labels, RefValues: ref, CurValues: cur, Unique: 3,
	}
}

func detect(t *testing.T, d drift.Detector, c *drift.ColumnData, threshold float64) drift.Detection {
	t.Helper()
	r, err := d.Detect(c, threshold)
	if err != nil {
		t.Fatalf("Detect(%s): %v", c.Name, err)
	}
	if math.IsNaN(r.Score) || math.IsInf(r.Score, 0) {
		t.Errorf("Detect(%s) score = %v; want a finite number", c.Name, r.Score)
	}
	if !math.IsNaN(r.PValue) && (r.PValue < 0 || r.PValue > 1) {
		t.Errorf("Detect(%s) p-value = %v; want NaN or a probability", c.Name, r.PValue)
	}
	return r
}

func testDefaultThreshold(t *testing.T, _ drift.Method, d drift.Detector) {
	if th := d.DefaultThreshold(); math.IsNaN(th) || math.IsInf(th, 0) {
		t.Errorf("DefaultThreshold() = %v; want a finite number", th)
	}
}

func testIdentical(t *testing.T, _ drift.Method, d drift.Detector) {
	x := normal(1, 1000, 0, 1)
	if r := detect(t, d, numericData(x, x), d.DefaultThreshold()); r.Drifted {
		t.Errorf("numeric: identical samples drifted: %+v", r)
	}
	h := []float64{500, 300, 200}
	if r := detect(t, d, categoricalData(h, h), d.DefaultThreshold()); r.Drifted {
		t.Errorf("categorical: identical counts drifted: %+v", r)
	}
}

func testShift(t *testing.T, _ drift.Method, d drift.Detector) {
	num := detect(t, d, numericData(normal(1, 1000, 0, 1), normal(2, 1000, 3, 1)), d.DefaultThreshold())
	cat := detect(t, d, categoricalData([]float64{700, 200, 100}, []float64{100, 200, 700}), d.DefaultThreshold())
	for _, c := range []struct {
		kind drift.Kind
		r    drift.Detection
	}{{drift.Numeric, num}, {drift.Categorical, cat}} {
		if supports(d, c.kind) && !c.r.Drifted {
			t.Errorf("%v: a gross shift did not drift: %+v", c.kind, c.r)
		}
		if !supports(d, c.kind) && c.r.Drifted {
			t.Errorf("%v: unsupported kind reported drift: %+v", c.kind, c.r)
		}
	}
}

func testConstant(t *testing.T, _ drift.Method, d drift.Detector) {
	x := make([]float64, 200)
	for i := range x {
		x[i] = 5
	}
	if r := detect(t, d, numericData(x, x), d.DefaultThreshold()); r.Drifted {
		t.Errorf("a constant column equal to its reference drifted: %+v", r)
	}
}

func same(a, b float64) bool { return a == b || (math.IsNaN(a) && math.IsNaN(b)) }

func testThreshold(t *testing.T, _ drift.Method, d drift.Detector) {
	c := numericData(normal(1, 500, 0, 1), normal(2, 400, 0.1, 1.1))
	th := d.DefaultThreshold()
	base := detect(t, d, c, th)
	for _, other := range []float64{th / 10, th * 10, 0, 1} {
		r := detect(t, d, c, other)
		if !same(r.Score, base.Score) || !same(r.PValue, base.PValue) {
			t.Errorf("threshold %v changed score or p-value: %+v, at the default %+v", other, r, base)
		}
	}
}

func clone(c *drift.ColumnData) *drift.ColumnData {
	cp := *c
	cp.Ref = drift.Sample{Values: slices.Clone(c.Ref.Values), Weights: slices.Clone(c.Ref.Weights)}
	cp.Cur = drift.Sample{Values: slices.Clone(c.Cur.Values), Weights: slices.Clone(c.Cur.Weights)}
	cp.Bins, cp.Values = slices.Clone(c.Bins), slices.Clone(c.Values)
	cp.RefHist, cp.CurHist = slices.Clone(c.RefHist), slices.Clone(c.CurHist)
	cp.RefValues, cp.CurValues = slices.Clone(c.RefValues), slices.Clone(c.CurValues)
	return &cp
}

func testReadOnly(t *testing.T, _ drift.Method, d drift.Detector) {
	for _, c := range []*drift.ColumnData{
		numericData(normal(3, 300, 0, 1), normal(4, 300, 0.5, 1)),
		categoricalData([]float64{50, 30, 20}, []float64{20, 30, 50}),
	} {
		before := clone(c)
		a := detect(t, d, c, d.DefaultThreshold())
		b := detect(t, d, c, d.DefaultThreshold())
		if !same(a.Score, b.Score) || !same(a.PValue, b.PValue) || a.Drifted != b.Drifted {
			t.Errorf("%v: two calls differ: %+v and %+v", c.Kind, a, b)
		}
		if !reflect.DeepEqual(before, c) {
			t.Errorf("%v: Detect modified its input", c.Kind)
		}
	}
}

func testConcurrent(t *testing.T, _ drift.Method, d drift.Detector) {
	c := numericData(normal(5, 300, 0, 1), normal(6, 300, 0.3, 1))
	want := detect(t, d, c, d.DefaultThreshold())
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for g := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := d.Detect(c, d.DefaultThreshold())
			if err == nil && (!same(r.Score, want.Score) || !same(r.PValue, want.PValue)) {
				err = fmt.Errorf("concurrent call gave %+v, alone %+v", r, want)
			}
			errs[g] = err
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
}

type row struct {
	X float64
	C string
}

func rows(x []float64, cats string) []row {
	out := make([]row, len(x))
	for i, v := range x {
		out[i] = row{v, string(cats[i%len(cats)])}
	}
	return out
}

// testByName chooses the detector by name in CompareOptions, in a
// profile's options, in a Monitor, and finds it in the HTML report.
func testByName(t *testing.T, name drift.Method, d drift.Detector) {
	cols := []drift.Column[row]{
		drift.Float("x", func(r *row) (float64, bool) { return r.X, true }),
		drift.String("c", func(r *row) (string, bool) { return r.C, true }),
	}
	methods := map[string]drift.Method{"x": name, "c": name}
	refRows := rows(normal(7, 1500, 0, 1), "aaaaaaabbc")
	curRows := rows(normal(8, 1500, 3, 1), "abccccccccc")
	plain := drift.BuildProfile(refRows, cols, nil)
	cur := drift.BuildProfile(curRows, cols, nil)
	withMethods := drift.BuildProfile(refRows, cols, &drift.ProfileOptions{Methods: methods})

	viaOptions, err := drift.Compare(plain, cur, &drift.CompareOptions{Methods: methods})
	if err != nil {
		t.Fatalf("Compare with CompareOptions.Methods: %v", err)
	}
	viaProfile, err := drift.Compare(withMethods, cur, nil)
	if err != nil {
		t.Fatalf("Compare with ProfileOptions.Methods: %v", err)
	}
	var viaMonitor *drift.Report
	mon, err := drift.NewMonitor(plain, cols, &drift.MonitorOptions{
		Window:   drift.Window{Rows: len(curRows)},
		Compare:  &drift.CompareOptions{Methods: methods},
		OnReport: func(_ drift.WindowInfo, r *drift.Report) { viaMonitor = r },
	})
	if err != nil {
		t.Fatalf("NewMonitor: %v", err)
	}
	for _, r := range curRows {
		mon.Observe(&r)
	}
	if viaMonitor == nil {
		t.Fatal("the monitor evaluated no window")
	}
	for _, rep := range []struct {
		via string
		r   *drift.Report
	}{{"CompareOptions", viaOptions}, {"ProfileOptions", viaProfile}, {"Monitor", viaMonitor}} {
		for _, col := range []string{"x", "c"} {
			c := rep.r.Column(col)
			if c == nil || c.Method != name {
				t.Errorf("%s: column %s method = %v; want %s", rep.via, col, c, name)
				continue
			}
			if c.Threshold != d.DefaultThreshold() {
				t.Errorf("%s: column %s threshold = %v; want %v", rep.via, col, c.Threshold, d.DefaultThreshold())
			}
			kind := drift.Numeric
			if col == "c" {
				kind = drift.Categorical
			}
			if supports(d, kind) && c.Status == drift.StatusOK && !c.Drifted {
				t.Errorf("%s: column %s did not drift under a gross shift: %+v", rep.via, col, c)
			}
		}
	}
	var html bytes.Buffer
	if err := drifthtml.Write(&html, viaOptions, nil); err != nil {
		t.Fatalf("drifthtml.Write: %v", err)
	}
	if !strings.Contains(html.String(), string(name)) {
		t.Errorf("the HTML report does not name the method %s", name)
	}
}
