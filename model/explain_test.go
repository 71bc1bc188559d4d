package model_test

import (
	"context"
	"errors"
	"math"
	"reflect"
	"slices"
	"testing"

	"github.com/loomml/loom/evaluate"
	"github.com/loomml/loom/feature"
	"github.com/loomml/loom/model"
	"github.com/loomml/loom/registry"
	"github.com/loomml/loom/train"
	"github.com/loomml/loom/train/forest"
	"github.com/loomml/loom/train/gbdt"
	"github.com/loomml/loom/train/tree"
)

// uncoveredGBDT fits gbdt and drops the node covers it records, as a
// model without covers (made by hand, or imported from a format without
// them) has none.
type uncoveredGBDT struct{ gbdt.Classifier }

func (c uncoveredGBDT) Fit(ctx context.Context, d train.Dataset) (train.Model, error) {
	m, err := c.Classifier.Fit(ctx, d)
	if err != nil {
		return nil, err
	}
	tc, ok := m.(*tree.Classifier)
	if !ok {
		return nil, errors.New("not a tree classifier")
	}
	s := tc.Spec()
	s.Trees = slices.Clone(s.Trees)
	for ti := range s.Trees {
		s.Trees[ti].Cover = nil
	}
	e, err := tree.New(s)
	if err != nil {
		return nil, err
	}
	return e.Model(), nil
}

func logit(p float64) float64 { return math.Log(p / (1 - p)) }

func TestExplainSumsToMargin(t *testing.T) {
	ctx := context.Background()
	rows := customers(1500, 21)
	treeSpec := model.New[customer]("trees").Label("churned").
		Float("age").Float("income").
		Category("plan", feature.Ordinal(feature.OrdinalOptions{})).
		Category("region", feature.Ordinal(feature.OrdinalOptions{})).
		Trainer(gbdt.Classifier{Options: gbdt.Options{MaxIter: 20}})
	// A forest's margin is the probability itself (the Probability link).
	forestSpec := model.New[customer]("forest").Label("churned").
		Float("age").Float("income", feature.Impute(feature.Median, false)).
		Category("plan", feature.Ordinal(feature.OrdinalOptions{})).
		Trainer(forest.Classifier{ForestOptions: forest.ForestOptions{Trees: 10}})
	identity := func(p float64) float64 { return p }
	for _, c := range []struct {
		name   string
		spec   *model.Spec[customer]
		margin func(p float64) float64
	}{{"logistic", churnSpec(nil), logit}, {"gbdt", treeSpec, logit}, {"forest", forestSpec, identity}} {
		t.Run(c.name, func(t *testing.T) {
			b, err := model.Fit(ctx, c.spec, rows[:1000])
			if err != nil {
				t.Fatal(err)
			}
			declared := []string{"age", "income", "visits", "plan", "region"}
			switch c.name {
			case "gbdt":
				declared = []string{"age", "income", "plan", "region"}
			case "forest": // trees without missing values: region has some
				declared = []string{"age", "income", "plan"}
			}
			probs, err := b.PredictProba(ctx, rows[1000:1100])
			if err != nil {
				t.Fatal(err)
			}
			for i := range 100 {
				e, err := b.Explain(&rows[1000+i], 0)
				if err != nil {
					t.Fatal(err)
				}
				sum := e.Expected + e.Rest
				var names []string
				for _, ct := range e.Contributions {
					sum += ct.Value
					names = append(names, ct.Column)
				}
				slices.Sort(names)
				want := slices.Clone(declared)
				slices.Sort(want)
				if !slices.Equal(names, want) || e.Rest != 0 || e.Class != 1 {
					t.Fatalf("row %d: contributions of %v, rest %v, class %v; want one per declared column %v", i, names, e.Rest, e.Class, want)
				}
				if m := c.margin(probs.At(i, 1)); math.Abs(sum-m) > 1e-9 || math.Abs(e.Margin-m) > 1e-9 {
					t.Fatalf("row %d: expected + contributions = %v, margin %v; log-odds of the prediction %v", i, sum, e.Margin, m)
				}
				for j := 1; j < len(e.Contributions); j++ {
					if math.Abs(e.Contributions[j].Value) > math.Abs(e.Contributions[j-1].Value) {
						t.Fatalf("row %d: contributions not by decreasing magnitude: %+v", i, e.Contributions)
					}
				}
			}
			// top 2: the two largest, the rest summed.
			all, _ := b.Explain(&rows[1001], 0)
			top, err := b.Explain(&rows[1001], 2)
			if err != nil {
				t.Fatal(err)
			}
			rest := 0.0
			for _, ct := range all.Contributions[2:] {
				rest += ct.Value
			}
			if len(top.Contributions) != 2 || top.Contributions[0] != all.Contributions[0] || math.Abs(top.Rest-rest) > 1e-12 {
				t.Fatalf("top 2 = %+v rest %v; all %+v", top.Contributions, top.Rest, all.Contributions)
			}
		})
	}
}

