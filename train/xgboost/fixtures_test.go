package xgboost_test

import (
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/loomml/loom/train"
	"github.com/loomml/loom/train/tree"
	"github.com/loomml/loom/train/xgboost"
)

// fixture is a model of testdata (made by gen_fixtures.py with XGBoost
// 1.7) and the test rows with XGBoost's margins and predictions.
type fixture struct {
	name    string
	X       [][]float64
	margins [][]float64
	preds   [][]float64
}

func loadFixture(t testing.TB, name string) fixture {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name+".pred.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	fx := fixture{name: name}
	head := recs[0]
	for _, r := range recs[1:] {
		var x, m, p []float64
		for j, s := range r {
			v, err := strconv.ParseFloat(s, 64)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			switch {
			case strings.HasPrefix(head[j], "x"):
				x = append(x, v)
			case strings.HasPrefix(head[j], "margin"):
				m = append(m, v)
			default:
				p = append(p, v)
			}
		}
		fx.X, fx.margins, fx.preds = append(fx.X, x), append(fx.margins, m), append(fx.preds, p)
	}
	return fx
}

func readModel(t testing.TB, file string) *xgboost.Booster {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", file))
	if err != nil {
		t.Fatal(err)
	}
	b, err := xgboost.Parse(data, nil)
	if err != nil {
		t.Fatalf("Parse(%s): %v", file, err)
	}
	return b
}

// rawer is what both kinds of imported model give: the raw margins.
type rawer interface {
	Raw(dst, x []float64) []float64
	Outputs() int
}

// close reports the agreement required with XGBoost: 1e-6 absolute,
// whatever the magnitude (margins near 150 included), since imported
// models sum and link in float32 as XGBoost's predictor does.
func close(got, want float64) bool {
	return math.Abs(got-want) <= 1e-6
}

var fixtures = []string{
	"bc_logistic", "bc_logistic_base", "bc_logitraw", "bc_reglogistic", "bc_dart",
	"iris_softprob", "iris_softmax",
	"diabetes_squarederror", "diabetes_poisson", "diabetes_tweedie", "diabetes_dart",
	"bc_gblinear", "iris_gblinear", "diabetes_gblinear",
	"mixed_categorical", "bc_100trees",
}

// TestFixtures checks every fixture's raw margins and predictions against
// XGBoost's own, row by row, and logs the largest differences.
func TestFixtures(t *testing.T) {
	for _, name := range fixtures {
		t.Run(name, func(t *testing.T) {
			checkFixture(t, readModel(t, name+".json"), loadFixture(t, name))
		})
	}
	t.Run("bc_logistic.ubj", func(t *testing.T) {
		checkFixture(t, readModel(t, "bc_logistic.ubj"), loadFixture(t, "bc_logistic"))
	})
}

func checkFixture(t *testing.T, b *xgboost.Booster, fx fixture) {
	m, err := b.Model("")
	if err != nil {
		t.Fatal(err)
	}
	r := m.(rawer)
	obj := b.Objective()
	var maxAbs, maxRel, maxMargin float64
	note := func(got, want float64) {
		d := math.Abs(got - want)
		maxAbs = max(maxAbs, d)
		maxRel = max(maxRel, d/max(1, math.Abs(want)))
	}
	z := make([]float64, r.Outputs())
	proba := make([]float64, max(2, r.Outputs()))
	for i, x := range fx.X {
		r.Raw(z, x)
		for k := range z {
			note(z[k], fx.margins[i][k])
			maxMargin = max(maxMargin, math.Abs(z[k]-fx.margins[i][k]))
			if !close(z[k], fx.margins[i][k]) {
				t.Fatalf("row %d: margin %d = %v; XGBoost %v", i, k, z[k], fx.margins[i][k])
			}
		}
		switch obj {
		case "binary:logitraw":
			// XGBoost predicts the margin (Loom's Raw); Loom's classifier
			// gives its expit as the probability.
			note(z[0], fx.preds[i][0])
			if !close(z[0], fx.preds[i][0]) {
				t.Fatalf("row %d: margin %v; XGBoost predicts %v", i, z[0], fx.preds[i][0])
			}
			p := m.(train.Classifier).PredictProba(proba, x)
			if want := tree.Expit(z[0]); !close(p[1], want) || !close(p[0], 1-want) {
				t.Fatalf("row %d: probabilities %v; want the expit of margin %v", i, p, z[0])
			}
		case "binary:logistic":
			p := m.(train.Classifier).PredictProba(proba, x)
			note(p[1], fx.preds[i][0])
			if !close(p[1], fx.preds[i][0]) {
				t.Fatalf("row %d: P(1) = %v; XGBoost %v", i, p[1], fx.preds[i][0])
			}
		case "multi:softprob":
			p := m.(train.Classifier).PredictProba(proba, x)
			for k := range p {
				note(p[k], fx.preds[i][k])
				if !close(p[k], fx.preds[i][k]) {
					t.Fatalf("row %d: P(%d) = %v; XGBoost %v", i, k, p[k], fx.preds[i][k])
				}
			}
		case "multi:softmax":
			if got := m.Predict(x); got != fx.preds[i][0] {
				t.Fatalf("row %d: class %v; XGBoost %v", i, got, fx.preds[i][0])
			}
		default:
			got := m.Predict(x)
			note(got, fx.preds[i][0])
			if !close(got, fx.preds[i][0]) {
				t.Fatalf("row %d: prediction %v; XGBoost %v", i, got, fx.preds[i][0])
			}
		}
	}
	t.Logf("%s %s: %d rows, largest difference %.3g absolute, %.3g relative (margins: %.3g)", b.Kind(), obj, len(fx.X), maxAbs, maxRel, maxMargin)
}
