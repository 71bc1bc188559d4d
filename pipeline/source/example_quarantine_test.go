package source_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/loomml/loom/contract"
	"github.com/loomml/loom/pipeline/source"
)

type Customer struct {
	Age     float64  `loom:"age"`
	Income  *float64 `loom:"income"`
	Segment string   `loom:"segment"`
	Target  int      `loom:"target"`
}

// Read a CSV and quarantine the rows that fail to decode or fail the
// contract, each with its row number and reasons.
func Example_quarantine() {
	data := `age,income,segment,target
34,52000,mid,1
abc,1000,low,0
17,,low,0
51,70000,vip,1
`
	b := contract.MustBind[Customer](contract.New("customers",
		contract.FloatField("age", contract.Range(18, 100)),
		contract.FloatField("income", contract.AtLeast(0)).Optional(),
		contract.CategoryField("segment", contract.OneOf("low", "mid", "high")),
		contract.IntField("target", contract.OneOf("0", "1")),
	))
	rows := source.ReadCSV[Customer](context.Background(), strings.NewReader(data), &source.CSVOptions{Name: "customers.csv"})
	split, err := b.QuarantineSeq(context.Background(), rows)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%d rows: %d valid, %d rejected\n", split.Report.Rows, len(split.Valid), len(split.Rejected))
	for _, r := range split.Rejected {
		for _, why := range r.Reasons {
			fmt.Printf("row %d: %s: %s\n", r.Row, why.Check, why.Value)
		}
	}
	// Output:
	// 4 rows: 1 valid, 3 rejected
	// row 1: decodable: source: customers.csv: line 3, row 1, column "age", value "abc": source: wrong type
	// row 2: range [18, 100]: 17
	// row 3: set {low, mid, high}: vip
}

// Write rows to Parquet and read them back.
func ExampleReadParquet() {
	inc := 52000.0
	rows := []Customer{{Age: 34, Income: &inc, Segment: "mid", Target: 1}, {Age: 51, Segment: "low"}}
	var buf bytesBuffer
	if err := source.WriteParquet(&buf, rows, nil); err != nil {
		fmt.Println(err)
		return
	}
	for c, err := range source.ReadParquet[Customer](context.Background(), buf.reader(), nil) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(c.Age, c.Income != nil, c.Segment, c.Target)
	}
	// Output:
	// 34 true mid 1
	// 51 false low 0
}
