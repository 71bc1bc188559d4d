package source_test

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/loomml/loom/pipeline/source"
)

// Read a whole CSV into a slice; the bad row is left out and its error
// names where it is.
func ExampleReadCSVAll() {
	data := "age,income,segment,target\n34,52000,mid,1\nabc,1000,low,0\n51,,vip,1\n"
	rows, err := source.ReadCSVAll[Customer](context.Background(), strings.NewReader(data), &source.CSVOptions{Name: "customers.csv"})
	fmt.Println(len(rows), "rows:", rows[0].Segment, rows[1].Segment, rows[1].Income == nil)
	var e *source.Error
	if errors.As(err, &e) {
		fmt.Println(e)
	}
	// Output:
	// 2 rows: mid vip true
	// source: customers.csv: line 3, row 1, column "age", value "abc": source: wrong type
}

// Read a whole Parquet file into a slice sized from its metadata.
func ExampleReadParquetAll() {
	income := 52000.0
	var buf bytesBuffer
	if err := source.WriteParquet(&buf, []Customer{{Age: 34, Income: &income, Segment: "mid", Target: 1}, {Age: 51, Segment: "vip"}}, nil); err != nil {
		fmt.Println(err)
		return
	}
	rows, err := source.ReadParquetAll[Customer](context.Background(), buf.reader(), nil)
	fmt.Println(len(rows), err, rows[0].Age, *rows[0].Income, rows[1].Segment, rows[1].Income == nil)
	// Output:
	// 2 <nil> 34 52000 vip true
}
