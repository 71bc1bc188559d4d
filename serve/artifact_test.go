package serve

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/loomml/loom/contract"
	"github.com/loomml/loom/registry"
	"github.com/loomml/loom/train"
	"gonum.org/v1/gonum/mat"
)

func registerFixture(t *testing.T, reg *registry.Registry, n int) []registry.Version {
	t.Helper()
	_, fitted, m := fixture(t)
	var vs []registry.Version
	for range n {
		v, err := Register(context.Background(), reg, "churn", Artifact[customer]{Contract: customerContract(), Features: fitted, Model: m},
			registry.Metadata{Metrics: map[string]float64{"auc": 0.8}, Description: "test"})
		if err != nil {
			t.Fatal(err)
		}
		vs = append(vs, v)
	}
	return vs
}

func TestRegisterAndLoad(t *testing.T) {
	rows, _, _ := fixture(t)
	reg, err := registry.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer reg.Close()
	v := registerFixture(t, reg, 1)[0]
	if v.Metadata.Tags["feature_fingerprint"] == "" || v.Metadata.Tags["model_kind"] == "" {
		t.Fatalf("tags = %v", v.Metadata.Tags)
	}
	l, err := Load(context.Background(), reg, v, Definition[customer]{Features: customerFeatures()})
	if err != nil {
		t.Fatal(err)
	}
	want := newTestScorer(t, 1)
	for i := range 100 {
		a, _ := l.Scorer.Score(context.Background(), &rows[i])
		b, _ := want.Score(context.Background(), &rows[i])
		if a.Value != b.Value || a.Probabilities()[1] != b.Probabilities()[1] {
			t.Fatalf("row %d: loaded scorer %+v, original %+v", i, a, b)
		}
	}
	if _, err := l.Scorer.Score(context.Background(), &customer{Age: 150, Score: 0.5, Segment: "low", Region: "north"}); !errors.Is(err, contract.ErrViolation) {
		t.Fatalf("loaded scorer accepted a row outside the contract: %v", err)
	}
	if l.Scorer.Info().Metadata["metric.auc"] != "0.8" || l.Scorer.Info().Version != 1 {
		t.Fatalf("info = %+v", l.Scorer.Info())
	}
}

func TestLoadRejectsMismatchedParts(t *testing.T) {
	ctx := context.Background()
	reg, err := registry.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer reg.Close()
	_, fitted, m := fixture(t)
	feats, _ := fitted.MarshalJSON()
	model, _ := train.Encode(m)
	// A model trained on other features: a different fingerprint.
	other, err := train.LinearRegression{}.Fit(ctx, train.Dataset{X: mustMatrix(t), Y: []float64{1, 2, 3}, FeatureFingerprint: "sha256:other"})
	if err != nil {
		t.Fatal(err)
	}
	otherModel, _ := train.Encode(other)
	tests := []struct {
		name  string
		parts map[string][]byte
	}{
		{"no model", map[string][]byte{PartFeatures: feats}},
		{"no features", map[string][]byte{PartModel: model}},
		{"corrupt model", map[string][]byte{PartFeatures: feats, PartModel: []byte("not a model")}},
		{"model of other features", map[string][]byte{PartFeatures: feats, PartModel: otherModel}},
		{"features of another set", map[string][]byte{PartFeatures: []byte(`{"format":"loom.feature","version":1,"features":[]}`), PartModel: model}},
		{"contract of another row type", map[string][]byte{PartFeatures: feats, PartModel: model, PartContract: []byte(`{"version":1,"name":"x","fields":[{"name":"nope","type":"float"}]}`)}},
		{"malformed contract", map[string][]byte{PartFeatures: feats, PartModel: model, PartContract: []byte(`{"version":99}`)}},
		{"bad profile", map[string][]byte{PartFeatures: feats, PartModel: model, PartProfile: []byte("{")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := reg.Register(ctx, "bad", tt.parts, registry.Metadata{})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := Load(ctx, reg, v, Definition[customer]{Features: customerFeatures()}); !errors.Is(err, ErrArtifact) {
				t.Fatalf("Load = %v; want ErrArtifact", err)
			}
		})
	}
	if _, err := Register(ctx, reg, "bad", Artifact[customer]{Features: fitted, Model: other}, registry.Metadata{}); !errors.Is(err, ErrArtifact) {
		t.Fatalf("Register of a mismatched model = %v; want ErrArtifact", err)
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
	if err := Follow(ctx, reg, "churn", "champion", Definition[customer]{Features: customerFeatures()}, swap, func(error) { loadErrs.Add(1) }); err != nil {
		t.Fatal(err)
	}
	h := NewHandler[customer](swap, &Options[customer]{MaxConcurrent: -1})
	var failed, served atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
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
	close(stop)
	wg.Wait()
	cancel()
	time.Sleep(50 * time.Millisecond) // let the watcher see the cancellation
	if failed.Load() != 0 || loadErrs.Load() != 0 || served.Load() == 0 {
		t.Fatalf("%d of %d requests failed, %d load errors during %d swaps", failed.Load(), served.Load(), loadErrs.Load(), swaps)
	}
}

func mustMatrix(t *testing.T) *mat.Dense {
	t.Helper()
	return mat.NewDense(3, 1, []float64{1, 2, 4})
}
