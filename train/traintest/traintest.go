// Package traintest is the conformance suite for model kinds and trainers
// plugged into package train, in the spirit of testing/slogtest: a package
// defining a model kind runs TestModel on its models and TestTrainer on its
// trainer, and gets the guarantees package train documents checked for it.
//
// The checks report with t.Errorf and go on where they can, so one run
// lists every broken guarantee.
package traintest

import (
	"bytes"
	"context"
	"errors"
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/loomml/loom/train"
)

// TestModel checks a fitted model on the given rows, each of
// m.Info().Features values:
//
//   - Info names a registered kind, a positive width, and strictly
//     increasing classes for a Classifier (nil classes otherwise);
//   - Predict is deterministic and allocates nothing;
//   - a Classifier's PredictProba allocates nothing and gives finite
//     probabilities in [0, 1] summing to 1, whose most probable class is
//     Predict's label;
//   - Encode then Decode gives a model with the same Info and bit-identical
//     predictions, which encodes to the same bytes, and every truncation
//     of the encoding is rejected with ErrCorrupt;
//   - Verify accepts the model's own width and fingerprint and rejects
//     another width.
func TestModel(t testing.TB, m train.Model, rows [][]float64) {
	t.Helper()
	info := m.Info()
	if info.Kind == "" || info.Features < 1 {
		t.Errorf("Info() = %+v; want a kind and at least one feature", info)
		return
	}
	registered := false
	for _, k := range train.Kinds() {
		registered = registered || k == info.Kind
	}
	if !registered {
		t.Errorf("kind %q is not registered; call train.Register in init", info.Kind)
	}
	c, isClassifier := m.(train.Classifier)
	if isClassifier {
		if len(info.Classes) < 2 {
			t.Errorf("Classifier with classes %v; want at least two", info.Classes)
		}
		for i := 1; i < len(info.Classes); i++ {
			if !(info.Classes[i] > info.Classes[i-1]) {
				t.Errorf("classes %v are not strictly increasing", info.Classes)
			}
		}
	}
	var proba []float64
	if isClassifier {
		proba = make([]float64, len(info.Classes))
	}
	for i, x := range rows {
		if len(x) != info.Features {
			t.Errorf("row %d has %d values; the model takes %d", i, len(x), info.Features)
			return
		}
		y := m.Predict(x)
		if again := m.Predict(x); math.Float64bits(again) != math.Float64bits(y) {
			t.Errorf("row %d: Predict gave %v then %v", i, y, again)
		}
		if a := testing.AllocsPerRun(10, func() { m.Predict(x) }); a != 0 {
			t.Errorf("row %d: Predict allocates %v times; want 0", i, a)
		}
		if !isClassifier {
			continue
		}
		got := c.PredictProba(proba, x)
		if a := testing.AllocsPerRun(10, func() { c.PredictProba(proba, x) }); a != 0 {
			t.Errorf("row %d: PredictProba allocates %v times; want 0", i, a)
		}
		if len(got) != len(info.Classes) {
			t.Errorf("row %d: PredictProba returned %d values for %d classes", i, len(got), len(info.Classes))
			continue
		}
		sum, best := 0.0, 0
		for k, q := range got {
			if !(q >= 0 && q <= 1) {
				t.Errorf("row %d: probability of class %v is %v", i, info.Classes[k], q)
			}
			sum += q
			if q > got[best] {
				best = k
			}
		}
		if math.Abs(sum-1) > 1e-9 {
			t.Errorf("row %d: probabilities %v sum to %v", i, got, sum)
		}
		if info.Classes[best] != y {
			t.Errorf("row %d: Predict = %v but the most probable class is %v (%v)", i, y, info.Classes[best], got)
		}
	}
	checkEncoding(t, m, rows)
	if err := train.Verify(m, info.Features, info.FeatureFingerprint); err != nil {
		t.Errorf("Verify with the model's own width and fingerprint: %v", err)
	}
	if err := train.Verify(m, info.Features+1, ""); !errors.Is(err, train.ErrShape) {
		t.Errorf("Verify with another width = %v; want ErrShape", err)
	}
}

