package evaluate

import (
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestCheck(t *testing.T) {
	ev := Evidence{
		Metrics:  map[string]float64{"roc_auc": 0.86, "log_loss": 0.40, "ece": math.NaN()},
		Baseline: map[string]float64{"roc_auc": 0.87, "log_loss": 0.395},
		Slices: map[string]map[string]float64{
			"a": {"recall": 0.9}, "b": {"recall": 0.78}, "c": {"recall": 0.85},
		},
	}
	tests := []struct {
		gate     Gate
		pass     bool
		observed float64 // NaN for none
		slice    string
		reason   string // substring
	}{
		{Gate{"roc_auc", Absolute, ">=", 0.85}, true, 0.86, "", ""},
		{Gate{"roc_auc", Absolute, ">=", 0.9}, false, 0.86, "", "roc_auc >= 0.9: got 0.86, bound 0.9"},
		{Gate{"log_loss", Relative, "<=", 0.01}, true, 0.40, "", ""},
		{Gate{"log_loss", Relative, "<=", 0.001}, false, 0.40, "", "log_loss <= baseline + 0.001"},
		{Gate{"roc_auc", Relative, ">=", -0.005}, false, 0.86, "", "roc_auc >= baseline - 0.005"},
		{Gate{"recall", SliceGate, ">=", 0.8}, false, 0.78, "b", `slice "b" has 0.78`},
		{Gate{"recall", SliceGate, ">=", 0.75}, true, 0.78, "b", ""},
		{Gate{"ece", Absolute, "<=", 0.05}, false, math.NaN(), "", "undefined or missing for the candidate"},
		{Gate{"brier", Absolute, "<=", 0.2}, false, math.NaN(), "", "undefined or missing"},
		{Gate{"f1", Relative, ">=", 0}, false, math.NaN(), "", "undefined or missing for the candidate"},
		{Gate{"accuracy", SliceGate, ">=", 0.5}, false, math.NaN(), "a", `undefined or missing in slice "a"`},
		{Gate{"roc_auc", "maybe", ">=", 0.5}, false, math.NaN(), "", "invalid gate"},
	}
	for _, tt := range tests {
		v := Check([]Gate{tt.gate}, ev)
		r := v.Results[0]
		if r.Pass != tt.pass || v.Pass != tt.pass {
			t.Errorf("Check(%v) pass = %v; want %v (%s)", tt.gate, r.Pass, tt.pass, r.Reason)
		}
		if math.IsNaN(tt.observed) != (r.Observed == nil) || (r.Observed != nil && *r.Observed != tt.observed) {
			t.Errorf("Check(%v) observed = %v; want %v", tt.gate, r.Observed, tt.observed)
		}
		if r.Slice != tt.slice {
			t.Errorf("Check(%v) slice = %q; want %q", tt.gate, r.Slice, tt.slice)
		}
		if tt.pass != (r.Reason == "") || !strings.Contains(r.Reason, tt.reason) {
			t.Errorf("Check(%v) reason = %q; want %q", tt.gate, r.Reason, tt.reason)
		}
		if !tt.pass && (len(v.Reasons) != 1 || v.Reasons[0] != r.Reason) {
			t.Errorf("Check(%v) reasons = %q; want the one reason", tt.gate, v.Reasons)
		}
	}
}

func TestVerdictJSON(t *testing.T) {
	gates, err := ParseGates([]byte(`[{"metric":"roc_auc","kind":"absolute","op":">=","value":0.8},
		{"metric":"kappa","kind":"absolute","op":">=","value":0.1}]`))
	if err != nil {
		t.Fatal(err)
	}
	v := Check(gates, Evidence{Metrics: map[string]float64{"roc_auc": 0.9, "kappa": math.NaN()}})
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), "NaN") {
		t.Errorf("verdict JSON %s holds NaN", data)
	}
	var back Verdict
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, v) {
		t.Errorf("verdict JSON round trip:\n got %+v\nwant %+v", back, v)
	}
	if back.Pass || len(back.Reasons) != 1 {
		t.Errorf("verdict %+v; want one failed gate", back)
	}
}

func TestParseGatesErrors(t *testing.T) {
	tests := []struct {
		in    string
		want  error
		index int
		field string
	}{
		{`[{"metric":"auc","kind":"absolute","op":">=","value":0.8}]`, ErrUnknownMetric, 0, "metric"},
		{`[{"metric":"roc_auc","kind":"absolute","op":">=","value":0.8},{"metric":"roc_auc","kind":"sometimes","op":">=","value":0.8}]`, ErrGate, 1, "kind"},
		{`[{"metric":"roc_auc","kind":"absolute","op":">","value":0.8}]`, ErrGate, 0, "op"},
		{`[{"metric":"roc_auc","kind":"absolute","op":">=","value":0.8,"extra":1}]`, ErrGate, -1, ""},
		{`[{"metric":"roc_auc","kind":"absolute","op":">=","value":"high"}]`, ErrGate, -1, ""},
		{`[] []`, ErrGate, -1, ""},
		{`{`, ErrGate, -1, ""},
		{``, ErrGate, -1, ""},
	}
	for _, tt := range tests {
		_, err := ParseGates([]byte(tt.in))
		if !errors.Is(err, tt.want) {
			t.Errorf("ParseGates(%s) error %v; want %v", tt.in, err, tt.want)
			continue
		}
		var ge *GateError
		if tt.index >= 0 {
			if !errors.As(err, &ge) || ge.Index != tt.index || ge.Field != tt.field {
				t.Errorf("ParseGates(%s) error %#v; want a GateError at %d, field %q", tt.in, err, tt.index, tt.field)
			}
		}
	}
}

// FuzzParseGates checks that ParseGates never panics, that what it
// accepts is valid, and that accepted gates survive a JSON round trip.
func FuzzParseGates(f *testing.F) {
	files, _ := filepath.Glob("testdata/gates/*.json")
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`[{"metric":"roc_auc","kind":"absolute","op":">=","value":1e308}]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		gates, err := ParseGates(data)
		if err != nil {
			return
		}
		if err := ValidateGates(gates); err != nil {
			t.Fatalf("ParseGates accepted invalid gates: %v", err)
		}
		out, err := json.Marshal(gates)
		if err != nil {
			t.Fatal(err)
		}
		back, err := ParseGates(out)
		if err != nil {
			t.Fatalf("round trip of %s: %v", out, err)
		}
		if len(back) != len(gates) || (len(gates) > 0 && !reflect.DeepEqual(back, gates)) {
			t.Fatalf("round trip changed %v into %v", gates, back)
		}
		v := Check(gates, Evidence{})
		if _, err := json.Marshal(v); err != nil {
			t.Fatalf("verdict JSON: %v", err)
		}
	})
}
