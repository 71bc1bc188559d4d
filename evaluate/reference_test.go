package evaluate

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"strings"
	"testing"
)

// The reference cases come from testdata/gen_reference.py (scikit-learn
// 1.2.1, SciPy 1.10.1, numpy 1.24.2).
type refCase struct {
	Name      string                     `json:"name"`
	Kind      string                     `json:"kind"`
	Classes   int                        `json:"classes"`
	YTrue     json.RawMessage            `json:"y_true"`
	Scores    []float64                  `json:"scores"`
	Probs     []float64                  `json:"probs"`
	YPred     []float64                  `json:"y_pred"`
	Threshold float64                    `json:"threshold"`
	Weights   []float64                  `json:"weights"`
	Groups    []string                   `json:"groups"`
	B         int                        `json:"b"`
	C         int                        `json:"c"`
	Expect    map[string]json.RawMessage `json:"expect"`
}

func loadReference(t *testing.T) []refCase {
	t.Helper()
	data, err := os.ReadFile("testdata/reference.json")
	if err != nil {
		t.Fatal(err)
	}
	var ref struct {
		Sklearn string    `json:"sklearn"`
		Cases   []refCase `json:"cases"`
	}
	if err := json.Unmarshal(data, &ref); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(ref.Sklearn, "1.2") {
		t.Fatalf("reference made with scikit-learn %s; want 1.2", ref.Sklearn)
	}
	return ref.Cases
}

const refTol = 1e-9

// near reports whether got agrees with want to refTol, absolute or
// relative; NaN agrees with NaN (null in the JSON).
func near(got, want float64) bool {
	if math.IsNaN(want) || math.IsNaN(got) {
		return math.IsNaN(want) && math.IsNaN(got)
	}
	return math.Abs(got-want) <= refTol*max(1, math.Abs(want))
}

type refChecker struct {
	t *testing.T
	c refCase
}

// isError reports whether the expectation for key is scikit-learn raising.
func (r refChecker) isError(key string) bool {
	return string(r.c.Expect[key]) == `"error"`
}

func (r refChecker) float(key string, got float64, err error) {
	r.t.Helper()
	raw, ok := r.c.Expect[key]
	if !ok {
		r.t.Fatalf("%s: no expectation %q", r.c.Name, key)
	}
	if r.isError(key) {
		if err == nil {
			r.t.Errorf("%s: %s = %v; want an error", r.c.Name, key, got)
		}
		return
	}
	if err != nil {
		r.t.Errorf("%s: %s: %v", r.c.Name, key, err)
		return
	}
	var want *float64
	if err := json.Unmarshal(raw, &want); err != nil {
		r.t.Fatalf("%s: %s: %v", r.c.Name, key, err)
	}
	w := math.NaN()
	if want != nil {
		w = *want
	}
	if !near(got, w) {
		r.t.Errorf("%s: %s = %.17g; want %.17g", r.c.Name, key, got, w)
	}
}

func (r refChecker) floats(key string, got, want []float64) {
	r.t.Helper()
	if len(got) != len(want) {
		r.t.Errorf("%s: %s has %d values %v; want %d %v", r.c.Name, key, len(got), got, len(want), want)
		return
	}
	for i := range got {
		if !near(got[i], want[i]) {
			r.t.Errorf("%s: %s[%d] = %.17g; want %.17g", r.c.Name, key, i, got[i], want[i])
		}
	}
}

func (r refChecker) curve(key string, got *Curve, err error) {
	r.t.Helper()
	if r.isError(key) {
		if err == nil {
			r.t.Errorf("%s: %s: no error; want one", r.c.Name, key)
		}
		return
	}
	if err != nil {
		r.t.Errorf("%s: %s: %v", r.c.Name, key, err)
		return
	}
	var want Curve
	if err := json.Unmarshal(r.c.Expect[key], &want); err != nil {
		r.t.Fatal(err)
	}
	r.floats(key+".x", got.X, want.X)
	r.floats(key+".y", got.Y, want.Y)
	r.floats(key+".thresholds", got.Thresholds, want.Thresholds)
}

var averages = map[string]Average{"binary": Binary, "micro": Micro, "macro": Macro, "weighted": Weighted}

