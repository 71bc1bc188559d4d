package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/loomml/loom/drift"
	"github.com/loomml/loom/evaluate"
	"github.com/loomml/loom/examples/internal/customers"
	"github.com/loomml/loom/feature"
	"github.com/loomml/loom/registry"
	"github.com/loomml/loom/serve"
	"github.com/loomml/loom/train"
)

// trained is what training produced.
type trained struct {
	train, test []Customer
	fitted      *feature.Fitted[Customer]
	model       train.Model
	profile     *drift.Profile
	testScores  []float64 // P(target = 1) of each test row
	testLabels  []int
}

func labels(rows []Customer) []float64 {
	y := make([]float64, len(rows))
	for i := range rows {
		y[i] = float64(rows[i].Target)
	}
	return y
}

func pick(rows []Customer, idx []int) []Customer {
	out := make([]Customer, len(idx))
	for i, j := range idx {
		out[i] = rows[j]
	}
	return out
}

func trainModel(ctx context.Context, w io.Writer, rows []Customer) (*trained, error) {
	split, err := train.StratifiedTrainTestSplit(labels(rows), 0.25, 42)
	if err != nil {
		return nil, err
	}
	m := &trained{train: pick(rows, split.Train), test: pick(rows, split.Test)}
	set := customers.Features()
	if m.fitted, err = set.Fit(ctx, m.train); err != nil {
		return nil, err
	}
	X, err := m.fitted.Matrix(ctx, m.train)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(w, "   %d training rows, %d test rows; %d features: %s ...\n", len(m.train), len(m.test), m.fitted.Width(), strings.Join(m.fitted.Names()[:4], ", "))
	d := train.Dataset{X: X, Y: labels(m.train), FeatureFingerprint: m.fitted.Fingerprint()}
	cv, err := train.CrossValidate(ctx, train.LogisticRegression{}, d, &train.CVOptions{Splitter: train.StratifiedKFold{K: 5, Shuffle: true, Seed: 1}})
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(w, "   5-fold cross-validated accuracy %.3f ± %.3f\n", cv.Mean, cv.Std)
	if m.model, err = (train.LogisticRegression{}).Fit(ctx, d); err != nil {
		return nil, err
	}
	clf := m.model.(train.Classifier)
	probs := make([]float64, 2)
	for i := range m.test {
		x, err := m.fitted.Transform(&m.test[i], nil)
		if err != nil {
			return nil, err
		}
		m.testScores = append(m.testScores, clf.PredictProba(probs, x)[1])
		m.testLabels = append(m.testLabels, m.test[i].Target)
	}
	m.profile = drift.BuildProfile(slices.Values(m.train), customers.DriftColumns(), nil)
	return m, nil
}

// gates are the conditions a model must meet to become the champion.
const gates = `[
  {"metric": "roc_auc",  "kind": "absolute", "op": ">=", "value": 0.70},
  {"metric": "accuracy", "kind": "absolute", "op": ">=", "value": 0.70}
]`

func evaluateModel(ctx context.Context, w io.Writer, m *trained, outDir string) (*evaluate.Report, error) {
	gs, err := evaluate.ParseGates([]byte(gates))
	if err != nil {
		return nil, err
	}
	groups := make([]string, len(m.test))
	for i := range m.test {
		groups[i] = m.test[i].Segment
	}
	p := &evaluate.Predictions{Labels: m.testLabels, Scores: m.testScores}
	rep, err := evaluate.NewReport(ctx, p, &evaluate.ReportOptions{
		Title: "Churn model, quickstart", Model: "churn", Metrics: []string{"roc_auc", "accuracy", "log_loss", "brier", "f1"},
		Bootstrap: &evaluate.BootstrapOptions{Resamples: 200, Seed: 7}, Groups: groups, GroupName: "segment", Gates: gs,
	})
	if err != nil {
		return nil, err
	}
	for _, mv := range rep.Metrics {
		if mv.Interval != nil {
			fmt.Fprintf(w, "   %-9s %.3f  (95%% CI %.3f–%.3f)\n", mv.Metric, mv.Value, mv.Interval.Lower, mv.Interval.Upper)
		}
	}
	path := filepath.Join(outDir, "evaluation.html")
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := errors.Join(rep.WriteHTML(f), f.Close()); err != nil {
		return nil, err
	}
	fmt.Fprintf(w, "   gates: pass=%v; report written to %s\n", rep.Verdict.Pass, path)
	return rep, nil
}

