// Command quickstart is Loom's main example: a pipeline of typed stages over
// the mixed data set shipped in data/mixed.csv (20,000 customers, 6 numeric
// and 3 categorical columns with missing values, and a binary target).
//
// Run it from the repository root:
//
//	go run ./examples/quickstart
//
// It streams the CSV through a pipeline (parse → validate), summarises the
// rows and prints the pipeline's run record.
package main

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"math"
	"os"
	"strconv"

	"github.com/loomml/loom/pipeline"
	"github.com/loomml/loom/stage"
)

//go:embed data/mixed.csv
var mixedCSV []byte

// Customer is one row of the data set. Pointer fields are nullable.
type Customer struct {
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
}

func main() {
	log.SetFlags(0)
	if err := run(context.Background(), os.Stdout); err != nil {
		log.Fatal("quickstart: ", err)
	}
}

func run(ctx context.Context, w io.Writer) error {
	rows, err := readRecords(mixedCSV)
	if err != nil {
		return err
	}
	parse := stage.Func("parse", parseCustomer)
	check := stage.Func("check", checkCustomer)
	p := pipeline.Then(pipeline.New("quickstart", parse), check)

	var rec pipeline.Record
	var customers []Customer
	for c, err := range p.Stream(ctx, rows, pipeline.WithParams(map[string]string{"dataset": "mixed.csv"}), pipeline.WithRecord(&rec)) {
		if err != nil {
			return err
		}
		customers = append(customers, c)
	}
	summarise(w, customers)
	fmt.Fprintln(w, "\nRun record:")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(rec)
}

// readRecords yields the data rows of a CSV file with their line numbers.
func readRecords(data []byte) (func(func(record) bool), error) {
	r := csv.NewReader(bytes.NewReader(data))
	header, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("reading header: %w", err)
	}
	want := []string{"age", "income", "hours_per_week", "score", "balance", "tenure_years", "segment", "region", "channel", "target"}
	if fmt.Sprint(header) != fmt.Sprint(want) {
		return nil, fmt.Errorf("header is %v; want %v", header, want)
	}
	return func(yield func(record) bool) {
		for line := 2; ; line++ {
			fields, err := r.Read()
			if errors.Is(err, io.EOF) {
				return
			}
			if !yield(record{line: line, fields: fields, err: err}) {
				return
			}
		}
	}, nil
}

type record struct {
	line   int
	fields []string
	err    error
}

func parseCustomer(_ context.Context, r record) (Customer, error) {
	if r.err != nil {
		return Customer{}, fmt.Errorf("line %d: %w", r.line, r.err)
	}
	f := r.fields
	var c Customer
	var err error
	num := func(i int, name string) *float64 {
		if err != nil || f[i] == "" {
			return nil
		}
		v, perr := strconv.ParseFloat(f[i], 64)
		if perr != nil {
			err = fmt.Errorf("line %d, column %s: value %q: %w", r.line, name, f[i], perr)
		}
		return &v
	}
	required := func(i int, name string) float64 {
		v := num(i, name)
		if v == nil {
			if err == nil {
				err = fmt.Errorf("line %d, column %s: missing value", r.line, name)
			}
			return 0
		}
		return *v
	}
	c.Age = required(0, "age")
	c.Income = num(1, "income")
	c.HoursPerWeek = num(2, "hours_per_week")
	c.Score = required(3, "score")
	c.Balance = num(4, "balance")
	c.TenureYears = num(5, "tenure_years")
	c.Segment, c.Region = f[6], f[7]
	if f[8] != "" {
		c.Channel = &f[8]
	}
	c.Target = int(required(9, "target"))
	return c, err
}

func checkCustomer(_ context.Context, c Customer) (Customer, error) {
	if c.Target != 0 && c.Target != 1 {
		return c, fmt.Errorf("target %d is not 0 or 1", c.Target)
	}
	if math.IsNaN(c.Age) || c.Age < 0 {
		return c, fmt.Errorf("age %v out of range", c.Age)
	}
	return c, nil
}

func summarise(w io.Writer, cs []Customer) {
	positives := map[string][2]int{}
	missingIncome := 0
	for _, c := range cs {
		p := positives[c.Segment]
		p[0]++
		p[1] += c.Target
		positives[c.Segment] = p
		if c.Income == nil {
			missingIncome++
		}
	}
	fmt.Fprintf(w, "Read %d customers; income missing for %d.\n", len(cs), missingIncome)
	for _, seg := range []string{"low", "mid", "high"} {
		p := positives[seg]
		fmt.Fprintf(w, "  segment %-4s %5d rows, positive rate %.3f\n", seg, p[0], float64(p[1])/float64(p[0]))
	}
}
