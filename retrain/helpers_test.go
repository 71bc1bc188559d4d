package retrain_test

import (
	"context"
	"math"
	"math/rand/v2"
	"os"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/loomml/loom/contract"
	"github.com/loomml/loom/evaluate"
	"github.com/loomml/loom/feature"
	"github.com/loomml/loom/model"
	"github.com/loomml/loom/registry"
	"github.com/loomml/loom/retrain"
	"github.com/loomml/loom/train"
)

func TestMain(m *testing.M) {
	if os.Getenv(helperEnv) != "" {
		os.Exit(helperProcess())
	}
	goleak.VerifyTestMain(m)
}

// account is the test row type.
type account struct {
	Usage  float64 `loom:"usage"`
	Tenure float64 `loom:"tenure"`
	Plan   string  `loom:"plan"`
	Left   int     `loom:"left"`
}

// accounts returns n seeded rows. In regime 0 accounts with low usage
// leave; in regime 1 the world changed: usage is higher, tenure shorter,
// and it is short tenure that makes accounts leave. corrupt shuffles the labels.
func accounts(n int, seed uint64, regime int, corrupt bool) []account {
	r := rand.New(rand.NewPCG(seed, 11))
	plans := []string{"basic", "pro"}
	out := make([]account, n)
	for i := range out {
		a := account{Usage: r.Float64() * 10, Tenure: r.Float64() * 8, Plan: plans[r.IntN(2)]}
		z := 2.5 - 0.6*a.Usage
		if regime == 1 {
			a.Usage += 4
			a.Tenure /= 2
			z = 1.5 - 1.2*a.Tenure
		}
		if a.Plan == "pro" {
			z -= 0.5
		}
		if r.Float64() < 1/(1+math.Exp(-z)) {
			a.Left = 1
		}
		out[i] = a
	}
	if corrupt {
		r.Shuffle(n, func(i, j int) { out[i].Left, out[j].Left = out[j].Left, out[i].Left })
	}
	return out
}

func accountSpec() *model.Spec[account] {
	return model.New[account]("accounts").
		Label("left", contract.OneOf("0", "1")).
		Float("usage", contract.Range(0, 100), feature.Standardize()).
		Float("tenure", contract.Range(0, 50), feature.Standardize()).
		Category("plan", contract.OneOf("basic", "pro"), feature.OneHot(feature.OneHotOptions{})).
		Check(contract.RowCount(100, -1)).
		Trainer(train.LogisticRegression{C: 1})
}

// world is what the fetch function serves: the rows of the current
// "week", changed by the test between runs.
type world struct {
	mu      sync.Mutex
	rows    []account
	fetches int
}

func (w *world) set(rows []account) {
	w.mu.Lock()
	w.rows = rows
	w.mu.Unlock()
}

func (w *world) fetch() retrain.Fetch[account] {
	return retrain.FetchSlice(func(ctx context.Context, _ retrain.Trigger) ([]account, error) {
		w.mu.Lock()
		defer w.mu.Unlock()
		w.fetches++
		return w.rows, nil
	})
}

var epoch = time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)

// gates used by most tests: a floor and a margin over the champion.
func testOptions(clock retrain.Clock) *retrain.Options {
	return &retrain.Options{
		Clock:     clock,
		Gates:     []evaluate.Gate{{Metric: "roc_auc", Kind: evaluate.Absolute, Op: ">=", Value: 0.7}},
		Beat:      []retrain.Margin{{Metric: "roc_auc", By: 0.01}},
		Bootstrap: &evaluate.BootstrapOptions{Resamples: 100, Seed: 3, Workers: 1},
		Soak:      24 * time.Hour,
		Watch:     72 * time.Hour,
		LeaseTTL:  time.Minute,
		Owner:     "replica-a",
	}
}

// testDir returns a fresh directory for a registry, on the tmpfs
// /dev/shm when there is one: the loop commits its state a score of times
// a run, and fsync on a disk would make these tests wait seconds for
// nothing they check (the registry's own tests check durability).
func testDir(t testing.TB) string {
	t.Helper()
	if fi, err := os.Stat("/dev/shm"); err == nil && fi.IsDir() {
		if dir, err := os.MkdirTemp("/dev/shm", "loom-retrain-"); err == nil {
			t.Cleanup(func() { os.RemoveAll(dir) })
			return dir
		}
	}
	return t.TempDir()
}

func openReg(t testing.TB, dir string, clock retrain.Clock) *registry.Registry {
	t.Helper()
	reg, err := registry.Open(dir, registry.WithClock(clock.Now))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { reg.Close() })
	return reg
}

// step runs one Step and fails the test on error.
func step(t testing.TB, l *retrain.Loop[account]) []retrain.Record {
	t.Helper()
	recs, err := l.Step(context.Background())
	if err != nil {
		t.Fatalf("Step: %v", err)
	}
	return recs
}

// only returns the single record of recs.
func only(t testing.TB, recs []retrain.Record) retrain.Record {
	t.Helper()
	if len(recs) != 1 {
		t.Fatalf("got %d records; want 1: %+v", len(recs), recs)
	}
	return recs[0]
}

func champion(t testing.TB, reg *registry.Registry, alias string) int {
	t.Helper()
	v, err := reg.Resolve(context.Background(), "accounts", alias)
	if err != nil {
		return 0
	}
	return v.Number
}
