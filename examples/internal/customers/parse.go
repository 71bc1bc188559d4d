package customers

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"iter"
	"strconv"
)

// Record is one CSV record with its line number, or the error reading it.
type Record struct {
	Line   int
	Fields []string
	Err    error
}

// Columns is the header of the CSV file.
var Columns = []string{"age", "income", "hours_per_week", "score", "balance", "tenure_years", "segment", "region", "channel", "target"}

// Records yields the data records of the embedded CSV. It is a single-use
// iterator.
func Records() (iter.Seq[Record], error) {
	r := csv.NewReader(bytes.NewReader(CSV))
	header, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("reading header: %w", err)
	}
	if fmt.Sprint(header) != fmt.Sprint(Columns) {
		return nil, fmt.Errorf("header is %v; want %v", header, Columns)
	}
	return func(yield func(Record) bool) {
		for line := 2; ; line++ {
			fields, err := r.Read()
			if errors.Is(err, io.EOF) {
				return
			}
			if !yield(Record{Line: line, Fields: fields, Err: err}) {
				return
			}
		}
	}, nil
}

// Parse turns a record into a Customer; errors name the line, column and
// value. It is a stage function.
func Parse(_ context.Context, r Record) (Customer, error) {
	if r.Err != nil {
		return Customer{}, fmt.Errorf("line %d: %w", r.Line, r.Err)
	}
	f := r.Fields
	var c Customer
	var err error
	num := func(i int) *float64 {
		if err != nil || f[i] == "" {
			return nil
		}
		v, perr := strconv.ParseFloat(f[i], 64)
		if perr != nil {
			err = fmt.Errorf("line %d, column %s: value %q is not a number", r.Line, Columns[i], f[i])
		}
		return &v
	}
	required := func(i int) float64 {
		v := num(i)
		if v == nil {
			if err == nil {
				err = fmt.Errorf("line %d, column %s: missing value", r.Line, Columns[i])
			}
			return 0
		}
		return *v
	}
	c.Age = required(0)
	c.Income = num(1)
	c.HoursPerWeek = num(2)
	c.Score = required(3)
	c.Balance = num(4)
	c.TenureYears = num(5)
	c.Segment, c.Region = f[6], f[7]
	if f[8] != "" {
		c.Channel = &f[8]
	}
	c.Target = int(required(9))
	return c, err
}
