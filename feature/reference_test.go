package feature_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/loomml/loom/feature"
	"github.com/loomml/loom/internal/datasets"
)

// The reference values in testdata/sklearn_*.json come from
// testdata/gen_sklearn.py (scikit-learn 1.2.1); see its doc string.

type refCase struct {
	Name    string                     `json:"name"`
	Columns []string                   `json:"columns"`
	State   map[string]json.RawMessage `json:"state"`
	Rows    []int                      `json:"rows"`
	Output  json.RawMessage            `json:"output"`
	Names   []string                   `json:"names"` // output names, of the polynomial cases
}

type refFile struct {
	Dataset string    `json:"dataset"`
	Cases   []refCase `json:"cases"`
}

// table is a CSV data set: numeric columns (NaN for empty cells) and the
// raw strings.
type table struct {
	header []string
	rows   [][]string
}

func readTable(t testing.TB, name string) table {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return table{header: recs[0], rows: recs[1:]}
}

func readIndex(t testing.TB, name, kind string) []int {
	t.Helper()
	idx, err := datasets.Split("testdata", name, kind)
	if err != nil {
		t.Fatal(err)
	}
	return idx
}

// rec is a generic row: numeric values (NaN missing) and strings ("" with
// ok false missing), by column position.
type rec struct {
	num []float64
	str []string
}

func (tb table) recs(t testing.TB, idx []int) []rec {
	t.Helper()
	if idx == nil {
		idx = make([]int, len(tb.rows))
		for i := range idx {
			idx[i] = i
		}
	}
	out := make([]rec, len(idx))
	for k, i := range idx {
		r := tb.rows[i]
		out[k] = rec{num: make([]float64, len(r)), str: r}
		for j, s := range r {
			if s == "" {
				out[k].num[j] = math.NaN()
				continue
			}
			if x, err := strconv.ParseFloat(s, 64); err == nil {
				out[k].num[j] = x
			}
		}
	}
	return out
}

func (tb table) col(name string) int {
	for i, h := range tb.header {
		if h == name {
			return i
		}
	}
	panic("no column " + name)
}

func numTransforms(name string) []feature.NumTransform {
	switch name {
	case "box_cox":
		return []feature.NumTransform{feature.BoxCox()}
	case "box_cox_std": // standardize=True
		return []feature.NumTransform{feature.BoxCox(), feature.Standardize()}
	}
	return []feature.NumTransform{numTransform(name)}
}

func numTransform(name string) feature.NumTransform {
	switch name {
	case "standard":
		return feature.Standardize()
	case "minmax":
		return feature.MinMax(0, 1)
	case "robust":
		return feature.Robust()
	case "maxabs":
		return feature.MaxAbs()
	case "impute_mean":
		return feature.Impute(feature.Mean, false)
	case "impute_median":
		return feature.Impute(feature.Median, false)
	case "impute_most_frequent":
		return feature.Impute(feature.MostFrequent, false)
	case "kbins_quantile":
		return feature.Bins(5, false)
	case "kbins_uniform":
		return feature.Bins(5, true)
	case "yeo_johnson":
		return feature.YeoJohnson()
	}
	return feature.NumTransform{}
}

// stateOf decodes a fitted set's JSON state.
type encState struct {
	Features []struct {
		Name       string `json:"name"`
		Transforms []struct {
			Kind       string             `json:"kind"`
			State      map[string]float64 `json:"state"`
			Edges      []float64          `json:"edges"`
			Categories []string           `json:"categories"`
			Infrequent []string           `json:"infrequent"`
			Missing    bool               `json:"missing"`
			Fill       string             `json:"fill"`
		} `json:"transforms"`
	} `json:"features"`
}

func stateOf(t *testing.T, f *feature.Fitted[rec]) encState {
	t.Helper()
	b, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	var st encState
	if err := json.Unmarshal(b, &st); err != nil {
		t.Fatal(err)
	}
	return st
}

