package beam_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/runners/prism"

	loombeam "github.com/loomml/loom/beam"
)

// Validate rows on Prism and read the merged contract report back. (The
// program registers the declaration in an init function:
// loombeam.Register("churn", churn.Spec).)
func Example() {
	dir, err := os.MkdirTemp("", "loom-beam-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	income := 52000.0
	p, s := beam.NewPipelineWithRoot()
	rows := beam.Create(s,
		Customer{Age: 34, Income: &income, Score: 0.4, Segment: "mid", Region: "north"},
		Customer{Age: 12, Score: 0.9, Segment: "vip", Region: "south"}, // too young, unknown segment
	)
	v, err := loombeam.Validate[Customer](s, "churn", rows)
	if err != nil {
		log.Fatal(err)
	}
	loombeam.WriteFile(s, filepath.Join(dir, "report.json"), v.Report)
	if _, err := prism.Execute(context.Background(), p); err != nil {
		log.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, "report.json"))
	if err != nil {
		log.Fatal(err)
	}
	rep, err := loombeam.DecodeReport(data)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d rows: %d valid, %d rejected\n", rep.Rows, rep.Valid, rep.Rejected)
	for _, c := range rep.Checks {
		if c.Failed > 0 {
			fmt.Printf("%s %s: %d failed\n", c.Field, c.Check, c.Failed)
		}
	}
	// Output:
	// 2 rows: 1 valid, 1 rejected
	// age range [16, 100]: 1 failed
	// segment set {low, mid, high}: 1 failed
}