func (r refChecker) confusion(cm *Confusion, avgs []string) {
	r.t.Helper()
	var want []float64
	if err := json.Unmarshal(r.c.Expect["confusion"], &want); err != nil {
		r.t.Fatal(err)
	}
	if !equalFloats(cm.Counts, want) {
		r.t.Errorf("%s: confusion = %v; want %v", r.c.Name, cm.Counts, want)
	}
	r.float("accuracy", cm.Accuracy(), nil)
	r.float("balanced_accuracy", cm.BalancedAccuracy(), nil)
	for _, zd := range []float64{0, 1} {
		for _, a := range avgs {
			key := fmt.Sprintf("_%s_%g", a, zd)
			r.float("precision"+key, cm.Precision(averages[a], zd), nil)
			r.float("recall"+key, cm.Recall(averages[a], zd), nil)
			r.float("f1"+key, cm.F1(averages[a], zd), nil)
		}
	}
	r.float("mcc", cm.MCC(), nil)
	r.float("kappa", cm.CohenKappa(), nil)
}

// equalFloats compares counts: exact when the weights are integers, to
// refTol otherwise (weighted sums may be added in another order).
func equalFloats(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !near(a[i], b[i]) {
			return false
		}
	}
	return true
}

func TestReference(t *testing.T) {
	for _, c := range loadReference(t) {
		t.Run(c.Name, func(t *testing.T) {
			r := refChecker{t: t, c: c}
			switch c.Kind {
			case "binary":
				testReferenceBinary(t, r)
			case "multiclass":
				testReferenceMulticlass(t, r)
			case "regression":
				testReferenceRegression(t, r)
			case "slices":
				testReferenceSlices(t, r)
			case "mcnemar":
				b, cc := c.B, c.C
				got := McNemarTest(b, cc)
				r.float("p", got.P, nil)
				var method string
				_ = json.Unmarshal(c.Expect["method"], &method)
				if got.Exact != (method == "exact") {
					t.Errorf("McNemarTest(%d, %d).Exact = %v; want method %s", b, cc, got.Exact, method)
				}
			default:
				t.Fatalf("unknown kind %q", c.Kind)
			}
		})
	}
}

func intLabels(t *testing.T, raw json.RawMessage) []int {
	t.Helper()
	var y []int
	if err := json.Unmarshal(raw, &y); err != nil {
		t.Fatal(err)
	}
	return y
}

func testReferenceBinary(t *testing.T, r refChecker) {
	c := r.c
	y := intLabels(t, c.YTrue)
	w := c.Weights
	pred := make([]int, len(y))
	for i, s := range c.Scores {
		if s >= c.Threshold {
			pred[i] = 1
		}
	}
	cm, err := ConfusionMatrix(y, pred, 2, w)
	if err != nil {
		t.Fatal(err)
	}
	r.confusion(cm, []string{"binary", "micro", "macro", "weighted"})
	auc, err := ROCAUC(y, c.Scores, w)
	r.float("roc_auc", auc, err)
	if err != nil && !errors.Is(err, ErrSingleClass) {
		t.Errorf("ROCAUC error %v; want ErrSingleClass", err)
	}
	roc, err := ROCCurve(y, c.Scores, w)
	r.curve("roc_curve", roc, err)
	pr, err := PRCurve(y, c.Scores, w)
	r.curve("pr_curve", pr, err)
	ap, err := AveragePrecision(y, c.Scores, w)
	r.float("average_precision", ap, err)
	ll, err := LogLoss(y, c.Scores, w)
	r.float("log_loss", ll, err)
	br, err := BrierScore(y, c.Scores, w)
	r.float("brier", br, err)
	for _, s := range []Binning{Uniform, Quantile} {
		for _, nb := range []int{5, 10} {
			key := fmt.Sprintf("calibration_%s_%d", s, nb)
			raw, ok := c.Expect[key]
			if !ok {
				continue
			}
			var want struct {
				FractionTrue  []float64 `json:"fraction_true"`
				MeanPredicted []float64 `json:"mean_predicted"`
				Count         []int     `json:"count"`
				ECE           float64   `json:"ece"`
			}
			if err := json.Unmarshal(raw, &want); err != nil {
				t.Fatal(err)
			}
			got, err := CalibrationCurve(y, c.Scores, nb, s)
			if err != nil {
				t.Fatalf("CalibrationCurve: %v", err)
			}
			r.floats(key+".fraction_true", got.FractionTrue, want.FractionTrue)
			r.floats(key+".mean_predicted", got.MeanPredicted, want.MeanPredicted)
			if fmt.Sprint(got.Count) != fmt.Sprint(want.Count) {
				t.Errorf("%s.count = %v; want %v", key, got.Count, want.Count)
			}
			if !near(got.ECE(), want.ECE) {
				t.Errorf("%s.ECE() = %v; want %v", key, got.ECE(), want.ECE)
			}
		}
	}
	raw, ok := c.Expect["operating"]
	if !ok {
		return
	}
	var ops map[string]json.RawMessage
	if err := json.Unmarshal(raw, &ops); err != nil {
		t.Fatal(err)
	}
	check := func(key string, got Operating, err error) {
		t.Helper()
		if string(ops[key]) == `"error"` {
			if err == nil {
				t.Errorf("%s: %+v; want an error", key, got)
			}
			return
		}
		if err != nil {
			t.Errorf("%s: %v", key, err)
			return
		}
		var want []float64
		if err := json.Unmarshal(ops[key], &want); err != nil {
			t.Fatal(err)
		}
		r.floats(key, []float64{got.Threshold, got.Precision, got.Recall, got.F1}, want)
	}
	o, err := ThresholdMaxF1(y, c.Scores, w)
	check("max_f1", o, err)
	o, err = ThresholdForPrecision(y, c.Scores, w, 0.8)
	check("precision_0.8", o, err)
	o, err = ThresholdForPrecision(y, c.Scores, w, 0.5)
	check("precision_0.5", o, err)
	o, err = ThresholdForRecall(y, c.Scores, w, 0.9)
	check("recall_0.9", o, err)
	o, err = ThresholdForRecall(y, c.Scores, w, 0.5)
	check("recall_0.5", o, err)
}