// close reports agreement within 1e-9 relative, with an absolute floor of
// 1e-12 for values near zero (centred outputs, means of centred data).
func close(a, b float64) bool {
	if math.IsNaN(a) || math.IsNaN(b) {
		return math.IsNaN(a) && math.IsNaN(b)
	}
	return math.Abs(a-b) <= 1e-9*math.Max(math.Abs(a), math.Abs(b))+1e-12
}

// boxCoxNear is Box-Cox's tolerance, for λ and outputs: 1e-6 relative or
// 1e-7 absolute (see checkCase).
func boxCoxNear(a, b float64) bool {
	if math.IsNaN(a) || math.IsNaN(b) {
		return math.IsNaN(a) && math.IsNaN(b)
	}
	return math.Abs(a-b) <= 1e-6*math.Max(math.Abs(a), math.Abs(b))+1e-7
}

// deviation tracks the largest absolute and relative differences from the
// reference values, logged for the power transforms (go test -v -run
// Sklearn) so that their agreement can be quoted.
type deviation struct {
	on       bool
	abs, rel map[string]float64
}

func (d *deviation) add(what string, got, want float64) {
	if !d.on || math.IsNaN(got) || math.IsNaN(want) {
		return
	}
	if d.abs == nil {
		d.abs, d.rel = map[string]float64{}, map[string]float64{}
	}
	diff := math.Abs(got - want)
	d.abs[what] = max(d.abs[what], diff)
	if want != 0 {
		d.rel[what] = max(d.rel[what], diff/math.Abs(want))
	}
}

func (d *deviation) log(t *testing.T) {
	for _, what := range []string{"λ", "output"} {
		if _, ok := d.abs[what]; ok {
			t.Logf("%s: largest difference %.3g absolute, %.3g relative", what, d.abs[what], d.rel[what])
		}
	}
}

// closeTo is close with a looser relative tolerance.
func closeTo(rel float64) func(a, b float64) bool {
	return func(a, b float64) bool {
		if math.IsNaN(a) || math.IsNaN(b) {
			return math.IsNaN(a) && math.IsNaN(b)
		}
		return math.Abs(a-b) <= rel*math.Max(math.Abs(a), math.Abs(b))+1e-12
	}
}

func floats(t *testing.T, raw json.RawMessage) []float64 {
	t.Helper()
	var v []*float64
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	out := make([]float64, len(v))
	for i, p := range v {
		out[i] = math.NaN()
		if p != nil {
			out[i] = *p
		}
	}
	return out
}

func TestSklearnReference(t *testing.T) {
	for _, ds := range []string{"breast_cancer", "diabetes", "mixed"} {
		var ref refFile
		b, err := os.ReadFile(filepath.Join("testdata", "sklearn_"+ds+".json"))
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, &ref); err != nil {
			t.Fatal(err)
		}
		var tb table
		var train, test []rec
		if ds == "mixed" {
			tb = readTable(t, "mixed_train.csv")
			train = tb.recs(t, nil)
			test = readTable(t, "mixed_test.csv").recs(t, nil)
		} else {
			tb = readTable(t, ds+".csv")
			train = tb.recs(t, readIndex(t, ds, "train"))
			test = tb.recs(t, readIndex(t, ds, "test"))
		}
		for _, c := range ref.Cases {
			t.Run(ds+"/"+c.Name, func(t *testing.T) {
				if strings.HasPrefix(c.Name, "poly") {
					checkPolyCase(t, tb, c, train, test)
					return
				}
				checkCase(t, tb, c, train, test)
			})
		}
	}
}

