// Command quickstart is Loom's main example, end to end on the data set the
// repository ships (20,000 customers, 6 numeric and 3 categorical columns
// with missing values, a binary target):
//
//  1. stream the CSV through a pipeline of typed stages, with a run record;
//  2. split it, fit the feature set on the training rows and train a
//     logistic regression;
//  3. evaluate it on the test rows, with bootstrap intervals, gates and an
//     HTML report;
//  4. register the pipeline (features, model, drift profile) as one
//     registry version and promote it to "champion" through the gates;
//  5. load the champion, serve it over HTTP on loopback and score rows over
//     HTTP and in process;
//  6. check a shifted copy of the data for drift.
//
// Run it from the repository root:
//
//	go run ./examples/quickstart
//
// It writes its registry and reports under -out (by default a fresh
// directory in the system's temporary directory) and prints where.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"

	"github.com/loomml/loom/examples/internal/customers"
	"github.com/loomml/loom/pipeline"
	"github.com/loomml/loom/stage"
)

type Customer = customers.Customer

func main() {
	log.SetFlags(0)
	out := flag.String("out", filepath.Join(os.TempDir(), "loom-quickstart"), "directory for the registry and the reports (emptied first)")
	flag.Parse()
	if err := run(context.Background(), os.Stdout, *out); err != nil {
		log.Fatal("quickstart: ", err)
	}
}

func run(ctx context.Context, w io.Writer, outDir string) error {
	if err := os.RemoveAll(outDir); err != nil {
		return err
	}
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return err
	}
	step := func(n int, title string) { fmt.Fprintf(w, "\n%d. %s\n", n, title) }

	step(1, "Ingest: stream the CSV through a pipeline")
	rows, rec, err := ingest(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "   run %s: %s, %d rows in, %d out\n", rec.ID[:8], rec.Status, rec.ItemsIn, rec.ItemsOut)
	for _, s := range rec.Stages {
		fmt.Fprintf(w, "   stage %-6s %6d in %6d out %d errors\n", s.Name, s.ItemsIn, s.ItemsOut, s.Errors)
	}

	step(2, "Train: fit features and a logistic regression")
	m, err := trainModel(ctx, w, rows)
	if err != nil {
		return err
	}

	step(3, "Evaluate on the held-out rows")
	ev, err := evaluateModel(ctx, w, m, outDir)
	if err != nil {
		return err
	}

	step(4, "Register and promote")
	reg, version, err := registerAndPromote(ctx, w, m, ev, outDir)
	if err != nil {
		return err
	}
	defer reg.Close()

	step(5, "Serve")
	if err := serveModel(ctx, w, reg, version, m); err != nil {
		return err
	}

	step(6, "Check for drift")
	return checkDrift(ctx, w, m, outDir)
}

// ingest reads the embedded CSV through a pipeline: parse each record into
// a Customer, then check it.
func ingest(ctx context.Context) ([]Customer, pipeline.Record, error) {
	var rec pipeline.Record
	records, err := customers.Records()
	if err != nil {
		return nil, rec, err
	}
	p := pipeline.Then(pipeline.New("ingest", stage.Func("parse", customers.Parse)), stage.Func("check", checkCustomer))
	var rows []Customer
	for c, err := range p.Stream(ctx, records, pipeline.WithParams(map[string]string{"dataset": "mixed.csv"}), pipeline.WithRecord(&rec)) {
		if err != nil {
			return nil, rec, err
		}
		rows = append(rows, c)
	}
	return rows, rec, nil
}

func checkCustomer(_ context.Context, c Customer) (Customer, error) {
	if c.Target != 0 && c.Target != 1 {
		return c, fmt.Errorf("target %d is not 0 or 1", c.Target)
	}
	if c.Age < 0 || c.Age > 130 {
		return c, fmt.Errorf("age %v out of range", c.Age)
	}
	return c, nil
}