func registerAndPromote(ctx context.Context, w io.Writer, m *trained, rep *evaluate.Report, outDir string) (*registry.Registry, registry.Version, error) {
	ctx = registry.WithPrincipal(ctx, "quickstart")
	reg, err := registry.Open(filepath.Join(outDir, "registry"))
	if err != nil {
		return nil, registry.Version{}, err
	}
	metrics := map[string]float64{}
	for _, mv := range rep.Metrics {
		if mv.Defined() {
			metrics[mv.Metric] = mv.Value
		}
	}
	v, err := serve.Register(ctx, reg, "churn", serve.Artifact[Customer]{Contract: customers.Contract(), Features: m.fitted, Model: m.model, Profile: m.profile},
		registry.Metadata{Metrics: metrics, Description: "quickstart logistic regression", Params: map[string]string{"C": "1", "split_seed": "42"}})
	if err != nil {
		reg.Close()
		return nil, v, err
	}
	fmt.Fprintf(w, "   registered churn v%d (%d parts, hash %s...)\n", v.Number, len(v.Parts), v.Hash[:12])
	gate := registry.GateFunc(func(context.Context, registry.Version, *registry.Version) error {
		if !rep.Verdict.Pass {
			return fmt.Errorf("evaluation gates failed: %s", strings.Join(rep.Verdict.Reasons, "; "))
		}
		return nil
	})
	if err := reg.Promote(ctx, "churn", "champion", v.Number, "passed the quickstart gates", gate); err != nil {
		reg.Close()
		return nil, v, err
	}
	audit, err := reg.Audit(ctx, "churn")
	if err != nil {
		reg.Close()
		return nil, v, err
	}
	fmt.Fprintf(w, "   promoted to champion; audit log has %d entries, last: %s by %s\n", len(audit), audit[len(audit)-1].Action, audit[len(audit)-1].Principal)
	return reg, v, nil
}

func serveModel(ctx context.Context, w io.Writer, reg *registry.Registry, v registry.Version, m *trained) error {
	swap := serve.NewSwap[Customer](nil)
	fctx, stop := context.WithCancel(ctx)
	defer stop()
	if err := serve.Follow(fctx, reg, "churn", "champion", customers.Definition(), swap, nil); err != nil {
		return err
	}
	h := serve.NewHandler(serve.Source[Customer](swap), &serve.Options[Customer]{RejectUnknownFields: true})
	defer h.Close()
	srv := httptest.NewServer(h)
	defer srv.Close()
	fmt.Fprintf(w, "   serving churn v%d at %s\n", swap.Current().Info().Version, srv.URL)
	for _, body := range []string{
		`{"age": 52, "income": 61000, "hours_per_week": 45, "score": 0.31, "balance": 1200, "tenure_years": 2.5, "segment": "high", "region": "coastal", "channel": "ch05", "target": 0}`,
		`{"age": 29, "income": null, "score": 0.87, "segment": "low", "region": "north", "target": 0}`,
		`{"age": "thirty", "score": 0.5, "segment": "low", "region": "north", "target": 0}`,
		`{"age": 130, "score": 0.5, "segment": "vip", "region": "north", "target": 0}`,
	} {
		resp, err := http.Post(srv.URL+"/predict", "application/json", strings.NewReader(body))
		if err != nil {
			return err
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		fmt.Fprintf(w, "   POST /predict -> %d %s\n", resp.StatusCode, strings.TrimSpace(string(b)))
	}
	s := swap.Current()
	for i := range 3 {
		p, err := s.Score(ctx, &m.test[i])
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "   in process: test row %d -> class %v, P(churn) %.3f (label %d)\n", i, p.Value, p.Probabilities()[1], m.test[i].Target)
	}
	return nil
}

func checkDrift(ctx context.Context, w io.Writer, m *trained, outDir string) error {
	shifted := make([]Customer, len(m.test))
	for i, c := range m.test {
		if c.Income != nil {
			v := *c.Income * 1.4 // incomes 40% higher
			c.Income = &v
		}
		if c.Segment == "low" && i%2 == 0 {
			c.Segment = "high" // half the low segment moves to high
		}
		shifted[i] = c
	}
	for _, cur := range []struct {
		name string
		rows []Customer
	}{{"held-out rows", m.test}, {"shifted copy", shifted}} {
		prof := drift.BuildProfile(slices.Values(cur.rows), customers.DriftColumns(), nil)
		rep, err := drift.Compare(m.profile, prof, nil)
		if err != nil {
			return err
		}
		var drifted []string
		for _, c := range rep.Columns {
			if c.Drifted {
				drifted = append(drifted, fmt.Sprintf("%s (%s %.3f)", c.Column, c.Method, c.Score))
			}
		}
		if len(drifted) == 0 {
			drifted = []string{"none"}
		}
		fmt.Fprintf(w, "   %s: dataset drift %v; drifted columns: %s\n", cur.name, rep.DatasetDrift, strings.Join(drifted, ", "))
		if cur.name == "shifted copy" {
			path := filepath.Join(outDir, "drift.html")
			f, err := os.Create(path)
			if err != nil {
				return err
			}
			if err := errors.Join(rep.WriteHTML(f, nil), f.Close()); err != nil {
				return err
			}
			fmt.Fprintf(w, "   drift report written to %s\n", path)
		}
	}
	return nil
}
