package model_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/loomml/loom/contract"
	"github.com/loomml/loom/drift"
	"github.com/loomml/loom/evaluate"
	"github.com/loomml/loom/feature"
	"github.com/loomml/loom/model"
	"github.com/loomml/loom/registry"
	"github.com/loomml/loom/train"
	"github.com/loomml/loom/train/gbdt"
)

func TestDeclarationMistakesPanic(t *testing.T) {
	base := func() *model.Spec[customer] { return model.New[customer]("churn") }
	for _, tc := range []struct {
		name string
		do   func()
		want string
	}{
		{"unknown column", func() { base().Float("height") }, `no field tagged loom:"height"`},
		{"float of a string", func() { base().Float("plan") }, `Float column "plan" is the string field Plan`},
		{"category of a float", func() { base().Category("age") }, `Category column "age"`},
		{"declared twice", func() { base().Float("age").Float("age") }, `column "age" declared twice`},
		{"numeric transform on a category", func() { base().Category("plan", feature.Standardize()) }, "NumTransform applies to Float columns only"},
		{"categorical transform on a float", func() { base().Float("age", feature.OneHot(feature.OneHotOptions{})) }, "CatTransform applies to Category columns only"},
		{"unsupported option", func() { base().Float("age", 42) }, "unsupported option of type int"},
		{"transform on the label", func() { base().Label("churned", feature.Standardize()) }, "NumTransform applies to Float columns only"},
		{"two labels", func() { base().Label("churned").Label("visits") }, "label declared twice"},
		{"no label", func() { model.Fit(context.Background(), base().Float("age").Trainer(train.Ridge{}), customers(10, 1)) }, "has no Label"},
		{"no trainer", func() { model.Fit(context.Background(), base().Label("churned").Float("age"), customers(10, 1)) }, "has no Trainer"},
		{"no input", func() { base().Label("churned").Trainer(train.Ridge{}).Contract() }, "declares no input column"},
		{"bad name", func() { model.New[customer](" churn") }, "model name"},
		{"not a struct", func() { model.New[int]("x") }, "New[int]"},
		{"polynomial of a category", func() { base().Category("plan").Polynomial(2, false, "plan") }, "not a Float column"},
		{"declared after use", func() {
			s := churnSpec(nil)
			s.Contract()
			s.Float("note")
		}, "after its first use"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				r := recover()
				if r == nil || !strings.Contains(r.(string), tc.want) {
					t.Fatalf("panic = %v; want one containing %q", r, tc.want)
				}
			}()
			tc.do()
		})
	}
}

func TestDerivedContract(t *testing.T) {
	c := churnSpec(nil).Contract()
	var got []string
	for _, f := range c.Fields {
		got = append(got, f.Name+":"+f.Type.String()+map[bool]string{true: "?", false: ""}[f.Nullable])
	}
	want := []string{"age:float", "income:float?", "visits:int", "plan:category", "region:category?", "churned:int"}
	if !slices.Equal(got, want) {
		t.Fatalf("contract fields = %v; want %v", got, want)
	}
	if n := len(c.Field("age").Checks); n != 1 {
		t.Fatalf("age has %d checks; want 1", n)
	}
}

