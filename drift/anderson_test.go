package drift

import (
	"encoding/json"
	"errors"
	"math"
	"os"
	"testing"
)

type andersonCase struct {
	Samples   [][]float64
	Statistic float64
	Critical  []float64
	P         float64
	Capped    bool
}

// TestAndersonSciPy compares with scipy.stats.anderson_ksamp of SciPy 1.10
// (testdata/gen_reference.py writes testdata/anderson.json).
func TestAndersonSciPy(t *testing.T) {
	b, err := os.ReadFile("testdata/anderson.json")
	if err != nil {
		t.Fatal(err)
	}
	var d struct {
		SciPy string
		Cases []andersonCase
	}
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatal(err)
	}
	if len(d.Cases) < 10 {
		t.Fatalf("%d Anderson–Darling cases; want at least 10", len(d.Cases))
	}
	const tol = 1e-9
	var interpolated, capped int
	var maxStat, maxP float64
	for i, c := range d.Cases {
		sizes := make([]int, len(c.Samples))
		for j, s := range c.Samples {
			sizes[j] = len(s)
		}
		r, err := AndersonDarling(c.Samples...)
		if err != nil {
			t.Fatalf("case %d %v: %v", i, sizes, err)
		}
		maxStat = math.Max(maxStat, relErr(r.Statistic, c.Statistic))
		if !near(r.Statistic, c.Statistic, tol) {
			t.Errorf("case %d %v: statistic = %.15g; want %.15g", i, sizes, r.Statistic, c.Statistic)
		}
		for j := range r.Critical {
			if !near(r.Critical[j], c.Critical[j], tol) {
				t.Errorf("case %d %v: critical[%d] = %.15g; want %.15g", i, sizes, j, r.Critical[j], c.Critical[j])
			}
		}
		if c.Capped {
			capped++
			if r.PValue != c.P {
				t.Errorf("case %d %v: capped p = %v; want %v", i, sizes, r.PValue, c.P)
			}
		} else {
			interpolated++
			maxP = math.Max(maxP, relErr(r.PValue, c.P))
			if !near(r.PValue, c.P, tol) {
				t.Errorf("case %d %v: p = %.15g; want %.15g", i, sizes, r.PValue, c.P)
			}
		}
	}
	t.Logf("SciPy %s, %d cases: largest relative error %.2g (statistic), %.2g (p, %d interpolated)", d.SciPy, len(d.Cases), maxStat, maxP, interpolated)
	if interpolated == 0 || capped == 0 {
		t.Errorf("%d interpolated and %d capped cases; want both kinds", interpolated, capped)
	}
}

func TestAndersonErrors(t *testing.T) {
	tests := []struct {
		name    string
		samples [][]float64
	}{
		{"one sample", [][]float64{{1, 2, 3, 4}}},
		{"no samples", nil},
		{"empty sample", [][]float64{{1, 2, 3}, {}}},
		{"only NaN", [][]float64{{1, 2, 3}, {math.NaN()}}},
		{"three values", [][]float64{{1, 2}, {3}}},
		{"one distinct value", [][]float64{{5, 5, 5}, {5, 5}}},
	}
	for _, tt := range tests {
		_, err := AndersonDarling(tt.samples...)
		if !errors.Is(err, ErrNotEnoughData) {
			t.Errorf("%s: AndersonDarling error = %v; want ErrNotEnoughData", tt.name, err)
		}
	}
}

func TestAndersonIgnoresNaN(t *testing.T) {
	a, b := normals(50, 3, 0, 1), normals(60, 4, 0.3, 1)
	want, err := AndersonDarling(a, b)
	if err != nil {
		t.Fatal(err)
	}
	got, err := AndersonDarling(append(a, math.NaN()), append([]float64{math.NaN()}, b...))
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Errorf("AndersonDarling with NaN = %+v; want %+v", got, want)
	}
}