// TestLinearExplainMeans checks the linear contributions by hand: the
// one-hot columns of region summed, against the training means.
func TestLinearExplainMeans(t *testing.T) {
	ctx := context.Background()
	rows := customers(800, 4)
	b, err := model.Fit(ctx, churnSpec(nil), rows)
	if err != nil {
		t.Fatal(err)
	}
	means := b.Lineage().FeatureMeans
	names := b.Features().Names()
	if len(means) != len(names) || math.Abs(means[0]) > 1e-12 {
		t.Fatalf("feature means %v for %v; want one per column, 0 for the standardized age", means, names)
	}
	lm := b.Model().(*train.LogisticModel)
	coef := lm.Coef().RawRowView(0)
	x, _ := b.Transform(&rows[5], nil)
	want := 0.0
	for j, n := range names {
		if len(n) > 7 && n[:7] == "region=" {
			want += coef[j] * (x[j] - means[j])
		}
	}
	e, err := b.Explain(&rows[5], 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range e.Contributions {
		if c.Column == "region" && math.Abs(c.Value-want) > 1e-12 {
			t.Errorf("region contribution %v; by hand %v", c.Value, want)
		}
	}
	// A bundle whose lineage lost its means cannot explain a linear model;
	// a tree ensemble without covers cannot either.
	noCover := model.New[customer]("nocover").Label("churned").Float("age").Trainer(uncoveredGBDT{gbdt.Classifier{Options: gbdt.Options{MaxIter: 3}}})
	nb, err := model.Fit(ctx, noCover, rows)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := nb.Explain(&rows[0], 3); !errors.Is(err, tree.ErrNoCover) {
		t.Errorf("Explain without covers: %v; want tree.ErrNoCover", err)
	}
}

func TestExplainToAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("allocations differ under -race")
	}
	rows := customers(500, 2)
	b, err := model.Fit(context.Background(), churnSpec(nil), rows)
	if err != nil {
		t.Fatal(err)
	}
	x, err := b.Explainer()
	if err != nil {
		t.Fatal(err)
	}
	var e model.Explanation
	var buf model.ExplainBuffer
	if err := x.ExplainTo(&e, &rows[0], 3, &buf); err != nil {
		t.Fatal(err)
	}
	if a := testing.AllocsPerRun(100, func() { _ = x.ExplainTo(&e, &rows[1], 3, &buf) }); a != 0 {
		t.Errorf("ExplainTo allocates %v times; want 0", a)
	}
}

func TestImportance(t *testing.T) {
	ctx := context.Background()
	rows := customers(1500, 8)
	b, err := model.Fit(ctx, churnSpec(nil), rows[:1000])
	if err != nil {
		t.Fatal(err)
	}
	imp, err := model.Importance(ctx, b, rows[1000:], "", &evaluate.PermutationOptions{Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	if imp.Metric != "roc_auc" || len(imp.Columns) != 5 {
		t.Fatalf("importances %+v", imp)
	}
	// churn depends on age, income and plan, not on visits or region.
	rank := map[string]int{}
	for i, c := range imp.Columns {
		rank[c.Column] = i
	}
	for _, strong := range []string{"age", "income", "plan"} {
		for _, noise := range []string{"visits", "region"} {
			if rank[strong] > rank[noise] {
				t.Errorf("%s ranks below %s: %+v", strong, noise, imp.Columns)
			}
		}
	}
	if v := imp.Get("visits"); math.Abs(v.Value) > 0.02 {
		t.Errorf("visits (noise) importance %v; want about 0", v.Value)
	}
	one, err := model.Importance(ctx, b, rows[1000:], "log_loss", &evaluate.PermutationOptions{Seed: 2, Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	two, err := model.Importance(ctx, b, rows[1000:], "log_loss", &evaluate.PermutationOptions{Seed: 2, Workers: 3})
	if err != nil {
		t.Fatal(err)
	}
	for j := range one.Columns {
		if one.Columns[j].Column != two.Columns[j].Column || one.Columns[j].Value != two.Columns[j].Value {
			t.Fatalf("1 worker %+v; 3 workers %+v", one.Columns[j], two.Columns[j])
		}
	}
	if _, err := model.Importance(ctx, b, rows[1000:], "r2", nil); !errors.Is(err, evaluate.ErrUnknownMetric) {
		t.Errorf("r2 on a classifier: %v; want ErrUnknownMetric", err)
	}
	fi, err := model.FeatureImportances(b)
	if err != nil || fi.Method != evaluate.MethodCoefficient || len(fi.Columns) != 5 {
		t.Fatalf("FeatureImportances = %+v, %v", fi, err)
	}
}

// TestExplainAfterLoad checks that a registered and loaded bundle
// explains as the fitted one: the feature means travel in the lineage.
func TestExplainAfterLoad(t *testing.T) {
	ctx := registry.WithPrincipal(context.Background(), "test")
	reg := openRegistry(t)
	rows := customers(800, 6)
	b, err := model.Fit(ctx, churnSpec(nil), rows)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := model.Evaluate(ctx, b, rows, &evaluate.ReportOptions{Metrics: []string{"roc_auc"}})
	if err != nil {
		t.Fatal(err)
	}
	v, err := model.Register(ctx, reg, b, rep)
	if err != nil {
		t.Fatal(err)
	}
	l, err := model.Load(ctx, reg, v, churnSpec(nil))
	if err != nil {
		t.Fatal(err)
	}
	for i := range 10 {
		want, err1 := b.Explain(&rows[i], 0)
		got, err2 := l.Explain(&rows[i], 0)
		if err1 != nil || err2 != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("row %d: loaded %+v (%v); fitted %+v (%v)", i, got, err2, want, err1)
		}
	}
}
