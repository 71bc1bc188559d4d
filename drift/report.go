package drift

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
)

// WriteJSON writes the report as indented JSON; NaN values become null.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// DatasetRule returns the sentence that states the data set verdict and
// the rule behind it, so that "no dataset drift" beside drifted columns
// does not read as a contradiction, for example "Dataset drift is declared
// when at least 50% of the tested columns drift: 3 of 25 drifted (12%), so
// the dataset does not drift." The HTML report prints it beside the
// verdict; console summaries can print it too.
func (r *Report) DatasetRule() string {
	rule := fmt.Sprintf("Dataset drift is declared when at least %s of the tested columns drift", percent(r.ShareThreshold))
	if r.Tested == 0 {
		return rule + ": no column had enough data to test, so the dataset is not declared drifting."
	}
	verdict := "does not drift"
	if r.DatasetDrift {
		verdict = "drifts"
	}
	return fmt.Sprintf("%s: %d of %d drifted (%s), so the dataset %s.", rule, r.Drifted, r.Tested, percent(r.Share), verdict)
}

// percent writes a share as a percentage with at most one decimal.
func percent(x float64) string {
	return strconv.FormatFloat(math.Round(1000*x)/10, 'f', -1, 64) + "%"
}

// Rule states when the column's method drifts at its threshold: "p < 0.05",
// "score ≥ 0.1", or "threshold t" for a detector that does not say.
func (c ColumnResult) Rule() string {
	t := FormatNumber(c.Threshold, 3)
	d, err := Lookup(c.Method)
	if err == nil {
		if r, ok := d.(interface{ rule(t string) string }); ok {
			return r.rule(t)
		}
	}
	return "threshold " + t
}
