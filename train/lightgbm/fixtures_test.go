package lightgbm_test

import (
	"bufio"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/loomml/loom/train"
	"github.com/loomml/loom/train/lightgbm"
	"github.com/loomml/loom/train/tree"
)

// readTable reads whitespace-separated numbers, one row a line; a libsvm
// file (label idx:value ...) gives its dense features, width columns.
func readTable(t testing.TB, file string, width int) [][]float64 {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", file))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out [][]float64
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) == 0 {
			continue
		}
		var row []float64
		if strings.HasSuffix(file, ".libsvm") {
			row = make([]float64, width)
			for _, kv := range fields[1:] {
				k, v, _ := strings.Cut(kv, ":")
				j, err1 := strconv.Atoi(k)
				x, err2 := strconv.ParseFloat(v, 64)
				if err1 != nil || err2 != nil {
					t.Fatalf("%s: bad entry %q", file, kv)
				}
				row[j] = x
			}
		} else {
			for _, s := range fields {
				x, err := strconv.ParseFloat(s, 64)
				if err != nil {
					t.Fatalf("%s: %v", file, err)
				}
				row = append(row, x)
			}
		}
		out = append(out, row)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func parseFile(t testing.TB, file string) *lightgbm.Booster {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", file))
	if err != nil {
		t.Fatal(err)
	}
	b, err := lightgbm.Parse(data, nil)
	if err != nil {
		t.Fatalf("Parse(%s): %v", file, err)
	}
	return b
}

// close is the agreement required with LightGBM: 1e-6, relative above 1.
func close(got, want float64) bool { return math.Abs(got-want) <= 1e-6*max(1, math.Abs(want)) }

// lightgbmFixtures are models and predictions of the real LightGBM,
// published by dmitryikh/leaves (MIT); see testdata/README.md.
var lightgbmFixtures = []struct {
	model, data string
	skipLabel   bool // the data's first column is the label
	width       int
	want        string
	raw         bool // want holds raw scores, else predictions
}{
	{"multiclass.model.txt", "multiclass_test.tsv", true, 28, "multiclass_pred.tsv", false},
	{"multiclass.model.txt", "multiclass_test.tsv", true, 28, "multiclass_raw.tsv", true},
	{"kddcup99.model.txt", "kddcup99_test.tsv", false, 41, "kddcup99_raw.tsv", true},
	{"poisson.model.txt", "poisson_test.tsv", false, 9, "poisson_pred.tsv", false},
	{"gamma.model.txt", "gamma_test.tsv", false, 9, "gamma_pred.tsv", false},
	// The tweedie model was scored on the poisson model's test rows.
	{"tweedie.model.txt", "poisson_test.tsv", false, 9, "tweedie_pred.tsv", false},
	// The LightGBM 2 that made this random forest skipped the output
	// transform of averaged models (its predictions are the averaged raw
	// scores); LightGBM 3 and later apply it, as Loom does. The fixture
	// checks the averaging.
	{"rf_iris.model.txt", "rf_iris_test.libsvm", false, 4, "rf_iris_pred.tsv", true},
	{"dart_breast_cancer.model.txt", "dart_breast_cancer_test.tsv", false, 30, "dart_breast_cancer_pred.tsv", false},
}

// TestFixtures checks predictions and raw scores against LightGBM's.
func TestFixtures(t *testing.T) {
	for _, fx := range lightgbmFixtures {
		t.Run(fx.want, func(t *testing.T) {
			b := parseFile(t, fx.model)
			m, err := b.Model("")
			if err != nil {
				t.Fatal(err)
			}
			X := readTable(t, fx.data, fx.width)
			want := readTable(t, fx.want, 0)
			if len(X) != len(want) {
				t.Fatalf("%d rows, %d predictions", len(X), len(want))
			}
			var e *tree.Ensemble
			switch mm := m.(type) {
			case *tree.Classifier:
				e = mm.Ensemble
			case *tree.Regressor:
				e = mm.Ensemble
			}
			var maxDiff float64
			for i, x := range X {
				if fx.skipLabel {
					x = x[1:]
				}
				var got []float64
				switch {
				case fx.raw:
					got = e.Raw(make([]float64, e.Outputs()), x)
				case len(m.Info().Classes) == 2:
					got = m.(train.Classifier).PredictProba(make([]float64, 2), x)[1:]
				case len(m.Info().Classes) > 2:
					got = m.(train.Classifier).PredictProba(make([]float64, len(m.Info().Classes)), x)
				default:
					got = []float64{m.Predict(x)}
				}
				if len(got) != len(want[i]) {
					t.Fatalf("row %d: %d outputs, LightGBM %d", i, len(got), len(want[i]))
				}
				for k := range got {
					maxDiff = max(maxDiff, math.Abs(got[k]-want[i][k])/max(1, math.Abs(want[i][k])))
					if !close(got[k], want[i][k]) {
						t.Fatalf("row %d: output %d = %v; LightGBM %v", i, k, got[k], want[i][k])
					}
				}
			}
			t.Logf("%s (%s): %d rows, largest difference %.3g", fx.model, b.Objective(), len(X), maxDiff)
		})
	}
}
