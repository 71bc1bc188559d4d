package drift

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"
)

// numProfile profiles one numeric column "v".
func numProfile(xs []float64) *Profile {
	b := NewProfileBuilder([]ColumnSpec{{"v", Numeric}}, nil)
	for _, x := range xs {
		b.AddRow()
		b.AddFloat(0, x)
	}
	return b.Profile()
}

func catProfile(vs []string) *Profile {
	b := NewProfileBuilder([]ColumnSpec{{"v", Categorical}}, nil)
	for _, v := range vs {
		b.AddRow()
		b.AddString(0, v)
	}
	return b.Profile()
}

func normals(n int, seed uint64, mu, sd float64) []float64 {
	r := rand.New(rand.NewPCG(seed, 1))
	x := make([]float64, n)
	for i := range x {
		x[i] = mu + sd*r.NormFloat64()
	}
	return x
}

func cycle(n int, vals ...string) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = vals[i%len(vals)]
	}
	return out
}

func cycleF(n int, vals ...float64) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = vals[i%len(vals)]
	}
	return out
}

func TestDefaultMethodRule(t *testing.T) {
	tests := []struct {
		name     string
		ref, cur *Profile
		want     Method
	}{
		{"small numeric", numProfile(normals(1000, 1, 0, 1)), numProfile(normals(200, 2, 0, 1)), KSTest},
		{"small numeric few values", numProfile(cycleF(500, 1, 2, 3)), numProfile(cycleF(100, 1, 2, 3)), ChiSquareTest},
		{"small numeric binary", numProfile(cycleF(500, 0, 1)), numProfile(cycleF(100, 0, 1)), ZTestMethod},
		{"small categorical", catProfile(cycle(500, "a", "b", "c")), catProfile(cycle(100, "a", "b")), ChiSquareTest},
		{"small categorical binary", catProfile(cycle(500, "a", "b")), catProfile(cycle(100, "a", "b")), ZTestMethod},
		{"large numeric", numProfile(normals(1001, 1, 0, 1)), numProfile(normals(200, 2, 0, 1)), WassersteinN},
		{"large numeric few values", numProfile(cycleF(5000, 1, 2, 3, 4)), numProfile(cycleF(100, 1, 2)), JSDistance},
		{"large categorical", catProfile(cycle(5000, "a", "b", "c")), catProfile(cycle(100, "a")), JSDistance},
	}
	for _, tt := range tests {
		rep, err := Compare(tt.ref, tt.cur, nil)
		if err != nil {
			t.Fatal(err)
		}
		if got := rep.Columns[0].Method; got != tt.want {
			t.Errorf("%s: method %s; want %s", tt.name, got, tt.want)
		}
	}
}

func TestCompareVerdicts(t *testing.T) {
	tests := []struct {
		name     string
		ref, cur *Profile
		opts     *CompareOptions
		drifted  bool
	}{
		{"same normal, KS", numProfile(normals(800, 1, 0, 1)), numProfile(normals(800, 2, 0, 1)), nil, false},
		{"shifted normal, KS", numProfile(normals(800, 1, 0, 1)), numProfile(normals(800, 2, 0.5, 1)), nil, true},
		{"same normal, Wasserstein", numProfile(normals(5000, 1, 0, 1)), numProfile(normals(2000, 2, 0, 1)), nil, false},
		{"scaled normal, Wasserstein", numProfile(normals(5000, 1, 0, 1)), numProfile(normals(2000, 2, 0, 2)), nil, true},
		{"PSI on request", numProfile(normals(5000, 1, 0, 1)), numProfile(normals(2000, 2, 0.5, 1)), &CompareOptions{Methods: map[string]Method{"v": PSIMethod}}, true},
		{"L-inf on request", catProfile(cycle(5000, "a", "b")), catProfile(cycle(2000, "a", "a", "b")), &CompareOptions{Methods: map[string]Method{"v": LInf}}, true},
		{"category swap", catProfile(cycle(5000, "a", "a", "a", "b")), catProfile(cycle(2000, "b", "b", "b", "a")), nil, true},
		{"new category", catProfile(cycle(500, "a", "b", "c")), catProfile(cycle(300, "a", "b", "c", "zzz")), nil, true},
		{"threshold override", numProfile(normals(5000, 1, 0, 1)), numProfile(normals(2000, 2, 0.5, 1)), &CompareOptions{Thresholds: map[string]float64{"v": 10}}, false},
	}
	for _, tt := range tests {
		rep, err := Compare(tt.ref, tt.cur, tt.opts)
		if err != nil {
			t.Fatal(err)
		}
		r := rep.Columns[0]
		if r.Drifted != tt.drifted {
			t.Errorf("%s: drifted = %v (method %s, score %v, p %v); want %v", tt.name, r.Drifted, r.Method, r.Score, r.PValue, tt.drifted)
		}
	}
}

