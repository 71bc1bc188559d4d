// Command quickstart is Loom's main example, end to end on the data set the
// repository ships (20,000 customers, 6 numeric and 3 categorical columns
// with missing values, a binary target):
//
//  1. stream the CSV into typed rows through a pipeline with a run record,
//     and check them against a data contract, quarantining bad rows with
//     their reasons;
//  2. split it, cross-validate the whole declaration (features refitted in
//     every fold) and fit it on the training rows: contract, features,
//     logistic regression, drift profile and lineage as one bundle;
//  3. evaluate it on the test rows, with bootstrap intervals, gates, the
//     permutation importance of each declared column, and an HTML report
//     per model (logistic and gradient-boosted trees);
//  4. register the bundle as one registry version, with its metrics and
//     verdict, and promote it to "champion" through the gates;
//  5. load the champion, serve it over HTTP on loopback and score rows over
//     HTTP and in process, and explain one prediction: its log-odds split
//     over the declared columns;
//  6. check a shifted copy of the data for drift.
//
// Run it from the repository root:
//
//	go run ./examples/quickstart
//
// It writes its registry and reports under -out (by default
// loom-quickstart in the system's temporary directory) and prints where. It
// writes only into a directory it created itself (marked by a file
// .loom-example) or an empty one, and on a later run removes only its own
// outputs there; any other directory is refused, never emptied.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"
	"strings"

	"github.com/loomml/loom/examples/internal/customers"
	"github.com/loomml/loom/examples/internal/outdir"
	"github.com/loomml/loom/pipeline"
	"github.com/loomml/loom/pipeline/source"
	"github.com/loomml/loom/stage"
)

type Customer = customers.Customer

func main() {
	log.SetFlags(0)
	out := flag.String("out", filepath.Join(os.TempDir(), "loom-quickstart"), "directory for the registry and the reports: created, or an empty one, or one the quickstart made before (a non-empty directory of yours is refused, never emptied)")
	flag.Parse()
	if err := run(context.Background(), os.Stdout, *out); err != nil {
		log.Fatal("quickstart: ", err)
	}
}

func run(ctx context.Context, w io.Writer, outDir string) error {
	if err := outdir.Prepare(outDir, "quickstart", "registry", "evaluation.html", "evaluation-trees.html", "drift.html", "quarantine.csv"); err != nil {
		return err
	}
	step := func(n int, title string) { fmt.Fprintf(w, "\n%d. %s\n", n, title) }

	step(1, "Ingest: read the CSV through a pipeline and a data contract")
	rows, err := ingest(ctx, w, outDir)
	if err != nil {
		return err
	}

	step(2, "Train: cross-validate and fit the declaration")
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
	reg, _, err := registerAndPromote(ctx, w, m, ev, outDir)
	if err != nil {
		return err
	}
	defer reg.Close()

	step(5, "Serve")
	if err := serveModel(ctx, w, reg, m); err != nil {
		return err
	}

	step(6, "Check for drift")
	return checkDrift(w, m, outDir)
}

// ingest streams the embedded CSV into Customers through a pipeline that
// normalises the categories, then splits the rows with the data contract
// into valid ones and quarantined ones, which it writes to a CSV file with
// their reasons.
func ingest(ctx context.Context, w io.Writer, outDir string) ([]Customer, error) {
	normalize := stage.Map("normalize", func(c Customer) Customer {
		c.Segment, c.Region = strings.ToLower(strings.TrimSpace(c.Segment)), strings.ToLower(strings.TrimSpace(c.Region))
		return c
	})
	bound := customers.Spec().Bind()
	p := pipeline.New("ingest", normalize)
	var rec pipeline.Record
	src := source.ReadCSV[Customer](ctx, bytes.NewReader(customers.CSV), &source.CSVOptions{Name: "mixed.csv"})
	var rows []Customer
	for c, err := range p.StreamErrors(ctx, src, pipeline.WithParams(map[string]string{"dataset": "mixed.csv"}), pipeline.WithRecord(&rec)) {
		if err != nil {
			return nil, err
		}
		rows = append(rows, c)
	}
	fmt.Fprintf(w, "   run %s of pipeline %q: %s, %d rows read, %d out, %d source errors\n", rec.ID[:8], rec.Pipeline, rec.Status, rec.ItemsIn, rec.ItemsOut, rec.SourceErrors)

	split, err := pipeline.New("validate", bound.QuarantineStage("contract")).Run(ctx, rows)
	if err != nil {
		return nil, err
	}
	rep := split.Report
	fmt.Fprintf(w, "   contract %q: %s; %d rows = %d valid + %d quarantined\n", rep.Contract, rep.Verdict, rep.Rows, rep.Valid, rep.Rejected)
	if len(split.Rejected) > 0 {
		r := split.Rejected[0]
		fmt.Fprintf(w, "   first quarantined: row %d, %s\n", r.Row, r.Reasons[0])
		q, err := os.Create(filepath.Join(outDir, "quarantine.csv"))
		if err != nil {
			return nil, err
		}
		err = source.WriteCSV(q, func(yield func(Customer) bool) {
			for _, r := range split.Rejected {
				if !yield(r.Value) {
					return
				}
			}
		}, nil)
		if err := errors.Join(err, q.Close()); err != nil {
			return nil, err
		}
		fmt.Fprintf(w, "   quarantined rows written to %s\n", q.Name())
	}
	return split.Valid, nil
}
