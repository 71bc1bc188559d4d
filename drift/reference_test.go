package drift

import (
	"encoding/json"
	"math"
	"os"
	"testing"
)

type refData struct {
	Samples []struct {
		A, B        []float64
		KSStat      float64 `json:"ks_stat"`
		KSP         float64 `json:"ks_p"`
		KSExact     bool    `json:"ks_exact"`
		Wasserstein float64
	}
	Hists []struct {
		P, Q  []float64
		JS    float64
		Chi2  float64
		Chi2P float64 `json:"chi2_p"`
		DOF   int
	}
}

func loadReference(t testing.TB) refData {
	b, err := os.ReadFile("testdata/reference.json")
	if err != nil {
		t.Fatal(err)
	}
	var d refData
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatal(err)
	}
	return d
}

func near(got, want, tol float64) bool {
	return math.Abs(got-want) <= tol*math.Max(1, math.Abs(want))
}

// TestSciPyAgreement compares with SciPy 1.10 (testdata/gen_reference.py).
func TestSciPyAgreement(t *testing.T) {
	d := loadReference(t)
	const tol = 1e-9
	for i, c := range d.Samples {
		stat, p := KS(c.A, c.B)
		if !near(stat, c.KSStat, tol) {
			t.Errorf("case %d (%d×%d): KS statistic = %v; want %v", i, len(c.A), len(c.B), stat, c.KSStat)
		}
		if !relNear(p, c.KSP, tol) {
			t.Errorf("case %d (%d×%d): KS p = %v; want %v", i, len(c.A), len(c.B), p, c.KSP)
		}
		if w := Wasserstein(c.A, c.B); !near(w, c.Wasserstein, tol) {
			t.Errorf("case %d: Wasserstein = %v; want %v", i, w, c.Wasserstein)
		}
	}
	for i, h := range d.Hists {
		if js := JensenShannon(h.P, h.Q); !near(js, h.JS, tol) {
			t.Errorf("hist %d: JensenShannon = %v; want %v", i, js, h.JS)
		}
		stat, p, dof := ChiSquare(h.P, h.Q)
		if !near(stat, h.Chi2, tol) || !near(p, h.Chi2P, tol) || dof != h.DOF {
			t.Errorf("hist %d: ChiSquare = %v, %v, %d; want %v, %v, %d", i, stat, p, dof, h.Chi2, h.Chi2P, h.DOF)
		}
	}
}
