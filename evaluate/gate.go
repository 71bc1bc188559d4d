package evaluate

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
)

// GateKind says what a gate compares a metric with.
type GateKind string

// The kinds of gate.
const (
	// Absolute gates compare the candidate's metric with Value:
	// "roc_auc >= 0.85".
	Absolute GateKind = "absolute"
	// Relative gates compare it with the baseline's (champion's) value
	// plus Value: "log_loss <= baseline + 0.01".
	Relative GateKind = "relative"
	// SliceGate gates compare every slice's metric with Value: "recall >=
	// 0.8 in every slice".
	SliceGate GateKind = "slice"
)

// Gate is one declarative threshold on a metric. Its JSON form is
// {"metric": "roc_auc", "kind": "absolute", "op": ">=", "value": 0.85}.
type Gate struct {
	Metric string   `json:"metric"` // a name from MetricNames
	Kind   GateKind `json:"kind"`
	Op     string   `json:"op"`    // ">=" or "<="
	Value  float64  `json:"value"` // the bound, or for Relative the allowed offset from the baseline
}

// String describes the gate as a sentence, such as "log_loss <= baseline
// + 0.01".
func (g Gate) String() string {
	v := fmtFloat(g.Value)
	switch g.Kind {
	case Relative:
		if g.Value < 0 {
			return fmt.Sprintf("%s %s baseline - %s", g.Metric, g.Op, fmtFloat(-g.Value))
		}
		return fmt.Sprintf("%s %s baseline + %s", g.Metric, g.Op, v)
	case SliceGate:
		return fmt.Sprintf("%s %s %s in every slice", g.Metric, g.Op, v)
	}
	return fmt.Sprintf("%s %s %s", g.Metric, g.Op, v)
}

// validate checks one gate; index is its position for the error.
func (g Gate) validate(index int) error {
	if _, err := lookupMetric(g.Metric); err != nil {
		return &GateError{Index: index, Field: "metric", Value: strconv.Quote(g.Metric), Err: ErrUnknownMetric}
	}
	switch g.Kind {
	case Absolute, Relative, SliceGate:
	default:
		return &GateError{Index: index, Field: "kind", Value: strconv.Quote(string(g.Kind)), Err: ErrGate}
	}
	if g.Op != ">=" && g.Op != "<=" {
		return &GateError{Index: index, Field: "op", Value: strconv.Quote(g.Op), Err: ErrGate}
	}
	if math.IsNaN(g.Value) || math.IsInf(g.Value, 0) {
		return &GateError{Index: index, Field: "value", Value: fmtFloat(g.Value), Err: ErrGate}
	}
	return nil
}

// ValidateGates checks every gate: a known metric, a known kind, an
// operator ">=" or "<=", a finite value. It returns the first problem as a
// *GateError.
func ValidateGates(gates []Gate) error {
	for i, g := range gates {
		if err := g.validate(i); err != nil {
			return err
		}
	}
	return nil
}

// ParseGates reads a JSON array of gates, rejecting unknown fields and
// trailing data, and validates them (see ValidateGates). Syntax errors are
// returned as encoding/json reports them, wrapped with ErrGate.
func ParseGates(data []byte) ([]Gate, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var gates []Gate
	if err := dec.Decode(&gates); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrGate, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("%w: data after the gate array", ErrGate)
	}
	if err := ValidateGates(gates); err != nil {
		return nil, err
	}
	return gates, nil
}

// Evidence is what gates are checked against: the candidate's metrics, the
// baseline's (for Relative gates) and each slice's (for slice gates). A
// missing or NaN value fails the gates that need it.
type Evidence struct {
	Metrics  map[string]float64            // candidate metric values
	Baseline map[string]float64            // baseline (champion) values
	Slices   map[string]map[string]float64 // group → metric → value
}

// GateResult is the outcome of one gate.
type GateResult struct {
	Gate     Gate     `json:"gate"`
	Pass     bool     `json:"pass"`
	Observed *float64 `json:"observed,omitempty"` // the value tested; nil when undefined
	Bound    *float64 `json:"bound,omitempty"`    // what it was compared with; nil when undefined
	Slice    string   `json:"slice,omitempty"`    // for slice gates, the worst (or first failing) slice
	Reason   string   `json:"reason,omitempty"`   // why the gate failed
}

// Verdict is the outcome of a set of gates: Pass when every gate passed,
// with one reason per failed gate. It never holds a NaN: an undefined
// metric fails its gate with a reason saying so.
type Verdict struct {
	Pass    bool         `json:"pass"`
	Results []GateResult `json:"results"`
	Reasons []string     `json:"reasons"`
}

// Check evaluates each gate against the evidence. Gates should have been
// validated (ParseGates does); an invalid gate fails with its error as
// the reason.
func Check(gates []Gate, ev Evidence) Verdict {
	v := Verdict{Pass: true, Results: []GateResult{}, Reasons: []string{}}
	for i, g := range gates {
		r := checkGate(i, g, ev)
		v.Results = append(v.Results, r)
		if !r.Pass {
			v.Pass = false
			v.Reasons = append(v.Reasons, r.Reason)
		}
	}
	return v
}

func holds(op string, x, bound float64) bool {
	if op == ">=" {
		return x >= bound
	}
	return x <= bound
}

func lookup(m map[string]float64, k string) (float64, bool) {
	v, ok := m[k]
	if !ok || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, false
	}
	return v, true
}

func checkGate(i int, g Gate, ev Evidence) GateResult {
	r := GateResult{Gate: g}
	if err := g.validate(i); err != nil {
		r.Reason = err.Error()
		return r
	}
	switch g.Kind {
	case Absolute, Relative:
		x, ok := lookup(ev.Metrics, g.Metric)
		if !ok {
			r.Reason = fmt.Sprintf("%s: %s is undefined or missing for the candidate", g, g.Metric)
			return r
		}
		r.Observed = &x
		bound := g.Value
		if g.Kind == Relative {
			base, ok := lookup(ev.Baseline, g.Metric)
			if !ok {
				r.Reason = fmt.Sprintf("%s: %s is undefined or missing for the baseline", g, g.Metric)
				return r
			}
			bound = base + g.Value
		}
		r.Bound = &bound
		r.Pass = holds(g.Op, x, bound)
		if !r.Pass {
			r.Reason = fmt.Sprintf("%s: got %.6g, bound %.6g", g, x, bound)
		}
		return r
	}
	// Slice gate: every slice must pass; report the worst one.
	bound := g.Value
	r.Bound = &bound
	if len(ev.Slices) == 0 {
		r.Reason = fmt.Sprintf("%s: no slices were evaluated", g)
		return r
	}
	names := sortedKeys(ev.Slices)
	r.Pass = true
	var worst float64
	for _, name := range names {
		x, ok := lookup(ev.Slices[name], g.Metric)
		if !ok {
			r.Pass = false
			r.Observed = nil
			r.Slice = name
			r.Reason = fmt.Sprintf("%s: %s is undefined or missing in slice %q", g, g.Metric, name)
			return r
		}
		if r.Slice == "" || (g.Op == ">=" && x < worst) || (g.Op == "<=" && x > worst) {
			worst, r.Slice = x, name
		}
	}
	r.Observed = &worst
	r.Pass = holds(g.Op, worst, bound)
	if !r.Pass {
		r.Reason = fmt.Sprintf("%s: slice %q has %.6g", g, r.Slice, worst)
	}
	return r
}