func checkEncoding(t testing.TB, m train.Model, rows [][]float64) {
	t.Helper()
	b, err := train.Encode(m)
	if err != nil {
		t.Errorf("Encode: %v", err)
		return
	}
	back, err := train.Decode(b)
	if err != nil {
		t.Errorf("Decode(Encode(m)): %v", err)
		return
	}
	info, binfo := m.Info(), back.Info()
	if binfo.Kind != info.Kind || binfo.Features != info.Features || binfo.FeatureFingerprint != info.FeatureFingerprint ||
		!equalFloats(binfo.Classes, info.Classes) {
		t.Errorf("decoded Info = %+v; want %+v", binfo, info)
	}
	for i, x := range rows {
		if a, b := m.Predict(x), back.Predict(x); math.Float64bits(a) != math.Float64bits(b) {
			t.Errorf("row %d: decoded model predicts %v; original %v", i, b, a)
		}
	}
	if again, err := train.Encode(back); err != nil || !bytes.Equal(again, b) {
		t.Errorf("Encode(Decode(b)) differs from b (err %v)", err)
	}
	for n := range len(b) {
		if _, err := train.Decode(b[:n]); !errors.Is(err, train.ErrCorrupt) {
			t.Errorf("Decode of the first %d of %d bytes = %v; want ErrCorrupt", n, len(b), err)
			return
		}
	}
}

func equalFloats(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
			return false
		}
	}
	return true
}

// TestTrainer checks a trainer on a valid dataset d of at least two rows:
//
//   - fitting d twice gives models with identical encodings
//     (determinism), carrying d's feature fingerprint and width;
//   - a NaN in X, mismatched labels and an empty dataset are rejected with
//     ErrNonFinite, ErrShape and ErrEmpty, without a model;
//   - a cancelled context is reported as context.Canceled;
//
// and runs TestModel on the fitted model with the rows of d. A fit that
// returns a *train.NotConvergedError counts as a fit.
func TestTrainer(t testing.TB, tr train.Trainer, d train.Dataset) {
	t.Helper()
	ctx := context.Background()
	n, p := d.Dims()
	if n < 2 {
		t.Errorf("TestTrainer needs a dataset of at least two rows, got %d", n)
		return
	}
	if d.FeatureFingerprint == "" {
		d.FeatureFingerprint = "traintest"
	}
	fit := func(d train.Dataset) (train.Model, error) {
		m, err := tr.Fit(ctx, d)
		if errors.Is(err, train.ErrNotConverged) && m != nil {
			err = nil
		}
		return m, err
	}
	m, err := fit(d)
	if err != nil {
		t.Errorf("Fit: %v", err)
		return
	}
	if info := m.Info(); info.Features != p || info.FeatureFingerprint != d.FeatureFingerprint {
		t.Errorf("fitted Info = %+v; want %d features and fingerprint %q", info, p, d.FeatureFingerprint)
	}
	m2, err := fit(d)
	if err != nil {
		t.Errorf("second Fit: %v", err)
		return
	}
	a, errA := train.Encode(m)
	b, errB := train.Encode(m2)
	if errA != nil || errB != nil || !bytes.Equal(a, b) {
		t.Errorf("two fits of the same data differ (encode errors %v, %v)", errA, errB)
	}

	bad := d.Subset(seq(n))
	bad.X.Set(n-1, p-1, math.NaN())
	checkRejects(t, tr, "NaN in X", bad, train.ErrNonFinite)
	short := d
	short.Y = d.Y[:n-1]
	checkRejects(t, tr, "y shorter than X", short, train.ErrShape)
	checkRejects(t, tr, "empty dataset", train.Dataset{X: &mat.Dense{}}, train.ErrEmpty)

	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if m, err := tr.Fit(cctx, d); !errors.Is(err, context.Canceled) || m != nil {
		t.Errorf("Fit with a cancelled context = %v, %v; want nil, context.Canceled", m, err)
	}

	rows := make([][]float64, min(n, 50))
	for i := range rows {
		rows[i] = mat.Row(nil, i, d.X)
	}
	TestModel(t, m, rows)
}

func checkRejects(t testing.TB, tr train.Trainer, name string, d train.Dataset, want error) {
	t.Helper()
	m, err := tr.Fit(context.Background(), d)
	if !errors.Is(err, want) || m != nil {
		t.Errorf("Fit with %s = %v, %v; want nil, %v", name, m, err, want)
	}
}

func seq(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}
