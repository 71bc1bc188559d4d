package evaluate

import (
	"encoding/json"
	"errors"
	"math"
	"testing"
)

func TestCompare(t *testing.T) {
	labels, cand, champ, _ := synthetic(2000, 31)
	a := &Predictions{Labels: labels, Scores: champ}
	b := &Predictions{Labels: labels, Scores: cand}
	cmp, err := Compare(t.Context(), a, b, []string{"roc_auc", "log_loss", "accuracy"}, &BootstrapOptions{Resamples: 200, Seed: 9})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range cmp.Differences {
		va, _ := Compute(a, d.Metric)
		vb, _ := Compute(b, d.Metric)
		if d.Champion.Value != va || d.Challenger.Value != vb || math.Abs(d.Delta-(vb-va)) > 1e-15 {
			t.Errorf("%s: %v, %v, Δ %v; want %v, %v, Δ %v", d.Metric, d.Champion.Value, d.Challenger.Value, d.Delta, va, vb, vb-va)
		}
		if d.Interval == nil || d.Interval.Estimate != d.Delta || !(d.Interval.Lower <= d.Delta && d.Delta <= d.Interval.Upper) {
			t.Errorf("%s: interval %+v does not surround Δ %v", d.Metric, d.Interval, d.Delta)
		}
	}
	if !cmp.Difference("roc_auc").Better || !cmp.Difference("log_loss").Better {
		t.Errorf("the stronger model is not better: %+v", cmp.Differences)
	}
	// McNemar's counts, by hand.
	var nb, nc int
	for i, y := range labels {
		ra := (champ[i] >= 0.5) == (y == 1)
		rb := (cand[i] >= 0.5) == (y == 1)
		if ra && !rb {
			nb++
		}
		if !ra && rb {
			nc++
		}
	}
	if cmp.McNemar.B != nb || cmp.McNemar.C != nc || cmp.McNemar.Exact {
		t.Errorf("McNemar = %+v; want B=%d C=%d with the chi-square test", cmp.McNemar, nb, nc)
	}
	if _, err := json.Marshal(cmp); err != nil {
		t.Errorf("comparison JSON: %v", err)
	}
}

func TestCompareNotPaired(t *testing.T) {
	a := &Predictions{Labels: []int{0, 1, 0}, Scores: []float64{0.1, 0.9, 0.4}}
	b := &Predictions{Labels: []int{0, 1, 1}, Scores: []float64{0.1, 0.9, 0.4}}
	if _, err := Compare(t.Context(), a, b, nil, nil); !errors.Is(err, ErrNotPaired) {
		t.Errorf("error %v; want ErrNotPaired", err)
	}
}

func TestCompareUndefined(t *testing.T) {
	// One class only: AUC is undefined for both, which is recorded, and
	// the JSON form holds null rather than NaN.
	a := &Predictions{Labels: []int{0, 0, 0}, Scores: []float64{0.1, 0.9, 0.4}}
	b := &Predictions{Labels: []int{0, 0, 0}, Scores: []float64{0.2, 0.3, 0.4}}
	cmp, err := Compare(t.Context(), a, b, []string{"roc_auc", "accuracy"}, &BootstrapOptions{Resamples: 50})
	if err != nil {
		t.Fatal(err)
	}
	d := cmp.Difference("roc_auc")
	if d.Champion.Defined() || !math.IsNaN(d.Delta) || d.Interval != nil {
		t.Errorf("roc_auc difference %+v; want undefined", d)
	}
	data, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	var back Difference
	if err := json.Unmarshal(data, &back); err != nil || !math.IsNaN(back.Delta) || back.Champion.Defined() {
		t.Errorf("JSON round trip of %s: %+v, %v", data, back, err)
	}
}
