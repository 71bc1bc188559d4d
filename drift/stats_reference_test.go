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
			P         float64
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
			if !near(r.Statistic, w.Statistic, 1e-12) || !relNear(r.PValue, w.P, 1e-9) ||
				r.Location != w.Location || r.Sign != w.Sign {
				t.Errorf("case %d (%d×%d, %s): got D=%v p=%v at %v sign %d; want D=%v p=%v at %v sign %d",
					i, len(c.A), len(c.B), w.Method, r.Statistic, r.PValue, r.Location, r.Sign,
					w.Statistic, w.P, w.Location, w.Sign)
			}
		}
	}
}