func TestFit(t *testing.T) {
	ctx := context.Background()
	rows := customers(2000, 1)
	b, err := model.Fit(ctx, churnSpec(nil), rows)
	if err != nil {
		t.Fatal(err)
	}
	// The label is a contract field but not an input.
	var inputs []string
	for _, f := range b.Inputs() {
		inputs = append(inputs, f.Name)
	}
	if !slices.Equal(inputs, []string{"age", "income", "visits", "plan", "region"}) || b.Label() != "churned" {
		t.Fatalf("inputs %v, label %q", inputs, b.Label())
	}
	// Every input column is profiled for drift; the undeclared note is not.
	var cols []string
	for _, c := range b.Profile().Columns {
		cols = append(cols, c.Name)
	}
	if !slices.Equal(cols, inputs) {
		t.Fatalf("profile columns %v; want %v", cols, inputs)
	}
	lin := b.Lineage()
	if lin.Rows != 2000 || lin.Label != "churned" || len(lin.DataFingerprint) != 64 || lin.FeatureFingerprint != b.Features().Fingerprint() ||
		lin.Train.Kind != "logistic" || lin.Durations["total"] <= 0 || lin.Train.GoVersion == "" {
		t.Fatalf("lineage = %+v", lin)
	}
	// Predictions equal the features and the model applied by hand, over
	// several blocks of rows.
	pred, err := b.Predict(ctx, rows[:700])
	if err != nil {
		t.Fatal(err)
	}
	probs, err := b.PredictProba(ctx, rows[:700])
	if err != nil {
		t.Fatal(err)
	}
	clf := b.Model().(train.Classifier)
	for i := range 700 {
		x, err := b.Features().Transform(&rows[i], nil)
		if err != nil {
			t.Fatal(err)
		}
		p := clf.PredictProba(make([]float64, 2), x)
		if pred[i] != b.Model().Predict(x) || probs.At(i, 1) != p[1] {
			t.Fatalf("row %d: Predict %v, PredictProba %v; by hand %v, %v", i, pred[i], probs.At(i, 1), b.Model().Predict(x), p)
		}
	}
	// A row without features is an error naming it, counted from the
	// first row passed.
	bad := slices.Clone(rows[100:1000])
	bad[650].Age = math.NaN()
	bad[820].Age = math.NaN()
	var ve *feature.ValueError
	if _, err := b.Predict(ctx, bad); !errors.As(err, &ve) || ve.Row != 650 || ve.Feature != "age" {
		t.Errorf("Predict with a NaN age in row 650 = %v", err)
	}
	if _, err := b.PredictProba(ctx, bad); !errors.As(err, &ve) || ve.Row != 650 {
		t.Errorf("PredictProba with a NaN age in row 650 = %v", err)
	}
	if _, err := b.PredictProba(ctx, nil); !errors.Is(err, feature.ErrEmpty) {
		t.Errorf("PredictProba of no rows = %v; want ErrEmpty", err)
	}
	// The data fingerprint ignores undeclared fields and sees declared ones.
	other := slices.Clone(rows)
	other[0].Note = "changed"
	b2, err := model.Fit(ctx, churnSpec(nil), other)
	if err != nil {
		t.Fatal(err)
	}
	if b2.Lineage().DataFingerprint != lin.DataFingerprint {
		t.Error("an undeclared field changed the data fingerprint")
	}
	other[0].Age++
	b3, _ := model.Fit(ctx, churnSpec(nil), other)
	if b3.Lineage().DataFingerprint == lin.DataFingerprint {
		t.Error("a declared column changed and the data fingerprint did not")
	}
}

func TestFitIsDeterministic(t *testing.T) {
	ctx := context.Background()
	rows := customers(3000, 2)
	encode := func() ([]byte, []byte, []byte) {
		b, err := model.Fit(ctx, churnSpec(nil).Seed(9), rows)
		if err != nil {
			t.Fatal(err)
		}
		m, _ := train.Encode(b.Model())
		f, _ := b.Features().MarshalJSON()
		p, _ := json.Marshal(b.Profile())
		return m, f, p
	}
	m1, f1, p1 := encode()
	m2, f2, p2 := encode()
	if !bytes.Equal(m1, m2) || !bytes.Equal(f1, f2) || !bytes.Equal(p1, p2) {
		t.Fatal("two fits of the same rows and spec differ")
	}
}

func TestFitRejectsBadRows(t *testing.T) {
	ctx := context.Background()
	rows := customers(500, 3)
	rows[17].Age = 150
	rows[42].Plan = "gold"
	_, err := model.Fit(ctx, churnSpec(nil), rows)
	var ce *model.ContractError
	if !errors.As(err, &ce) || ce.Report.Rejected != 2 || !errors.Is(err, contract.ErrViolation) {
		t.Fatalf("Fit of rows breaking the contract = %v", err)
	}
	for _, want := range []string{"age", "plan", "gold"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q: %v", want, err)
		}
	}
	// Quarantining first fits on the rest.
	spec := churnSpec(nil)
	if _, err := model.Fit(ctx, spec, spec.Bind().Quarantine(rows).Valid); err != nil {
		t.Fatal(err)
	}
	// A missing label names the row.
	type nullable struct {
		X     float64  `loom:"x"`
		Label *float64 `loom:"label"`
	}
	one := 1.0
	_, err = model.Fit(ctx, model.New[nullable]("n").Label("label").Float("x").Trainer(train.Ridge{}),
		[]nullable{{1, &one}, {2, nil}})
	var le *model.LabelError
	if !errors.As(err, &le) || le.Row != 1 || !le.Missing {
		t.Fatalf("Fit with a missing label = %v", err)
	}
	if _, err := model.Fit(ctx, churnSpec(nil), nil); !errors.Is(err, train.ErrEmpty) {
		t.Fatalf("Fit of no rows = %v", err)
	}
}

