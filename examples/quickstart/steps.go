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
	"strings"

	"github.com/loomml/loom/drift/drifthtml"
	"github.com/loomml/loom/evaluate"
	"github.com/loomml/loom/evaluate/evalhtml"
	"github.com/loomml/loom/examples/internal/customers"
	"github.com/loomml/loom/model"
	"github.com/loomml/loom/registry"
	"github.com/loomml/loom/serve"
	"github.com/loomml/loom/train"
	"github.com/loomml/loom/train/gbdt"
)

// trained is what training produced.
type trained struct {
	test   []Customer
	bundle *model.Bundle[Customer]
	trees  *model.Bundle[Customer] // the same declaration trained by gradient-boosted trees
}

func trainModel(ctx context.Context, w io.Writer, rows []Customer) (*trained, error) {
	spec := customers.Spec()
	trainRows, testRows, err := model.Split(spec, rows, train.Holdout{Stratify: true, Seed: 42})
	if err != nil {
		return nil, err
	}
	cv, err := model.CrossValidate(ctx, spec, trainRows, &train.CVOptions{Splitter: train.StratifiedKFold{K: 5, Shuffle: true, Seed: 1}})
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(w, "   %d training rows, %d test rows\n", len(trainRows), len(testRows))
	fmt.Fprintf(w, "   5-fold cross-validated accuracy %.3f ± %.3f (features refitted in every fold)\n", cv.Mean, cv.Std)
	b, err := model.Fit(ctx, spec, trainRows)
	if err != nil {
		return nil, err
	}
	lin := b.Lineage()
	fmt.Fprintf(w, "   fitted %s on %d rows in %v; %d features: %s ...\n", lin.Train.Kind, lin.Rows, lin.Durations["total"].Round(1e6),
		b.Features().Width(), strings.Join(b.Features().Names()[:4], ", "))
	// Another trainer is one line: the same declaration, fitted by
	// histogram gradient boosting (scikit-learn's defaults).
	trees, err := model.Fit(ctx, customers.Spec().Trainer(gbdt.Classifier{}), trainRows)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(w, "   fitted %s (gradient-boosted trees) in %v\n", trees.Lineage().Train.Kind, trees.Lineage().Durations["total"].Round(1e6))
	return &trained{test: testRows, bundle: b, trees: trees}, nil
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
	rep, err := model.Evaluate(ctx, m.bundle, m.test, &evaluate.ReportOptions{
		Title: "Churn model, quickstart", Metrics: []string{"roc_auc", "accuracy", "log_loss", "brier", "f1"},
		Bootstrap: &evaluate.BootstrapOptions{Resamples: 200, Seed: 7}, Gates: gs,
	})
	if err != nil {
		return nil, err
	}
	treeRep, err := model.Evaluate(ctx, m.trees, m.test, &evaluate.ReportOptions{Metrics: []string{"roc_auc", "accuracy", "log_loss", "brier", "f1"}})
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(w, "   %-9s %-31s %s\n", "", "logistic", "gradient-boosted trees")
	for _, mv := range rep.Metrics {
		if mv.Interval != nil {
			fmt.Fprintf(w, "   %-9s %.3f  (95%% CI %.3f–%.3f)    %.3f\n", mv.Metric, mv.Value, mv.Interval.Lower, mv.Interval.Upper, treeRep.Value(mv.Metric))
		}
	}
	// Which columns each model relies on: the drop of roc_auc on the test
	// rows when a declared column is shuffled, 5 shuffles per column.
	opts := &evaluate.PermutationOptions{Seed: 11}
	if rep.Importances, err = model.Importance(ctx, m.bundle, m.test, "roc_auc", opts); err != nil {
		return nil, err
	}
	if treeRep.Importances, err = model.Importance(ctx, m.trees, m.test, "roc_auc", opts); err != nil {
		return nil, err
	}
	fmt.Fprintf(w, "   importance (drop of roc_auc when the column is shuffled):\n")
	for _, r := range []struct {
		name string
		imp  *evaluate.Importances
	}{{"logistic", rep.Importances}, {"trees", treeRep.Importances}} {
		var top []string
		for _, c := range r.imp.Columns[:3] {
			top = append(top, fmt.Sprintf("%s %.3f ± %.3f", c.Column, c.Value, c.Std))
		}
		fmt.Fprintf(w, "   %-9s %s\n", r.name, strings.Join(top, ", "))
	}
	treeRep.Title = "Churn model, quickstart: gradient-boosted trees"
	for _, r := range []struct {
		file string
		rep  *evaluate.Report
	}{{"evaluation.html", rep}, {"evaluation-trees.html", treeRep}} {
		f, err := os.Create(filepath.Join(outDir, r.file))
		if err != nil {
			return nil, err
		}
		if err := errors.Join(evalhtml.Write(f, r.rep), f.Close()); err != nil {
			return nil, err
		}
	}
	fmt.Fprintf(w, "   gates: pass=%v; reports written to %s and evaluation-trees.html\n", rep.Verdict.Pass, filepath.Join(outDir, "evaluation.html"))
	return rep, nil
}

