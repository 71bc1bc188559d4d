package beam_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/runners/prism"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/transforms/stats"

	loombeam "github.com/loomml/loom/beam"
	"github.com/loomml/loom/drift"
	"github.com/loomml/loom/examples/churn"
	"github.com/loomml/loom/model"
	"github.com/loomml/loom/pipeline/source"
	"github.com/loomml/loom/registry"
	"github.com/loomml/loom/train"
)

type Customer = churn.Customer

// writeShards writes rows as n CSV files in dir.
func writeShards(t testing.TB, dir string, rows []Customer, n int) {
	t.Helper()
	per := (len(rows) + n - 1) / n
	for i := range n {
		var buf bytes.Buffer
		if err := source.WriteCSV(&buf, slices.Values(rows[i*per:min((i+1)*per, len(rows))]), nil); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("part-%03d.csv", i)), buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func shippedRows(t testing.TB) []Customer {
	t.Helper()
	rows, err := source.ReadCSVAll[Customer](context.Background(), bytes.NewReader(churn.CSV), nil)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// scoredRow is a row of the prediction files: the Customer's columns, the
// prediction and the class probabilities.
type scoredRow struct {
	Age          float64  `loom:"age"`
	Income       *float64 `loom:"income"`
	HoursPerWeek *float64 `loom:"hours_per_week"`
	Score        float64  `loom:"score"`
	Balance      *float64 `loom:"balance"`
	TenureYears  *float64 `loom:"tenure_years"`
	Segment      string   `loom:"segment"`
	Region       string   `loom:"region"`
	Channel      *string  `loom:"channel"`
	Target       int      `loom:"target"`
	Prediction   float64  `loom:"prediction"`
	P0           float64  `loom:"probability_0"`
	P1           float64  `loom:"probability_1"`
}

func (r scoredRow) key() string {
	c := Customer{Age: r.Age, Income: r.Income, HoursPerWeek: r.HoursPerWeek, Score: r.Score, Balance: r.Balance,
		TenureYears: r.TenureYears, Segment: r.Segment, Region: r.Region, Channel: r.Channel, Target: r.Target}
	return fmt.Sprintf("%s|%v|%v|%v", rowKey(&c), r.Prediction, r.P0, r.P1)
}

func rowKey(c *Customer) string {
	b, _ := json.Marshal(c)
	return string(b)
}

// TestShippedData runs one pipeline on Prism over the shipped data (in
// four CSV files): read, validate, fit the features, build the profile,
// and score with a registered bundle into Parquet; then checks each
// output against the single-machine path. One pipeline serves every
// assertion, as Prism's start-up is the costly part.
func TestShippedData(t *testing.T) {
	ctx := context.Background()
	in, out := t.TempDir(), t.TempDir()
	rows := shippedRows(t)
	writeShards(t, in, rows, 4)

	// The single-machine path.
	spec := churn.Spec()
	split := spec.Bind().Quarantine(rows)
	b, err := model.Fit(ctx, spec, split.Valid)
	if err != nil {
		t.Fatal(err)
	}
	regDir := filepath.Join(out, "registry")
	reg, err := registry.Open(regDir)
	if err != nil {
		t.Fatal(err)
	}
	v, err := model.Register(ctx, reg, b, nil)
	if err != nil {
		t.Fatal(err)
	}
	reg.Close()

	// The Beam path.
	p, s := beam.NewPipelineWithRoot()
	read, bad, err := loombeam.ReadFiles[Customer](s, filepath.Join(in, "*.csv"), loombeam.CSV)
	if err != nil {
		t.Fatal(err)
	}
	val, err := loombeam.Validate[Customer](s, "churn", read)
	if err != nil {
		t.Fatal(err)
	}
	feats, err := loombeam.FitFeatures[Customer](s, "churn", val.Valid)
	if err != nil {
		t.Fatal(err)
	}
	prof, err := loombeam.BuildProfile[Customer](s, "churn", val.Valid)
	if err != nil {
		t.Fatal(err)
	}
	scored, unscored, err := loombeam.Score[Customer](s, "churn", loombeam.BundleRef{Registry: regDir, Version: v.Number}, read)
	if err != nil {
		t.Fatal(err)
	}
	if err := loombeam.WriteParquet[Customer](s, filepath.Join(out, "pred"), 3, scored); err != nil {
		t.Fatal(err)
	}
	if err := loombeam.Materialize[Customer](s, "churn", feats, val.Valid, filepath.Join(out, "matrix"), 2); err != nil {
		t.Fatal(err)
	}
	loombeam.WriteFile(s, filepath.Join(out, "report.json"), val.Report)
	loombeam.WriteFile(s, filepath.Join(out, "features.json"), feats)
	loombeam.WriteFile(s, filepath.Join(out, "profile.json"), prof)
	// The same on a PCollection<T>: rows in, rows out.
	asRows, err := loombeam.FromBlocks[Customer](s, read)
	if err != nil {
		t.Fatal(err)
	}
	rowVal, err := loombeam.Validate[Customer](s, "churn", asRows)
	if err != nil {
		t.Fatal(err)
	}
	rowScored, _, err := loombeam.Score[Customer](s, "churn", loombeam.BundleRef{Registry: regDir, Version: v.Number}, asRows)
	if err != nil {
		t.Fatal(err)
	}
	if err := loombeam.WriteParquet[Customer](s, filepath.Join(out, "rowpred"), 2, rowScored); err != nil {
		t.Fatal(err)
	}
	counts := func(name string, col beam.PCollection, one any) {
		n := stats.Sum(s, beam.ParDo(s, one, col))
		loombeam.WriteFile(s, filepath.Join(out, name), beam.ParDo(s, formatInt, n))
	}
	counts("bad", bad, oneRejected)
	counts("valid", val.Valid, blockLen)
	counts("rejected", val.Rejected, oneRejected)
	counts("rowvalid", rowVal.Valid, oneRow)
	counts("unscored", unscored, oneRejected)
	if _, err := prism.Execute(ctx, p); err != nil {
		t.Fatal(err)
	}
	read1 := func(name string) []byte {
		t.Helper()
		data, err := os.ReadFile(filepath.Join(out, name))
		if err != nil {
			t.Fatal(err)
		}
		return data
	}

	t.Run("validate", func(t *testing.T) {
		rep, err := loombeam.DecodeReport(read1("report.json"))
		if err != nil {
			t.Fatal(err)
		}
		want := split.Report
		if rep.Rows != want.Rows || rep.Valid != want.Valid || rep.Rejected != want.Rejected || rep.Verdict != want.Verdict {
			t.Errorf("report: %d rows = %d valid + %d rejected, %v; single machine %d = %d + %d, %v",
				rep.Rows, rep.Valid, rep.Rejected, rep.Verdict, want.Rows, want.Valid, want.Rejected, want.Verdict)
		}
		for i, c := range rep.Checks {
			if w := want.Checks[i]; c.Field != w.Field || c.Check != w.Check || c.Failed != w.Failed || c.Passed != w.Passed {
				t.Errorf("check %d: %s %s failed %d; single machine %s %s failed %d", i, c.Field, c.Check, c.Failed, w.Field, w.Check, w.Failed)
			}
		}
		for i, d := range rep.Dataset {
			if w := want.Dataset[i]; d.Check != w.Check || d.OK != w.OK || !near(d.Observed, w.Observed, 1e-12) {
				t.Errorf("data set check %s: %v %v; single machine %v %v", d.Check, d.Observed, d.OK, w.Observed, w.OK)
			}
		}
		if _, err := os.Stat(filepath.Join(out, "bad")); err == nil {
			t.Errorf("%s records not decoded", read1("bad"))
		}
		for name, want := range map[string]int{"valid": len(split.Valid), "rejected": len(split.Rejected), "rowvalid": len(split.Valid)} {
			if got := string(read1(name)); got != fmt.Sprint(want) {
				t.Errorf("%s rows: %s; want %d", name, got, want)
			}
		}
	})

	fitted, err := loombeam.DecodeFeatures[Customer]("churn", read1("features.json"))
	if err != nil {
		t.Fatal(err)
	}
	t.Run("features", func(t *testing.T) {
		// Counts, vocabularies and exact medians are equal; means and
		// scales to rounding.
		got, want := flatJSON(t, read1("features.json")), flatJSON(t, must(b.Features().MarshalJSON()))
		if len(got) != len(want) {
			t.Fatalf("%d values in the fitted state; single machine %d", len(got), len(want))
		}
		exact := 0
		for k, w := range want {
			g := got[k]
			gf, gok := g.(float64)
			wf, wok := w.(float64)
			switch {
			case gok && wok && (strings.HasSuffix(k, "/state/mean") || strings.HasSuffix(k, "/state/scale")): // Standardize's moments
				if !near(gf, wf, 1e-12) {
					t.Errorf("%s = %v; single machine %v", k, gf, wf)
				}
			case g != w:
				t.Errorf("%s = %v; single machine %v (want equal)", k, g, w)
			default:
				exact++
			}
		}
		t.Logf("%d values of the fitted state equal, %d within 1e-12", exact, len(want)-exact)
	})

	t.Run("profile", func(t *testing.T) {
		var got drift.Profile
		if err := json.Unmarshal(read1("profile.json"), &got); err != nil {
			t.Fatal(err)
		}
		want := b.Profile()
		if got.Rows != want.Rows || len(got.Columns) != len(want.Columns) {
			t.Fatalf("profile of %d rows, %d columns; single machine %d, %d", got.Rows, len(got.Columns), want.Rows, len(want.Columns))
		}
		for i, g := range got.Columns {
			w := want.Columns[i]
			if g.Name != w.Name || g.Count != w.Count || g.Missing != w.Missing || g.Min != w.Min || g.Max != w.Max || !slices.Equal(g.Categories, w.Categories) || g.Other != w.Other {
				t.Errorf("column %s: counts, extremes or categories differ from the single machine's", g.Name)
			}
			if !near(g.Mean, w.Mean, 1e-12) || !near(g.Std, w.Std, 1e-12) {
				t.Errorf("column %s: mean %v std %v; single machine %v %v", g.Name, g.Mean, g.Std, w.Mean, w.Std)
			}
			// Sketch quantiles within the rank error 3/k of the default k.
			for _, q := range []float64{0.1, 0.5, 0.9} {
				if g.Kind != drift.Numeric {
					break
				}
				x := g.Quantile(q)
				lo, hi := rankOf(split.Valid, g.Name, x)
				if eps := 3.0 / 1024; q < lo-eps || q > hi+eps {
					t.Errorf("column %s: quantile %v is %v, of ranks [%v, %v]", g.Name, q, x, lo, hi)
				}
			}
		}
		// Both profiles judge each other as undrifted.
		rep, err := drift.Compare(want, &got, b.CompareOptions())
		if err != nil {
			t.Fatal(err)
		}
		if rep.Drifted > 0 {
			t.Errorf("the Beam profile drifts from the single machine's:\n%v", rep)
		}
	})

	t.Run("score", func(t *testing.T) {
		got := readScored(t, filepath.Join(out, "pred"), 3)
		var ok []Customer
		for i := range rows {
			if b.CheckRow(&rows[i]) == nil {
				ok = append(ok, rows[i])
			}
		}
		pred := must(b.Predict(ctx, ok))
		proba := must(b.PredictProba(ctx, ok))
		want := make([]string, len(ok))
		for i := range ok {
			want[i] = fmt.Sprintf("%s|%v|%v|%v", rowKey(&ok[i]), pred[i], proba.At(i, 0), proba.At(i, 1))
		}
		sort.Strings(want)
		if !slices.Equal(got, want) {
			t.Errorf("Beam scored %d rows, the bundle %d; predictions differ", len(got), len(want))
		}
		if rowGot := readScored(t, filepath.Join(out, "rowpred"), 2); !slices.Equal(rowGot, want) {
			t.Errorf("Beam scored %d rows given as rows, the bundle %d; predictions differ", len(rowGot), len(want))
		}
		if n := string(read1("unscored")); n != fmt.Sprint(len(rows)-len(ok)) {
			t.Errorf("%s rows not scored; want %d", n, len(rows)-len(ok))
		}
	})

	t.Run("materialize", func(t *testing.T) {
		// The matrix for a trainer: Beam's fitted features on the valid
		// rows, with their labels, as feature.Fitted.Matrix gives them.
		d, names, err := loombeam.ReadMatrix(ctx, filepath.Join(out, "matrix-*.parquet"), len(split.Valid))
		if err != nil {
			t.Fatal(err)
		}
		if want := append(fitted.Names(), "target"); !slices.Equal(append(names, "target"), want) {
			t.Errorf("columns %v; want %v", names, want)
		}
		X := must(fitted.Matrix(ctx, split.Valid))
		y := must(spec.Labels(split.Valid))
		key := func(row []float64, label float64) string { return fmt.Sprint(row, label) }
		var got, want []string
		for i := range d.Y {
			got = append(got, key(d.X.RawRowView(i), d.Y[i]))
		}
		for i := range y {
			want = append(want, key(X.RawRowView(i), y[i]))
		}
		sort.Strings(got)
		sort.Strings(want)
		if !slices.Equal(got, want) {
			t.Errorf("materialised %d rows, want %d; rows differ", len(got), len(want))
		}
		if _, _, err := loombeam.ReadMatrix(ctx, filepath.Join(out, "matrix-*.parquet"), 100); err == nil || !strings.Contains(err.Error(), "more than 100 rows") {
			t.Errorf("ReadMatrix over its limit: %v", err)
		}
	})

	t.Run("same predictions from Beam's features", func(t *testing.T) {
		// The model on the features Beam fitted predicts as on the
		// single machine's.
		X1 := must(fitted.Matrix(ctx, split.Valid))
		X2 := must(b.Features().Matrix(ctx, split.Valid))
		clf := b.Model().(train.Classifier)
		p1, p2 := train.PredictProbaBatch(nil, clf, X1), train.PredictProbaBatch(nil, clf, X2)
		l1, l2 := train.PredictBatch(nil, clf, X1), train.PredictBatch(nil, clf, X2)
		worst := 0.0
		for i := range split.Valid {
			worst = max(worst, math.Abs(p1.At(i, 1)-p2.At(i, 1)))
			if l1[i] != l2[i] {
				t.Errorf("row %d: class %v from Beam's features, %v from the single machine's", i, l1[i], l2[i])
			}
		}
		if worst > 1e-12 {
			t.Errorf("probabilities differ by up to %v", worst)
		}
		t.Logf("probabilities differ by at most %v", worst)
	})
}

// readScored reads the n prediction files written under prefix, as
// sorted row keys.
func readScored(t *testing.T, prefix string, n int) []string {
	t.Helper()
	// A shard that got no block has no file: the shipped data makes 8
	// blocks, which several bundles may deal unevenly.
	files, _ := filepath.Glob(prefix + fmt.Sprintf("-*-of-%05d.parquet", n))
	if len(files) == 0 || len(files) > n {
		t.Fatalf("prediction files %v; want 1 to %d", files, n)
	}
	var got []string
	for _, f := range files {
		part, err := source.ReadParquetFileAll[scoredRow](context.Background(), f, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range part {
			got = append(got, r.key())
		}
	}
	sort.Strings(got)
	return got
}

// Counting elements: with an empty collection, stats.Sum emits nothing
// and the count file is missing.
func oneRow(Customer) int                         { return 1 }
func blockLen(b loombeam.Block[Customer]) int     { return len(b.Rows) }
func oneRejected(loombeam.Rejected[Customer]) int { return 1 }
func formatInt(n int) []byte                      { return []byte(fmt.Sprint(n)) }

func init() {
	register.Function1x1(oneRow)
	register.Function1x1(blockLen)
	register.Function1x1(oneRejected)
	register.Function1x1(formatInt)
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// near reports a == b, or agreement within rel relative.
func near(a, b, rel float64) bool {
	return a == b || math.Abs(a-b) <= rel*math.Max(math.Abs(a), math.Abs(b))
}

// rankOf returns the shares of the column's present values below x and
// up to x (they differ by the share of values equal to x).
func rankOf(rows []Customer, col string, x float64) (lo, hi float64) {
	var vals []float64
	for i := range rows {
		r := &rows[i]
		var p *float64
		switch col {
		case "age":
			p = &r.Age
		case "income":
			p = r.Income
		case "hours_per_week":
			p = r.HoursPerWeek
		case "score":
			p = &r.Score
		case "balance":
			p = r.Balance
		case "tenure_years":
			p = r.TenureYears
		}
		if p != nil {
			vals = append(vals, *p)
		}
	}
	slices.Sort(vals)
	i, _ := slices.BinarySearch(vals, x)
	j := i
	for j < len(vals) && vals[j] == x {
		j++
	}
	return float64(i) / float64(len(vals)), float64(j) / float64(len(vals))
}

// flatJSON flattens a JSON document into path -> leaf value.
func flatJSON(t *testing.T, data []byte) map[string]any {
	t.Helper()
	var doc any
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	out := map[string]any{}
	var walk func(string, any)
	walk = func(path string, v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				walk(path+"/"+k, x)
			}
		case []any:
			for i, x := range v {
				walk(fmt.Sprintf("%s/%d", path, i), x)
			}
		default:
			out[path] = v
		}
	}
	walk("", doc)
	return out
}
