package drift

import (
	"encoding/json"
	"math"
	"os"
	"sync"
	"testing"
)

// statsRef is testdata/stats.json, written by testdata/gen_stats.py with
// Debian's SciPy 1.10.1 and NumPy 1.24.2.
type statsRef struct {
	SciPy, NumPy string
	KS           []struct {
		A, B    []float64
		Results []struct {
			Method    string
			Statistic float64
			P         *float64 // null for NaN
			Location  float64
			Sign      int
		}
	}
	KSTwo []struct {
		N     int
		X, SF float64
	}
	PSI []struct {
		Ref, Cur []float64
		Bins     int
		Results  []struct {
			Method, Closed string
			Edges          []float64
			RefFrac        []float64 `json:"ref_frac"`
			CurFrac        []float64 `json:"cur_frac"`
			PSI            float64
		}
	}
	Wasserstein []struct {
		U, V     []float64
		UWeights []float64 `json:"u_weights"`
		VWeights []float64 `json:"v_weights"`
		Distance float64
	}
	JensenShannon []struct {
		P, Q     []float64
		Base     float64
		Distance float64
	}
	ChiSquare []struct {
		Table    [][]float64
		Yates    bool
		Stat, P  float64
		DOF      int
		Expected [][]float64
		Error    bool
	}
	ZTest []struct {
		X1, N1, X2, N2 float64
		Z, P           float64
	}
}

var (
	statsOnce sync.Once
	statsData statsRef
	statsErr  error
)

func loadStats(t testing.TB) *statsRef {
	statsOnce.Do(func() {
		b, err := os.ReadFile("testdata/stats.json")
		if err != nil {
			statsErr = err
			return
		}
		statsErr = json.Unmarshal(b, &statsData)
	})
	if statsErr != nil {
		t.Fatal(statsErr)
	}
	return &statsData
}

// relNear compares relatively, with an absolute floor of tol·1e-300 so that
// p-values that underflow compare equal.
func relNear(got, want, tol float64) bool {
	if math.IsNaN(want) {
		return math.IsNaN(got)
	}
	return math.Abs(got-want) <= tol*math.Abs(want) || math.Abs(got-want) < 1e-300
}

var ksMethods = map[string]KSMethod{"auto": KSAuto, "exact": KSExact, "asymp": KSAsymp}

func TestKSTwoSciPy(t *testing.T) {
	for _, c := range loadStats(t).KSTwo {
		if got := kstwoSF(c.N, c.X); !relNear(got, c.SF, 1e-9) {
			t.Errorf("kstwoSF(%d, %v) = %v; want %v (rel err %.2g)", c.N, c.X, got, c.SF, math.Abs(got-c.SF)/c.SF)
		}
	}
}

func TestKolmogorovSmirnovSciPy(t *testing.T) {
	for i, c := range loadStats(t).KS {
		for _, w := range c.Results {
			r := KolmogorovSmirnov(c.A, c.B, ksMethods[w.Method])
			wantP := math.NaN()
			if w.P != nil {
				wantP = *w.P
			}
			if !near(r.Statistic, w.Statistic, 1e-12) || !relNear(r.PValue, wantP, 1e-9) ||
				r.Location != w.Location || r.Sign != w.Sign {
				t.Errorf("case %d (%d×%d, %s): got D=%v p=%v at %v sign %d; want D=%v p=%v at %v sign %d",
					i, len(c.A), len(c.B), w.Method, r.Statistic, r.PValue, r.Location, r.Sign,
					w.Statistic, wantP, w.Location, w.Sign)
			}
		}
	}
}

func floatsNear(got, want []float64, tol float64) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		if !near(got[i], want[i], tol) {
			return false
		}
	}
	return true
}