func TestFitSeq(t *testing.T) {
	ctx := context.Background()
	rows := customers(800, 4)
	seq := func(fail error) func(func(customer, error) bool) {
		return func(yield func(customer, error) bool) {
			for i, r := range rows {
				if fail != nil && i == 400 {
					yield(customer{}, fail)
					return
				}
				if !yield(r, nil) {
					return
				}
			}
		}
	}
	a, err := model.FitSeq(ctx, churnSpec(nil), seq(nil))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := model.Fit(ctx, churnSpec(nil), rows)
	if a.Lineage().DataFingerprint != b.Lineage().DataFingerprint || a.Features().Fingerprint() != b.Features().Fingerprint() {
		t.Fatal("FitSeq and Fit differ")
	}
	broken := errors.New("row 401: bad quote")
	if _, err := model.FitSeq(ctx, churnSpec(nil), seq(broken)); !errors.Is(err, broken) {
		t.Fatalf("FitSeq over a failing stream = %v", err)
	}
}

func TestEvaluate(t *testing.T) {
	ctx := context.Background()
	spec := churnSpec(nil)
	trainRows, testRows, err := model.Split(spec, customers(4000, 5), train.Holdout{Stratify: true, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(testRows) != 1000 || len(trainRows) != 3000 {
		t.Fatalf("split %d/%d", len(trainRows), len(testRows))
	}
	b, err := model.Fit(ctx, spec, trainRows)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := model.Evaluate(ctx, b, testRows, &evaluate.ReportOptions{Metrics: []string{"roc_auc", "accuracy"}})
	if err != nil {
		t.Fatal(err)
	}
	pos := 0
	for _, r := range testRows {
		pos += r.Churned
	}
	if rep.Model != "churn" || rep.Examples != 1000 || rep.Positives != pos || rep.GroupName != "plan" || len(rep.Slices.Slices) != 3 {
		t.Fatalf("report: model %q, %d examples, %d positives (want %d), slices by %q: %d", rep.Model, rep.Examples, rep.Positives, pos, rep.GroupName, len(rep.Slices.Slices))
	}
	// The metrics equal evaluate's on the predictions made by hand.
	p, err := model.Predictions(ctx, b, testRows)
	if err != nil {
		t.Fatal(err)
	}
	auc, _ := evaluate.ROCAUC(p.Labels, p.Scores, nil)
	if rep.Metrics[0].Value != auc || auc < 0.7 {
		t.Fatalf("roc_auc %v; by hand %v", rep.Metrics[0].Value, auc)
	}
	// A label outside the model's classes is named.
	bad := slices.Clone(testRows[:10])
	bad[4].Churned = 7
	var le *model.LabelError
	if _, err := model.Evaluate(ctx, b, bad, nil); !errors.As(err, &le) || le.Row != 4 || !strings.Contains(err.Error(), "not one of the model's classes") {
		t.Fatalf("Evaluate with label 7 = %v", err)
	}
	// A regressor is not evaluated as a classifier.
	reg := model.New[customer]("visits").Label("visits").Float("age").Trainer(train.Ridge{})
	rb, err := model.Fit(ctx, reg, trainRows)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := model.Evaluate(ctx, rb, testRows, nil); !errors.Is(err, model.ErrNotBinary) {
		t.Fatalf("Evaluate of a regressor = %v", err)
	}
}

func TestCompareDriftAndMonitor(t *testing.T) {
	ctx := context.Background()
	rows := customers(3000, 6)
	b, err := model.Fit(ctx, churnSpec(nil), rows)
	if err != nil {
		t.Fatal(err)
	}
	same, err := b.CompareDrift(customers(2000, 7))
	if err != nil {
		t.Fatal(err)
	}
	if same.DatasetDrift || len(same.Columns) != 5 {
		t.Fatalf("same distribution: drift %v over %d columns", same.DatasetDrift, len(same.Columns))
	}
	shifted := customers(2000, 8)
	for i := range shifted {
		shifted[i].Visits += 20
	}
	rep, err := b.CompareDrift(shifted)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range rep.Columns {
		if c.Column == "visits" && (!c.Drifted || c.Method != "psi" || c.Threshold != 0.25) {
			t.Fatalf("visits: %+v; want drifted by the declared psi at 0.25", c)
		}
		if c.Column != "visits" && c.Drifted {
			t.Errorf("%s drifted", c.Column)
		}
	}
	mon, err := b.NewMonitor(&drift.MonitorOptions{Window: drift.Window{Rows: 10000}})
	if err != nil {
		t.Fatal(err)
	}
	for i := range shifted {
		mon.Observe(&shifted[i])
	}
	mrep, err := mon.Evaluate()
	if err != nil {
		t.Fatal(err)
	}
	if c := mrep.Column("visits"); c == nil || !c.Drifted || c.Method != "psi" {
		t.Fatalf("monitor: visits %+v", c)
	}
	// NoDrift leaves a column out.
	nd := model.New[customer]("nd").Label("churned").Float("age").Category("plan", model.NoDrift()).Trainer(train.LogisticRegression{})
	nb, err := model.Fit(ctx, nd, rows)
	if err != nil {
		t.Fatal(err)
	}
	if len(nb.Spec().DriftColumns()) != 1 || nb.Profile().Column("plan") != nil {
		t.Fatalf("NoDrift column profiled: %d drift columns", len(nb.Spec().DriftColumns()))
	}
}

func openRegistry(t *testing.T) *registry.Registry {
	t.Helper()
	reg, err := registry.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { reg.Close() })
	return reg
}

func TestRegisterLoadRoundTrip(t *testing.T) {
	ctx := context.Background()
	reg := openRegistry(t)
	rows := customers(3000, 9)
	b, err := model.Fit(ctx, churnSpec(nil).Describe("test churn model").Seed(3), rows[:2000])
	if err != nil {
		t.Fatal(err)
	}
	gates, _ := evaluate.ParseGates([]byte(`[{"metric": "roc_auc", "kind": "absolute", "op": ">=", "value": 0.99}]`))
	rep, err := model.Evaluate(ctx, b, rows[2000:], &evaluate.ReportOptions{Metrics: []string{"roc_auc", "accuracy"}, Gates: gates})
	if err != nil {
		t.Fatal(err)
	}
	v, err := model.Register(ctx, reg, b, rep)
	if err != nil {
		t.Fatal(err)
	}
	md := v.Metadata
	if md.Metrics["roc_auc"] != rep.Metrics[0].Value || md.Metrics["accuracy"] != rep.Metrics[1].Value ||
		md.Tags[model.TagVerdict] != "fail" || !strings.Contains(md.Description, "Gates failed: roc_auc") ||
		!strings.HasPrefix(md.Description, "test churn model") || md.Params["C"] != "1" ||
		md.DataFingerprint != b.Lineage().DataFingerprint || md.Tags[model.TagModelKind] != "logistic" ||
		md.Tags[model.TagFeatureFingerprint] != b.Features().Fingerprint() {
		t.Fatalf("metadata = %+v", md)
	}
	l, err := model.Load(ctx, reg, v, churnSpec(nil))
	if err != nil {
		t.Fatal(err)
	}
	// Every part comes back equal.
	enc := func(b *model.Bundle[customer]) [][]byte {
		c, _ := b.Contract().Marshal()
		f, _ := b.Features().MarshalJSON()
		m, _ := train.Encode(b.Model())
		p, _ := json.Marshal(b.Profile())
		lin, _ := json.Marshal(b.Lineage())
		return [][]byte{c, f, m, p, lin}
	}
	want, got := enc(b), enc(l)
	for i, name := range []string{"contract", "features", "model", "profile", "lineage"} {
		if !bytes.Equal(want[i], got[i]) {
			t.Errorf("%s differs after Load:\n%s\n%s", name, want[i], got[i])
		}
	}
	if l.Version().Number != v.Number || b.Version().Number != 0 {
		t.Fatalf("versions: loaded %d, fitted %d", l.Version().Number, b.Version().Number)
	}
	p1, _ := b.PredictProba(ctx, rows[2000:])
	p2, _ := l.PredictProba(ctx, rows[2000:])
	if !slices.Equal(p1.RawMatrix().Data, p2.RawMatrix().Data) {
		t.Fatal("the loaded bundle predicts differently")
	}
	if err := l.CheckRow(&customer{Age: 150, Plan: "basic"}); !errors.Is(err, contract.ErrViolation) {
		t.Fatalf("CheckRow outside the contract = %v", err)
	}
	if err := l.CheckRow(&customer{Age: 50, Plan: "basic", Churned: 7}); err != nil {
		t.Fatalf("CheckRow checked the label: %v", err)
	}
	// Loading needs no trainer: a service declares the columns only.
	noTrainer := model.New[customer]("churn").Label("churned", contract.OneOf("0", "1")).
		Float("age", contract.Range(16, 100), feature.Standardize()).
		Float("income", contract.AtLeast(0), feature.Impute(feature.Median, true), feature.Standardize()).
		Float("visits", contract.AtLeast(0), feature.Standardize(), model.Drift(drift.PSIMethod, 0.25)).
		Category("plan", contract.OneOf("basic", "plus", "pro"), model.Slice()).
		Category("region", feature.CatImpute(feature.MostFrequent), feature.OneHot(feature.OneHotOptions{Unknown: feature.UnknownIgnore}))
	if nb, err := model.Load(ctx, reg, v, noTrainer); err != nil || nb.Model().Info().Kind != "logistic" {
		t.Fatalf("Load with a spec without a trainer = %v", err)
	}
	if lb, err := model.LoadAlias(ctx, reg, "champion", churnSpec(nil)); !errors.Is(err, registry.ErrNotFound) {
		t.Fatalf("LoadAlias of an unset alias = %v, %v", lb, err)
	}
}

func TestLoadRefusesMismatches(t *testing.T) {
	ctx := context.Background()
	reg := openRegistry(t)
	rows := customers(1000, 10)
	b, err := model.Fit(ctx, churnSpec(nil), rows)
	if err != nil {
		t.Fatal(err)
	}
	v, err := model.Register(ctx, reg, b, nil)
	if err != nil {
		t.Fatal(err)
	}
	good, err := reg.ReadParts(ctx, v)
	if err != nil {
		t.Fatal(err)
	}
	without := func(name string) map[string][]byte {
		m := map[string][]byte{}
		for k, p := range good {
			if k != name {
				m[k] = p
			}
		}
		return m
	}
	with := func(name string, data []byte) map[string][]byte {
		m := without(name)
		m[name] = data
		return m
	}
	otherSpec := model.New[customer]("churn").Label("churned").Float("age").Trainer(train.LogisticRegression{})
	other, _ := model.Fit(ctx, otherSpec, rows)
	otherModel, _ := train.Encode(other.Model())
	for _, tc := range []struct {
		name  string
		parts map[string][]byte
		spec  *model.Spec[customer]
		want  string
	}{
		{"no model", without(model.PartModel), nil, `no "model" part`},
		{"no lineage", without(model.PartLineage), nil, `no "lineage" part`},
		{"corrupt model", with(model.PartModel, []byte("not a model")), nil, `part "model"`},
		{"model of other features", with(model.PartModel, otherModel), nil, "does not match its features"},
		{"features of another spec", good, otherSpec, `part "features"`},
		{"malformed contract", with(model.PartContract, []byte(`{"version":99}`)), nil, `part "contract"`},
		{"contract of another row type", with(model.PartContract, []byte(`{"version":1,"name":"x","fields":[{"name":"nope","type":"float"},{"name":"churned","type":"int"}]}`)), nil, "contract"},
		{"bad profile", with(model.PartProfile, []byte("{")), nil, `part "profile"`},
		{"another label", with(model.PartLineage, bytes.Replace(good[model.PartLineage], []byte(`"label":"churned"`), []byte(`"label":"visits"`), 1)), nil, `fitted with label "visits"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			nv, err := reg.Register(ctx, "churn", tc.parts, registry.Metadata{})
			if err != nil {
				t.Fatal(err)
			}
			spec := tc.spec
			if spec == nil {
				spec = churnSpec(nil)
			}
			_, err = model.Load(ctx, reg, nv, spec)
			if !errors.Is(err, model.ErrArtifact) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Load = %v; want ErrArtifact mentioning %q", err, tc.want)
			}
		})
	}
	if _, err := model.Load(ctx, reg, v, model.New[customer]("other").Label("churned").Float("age").Trainer(train.Ridge{})); !errors.Is(err, model.ErrArtifact) {
		t.Fatalf("Load with another model's spec = %v", err)
	}
}

func TestGate(t *testing.T) {
	ctx := context.Background()
	reg := openRegistry(t)
	rows := customers(3000, 11)
	register := func(rows []customer) registry.Version {
		b, err := model.Fit(ctx, churnSpec(nil), rows)
		if err != nil {
			t.Fatal(err)
		}
		rep, err := model.Evaluate(ctx, b, customers(1000, 12), &evaluate.ReportOptions{Metrics: []string{"roc_auc", "log_loss"}})
		if err != nil {
			t.Fatal(err)
		}
		v, err := model.Register(ctx, reg, b, rep)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	good, weak := register(rows), register(rows[:60])
	gates, _ := evaluate.ParseGates([]byte(`[
		{"metric": "roc_auc", "kind": "absolute", "op": ">=", "value": 0.6},
		{"metric": "roc_auc", "kind": "relative", "op": ">=", "value": -0.01}]`))
	gate := model.Gate(gates...)
	// No incumbent: the relative gate has no baseline and fails.
	var ge *registry.GateError
	if err := reg.Promote(ctx, "churn", "champion", good.Number, "first", gate); !errors.As(err, &ge) {
		t.Fatalf("promotion with no incumbent = %v; want a gate error", err)
	}
	if err := reg.Promote(ctx, "churn", "champion", good.Number, "first", model.Gate(gates[0])); err != nil {
		t.Fatal(err)
	}
	// The weaker challenger is refused against the champion's recorded AUC.
	if good.Metadata.Metrics["roc_auc"] <= weak.Metadata.Metrics["roc_auc"]+0.01 {
		t.Skipf("the weak model is not weaker: %v vs %v", weak.Metadata.Metrics, good.Metadata.Metrics)
	}
	err := reg.Promote(ctx, "churn", "champion", weak.Number, "retrain", gate)
	if !errors.As(err, &ge) || !strings.Contains(err.Error(), "roc_auc") {
		t.Fatalf("promotion of a weaker model = %v", err)
	}
	if v, _ := reg.Resolve(ctx, "churn", "champion"); v.Number != good.Number {
		t.Fatalf("champion is version %d after a refused promotion", v.Number)
	}
}

func TestGatePanicsOnInvalidGates(t *testing.T) {
	defer func() {
		if r := recover(); r == nil {
			t.Fatal("Gate accepted an invalid gate")
		}
	}()
	model.Gate(evaluate.Gate{Metric: "no_such_metric", Kind: evaluate.Absolute, Op: ">=", Value: 1})
}

func TestCrossValidateRefitsFeaturesPerFold(t *testing.T) {
	// Labels are noise; the id column has about two rows per value. A
	// target encoder fitted on all rows leaks each test row's own label
	// into its encoding, and a model scores far above chance on the
	// folds; refitted per fold, the encoder knows nothing of the test
	// rows and the score is chance.
	ctx := context.Background()
	rows := customers(3000, 13)
	r := uint64(1)
	for i := range rows {
		r = r*6364136223846793005 + 1442695040888963407
		rows[i].Churned = int(r >> 63)
	}
	spec := func() *model.Spec[customer] {
		return model.New[customer]("leak").Label("churned").
			Category("id", feature.TargetEncode(feature.TargetOptions{Smoothing: -1})).
			Trainer(train.LogisticRegression{})
	}
	cvOpts := &train.CVOptions{Splitter: train.StratifiedKFold{K: 5, Shuffle: true, Seed: 3}}
	honest, err := model.CrossValidate(ctx, spec(), rows, cvOpts)
	if err != nil {
		t.Fatal(err)
	}
	// The leaky way: features fitted on every row, then cross-validation
	// on the matrix.
	s := spec()
	b, err := model.Fit(ctx, s, rows)
	if err != nil {
		t.Fatal(err)
	}
	X, err := b.Features().Matrix(ctx, rows)
	if err != nil {
		t.Fatal(err)
	}
	y, _ := b.Labels(rows)
	leaky, err := train.CrossValidate(ctx, train.LogisticRegression{}, train.Dataset{X: X, Y: y}, cvOpts)
	if err != nil {
		t.Fatal(err)
	}
	if honest.Mean > 0.56 || leaky.Mean < honest.Mean+0.15 {
		t.Fatalf("cross-validated accuracy: refitted per fold %.3f, fitted on all rows %.3f; want chance and far above", honest.Mean, leaky.Mean)
	}
	t.Logf("accuracy on noise labels: %.3f refitted per fold, %.3f with the features fitted on all rows", honest.Mean, leaky.Mean)
}

func TestSearchOverFeatureAndTrainerParameters(t *testing.T) {
	ctx := context.Background()
	rows := customers(2000, 14)
	build := func(p train.Params) *model.Spec[customer] {
		strategy := map[string]feature.ImputeStrategy{"mean": feature.Mean, "median": feature.Median}[p.Str("impute")]
		s := model.New[customer]("churn").Label("churned").
			Float("age", feature.Standardize()).
			Float("income", feature.Impute(strategy, true), feature.Standardize()).
			Category("plan", feature.OneHot(feature.OneHotOptions{MinFrequency: p.Int("min_frequency")}))
		if d := p.Int("degree"); d > 1 {
			s.Polynomial(d, false, "age", "income")
		}
		return s.Trainer(train.LogisticRegression{C: p.Float("C")})
	}
	space := train.Space{
		train.Choices("impute", "mean", "median"),
		train.Values("min_frequency", 1, 5000),
		train.Values("degree", 1, 2),
		train.Values("C", 0.001, 1),
	}
	opts := &train.SearchOptions{CV: &train.CVOptions{Splitter: train.StratifiedKFold{K: 3, Shuffle: true, Seed: 1}, Scorer: train.NegLogLoss}}
	res, err := model.GridSearch(ctx, build, rows, space, opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Search.Results) != 16 || res.Bundle == nil {
		t.Fatalf("%d candidates, bundle %v", len(res.Search.Results), res.Bundle)
	}
	// min_frequency 5000 folds every plan into one column, losing the
	// plan's signal: the best candidate keeps the plans and C = 1.
	if res.Search.Best.Int("min_frequency") != 1 || res.Search.Best.Float("C") != 1 {
		t.Fatalf("best = %v", res.Search.Best)
	}
	// The refit bundle is the best candidate's spec fitted on all rows.
	want, err := model.Fit(ctx, build(res.Search.Best), rows)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := train.Encode(res.Bundle.Model())
	w, _ := train.Encode(want.Model())
	if !bytes.Equal(a, w) || res.Search.Record.DataFingerprint != want.Lineage().DataFingerprint {
		t.Fatal("the search's bundle differs from fitting the best spec")
	}
	if res.Search.Record.Search != "grid" {
		t.Fatalf("record = %+v", res.Search.Record)
	}
	// Random and halving searches run over the same builder.
	rs, err := model.RandomSearch(ctx, build, rows, space, 4, &train.SearchOptions{Seed: 5, NoRefit: true})
	if err != nil || len(rs.Search.Results) != 4 || rs.Bundle != nil {
		t.Fatalf("random search: %v", err)
	}
	hs, err := model.HalvingSearch(ctx, build, rows, space.Grid(), &train.SearchOptions{Seed: 5})
	if err != nil || hs.Bundle == nil || math.IsNaN(hs.Search.BestScore) {
		t.Fatalf("halving search: %v", err)
	}
}

func TestCrossValidateRejectsBadRows(t *testing.T) {
	rows := customers(300, 15)
	rows[3].Age = -1
	_, err := model.CrossValidate(context.Background(), churnSpec(nil), rows, nil)
	var ce *model.ContractError
	if !errors.As(err, &ce) {
		t.Fatalf("CrossValidate of rows breaking the contract = %v", err)
	}
}

func TestCheckRowAndTransformAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates; run without -race")
	}
	rows := customers(1000, 16)
	b, err := model.Fit(context.Background(), churnSpec(nil), rows)
	if err != nil {
		t.Fatal(err)
	}
	dst := make([]float64, b.Features().Width())
	i := 0
	if a := testing.AllocsPerRun(1000, func() {
		r := &rows[i%len(rows)]
		if err := b.CheckRow(r); err != nil {
			t.Fatal(err)
		}
		if _, err := b.Features().Transform(r, dst); err != nil {
			t.Fatal(err)
		}
		i++
	}); a != 0 {
		t.Fatalf("CheckRow + Transform allocate %v times a row; want 0", a)
	}
}

func TestTreesTakeMissingValuesAndCategoriesNatively(t *testing.T) {
	ctx := context.Background()
	rows := customers(3000, 17)
	// No imputer, no one-hot: raw numbers with missing incomes, ordinal
	// categories with missing regions.
	spec := func() *model.Spec[customer] {
		return model.New[customer]("trees").Label("churned").
			Float("age").Float("income").
			Category("plan", feature.Ordinal(feature.OrdinalOptions{})).
			Category("region", feature.Ordinal(feature.OrdinalOptions{})).
			Trainer(gbdt.Classifier{Options: gbdt.Options{MaxIter: 20}})
	}
	b, err := model.Fit(ctx, spec(), rows[:2000])
	if err != nil {
		t.Fatal(err)
	}
	if got := b.Features().Categorical(); !slices.Equal(got, []bool{false, false, true, true}) {
		t.Fatalf("categorical columns %v", got)
	}
	// One row with a missing income scores through the serving path, the
	// same as the batch path.
	var missing int
	for i, r := range rows[2000:] {
		if r.Income == nil {
			missing = 2000 + i
			break
		}
	}
	x, err := b.Transform(&rows[missing], nil)
	if err != nil || !math.IsNaN(x[1]) {
		t.Fatalf("Transform of a row without income = %v, %v; want NaN income and no error", x, err)
	}
	probs, err := b.PredictProba(ctx, rows[2000:])
	if err != nil {
		t.Fatal(err)
	}
	p := b.Model().(train.Classifier).PredictProba(make([]float64, 2), x)
	for i := range rows[2000:] {
		x, err := b.Transform(&rows[2000+i], nil)
		if err != nil {
			t.Fatal(err)
		}
		q := b.Model().(train.Classifier).PredictProba(make([]float64, 2), x)
		if q[1] != probs.At(i, 1) {
			t.Fatalf("row %d: serving %v, batch %v", 2000+i, q[1], probs.At(i, 1))
		}
	}
	rep, err := model.Evaluate(ctx, b, rows[2000:], &evaluate.ReportOptions{Metrics: []string{"roc_auc"}})
	if err != nil || rep.Metrics[0].Value < 0.7 {
		t.Fatalf("trees: roc_auc %v, %v", rep.Metrics[0].Value, err)
	}
	// The same spec with a logistic regression cannot take the missing
	// incomes: an error naming the field, not a silent NaN.
	if _, err := model.Fit(ctx, model.New[customer]("lr").Label("churned").Float("income").Trainer(train.LogisticRegression{}), rows); err == nil || !strings.Contains(err.Error(), "income") {
		t.Fatalf("logistic fit on missing incomes = %v", err)
	}
	// Cross-validation and the registry round trip work on trees too.
	cv, err := model.CrossValidate(ctx, spec(), rows, &train.CVOptions{Splitter: train.KFold{K: 3}})
	if err != nil || cv.Mean < 0.6 {
		t.Fatalf("cross-validation of trees: %v, %v", cv, err)
	}
	reg := openRegistry(t)
	v, err := model.Register(ctx, reg, b, rep)
	if err != nil {
		t.Fatal(err)
	}
	l, err := model.Load(ctx, reg, v, spec())
	if err != nil {
		t.Fatal(err)
	}
	lx, err := l.Transform(&rows[missing], nil)
	if err != nil || l.Model().(train.Classifier).PredictProba(make([]float64, 2), lx)[1] != p[1] {
		t.Fatalf("loaded tree bundle scores differently: %v", err)
	}
}