// TestConstantColumns: a constant column never yields NaN; it drifts
// exactly when the current values are not the same constant.
func TestConstantColumns(t *testing.T) {
	for _, n := range []int{500, 5000} {
		ref := numProfile(cycleF(n, 3))
		for _, tt := range []struct {
			cur     []float64
			drifted bool
		}{{cycleF(300, 3), false}, {cycleF(300, 4), true}, {normals(300, 1, 3, 1), true}} {
			rep, err := Compare(ref, numProfile(tt.cur), nil)
			if err != nil {
				t.Fatal(err)
			}
			r := rep.Columns[0]
			if math.IsNaN(r.Score) || math.IsNaN(r.Severity()) || r.Drifted != tt.drifted {
				t.Errorf("n=%d constant ref vs %v…: %s score %v drifted %v; want %v", n, tt.cur[:2], r.Method, r.Score, r.Drifted, tt.drifted)
			}
		}
	}
	for _, m := range []Method{KSTest, WassersteinN, WassersteinAbs, JSDistance, PSIMethod, LInf, ChiSquareTest, ZTestMethod} {
		rep, err := Compare(numProfile(cycleF(100, 1)), numProfile(cycleF(100, 1)), &CompareOptions{Methods: map[string]Method{"v": m}})
		if err != nil {
			t.Fatal(err)
		}
		if r := rep.Columns[0]; math.IsNaN(r.Score) || r.Drifted {
			t.Errorf("%s on identical constants: score %v drifted %v", m, r.Score, r.Drifted)
		}
	}
}

func TestCompareErrors(t *testing.T) {
	ref := numProfile([]float64{1, 2})
	if _, err := Compare(ref, catProfile([]string{"a"}), nil); !errors.Is(err, ErrKindMismatch) {
		t.Errorf("kind mismatch: %v", err)
	}
	other := NewProfileBuilder([]ColumnSpec{{"w", Numeric}}, nil).Profile()
	if _, err := Compare(ref, other, nil); !errors.Is(err, ErrUnknownColumn) {
		t.Errorf("unknown column: %v", err)
	}
	if _, err := Compare(ref, ref, &CompareOptions{Methods: map[string]Method{"v": "nope"}}); !errors.Is(err, ErrUnknownMethod) {
		t.Errorf("unknown method: %v", err)
	}
	rep, err := Compare(ref, numProfile(nil), nil)
	if err != nil || rep.Columns[0].Status != StatusNotEnoughData || rep.DatasetDrift {
		t.Errorf("empty current: %+v, %v", rep, err)
	}
}

// TestPSIFormula checks PSI against the formula written out independently.
func TestPSIFormula(t *testing.T) {
	tests := []struct{ ref, cur []float64 }{
		{[]float64{10, 20, 30, 40}, []float64{40, 30, 20, 10}},
		{[]float64{5, 0, 5}, []float64{1, 1, 8}},
		{[]float64{1, 1}, []float64{1, 1}},
	}
	for _, tt := range tests {
		var rs, cs float64
		for i := range tt.ref {
			rs += tt.ref[i]
			cs += tt.cur[i]
		}
		want := 0.0
		for i := range tt.ref {
			r, c := math.Max(tt.ref[i]/rs, 0.0001), math.Max(tt.cur[i]/cs, 0.0001)
			want += (c - r) * math.Log(c/r)
		}
		if got := PSI(tt.ref, tt.cur); math.Abs(got-want) > 1e-12 {
			t.Errorf("PSI(%v, %v) = %v; want %v", tt.ref, tt.cur, got, want)
		}
	}
}

func TestDetectorEdges(t *testing.T) {
	if s, p := KS(nil, []float64{1}); !math.IsNaN(s) || !math.IsNaN(p) {
		t.Errorf("KS(empty) = %v, %v", s, p)
	}
	if s, p := KS([]float64{1, math.NaN()}, []float64{1}); s != 0 || p != 1 {
		t.Errorf("KS ignoring NaN = %v, %v", s, p)
	}
	if z, p := ZTest(0, 10, 0, 10); z != 0 || p != 1 {
		t.Errorf("ZTest(all zero) = %v, %v", z, p)
	}
	if s, p, d := ChiSquare([]float64{5, 0}, []float64{3, 0}); s != 0 || p != 1 || d != 0 {
		t.Errorf("ChiSquare(one category) = %v %v %v", s, p, d)
	}
	if d := LInfinity([]float64{1, 0}, []float64{0, 1}); d != 1 {
		t.Errorf("LInfinity = %v", d)
	}
	if !math.IsNaN(JensenShannon([]float64{0}, []float64{1})) || !math.IsNaN(PSI([]float64{0}, []float64{1})) {
		t.Error("empty histogram should give NaN")
	}
	defer func() {
		if recover() == nil {
			t.Error("PSI with different lengths did not panic")
		}
	}()
	PSI([]float64{1}, []float64{1, 2})
}