// TestAndersonWeighted checks that counts in a sorted view give the
// statistic of the expanded samples.
func TestAndersonWeighted(t *testing.T) {
	a := []float64{1, 1, 1, 2, 3, 3, 5}
	b := []float64{0, 2, 2, 3, 4, 4, 4, 4, 6}
	want, err := AndersonDarling(a, b)
	if err != nil {
		t.Fatal(err)
	}
	got, err := andersonWeighted([]wsample{
		{[]float64{1, 2, 3, 5}, []uint64{3, 1, 2, 1}},
		{[]float64{0, 2, 3, 4, 6}, []uint64{1, 2, 1, 4, 1}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if !near(got.Statistic, want.Statistic, 1e-12) || got.PValue != want.PValue {
		t.Errorf("weighted = %+v; want %+v", got, want)
	}
}

func TestPolyfit2(t *testing.T) {
	// An exact quadratic is recovered.
	var x, y [7]float64
	for i := range x {
		x[i] = float64(i)*0.9 + 0.3
		y[i] = 0.5*x[i]*x[i] - 2*x[i] + 3
	}
	c := polyfit2(x, y)
	want := [3]float64{0.5, -2, 3}
	for i := range c {
		if !near(c[i], want[i], 1e-12) {
			t.Errorf("polyfit2 c[%d] = %v; want %v", i, c[i], want[i])
		}
	}
}

func relErr(got, want float64) float64 { return math.Abs(got-want) / math.Max(1, math.Abs(want)) }

func TestCompareAnderson(t *testing.T) {
	ref := normals(800, 11, 0, 1)
	tests := []struct {
		name      string
		ref, cur  *Profile
		threshold float64 // 0: default
		drifted   bool
		exact     bool // the score is AndersonDarling of the raw samples
		score, p  float64
	}{
		{name: "no shift", ref: numProfile(ref), cur: numProfile(normals(600, 12, 0, 1)), exact: true},
		{name: "mean +0.5", ref: numProfile(ref), cur: numProfile(normals(600, 13, 0.5, 1)), drifted: true, exact: true},
		{name: "std ×1.5", ref: numProfile(ref), cur: numProfile(normals(600, 14, 0, 1.5)), drifted: true, exact: true},
		{name: "mean +0.5, threshold 0.0005", ref: numProfile(ref), cur: numProfile(normals(600, 13, 0.5, 1)), threshold: 0.0005, exact: true},
		{name: "constant, unchanged", ref: numProfile(cycleF(100, 3)), cur: numProfile(cycleF(50, 3)), score: 0, p: 1},
		{name: "constant, moved", ref: numProfile(cycleF(100, 3)), cur: numProfile(cycleF(50, 4)), drifted: true, exact: true},
		{name: "categorical", ref: catProfile(cycle(100, "a", "b")), cur: catProfile(cycle(100, "b")), score: 0, p: 1},
	}
	for _, tt := range tests {
		opts := &CompareOptions{Methods: map[string]Method{"v": AndersonTest}}
		if tt.threshold != 0 {
			opts.Thresholds = map[string]float64{"v": tt.threshold}
		}
		rep, err := Compare(tt.ref, tt.cur, opts)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		r := rep.Column("v")
		if r.Method != AndersonTest || r.Status != StatusOK {
			t.Fatalf("%s: method %q, status %q; want anderson, ok", tt.name, r.Method, r.Status)
		}
		if r.Drifted != tt.drifted {
			t.Errorf("%s: Drifted = %v (score %v, p %v, threshold %v); want %v", tt.name, r.Drifted, r.Score, r.PValue, r.Threshold, tt.drifted)
		}
		wantT := DefaultThreshold(AndersonTest)
		if tt.threshold != 0 {
			wantT = tt.threshold
		}
		if r.Threshold != wantT {
			t.Errorf("%s: Threshold = %v; want %v", tt.name, r.Threshold, wantT)
		}
		if tt.exact {
			vr, vc := tt.ref.Column("v").sorted(false), tt.cur.Column("v").sorted(false)
			want, err := AndersonDarling(expand(vr), expand(vc))
			if err != nil {
				t.Fatal(err)
			}
			tt.score, tt.p = want.Statistic, want.PValue
		}
		if !near(r.Score, tt.score, 1e-12) || !near(r.PValue, tt.p, 1e-12) {
			t.Errorf("%s: score, p = %v, %v; want %v, %v", tt.name, r.Score, r.PValue, tt.score, tt.p)
		}
		if s := r.Severity(); math.IsNaN(s) || (s >= 1) != tt.drifted {
			t.Errorf("%s: Severity = %v with Drifted %v", tt.name, s, r.Drifted)
		}
	}
}

// expand turns a sorted view back into a sample.
func expand(v *sortedView) []float64 {
	var out []float64
	for i, x := range v.vals {
		for range v.wts[i] {
			out = append(out, x)
		}
	}
	return out
}

func TestCompareAndersonNotEnoughData(t *testing.T) {
	rep, err := Compare(numProfile([]float64{1, 2}), numProfile([]float64{3}), &CompareOptions{
		Methods: map[string]Method{"v": AndersonTest}, MinCount: 1,
	})
	if err != nil {
		t.Fatal(err)
	}
	if r := rep.Column("v"); r.Status != StatusNotEnoughData || r.Drifted {
		t.Errorf("3 values: status %q, drifted %v; want not_enough_data, false", r.Status, r.Drifted)
	}
}
