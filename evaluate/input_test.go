package evaluate

import (
	"errors"
	"math"
	"testing"
)

// TestBadInput checks that every entry point rejects bad input with the
// documented error, naming the offending field and index.
func TestBadInput(t *testing.T) {
	nan := math.NaN()
	y := []int{0, 1, 0, 1}
	s := []float64{0.1, 0.9, 0.2, 0.8}
	tests := []struct {
		name      string
		call      func() error
		want      error
		field     string // for *InputError or *LengthError
		index     int
		wantValue string
	}{
		{"auc empty", func() error { _, err := ROCAUC(nil, nil, nil); return err }, ErrEmpty, "", 0, ""},
		{"auc lengths", func() error { _, err := ROCAUC(y, s[:3], nil); return err }, ErrLength, "scores", 0, ""},
		{"auc nan score", func() error { _, err := ROCAUC(y, []float64{0.1, nan, 0.2, 0.3}, nil); return err }, ErrNaN, "scores", 1, "NaN"},
		{"auc inf score", func() error { _, err := ROCAUC(y, []float64{0.1, 0.2, math.Inf(1), 0.3}, nil); return err }, ErrNaN, "scores", 2, "+Inf"},
		{"auc label 2", func() error { _, err := ROCAUC([]int{0, 1, 2, 1}, s, nil); return err }, ErrLabel, "yTrue", 2, "2"},
		{"auc label -1", func() error { _, err := ROCAUC([]int{-1, 1, 0, 1}, s, nil); return err }, ErrLabel, "yTrue", 0, "-1"},
		{"auc one class", func() error { _, err := ROCAUC([]int{1, 1, 1, 1}, s, nil); return err }, ErrSingleClass, "", 0, ""},
		{"auc zero weights", func() error { _, err := ROCAUC(y, s, []float64{0, 0, 0, 0}); return err }, ErrUndefined, "", 0, ""},
		{"auc negative weight", func() error { _, err := ROCAUC(y, s, []float64{1, -1, 1, 1}); return err }, ErrRange, "weights", 1, "-1"},
		{"auc nan weight", func() error { _, err := ROCAUC(y, s, []float64{1, 1, 1, nan}); return err }, ErrNaN, "weights", 3, "NaN"},
		{"auc weights length", func() error { _, err := ROCAUC(y, s, []float64{1}); return err }, ErrLength, "weights", 0, ""},
		{"roc one class", func() error { _, err := ROCCurve([]int{0, 0, 0, 0}, s, nil); return err }, ErrSingleClass, "", 0, ""},
		{"log loss probability", func() error { _, err := LogLoss(y, []float64{0.1, 1.5, 0.2, 0.8}, nil); return err }, ErrRange, "p", 1, "1.5"},
		{"brier probability", func() error { _, err := BrierScore(y, []float64{-0.1, 0.5, 0.2, 0.8}, nil); return err }, ErrRange, "p", 0, "-0.1"},
		{"confusion pred label", func() error { _, err := ConfusionMatrix(y, []int{0, 1, 3, 1}, 3, nil); return err }, ErrLabel, "yPred", 2, "3"},
		{"confusion lengths", func() error { _, err := ConfusionMatrix(y, []int{0}, 2, nil); return err }, ErrLength, "yPred", 0, ""},
		{"confusion zero weight", func() error { _, err := ConfusionMatrix(y, y, 2, make([]float64, 4)); return err }, ErrUndefined, "", 0, ""},
		{"multiclass rows", func() error {
			_, err := ROCAUCMulticlass([]int{0, 1, 2}, []float64{0.5, 0.5, 0, 0.2, 0.2, 0.2, 0, 0, 1}, 3, Macro, nil)
			return err
		}, ErrRange, "probs row sum", 1, "0.6000000000000001"},
		{"multiclass absent class", func() error {
			_, err := ROCAUCMulticlass([]int{0, 1, 1}, []float64{0.5, 0.5, 0, 0.2, 0.6, 0.2, 0, 0, 1}, 3, Macro, nil)
			return err
		}, ErrSingleClass, "", 0, ""},
		{"multiclass matrix size", func() error { _, err := LogLossMulticlass([]int{0, 1}, []float64{1, 0, 0}, 2, nil); return err }, ErrLength, "probs", 0, ""},
		{"regression nan", func() error { _, err := MAE([]float64{1, nan}, []float64{1, 2}, nil); return err }, ErrNaN, "yTrue", 1, "NaN"},
		{"regression lengths", func() error { _, err := R2([]float64{1, 2}, []float64{1}, nil); return err }, ErrLength, "yPred", 0, ""},
		{"regression empty", func() error { _, err := MedianAE(nil, nil, nil); return err }, ErrEmpty, "", 0, ""},
		{"regression zero weights", func() error { _, err := MSE([]float64{1, 2}, []float64{1, 2}, []float64{0, 0}); return err }, ErrUndefined, "", 0, ""},
		{"calibration probability", func() error { _, err := CalibrationCurve(y, []float64{0.1, 0.2, 2, 0.1}, 5, Uniform); return err }, ErrRange, "p", 2, "2"},
		{"threshold no positives", func() error { _, err := ThresholdMaxF1([]int{0, 0, 0, 0}, s, nil); return err }, ErrSingleClass, "", 0, ""},
		{"threshold precision unreachable", func() error {
			_, err := ThresholdForPrecision([]int{0, 0, 1, 0}, []float64{0.9, 0.8, 0.1, 0.5}, nil, 0.9)
			return err
		}, ErrUndefined, "", 0, ""},
		{"compute unknown metric", func() error { _, err := Compute(&Predictions{Labels: y, Scores: s}, "auc"); return err }, ErrUnknownMetric, "", 0, ""},
		{"compute one class", func() error {
			_, err := Compute(&Predictions{Labels: []int{0, 0, 0, 0}, Scores: s}, "roc_auc")
			return err
		}, ErrSingleClass, "", 0, ""},
		{"predictions threshold", func() error { return (&Predictions{Labels: y, Scores: s, Threshold: 1.5}).Validate() }, ErrRange, "threshold", 0, "1.5"},
		{"slices groups length", func() error { _, err := Slices(&Predictions{Labels: y, Scores: s}, []string{"a"}, nil); return err }, ErrLength, "groups", 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			if !errors.Is(err, tt.want) {
				t.Fatalf("error %v; want %v", err, tt.want)
			}
			var ie *InputError
			if errors.As(err, &ie) {
				if ie.Field != tt.field || ie.Index != tt.index || ie.Value != tt.wantValue {
					t.Errorf("InputError{Field: %q, Index: %d, Value: %q}; want {%q, %d, %q}", ie.Field, ie.Index, ie.Value, tt.field, tt.index, tt.wantValue)
				}
			}
			var le *LengthError
			if errors.As(err, &le) && le.Field != tt.field {
				t.Errorf("LengthError.Field = %q; want %q", le.Field, tt.field)
			}
			if tt.field != "" && ie == nil && le == nil {
				t.Errorf("error %v (%T) does not say which field", err, err)
			}
		})
	}
}