func checkCase(t *testing.T, tb table, c refCase, train, test []rec) {
	set := feature.NewSet[rec](&feature.Options{BlockRows: 97})
	categorical := strings.HasPrefix(c.Name, "onehot") || c.Name == "ordinal" || c.Name == "impute_most_frequent_cat"
	for _, name := range c.Columns {
		j := tb.col(name)
		if !categorical {
			set.Num(name, func(r *rec) float64 { return r.num[j] }, numTransforms(c.Name)...)
			continue
		}
		acc := func(r *rec) (string, bool) { return r.str[j], r.str[j] != "" }
		switch c.Name {
		case "onehot":
			set.CatOpt(name, acc, feature.OneHot(feature.OneHotOptions{Unknown: feature.UnknownIgnore}))
		case "onehot_max_categories":
			set.CatOpt(name, acc, feature.OneHot(feature.OneHotOptions{Unknown: feature.UnknownIgnore, MaxCategories: 4}))
		case "onehot_min_frequency":
			set.CatOpt(name, acc, feature.OneHot(feature.OneHotOptions{Unknown: feature.UnknownIgnore, MinFrequency: 250}))
		case "ordinal":
			set.CatOpt(name, acc, feature.Ordinal(feature.OrdinalOptions{}))
		case "impute_most_frequent_cat":
			set.CatOpt(name, acc, feature.CatImpute(feature.MostFrequent), feature.Ordinal(feature.OrdinalOptions{}))
		}
	}
	fit, err := set.Fit(context.Background(), train)
	if err != nil {
		t.Fatal(err)
	}
	st := stateOf(t, fit)
	// state
	near := close
	var dev deviation // for the power transforms: how close they came
	defer dev.log(t)
	checkState := func(attr, key string) {
		want := floats(t, c.State[attr])
		for i, f := range st.Features {
			got := f.Transforms[0].State[key]
			dev.add("λ", got, want[i])
			if !near(got, want[i]) {
				t.Errorf("%s %s[%d] = %v; want %v", f.Name, attr, i, got, want[i])
			}
		}
	}
	switch c.Name {
	case "standard":
		checkState("mean_", "mean")
		checkState("scale_", "scale")
	case "minmax":
		checkState("scale_", "scale")
		checkState("min_", "offset")
	case "robust":
		checkState("center_", "center")
		checkState("scale_", "scale")
	case "maxabs":
		checkState("scale_", "scale")
	case "impute_mean", "impute_median", "impute_most_frequent":
		checkState("statistics_", "fill")
	case "yeo_johnson":
		dev.on = true
		// λ comes from an iterative optimiser stopped at a relative
		// tolerance of 1.48e-8, so λ and outputs agree to 1e-6.
		near = closeTo(1e-6)
		checkState("lambdas_", "lambda")
	case "box_cox", "box_cox_std":
		// The same optimiser and stopping rule as Yeo-Johnson; some λ
		// here are near 0, where the likelihood's flatness, not the
		// relative tolerance, limits agreement: its maximum is only
		// defined to about 1e-7 in absolute terms (δλ ≈ √(ε·|llf|/llf'')
		// under last-bit differences between Go's and numpy's pow and
		// log), so an absolute 1e-7 is allowed besides 1e-6 relative.
		near, dev.on = boxCoxNear, true
		checkState("lambdas_", "lambda")
	case "kbins_quantile", "kbins_uniform":
		var want [][]float64
		if err := json.Unmarshal(c.State["bin_edges_"], &want); err != nil {
			t.Fatal(err)
		}
		for i, f := range st.Features {
			got := f.Transforms[0].Edges
			if len(got) != len(want[i]) {
				t.Fatalf("%s edges = %v; want %v", f.Name, got, want[i])
			}
			for k := range got {
				if !close(got[k], want[i][k]) {
					t.Errorf("%s edges[%d] = %v; want %v", f.Name, k, got[k], want[i][k])
				}
			}
		}
	case "onehot", "ordinal", "onehot_max_categories", "onehot_min_frequency":
		var cats, infreq [][]*string
		if err := json.Unmarshal(c.State["categories_"], &cats); err != nil {
			t.Fatal(err)
		}
		if raw, ok := c.State["infrequent_categories_"]; ok {
			if err := json.Unmarshal(raw, &infreq); err != nil {
				t.Fatal(err)
			}
		}
		for i, f := range st.Features {
			tr := f.Transforms[0]
			var all []string
			missing := false
			for _, p := range cats[i] {
				if p == nil {
					missing = true
				} else {
					all = append(all, *p)
				}
			}
			var wantInf []string
			if infreq != nil {
				for _, p := range infreq[i] {
					wantInf = append(wantInf, *p)
				}
			}
			got := append(append([]string(nil), tr.Categories...), tr.Infrequent...)
			if strings.Join(tr.Infrequent, ",") != strings.Join(wantInf, ",") || len(got) != len(all) || tr.Missing != missing {
				t.Errorf("%s categories %v infrequent %v missing %v; want %v infrequent %v missing %v", f.Name, tr.Categories, tr.Infrequent, tr.Missing, all, wantInf, missing)
			}
		}
	}
	// transformed test rows
	if c.Name == "impute_most_frequent_cat" {
		var want [][]string
		if err := json.Unmarshal(c.Output, &want); err != nil {
			t.Fatal(err)
		}
		cats := st.Features[0].Transforms[1].Categories
		for k, i := range c.Rows {
			v := fit.Vector(&test[i], nil)
			if got := cats[int(v[0])]; got != want[k][0] {
				t.Errorf("row %d: imputed %q; want %q", i, got, want[k][0])
			}
		}
		return
	}
	var want [][]*float64
	if err := json.Unmarshal(c.Output, &want); err != nil {
		t.Fatal(err)
	}
	for k, i := range c.Rows {
		v := fit.Vector(&test[i], nil)
		if len(v) != len(want[k]) {
			t.Fatalf("row %d: width %d; want %d", i, len(v), len(want[k]))
		}
		for j := range v {
			w := math.NaN()
			if want[k][j] != nil {
				w = *want[k][j]
			}
			dev.add("output", v[j], w)
			if !near(v[j], w) {
				t.Errorf("row %d column %s = %v; want %v", i, fit.Names()[j], v[j], w)
			}
		}
	}
}