func testReferenceMulticlass(t *testing.T, r refChecker) {
	c := r.c
	y := intLabels(t, c.YTrue)
	k := c.Classes
	pred := make([]int, len(y))
	for i := range y {
		row := c.Probs[i*k : (i+1)*k]
		for j, p := range row {
			if p > row[pred[i]] {
				pred[i] = j
			}
		}
	}
	cm, err := ConfusionMatrix(y, pred, k, c.Weights)
	if err != nil {
		t.Fatal(err)
	}
	r.confusion(cm, []string{"micro", "macro", "weighted"})
	a, err := ROCAUCMulticlass(y, c.Probs, k, Macro, c.Weights)
	r.float("roc_auc_ovr_macro", a, err)
	a, err = ROCAUCMulticlass(y, c.Probs, k, Weighted, c.Weights)
	r.float("roc_auc_ovr_weighted", a, err)
	ll, err := LogLossMulticlass(y, c.Probs, k, c.Weights)
	r.float("log_loss", ll, err)
}

func testReferenceRegression(t *testing.T, r refChecker) {
	c := r.c
	var y []float64
	if err := json.Unmarshal(c.YTrue, &y); err != nil {
		t.Fatal(err)
	}
	for _, m := range []struct {
		key string
		fn  func(a, b, w []float64) (float64, error)
	}{
		{"mae", MAE}, {"mse", MSE}, {"rmse", RMSE}, {"r2", R2}, {"mape", MAPE},
		{"median_ae", MedianAE}, {"explained_variance", ExplainedVariance},
	} {
		v, err := m.fn(y, c.YPred, c.Weights)
		r.float(m.key, v, err)
	}
}

func testReferenceSlices(t *testing.T, r refChecker) {
	c := r.c
	y := intLabels(t, c.YTrue)
	rep, err := Slices(&Predictions{Labels: y, Scores: c.Scores, Threshold: c.Threshold}, c.Groups,
		[]string{"accuracy", "recall", "roc_auc", "log_loss"})
	if err != nil {
		t.Fatal(err)
	}
	var want map[string]map[string]json.RawMessage
	if err := json.Unmarshal(c.Expect["slices"], &want); err != nil {
		t.Fatal(err)
	}
	if len(rep.Slices) != len(want) {
		t.Fatalf("%d slices; want %d", len(rep.Slices), len(want))
	}
	for _, s := range rep.Slices {
		sub := refChecker{t: t, c: refCase{Name: c.Name + "/" + s.Group, Expect: want[s.Group]}}
		var count, positives int
		_ = json.Unmarshal(want[s.Group]["count"], &count)
		_ = json.Unmarshal(want[s.Group]["positives"], &positives)
		if s.Count != count || s.Positives != positives {
			t.Errorf("slice %s: count %d, positives %d; want %d, %d", s.Group, s.Count, s.Positives, count, positives)
		}
		for _, m := range s.Metrics {
			var err error
			if m.Err != "" {
				err = errors.New(m.Err)
			}
			sub.float(m.Metric, m.Value, err)
		}
	}
	r.float("demographic_parity_difference", rep.DemographicParity.Value, nil)
	r.float("equal_opportunity_difference", rep.EqualOpportunity.Value, nil)
}
