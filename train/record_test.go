package train_test

import (
	"context"
	"encoding/json"
	"runtime"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/loomml/loom/train"
)

func TestFitRecord(t *testing.T) {
	tr, te := loadSplit(t, "breast_cancer")
	standardize(tr, te)
	var got []train.Record
	m, rec, err := train.Fit(context.Background(), train.LogisticRegression{C: 0.5}, tr, &train.FitOptions{
		Seed:     42,
		Observer: train.ObserverFunc(func(r train.Record) { got = append(got, r) }),
		Metrics: func(m train.Model) map[string]float64 {
			acc, _ := train.Accuracy(m, te)
			return map[string]float64{"test_accuracy": acc}
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || !cmp.Equal(got[0], rec) {
		t.Fatalf("observer got %d records; want the returned one", len(got))
	}
	want := train.Params{{Name: "C", Num: 0.5}, {Name: "class_weight", Str: "none"}, {Name: "max_iter", Num: 100}, {Name: "tol", Num: 1e-4}}
	if rec.Kind != "logistic" || rec.Seed != 42 || rec.Rows != 426 || rec.Features != 30 || !rec.Converged ||
		rec.Iterations != m.(*train.LogisticModel).Iterations() || rec.GoVersion != runtime.Version() ||
		rec.Metrics["test_accuracy"] < 0.95 || rec.Durations["fit"] <= 0 || !cmp.Equal(rec.Params, want) {
		t.Errorf("record = %+v", rec)
	}
	if rec.DataFingerprint != train.Fingerprint(tr) || rec.DataFingerprint == train.Fingerprint(te) {
		t.Errorf("data fingerprint %q does not identify the training data", rec.DataFingerprint)
	}
	b, err := json.Marshal(rec)
	if err != nil {
		t.Fatal(err)
	}
	var back train.Record
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !cmp.Equal(back, rec) {
		t.Errorf("JSON round trip: %s", cmp.Diff(rec, back))
	}
}

func TestFingerprintSensitivity(t *testing.T) {
	d := synthetic(50, 3, 2, 1)
	base := train.Fingerprint(d)
	if train.Fingerprint(d.Subset(seq(50))) != base {
		t.Error("a copy of the data has another fingerprint")
	}
	c := d.Subset(seq(50))
	c.Y[10] = 1 - c.Y[10]
	if train.Fingerprint(c) == base {
		t.Error("changing a label kept the fingerprint")
	}
	c = d.Subset(seq(50))
	c.X.Set(3, 2, c.X.At(3, 2)+1e-15)
	if train.Fingerprint(c) == base {
		t.Error("changing a feature by 1e-15 kept the fingerprint")
	}
}

func seq(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}