// checkPolyCase compares Polynomial with PolynomialFeatures(include_bias=
// False): the names (scikit-learn's with "*" for the space) and the
// outputs, within 1e-12 relative; go test -v -run Sklearn/diabetes/poly
// logs the largest difference.
func checkPolyCase(t *testing.T, tb table, c refCase, train, test []rec) {
	set := feature.NewSet[rec](&feature.Options{BlockRows: 97})
	for _, name := range c.Columns {
		j := tb.col(name)
		set.Num(name, func(r *rec) float64 { return r.num[j] })
	}
	switch c.Name {
	case "poly3":
		set.Polynomial(3, false, c.Columns...)
	case "poly2_interaction":
		set.Polynomial(2, true, c.Columns...)
	default:
		t.Fatalf("unknown case %s", c.Name)
	}
	fit, err := set.Fit(context.Background(), train)
	if err != nil {
		t.Fatal(err)
	}
	want := make([]string, len(c.Names))
	for i, n := range c.Names {
		want[i] = strings.ReplaceAll(n, " ", "*")
	}
	if got := fit.Names(); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("names %v; want %v", got, want)
	}
	var out [][]*float64
	if err := json.Unmarshal(c.Output, &out); err != nil {
		t.Fatal(err)
	}
	near := closeTo(1e-12)
	dev := deviation{on: true}
	defer dev.log(t)
	rows := make([]rec, len(c.Rows))
	for k, i := range c.Rows {
		rows[k] = test[i]
	}
	m, err := fit.Matrix(context.Background(), rows)
	if err != nil {
		t.Fatal(err)
	}
	exact := 0
	for k := range rows {
		v := fit.Vector(&rows[k], nil)
		for j := range v {
			w := *out[k][j]
			dev.add("output", v[j], w)
			if v[j] == w {
				exact++
			}
			if !near(v[j], w) || m.At(k, j) != v[j] {
				t.Errorf("row %d column %s = %v (matrix %v); want %v", c.Rows[k], fit.Names()[j], v[j], m.At(k, j), w)
			}
		}
	}
	t.Logf("%d of %d values equal to the bit", exact, len(rows)*fit.Width())
}
