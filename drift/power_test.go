package drift

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

var powerTable = flag.Bool("power", false, "print the detection power / false alarm table of the package documentation")

type scenario struct {
	name string
	num  bool
	mu   float64 // mean shift in reference std
	sd   float64 // current std
	swap bool    // categorical: swap the shares of b and c
}

var scenarios = []scenario{
	{name: "no shift (numeric)", num: true, sd: 1},
	{name: "mean +0.1 std", num: true, mu: 0.1, sd: 1},
	{name: "mean +0.25 std", num: true, mu: 0.25, sd: 1},
	{name: "mean +0.5 std", num: true, mu: 0.5, sd: 1},
	{name: "std ×1.5", num: true, sd: 1.5},
	{name: "no shift (categorical)"},
	{name: "category swap (0.5/0.3/0.2 → 0.5/0.2/0.3)", swap: true},
}

func catSample(n int, r *rand.Rand, swap bool) []string {
	out := make([]string, n)
	pb := 0.3 // share of b; c gets the remaining 1 − 0.5 − pb
	if swap {
		pb = 0.2
	}
	for i := range out {
		u := r.Float64()
		switch {
		case u < 0.5:
			out[i] = "a"
		case u < 0.5+pb:
			out[i] = "b"
		default:
			out[i] = "c"
		}
	}
	return out
}

// detectionRate runs trials seeded comparisons and returns the share that
// reported drift, and the method used.
func detectionRate(sc scenario, nRef, nCur, trials int) (float64, Method) {
	hits := 0
	var m Method
	for t := range trials {
		r := rand.New(rand.NewPCG(uint64(t), 4242))
		var ref, cur *Profile
		if sc.num {
			ref = numProfile(normals(nRef, r.Uint64(), 0, 1))
			cur = numProfile(normals(nCur, r.Uint64(), sc.mu, sc.sd))
		} else {
			ref = catProfile(catSample(nRef, r, false))
			cur = catProfile(catSample(nCur, r, sc.swap))
		}
		rep, err := Compare(ref, cur, nil)
		if err != nil {
			panic(err)
		}
		m = rep.Columns[0].Method
		if rep.Columns[0].Drifted {
			hits++
		}
	}
	return float64(hits) / float64(trials), m
}

// TestPowerTable prints the table of doc.go with -power (200 trials per
// cell; about a minute). Without the flag it runs a 20-trial smoke check.
func TestPowerTable(t *testing.T) {
	trials := 20
	if *powerTable {
		trials = 200
	}
	regimes := []struct{ ref, cur int }{{1000, 1000}, {10000, 1000}}
	var b strings.Builder
	fmt.Fprintf(&b, "| shift | reference 1,000 / current 1,000 | reference 10,000 / current 1,000 |\n|---|---|---|\n")
	for _, sc := range scenarios {
		fmt.Fprintf(&b, "| %s ", sc.name)
		for _, rg := range regimes {
			rate, m := detectionRate(sc, rg.ref, rg.cur, trials)
			fmt.Fprintf(&b, "| %.1f%% (%s) ", 100*rate, m)
			switch {
			case strings.HasPrefix(sc.name, "no shift") && rate > 0.2:
				t.Errorf("%s, %v: false alarm rate %.2f", sc.name, rg, rate)
			case sc.mu == 0.5 && rate < 0.8:
				t.Errorf("%s, %v: power %.2f", sc.name, rg, rate)
			}
		}
		b.WriteString("|\n")
	}
	if *powerTable {
		fmt.Print(b.String())
	}
}
