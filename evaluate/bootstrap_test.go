package evaluate

import (
	"context"
	"errors"
	"math"
	"testing"

	"go.uber.org/goleak"
)

func TestBootstrapDeterministic(t *testing.T) {
	defer goleak.VerifyNone(t)
	labels, scores, _, _ := synthetic(3000, 21)
	p := &Predictions{Labels: labels, Scores: scores}
	var first Interval
	for i, workers := range []int{1, 2, 3, 8} {
		iv, err := BootstrapMetric(t.Context(), p, "roc_auc", &BootstrapOptions{Resamples: 300, Seed: 42, Workers: workers})
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			first = iv
			continue
		}
		if iv != first {
			t.Errorf("workers=%d: %+v; want %+v (same seed, other scheduling)", workers, iv, first)
		}
	}
	if !(first.Lower < first.Estimate && first.Estimate < first.Upper) {
		t.Errorf("interval %+v does not surround its estimate", first)
	}
	other, err := BootstrapMetric(t.Context(), p, "roc_auc", &BootstrapOptions{Resamples: 300, Seed: 43})
	if err != nil {
		t.Fatal(err)
	}
	if other == first {
		t.Error("seeds 42 and 43 gave the same interval")
	}
}

// TestBootstrapCoverage checks the interval of a mean against the normal
// approximation: for 2000 draws of a fair coin the 95% interval of the
// mean is about ±1.96·0.5/√2000 ≈ ±0.0219.
func TestBootstrapCoverage(t *testing.T) {
	n := 2000
	x := make([]float64, n)
	for i := range x {
		x[i] = float64(i % 2)
	}
	mean := func(w []float64) (float64, error) {
		var s, ws float64
		for i, v := range x {
			wt := weight(w, i)
			s += wt * v
			ws += wt
		}
		return s / ws, nil
	}
	iv, err := Bootstrap(t.Context(), n, mean, &BootstrapOptions{Resamples: 2000, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	half := (iv.Upper - iv.Lower) / 2
	if iv.Estimate != 0.5 || math.Abs(half-0.0219) > 0.003 {
		t.Errorf("interval %+v: half-width %v; want about 0.0219 around 0.5", iv, half)
	}
}

func TestBootstrapFailures(t *testing.T) {
	// One positive among 30: many resamples lack it, and their AUC is
	// undefined; they are counted, not used.
	labels := make([]int, 30)
	scores := make([]float64, 30)
	for i := range scores {
		scores[i] = float64(i) / 30
	}
	labels[29] = 1
	iv, err := BootstrapMetric(t.Context(), &Predictions{Labels: labels, Scores: scores}, "roc_auc", &BootstrapOptions{Resamples: 200, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	if iv.Failed == 0 || iv.Failed+iv.Resamples != 200 {
		t.Errorf("Failed = %d, Resamples = %d; want some failures, 200 in all", iv.Failed, iv.Resamples)
	}
	// A statistic undefined on the full sample is an error.
	_, err = BootstrapMetric(t.Context(), &Predictions{Labels: make([]int, 5), Scores: make([]float64, 5)}, "roc_auc", nil)
	if !errors.Is(err, ErrSingleClass) {
		t.Errorf("error %v; want ErrSingleClass", err)
	}
	_, err = Bootstrap(t.Context(), 0, func([]float64) (float64, error) { return 0, nil }, nil)
	if !errors.Is(err, ErrEmpty) {
		t.Errorf("error %v; want ErrEmpty", err)
	}
}

func TestBootstrapCancel(t *testing.T) {
	defer goleak.VerifyNone(t)
	ctx, cancel := context.WithCancel(t.Context())
	calls := 0
	_, err := Bootstrap(ctx, 10, func(w []float64) (float64, error) {
		if w != nil {
			cancel()
		}
		calls++
		return 1, nil
	}, &BootstrapOptions{Resamples: 10000, Workers: 1})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("error %v; want context.Canceled", err)
	}
	if calls > 10 {
		t.Errorf("%d calls after cancelling; want the bootstrap to stop", calls)
	}
}
