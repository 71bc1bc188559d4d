package contract_test

import (
	"fmt"
	"os"

	"github.com/loomml/loom/contract"
)

// Customer is the row type of the examples.
type Customer struct {
	Age     float64  `loom:"age"`
	Income  *float64 `loom:"income"`
	Segment string   `loom:"segment"`
	Channel *string  `loom:"channel"`
	Target  int      `loom:"target"`
}

func customers() *contract.Contract {
	return contract.New("customers",
		contract.FloatField("age", contract.Range(18, 100)),
		contract.FloatField("income", contract.AtLeast(0), contract.NotNullRatio(0.9).Warn()).Optional(),
		contract.CategoryField("segment", contract.OneOf("low", "mid", "high")),
		contract.CategoryField("channel", contract.Match(`ch[0-9]{2}`)).Optional(),
		contract.IntField("target", contract.OneOf("0", "1")),
	).With(contract.RowCount(3, -1))
}

func f64(v float64) *float64 { return &v }

// Declare a contract, bind it to a row type and validate rows.
func Example() {
	b, err := contract.Bind[Customer](customers())
	if err != nil {
		fmt.Println(err)
		return
	}
	rows := []Customer{
		{Age: 34, Income: f64(52000), Segment: "mid", Target: 1},
		{Age: 17, Income: f64(1000), Segment: "low", Target: 0},
		{Age: 51, Segment: "vip", Target: 2},
	}
	rep := b.Validate(rows)
	fmt.Print(rep)
	// Output:
	// contract customers: FAIL — 3 rows, 1 valid, 2 rejected
	//   ok   age              not null                     failed 0
	//   FAIL age              range [18, 100]              failed 1  e.g. row 1="17"
	//   ok   income           range [0, +inf)              failed 0
	//   ok   segment          not null                     failed 0
	//   FAIL segment          set {low, mid, high}         failed 1  e.g. row 2="vip"
	//   ok   channel          regex "ch[0-9]{2}"           failed 0
	//   ok   target           not null                     failed 0
	//   FAIL target           set {0, 1}                   failed 1  e.g. row 2="2"
	//   warn not_null_ratio of income ≥ 0.9: 2 of 3 rows present (0.6667)
	//   ok   row_count in [3, +inf]: 3 rows
}

// Quarantine splits rows into valid ones and rejected ones with reasons.
func ExampleBound_Quarantine() {
	b := contract.MustBind[Customer](customers())
	split := b.Quarantine([]Customer{
		{Age: 34, Income: f64(52000), Segment: "mid", Target: 1},
		{Age: 230, Income: f64(-5), Segment: "mid", Target: 1},
	})
	fmt.Println(len(split.Valid), "valid,", len(split.Rejected), "rejected")
	for _, r := range split.Rejected {
		for _, why := range r.Reasons {
			fmt.Printf("row %d: %v\n", r.Row, why)
		}
	}
	// Output:
	// 1 valid, 1 rejected
	// row 1: field "age" value "230": range [18, 100]
	// row 1: field "income" value "-5": range [0, +inf)
}

// CheckRow is the serving path: one row, no allocation when it is valid.
func ExampleBound_CheckRow() {
	b := contract.MustBind[Customer](customers())
	ch := "web"
	fmt.Println(b.CheckRow(&Customer{Age: 40, Segment: "high", Target: 0}))
	fmt.Println(b.CheckRow(&Customer{Age: 40, Segment: "high", Channel: &ch, Target: 0}))
	// Output:
	// <nil>
	// contract: field "channel" value "web": regex "ch[0-9]{2}"
}

// The JSON form is versioned and round-trips exactly.
func ExampleParse() {
	data, _ := contract.New("tiny", contract.IntField("n", contract.Range(0, 9).Warn())).Marshal()
	os.Stdout.Write(data)
	c, err := contract.Parse(data)
	fmt.Println(c.Fields[0].Checks[0].Severity, err)
	// Output:
	// {
	//   "version": 1,
	//   "name": "tiny",
	//   "fields": [
	//     {
	//       "name": "n",
	//       "type": "int",
	//       "checks": [
	//         {
	//           "kind": "range",
	//           "severity": "warn",
	//           "min": 0,
	//           "max": 9
	//         }
	//       ]
	//     }
	//   ]
	// }
	// warn <nil>
}
