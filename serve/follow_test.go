package serve

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/loomml/loom/feature"
	"github.com/loomml/loom/model"
	"github.com/loomml/loom/registry"
	"github.com/loomml/loom/train/gbdt"
)

// registerFixture registers the fixture's bundle n times.
func registerFixture(t *testing.T, reg *registry.Registry, n int) []registry.Version {
	t.Helper()
	_, b := fixture(t)
	var vs []registry.Version
	for range n {
		v, err := model.Register(context.Background(), reg, b, nil)
		if err != nil {
			t.Fatal(err)
		}
		vs = append(vs, v)
	}
	return vs
}

// TestNewScorerFromLoadedBundle scores with a bundle loaded from the
// registry exactly as with the fitted one, names its version, and checks
// its contract without requiring the label.
func TestNewScorerFromLoadedBundle(t *testing.T) {
	rows, _ := fixture(t)
	reg, err := registry.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer reg.Close()
	v := registerFixture(t, reg, 1)[0]
	b, err := model.Load(context.Background(), reg, v, customerSpec())
	if err != nil {
		t.Fatal(err)
	}
	s, err := NewScorer(b)
	if err != nil {
		t.Fatal(err)
	}
	want := newTestScorer(t, 1)
	for i := range 100 {
		a, _ := s.Score(context.Background(), &rows[i])
		w, _ := want.Score(context.Background(), &rows[i])
		if a.Value != w.Value || a.Probabilities()[1] != w.Probabilities()[1] {
			t.Fatalf("row %d: loaded scorer %+v, original %+v", i, a, w)
		}
	}
	info := s.Info()
	if info.Version != v.Number || info.Metadata["hash"] != v.Hash || info.Metadata["tag.model_kind"] != "logistic" {
		t.Fatalf("info = %+v", info)
	}
	for _, f := range info.Inputs {
		if f.Name == "target" {
			t.Fatalf("the label is listed as an input: %+v", info.Inputs)
		}
	}
	if len(info.Inputs) != 9 {
		t.Fatalf("inputs = %+v; want the 9 declared input columns", info.Inputs)
	}
	h := NewHandler[customer](s, nil)
	if w := post(t, h, "/predict", `{"age": 41, "score": 0.4, "segment": "high", "region": "north"}`); w.Code != http.StatusOK {
		t.Fatalf("/predict without the label = %d %s", w.Code, w.Body)
	}
	if w := post(t, h, "/predict", `{"age": 150, "score": 0.4, "segment": "high", "region": "north"}`); w.Code != http.StatusBadRequest {
		t.Fatalf("/predict outside the contract = %d %s", w.Code, w.Body)
	}
}

func TestHotSwapUnderLoad(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	reg, err := registry.Open(t.TempDir(), registry.WithPollInterval(10*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	defer reg.Close()
	vs := registerFixture(t, reg, 2)
	if err := reg.Promote(ctx, "churn", "champion", vs[0].Number, "first", nil); err != nil {
		t.Fatal(err)
	}
	swap := NewSwap[customer](nil)
	var loadErrs atomic.Int64
	f, err := Follow(ctx, reg, "champion", customerSpec(), swap, func(error) { loadErrs.Add(1) })
	if err != nil {
		t.Fatal(err)
	}
	h := NewHandler[customer](swap, &Options[customer]{MaxConcurrent: -1})
	var failed, served atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	// The load stops when the test ends, failed or not: load left running
	// would skew the allocation and timing checks of the tests after it.
	halt := sync.OnceFunc(func() { close(stop); wg.Wait() })
	defer halt()
	for range 4 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				if w := post(t, h, "/predict", goodInstance); w.Code != http.StatusOK {
					failed.Add(1)
				}
				served.Add(1)
			}
		})
	}
	const swaps = 100
	for i := range swaps {
		target := vs[(i+1)%2].Number
		if err := reg.Promote(ctx, "churn", "champion", target, "swap", nil); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(5 * time.Second)
		for swap.Current().Info().Version != target {
			if time.Now().After(deadline) {
				t.Fatalf("swap %d: still serving version %d; want %d", i, swap.Current().Info().Version, target)
			}
			time.Sleep(2 * time.Millisecond)
		}
	}
	halt()
	f.Stop()
	f.Stop() // a second Stop returns at once
	if failed.Load() != 0 || loadErrs.Load() != 0 || served.Load() == 0 {
		t.Fatalf("%d of %d requests failed, %d load errors during %d swaps", failed.Load(), served.Load(), loadErrs.Load(), swaps)
	}
}

// TestLabelIsNeverAnInput sends rows without their label through every
// entry point: one instance, a batch of instances, and the Open Inference
// Protocol, whose model metadata does not list the label either.
func TestLabelIsNeverAnInput(t *testing.T) {
	_, b := fixture(t)
	s, err := NewScorer(b)
	if err != nil {
		t.Fatal(err)
	}
	h := NewHandler[customer](s, &Options[customer]{RejectUnknownFields: true})
	for _, tc := range []struct{ path, body string }{
		{"/predict", `{"age": 41, "score": 0.4, "segment": "high", "region": "north"}`},
		{"/predict", `{"instances": [{"age": 41, "score": 0.4, "segment": "high", "region": "north"}, {"age": 29, "score": 0.9, "segment": "low", "region": "west"}]}`},
		{"/v2/models/churn/infer", `{"inputs": [
			{"name": "age", "shape": [2], "datatype": "FP64", "data": [41, 29]},
			{"name": "score", "shape": [2], "datatype": "FP64", "data": [0.4, 0.9]},
			{"name": "segment", "shape": [2], "datatype": "BYTES", "data": ["high", "low"]},
			{"name": "region", "shape": [2], "datatype": "BYTES", "data": ["north", "west"]}]}`},
	} {
		if w := post(t, h, tc.path, tc.body); w.Code != http.StatusOK {
			t.Errorf("POST %s without the label = %d %s", tc.path, w.Code, w.Body)
		}
	}
	req := httptest.NewRequest(http.MethodGet, "/v2/models/churn", nil)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	if w.Code != http.StatusOK || strings.Contains(w.Body.String(), `"target"`) || !strings.Contains(w.Body.String(), `"age"`) {
		t.Fatalf("v2 model metadata = %d %s", w.Code, w.Body)
	}
}

// TestScoreTreeBundleWithMissingValues: a tree model takes a missing value
// natively, so the scorer passes it as NaN where a linear model's would
// refuse the row.
func TestScoreTreeBundleWithMissingValues(t *testing.T) {
	rows, _ := fixture(t)
	spec := model.New[customer]("trees").Label("target").
		Float("age").Float("income").Category("segment", feature.Ordinal(feature.OrdinalOptions{})).
		Trainer(gbdt.Classifier{Options: gbdt.Options{MaxIter: 10}})
	b, err := model.Fit(context.Background(), spec, rows)
	if err != nil {
		t.Fatal(err)
	}
	s, err := NewScorer(b)
	if err != nil {
		t.Fatal(err)
	}
	p, err := s.Score(context.Background(), &customer{Age: 40, Segment: "low"})
	if err != nil || p.Class < 0 {
		t.Fatalf("Score of a row without income = %+v, %v", p, err)
	}
	if a := testing.AllocsPerRun(100, func() { s.Score(context.Background(), &rows[0]) }); a != 0 && !raceEnabled {
		t.Fatalf("Score of a tree bundle allocates %v times", a)
	}
}