// TestPSISciPy checks the edges (every numpy.quantile method), bin shares
// and PSI against NumPy, both from raw samples and through profiles.
func TestPSINumPy(t *testing.T) {
	type row struct{ x float64 }
	cols := []Column[row]{Float("x", func(r *row) (float64, bool) { return r.x, true })}
	rows := func(x []float64) []row {
		out := make([]row, len(x))
		for i, v := range x {
			out[i] = row{v}
		}
		return out
	}
	for i, c := range loadStats(t).PSI {
		for _, w := range c.Results {
			left := w.Closed == "left"
			m := QuantileMethod(w.Method)
			edges := QuantileEdges(c.Ref, c.Bins, m)
			if !floatsNear(edges, w.Edges, 1e-12) {
				t.Errorf("case %d %s: QuantileEdges = %v; want %v", i, m, edges, w.Edges)
				continue
			}
			rh, ch := BinCounts(c.Ref, edges, left), BinCounts(c.Cur, edges, left)
			if got := proportions(rh); !floatsNear(got, w.RefFrac, 1e-12) {
				t.Errorf("case %d %s %s: reference shares = %v; want %v", i, m, w.Closed, got, w.RefFrac)
			}
			if got := proportions(ch); !floatsNear(got, w.CurFrac, 1e-12) {
				t.Errorf("case %d %s %s: current shares = %v; want %v", i, m, w.Closed, got, w.CurFrac)
			}
			if got := PSI(rh, ch); !near(got, w.PSI, 1e-9) {
				t.Errorf("case %d %s %s: PSI = %v; want %v", i, m, w.Closed, got, w.PSI)
			}
			opts := &ProfileOptions{Bins: c.Bins, Quantile: m, LeftClosed: left, Methods: map[string]Method{"x": PSIMethod}}
			ref := BuildProfile(rows(c.Ref), cols, opts)
			cur := BuildProfile(rows(c.Cur), cols, opts)
			rep, err := Compare(ref, cur, nil)
			if err != nil {
				t.Fatal(err)
			}
			r := rep.Column("x")
			if !floatsNear(ref.Column("x").Edges, w.Edges, 1e-12) || !near(r.Score, w.PSI, 1e-9) ||
				!floatsNear(r.RefHist, w.RefFrac, 1e-12) || !floatsNear(r.CurHist, w.CurFrac, 1e-12) || r.Method != PSIMethod {
				t.Errorf("case %d %s %s: profile PSI = %v (edges %v, shares %v / %v); want %v (%v, %v / %v)", i, m, w.Closed,
					r.Score, ref.Column("x").Edges, r.RefHist, r.CurHist, w.PSI, w.Edges, w.RefFrac, w.CurFrac)
			}
		}
	}
}

func TestWeightedStatsSciPy(t *testing.T) {
	d := loadStats(t)
	for i, c := range d.Wasserstein {
		if got := WassersteinWeighted(c.U, c.V, c.UWeights, c.VWeights); !near(got, c.Distance, 1e-9) {
			t.Errorf("case %d: WassersteinWeighted = %v; want %v", i, got, c.Distance)
		}
	}
	for i, c := range d.JensenShannon {
		got := JensenShannonBase(c.P, c.Q, c.Base)
		div := JensenShannonDivergence(c.P, c.Q, c.Base)
		if !near(got, c.Distance, 1e-9) || !near(div, c.Distance*c.Distance, 1e-9) {
			t.Errorf("case %d (base %v): JensenShannonBase = %v, divergence %v; want %v, %v", i, c.Base, got, div, c.Distance, c.Distance*c.Distance)
		}
	}
	for i, c := range d.ChiSquare {
		r, err := ChiSquareTable(c.Table, c.Yates)
		if c.Error {
			if err == nil {
				t.Errorf("case %d %v: ChiSquareTable gave no error; SciPy refuses the table", i, c.Table)
			}
			continue
		}
		if err != nil {
			t.Errorf("case %d %v: %v", i, c.Table, err)
			continue
		}
		ok := near(r.Statistic, c.Stat, 1e-9) && relNear(r.PValue, c.P, 1e-9) && r.DOF == c.DOF
		for k := range c.Expected {
			ok = ok && floatsNear(r.Expected[k], c.Expected[k], 1e-12)
		}
		if !ok {
			t.Errorf("case %d %v yates=%v: got %+v; want %v %v %d %v", i, c.Table, c.Yates, r, c.Stat, c.P, c.DOF, c.Expected)
		}
	}
	for i, c := range d.ZTest {
		z, p := ZTest(c.X1, c.N1, c.X2, c.N2)
		if !near(z, c.Z, 1e-9) || !relNear(p, c.P, 1e-9) {
			t.Errorf("case %d: ZTest = %v, %v; want %v, %v", i, z, p, c.Z, c.P)
		}
	}
}