func TestPanics(t *testing.T) {
	y := []int{0, 1}
	tests := []struct {
		name string
		f    func()
	}{
		{"confusion classes", func() { _, _ = ConfusionMatrix(y, y, 1, nil) }},
		{"binary average of 3 classes", func() {
			c, _ := ConfusionMatrix([]int{0, 1, 2}, []int{0, 1, 2}, 3, nil)
			c.Precision(Binary, 0)
		}},
		{"multiclass micro", func() { _, _ = ROCAUCMulticlass(y, []float64{1, 0, 0, 1}, 2, Micro, nil) }},
		{"calibration bins", func() { _, _ = CalibrationCurve(y, []float64{0, 1}, 0, Uniform) }},
		{"threshold target", func() { _, _ = ThresholdForRecall(y, []float64{0, 1}, nil, 1.5) }},
		{"bootstrap resamples", func() {
			_, _ = Bootstrap(t.Context(), 2, func([]float64) (float64, error) { return 0, nil }, &BootstrapOptions{Resamples: 1})
		}},
		{"bootstrap level", func() {
			_, _ = Bootstrap(t.Context(), 2, func([]float64) (float64, error) { return 0, nil }, &BootstrapOptions{Level: 1})
		}},
		{"mcnemar negative", func() { McNemarTest(-1, 2) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				r := recover()
				if r == nil {
					t.Fatal("no panic")
				}
				if msg, ok := r.(string); !ok || len(msg) < 10 || msg[:10] != "evaluate: " {
					t.Errorf("panic %v; want a message starting with \"evaluate: \"", r)
				}
			}()
			tt.f()
		})
	}
}

// TestUndefinedValues checks the documented values where scikit-learn
// returns a number for degenerate input.
func TestUndefinedValues(t *testing.T) {
	// Kappa is NaN when both label sets are one and the same class.
	c, err := ConfusionMatrix([]int{1, 1}, []int{1, 1}, 2, nil)
	if err != nil {
		t.Fatal(err)
	}
	if k := c.CohenKappa(); !math.IsNaN(k) {
		t.Errorf("CohenKappa() = %v; want NaN", k)
	}
	if m := c.MCC(); m != 0 {
		t.Errorf("MCC() = %v; want 0", m)
	}
	// Through Compute, the NaN becomes an error.
	_, err = Compute(&Predictions{Labels: []int{1, 1}, Scores: []float64{0.9, 0.8}}, "kappa")
	if !errors.Is(err, ErrUndefined) {
		t.Errorf("Compute(kappa) error %v; want ErrUndefined", err)
	}
	// Average precision is 0 without positive labels, as in scikit-learn.
	ap, err := AveragePrecision([]int{0, 0}, []float64{0.3, 0.4}, nil)
	if err != nil || ap != 0 {
		t.Errorf("AveragePrecision(no positives) = %v, %v; want 0, nil", ap, err)
	}
	// Log loss of a confident mistake is finite.
	ll, err := LogLoss([]int{1}, []float64{0}, nil)
	if err != nil || math.IsInf(ll, 0) || math.Abs(ll-36.04365338911715) > 1e-9 {
		t.Errorf("LogLoss(confident mistake) = %v, %v; want 36.04365338911715", ll, err)
	}
}
