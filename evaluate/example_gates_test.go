package evaluate_test

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/loomml/loom/evaluate"
)

func ExampleCheck() {
	gates, err := evaluate.ParseGates([]byte(`[
		{"metric": "roc_auc",  "kind": "absolute", "op": ">=", "value": 0.85},
		{"metric": "log_loss", "kind": "relative", "op": "<=", "value": 0.01},
		{"metric": "recall",   "kind": "slice",    "op": ">=", "value": 0.8}
	]`))
	if err != nil {
		fmt.Println(err)
		return
	}
	v := evaluate.Check(gates, evaluate.Evidence{
		Metrics:  map[string]float64{"roc_auc": 0.87, "log_loss": 0.41},
		Baseline: map[string]float64{"log_loss": 0.39},
		Slices: map[string]map[string]float64{
			"north": {"recall": 0.84},
			"south": {"recall": 0.77},
		},
	})
	fmt.Println("pass:", v.Pass)
	for _, r := range v.Reasons {
		fmt.Println("-", r)
	}
	// Output:
	// pass: false
	// - log_loss <= baseline + 0.01: got 0.41, bound 0.4
	// - recall >= 0.8 in every slice: slice "south" has 0.77
}

func ExampleParseGates() {
	_, err := evaluate.ParseGates([]byte(`[{"metric": "auc", "kind": "absolute", "op": ">=", "value": 0.8}]`))
	fmt.Println(err)

	gates, _ := evaluate.ParseGates([]byte(`[{"metric": "roc_auc", "kind": "relative", "op": ">=", "value": -0.005}]`))
	fmt.Println(gates[0])
	v := evaluate.Check(gates, evaluate.Evidence{Metrics: map[string]float64{"roc_auc": 0.9}})
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
	// Output:
	// evaluate: gate 0: field "metric" = "auc": evaluate: unknown metric
	// roc_auc >= baseline - 0.005
	// {
	//   "pass": false,
	//   "results": [
	//     {
	//       "gate": {
	//         "metric": "roc_auc",
	//         "kind": "relative",
	//         "op": ">=",
	//         "value": -0.005
	//       },
	//       "pass": false,
	//       "observed": 0.9,
	//       "reason": "roc_auc >= baseline - 0.005: roc_auc is undefined or missing for the baseline"
	//     }
	//   ],
	//   "reasons": [
	//     "roc_auc >= baseline - 0.005: roc_auc is undefined or missing for the baseline"
	//   ]
	// }
}