func registerAndPromote(ctx context.Context, w io.Writer, m *trained, rep *evaluate.Report, outDir string) (*registry.Registry, registry.Version, error) {
	ctx = registry.WithPrincipal(ctx, "quickstart")
	reg, err := registry.Open(filepath.Join(outDir, "registry"))
	if err != nil {
		return nil, registry.Version{}, err
	}
	v, err := model.Register(ctx, reg, m.bundle, rep)
	if err != nil {
		reg.Close()
		return nil, v, err
	}
	fmt.Fprintf(w, "   registered churn v%d (%d parts, hash %s..., verdict %s, roc_auc %.3f)\n", v.Number, len(v.Parts), v.Hash[:12],
		v.Metadata.Tags[model.TagVerdict], v.Metadata.Metrics["roc_auc"])
	gs, _ := evaluate.ParseGates([]byte(gates))
	if err := reg.Promote(ctx, "churn", "champion", v.Number, "passed the quickstart gates", model.Gate(gs...)); err != nil {
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

func serveModel(ctx context.Context, w io.Writer, reg *registry.Registry, m *trained) error {
	swap := serve.NewSwap[Customer](nil)
	f, err := serve.Follow(ctx, reg, "champion", customers.Spec(), swap, nil)
	if err != nil {
		return err
	}
	defer f.Stop()
	h := serve.NewHandler(serve.Source[Customer](swap), &serve.Options[Customer]{RejectUnknownFields: true})
	defer h.Close()
	srv := httptest.NewServer(h)
	defer srv.Close()
	fmt.Fprintf(w, "   serving churn v%d at %s\n", swap.Current().Info().Version, srv.URL)
	for _, body := range []string{
		`{"age": 52, "income": 61000, "hours_per_week": 45, "score": 0.31, "balance": 1200, "tenure_years": 2.5, "segment": "high", "region": "coastal", "channel": "ch05"}`,
		`{"age": 29, "income": null, "score": 0.87, "segment": "low", "region": "north"}`,
		`{"age": "thirty", "score": 0.5, "segment": "low", "region": "north"}`,
		`{"age": 130, "score": 0.5, "segment": "vip", "region": "north"}`,
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
	// Why: over HTTP, the three columns that moved a prediction most; in
	// process, the log-odds of test row 0 split over the declared columns
	// by each model (coef·(x − mean) for logistic, TreeSHAP for trees).
	resp, err := http.Post(srv.URL+"/predict?explain=3", "application/json", strings.NewReader(`{"age": 29, "income": null, "score": 0.87, "segment": "low", "region": "north"}`))
	if err != nil {
		return err
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	fmt.Fprintf(w, "   POST /predict?explain=3 -> %d %s\n", resp.StatusCode, strings.TrimSpace(string(b)))
	for _, c := range []struct {
		name string
		b    *model.Bundle[Customer]
	}{{"logistic", m.bundle}, {"trees", m.trees}} {
		e, err := c.b.Explain(&m.test[0], 3)
		if err != nil {
			return err
		}
		parts := []string{fmt.Sprintf("expected %.3f", e.Expected)}
		for _, c := range e.Contributions {
			parts = append(parts, fmt.Sprintf("%s %+.3f", c.Column, c.Value))
		}
		parts = append(parts, fmt.Sprintf("others %+.3f", e.Rest))
		fmt.Fprintf(w, "   why test row 0 (%s): log-odds %.3f = %s\n", c.name, e.Margin, strings.Join(parts, " "))
	}
	return nil
}

func checkDrift(w io.Writer, m *trained, outDir string) error {
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
		rep, err := m.bundle.CompareDrift(cur.rows)
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
		fmt.Fprintf(w, "     %s\n", rep.DatasetRule())
		if cur.name == "shifted copy" {
			path := filepath.Join(outDir, "drift.html")
			f, err := os.Create(path)
			if err != nil {
				return err
			}
			if err := errors.Join(drifthtml.Write(f, rep, &drifthtml.Options{Model: "churn", Reference: "training rows", Current: cur.name}), f.Close()); err != nil {
				return err
			}
			fmt.Fprintf(w, "   drift report written to %s\n", path)
		}
	}
	return nil
}
