package drift_test

import (
	"fmt"

	"github.com/loomml/loom/drift"
)

// The values agree with scipy.stats.ks_2samp(ref, cur, method=…).
func ExampleKolmogorovSmirnov() {
	ref := []float64{0.1, 0.4, 0.5, 0.9, 1.2, 1.3, 1.9, 2.2}
	cur := []float64{1.1, 1.4, 1.8, 2.0, 2.5, 2.6, 3.1}
	for _, m := range []drift.KSMethod{drift.KSExact, drift.KSAsymp} {
		r := drift.KolmogorovSmirnov(ref, cur, m)
		fmt.Printf("%s: D = %.4f, p = %.4f, at %v, sign %+d\n", m, r.Statistic, r.PValue, r.Location, r.Sign)
	}
	// Output:
	// exact: D = 0.6071, p = 0.0870, at 1.3, sign +1
	// asymp: D = 0.6071, p = 0.0618, at 1.3, sign +1
}

func ExampleQuantileEdges() {
	ref := []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	edges := drift.QuantileEdges(ref, 4, drift.QuantileLinear) // numpy.quantile's default
	fmt.Println(edges, drift.QuantileEdges(ref, 4, drift.QuantileInvertedCDF))
	cur := []float64{2, 2, 3, 7, 9, 11, 12, 12}
	refBins, curBins := drift.BinCounts(ref, edges, false), drift.BinCounts(cur, edges, false)
	fmt.Println(refBins, curBins)
	fmt.Printf("PSI %.4f\n", drift.PSI(refBins, curBins))
	// Output:
	// [3.25 5.5 7.75] [3 5 8]
	// [3 2 2 3] [3 0 1 4]
	// PSI 1.6736
}

func ExampleChiSquareTable() {
	r, err := drift.ChiSquareTable([][]float64{{12, 5}, {7, 14}}, true)
	if err != nil {
		panic(err)
	}
	fmt.Printf("chi2 = %.4f, p = %.4f, dof = %d, expected %.2f\n", r.Statistic, r.PValue, r.DOF, r.Expected)
	// Output: chi2 = 3.8319, p = 0.0503, dof = 1, expected [[8.50 8.50] [10.50 10.50]]
}

func ExampleWassersteinWeighted() {
	fmt.Printf("%.4f\n", drift.WassersteinWeighted([]float64{0, 1, 3}, []float64{5, 6, 8}, []float64{1, 1, 2}, nil))
	// Output: 4.5833
}

func ExampleJensenShannonBase() {
	p, q := []float64{10, 30, 60}, []float64{30, 30, 40}
	fmt.Printf("distance (base 2) %.4f, divergence %.4f\n", drift.JensenShannonBase(p, q, 2), drift.JensenShannonDivergence(p, q, 2))
	// Output: distance (base 2) 0.2286, divergence 0.0523
}

func ExampleLookup() {
	d, err := drift.Lookup(drift.PSIMethod)
	fmt.Println(d.DefaultThreshold(), err)
	_, err = drift.Lookup("energy")
	fmt.Println(err)
	// Output:
	// 0.1 <nil>
	// drift: unknown method "energy" (forgotten import?)
}

func ExampleReport_DatasetRule() {
	rep := &drift.Report{Drifted: 3, Tested: 25, Share: 0.12, ShareThreshold: 0.5}
	fmt.Println(rep.DatasetRule())
	// Output: Dataset drift is declared when at least 50% of the tested columns drift: 3 of 25 drifted (12%), so the dataset does not drift.
}
