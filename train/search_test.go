package train_test

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/loomml/loom/train"
)

func ridge(p train.Params) train.Trainer { return train.Ridge{Alpha: p.Float("alpha")} }

func logistic(p train.Params) train.Trainer {
	return train.LogisticRegression{C: p.Float("C"), Balanced: p.Str("class_weight") == "balanced", MaxIter: 1000}
}

func TestGridSearch(t *testing.T) {
	X, y := loadCSV(t, "diabetes")
	d := train.Dataset{X: X, Y: y}
	alphas := []float64{1e-3, 0.01, 0.1, 1, 10, 100}
	var records []train.Record
	var reports []train.Progress
	opts := &train.SearchOptions{
		CV:       &train.CVOptions{Splitter: train.KFold{K: 5, Shuffle: true, Seed: 2}},
		Observer: train.ObserverFunc(func(r train.Record) { records = append(records, r) }),
		Progress: func(p train.Progress) { reports = append(reports, p) },
	}
	res, err := train.GridSearch(context.Background(), ridge, d, train.Space{train.Values("alpha", alphas...)}, opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Results) != len(alphas) {
		t.Fatalf("%d results; want %d", len(res.Results), len(alphas))
	}
	// The best must be the candidate with the highest mean, which
	// CrossValidate confirms.
	best := slices.MaxFunc(res.Results, func(a, b train.Candidate) int { return compareFloat(a.Mean, b.Mean) })
	if res.BestScore != best.Mean || res.Best.Float("alpha") != best.Params.Float("alpha") || best.Rank != 1 {
		t.Errorf("Best = %v (%v); want %v (%v) ranked 1", res.Best, res.BestScore, best.Params, best.Mean)
	}
	cv, err := train.CrossValidate(context.Background(), ridge(res.Best), d, opts.CV)
	if err != nil || cv.Mean != res.BestScore {
		t.Errorf("CrossValidate of the best = %v, %v; want %v", cv.Mean, err, res.BestScore)
	}
	if res.Model == nil || res.Model.Info().Kind != train.KindLinear {
		t.Fatalf("refit model = %v", res.Model)
	}
	if len(records) != 1 || records[0].Search != "grid" || records[0].Metrics["best_score"] != res.BestScore ||
		records[0].DataFingerprint != train.Fingerprint(d) || records[0].Rows != 442 {
		t.Errorf("records = %+v", records)
	}
	if len(reports) != len(alphas) || reports[len(reports)-1].Iteration != len(alphas) || reports[len(reports)-1].Loss != -res.BestScore {
		t.Errorf("progress reports = %+v", reports)
	}
}

func compareFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func TestRandomSearchIsDeterministic(t *testing.T) {
	tr, _ := loadSplit(t, "breast_cancer")
	standardize(tr, tr.Subset([]int{0}))
	space := train.Space{train.LogUniform("C", 1e-3, 10), train.Choices("class_weight", "none", "balanced")}
	opts := &train.SearchOptions{Seed: 7, NoRefit: true, CV: &train.CVOptions{Splitter: train.StratifiedKFold{K: 3}}}
	a, err := train.RandomSearch(context.Background(), logistic, tr, space, 6, opts)
	if err != nil {
		t.Fatal(err)
	}
	b, err := train.RandomSearch(context.Background(), logistic, tr, space, 6, opts)
	if err != nil {
		t.Fatal(err)
	}
	for i := range a.Results {
		if a.Results[i].Params.String() != b.Results[i].Params.String() || a.Results[i].Mean != b.Results[i].Mean {
			t.Errorf("candidate %d: %v (%v) vs %v (%v)", i, a.Results[i].Params, a.Results[i].Mean, b.Results[i].Params, b.Results[i].Mean)
		}
		if c := a.Results[i].Params.Float("C"); c < 1e-3 || c > 10 {
			t.Errorf("C = %v outside [1e-3, 10)", c)
		}
	}
	if a.Model != nil {
		t.Error("NoRefit search returned a model")
	}
}

func TestHalvingSearch(t *testing.T) {
	d := synthetic(2700, 5, 2, 8)
	cands := train.Space{train.Values("C", 1e-4, 1e-3, 0.01, 0.1, 1, 10, 100, 1000, 1e4)}.Grid()
	res, err := train.HalvingSearch(context.Background(), func(p train.Params) train.Trainer {
		return train.LogisticRegression{C: p.Float("C")}
	}, d, cands, &train.SearchOptions{Seed: 1, CV: &train.CVOptions{Splitter: train.StratifiedKFold{K: 3}}})
	if err != nil {
		t.Fatal(err)
	}
	// 9 candidates, factor 3: rounds of 9, 3 and 1 candidates on 300, 900
	// and 2700 rows.
	perRound := map[int]int{}
	rows := map[int]int{}
	for _, c := range res.Results {
		perRound[c.Round]++
		rows[c.Round] = c.Rows
	}
	if perRound[0] != 9 || perRound[1] != 3 || perRound[2] != 1 || rows[0] != 300 || rows[1] != 900 || rows[2] != 2700 {
		t.Errorf("rounds: candidates %v, rows %v; want 9/3/1 on 300/900/2700", perRound, rows)
	}
	last := res.Results[len(res.Results)-1]
	if res.Best.String() != last.Params.String() || res.Model == nil {
		t.Errorf("Best = %v; want the last round's %v, refitted", res.Best, last.Params)
	}
	if res.Best.Float("C") < 0.01 {
		t.Errorf("halving chose C = %v, a heavily penalised model", res.Best.Float("C"))
	}
}

func TestSearchFailingCandidates(t *testing.T) {
	d := synthetic(300, 3, 2, 1)
	build := func(p train.Params) train.Trainer {
		if p.Str("mode") == "broken" {
			return train.TrainerFunc(func(context.Context, train.Dataset) (train.Model, error) {
				return nil, errors.New("broken on purpose")
			})
		}
		return train.LogisticRegression{}
	}
	res, err := train.GridSearch(context.Background(), build, d, train.Space{train.Choices("mode", "broken", "ok")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !math.IsNaN(res.Results[0].Mean) || res.Results[0].Error == "" || res.Results[0].Rank != 0 || res.Best.Str("mode") != "ok" {
		t.Errorf("results = %+v", res.Results)
	}
	b, err := json.Marshal(res.Results)
	if err != nil || !strings.Contains(string(b), `"mean":null`) {
		t.Errorf("JSON of results with a failed candidate = %s, %v; want mean null", b, err)
	}
	_, err = train.GridSearch(context.Background(), build, d, train.Space{train.Choices("mode", "broken")}, nil)
	if err == nil {
		t.Error("search where every candidate fails returned no error")
	}
}

func TestSearchCancel(t *testing.T) {
	d := synthetic(3000, 5, 2, 3)
	ctx, cancel := context.WithCancel(context.Background())
	var started atomic.Int32
	var once sync.Once
	build := func(p train.Params) train.Trainer {
		return train.TrainerFunc(func(ctx context.Context, d train.Dataset) (train.Model, error) {
			if started.Add(1) >= 3 {
				once.Do(cancel)
			}
			return train.LogisticRegression{C: p.Float("C"), Tol: 1e-12, FuncTol: -1, MaxIter: 100000}.Fit(ctx, d)
		})
	}
	space := train.Space{train.Values("C", 0.1, 1, 10, 100, 1000)}
	_, err := train.GridSearch(ctx, build, d, space, &train.SearchOptions{CV: &train.CVOptions{Parallelism: 2}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("GridSearch after cancel = %v; want context.Canceled", err)
	}
	if n := started.Load(); n > 5 {
		t.Errorf("%d fits started of 25; want the search to stop after cancellation", n)
	}
}

func TestSpace(t *testing.T) {
	grid := train.Space{train.Values("a", 1, 2), train.Choices("b", "x", "y", "z"), train.IntRange("c", 3, 4)}.Grid()
	if len(grid) != 12 {
		t.Fatalf("grid of %d points; want 12", len(grid))
	}
	if got := grid[1].String(); got != "a=1 b=x c=4" {
		t.Errorf("grid[1] = %q; want the last dimension varying fastest", got)
	}
	if grid[11].Int("c") != 4 || grid[11].Str("b") != "z" || !grid[0].Has("a") || grid[0].Has("d") {
		t.Errorf("grid[11] = %v", grid[11])
	}
	for name, f := range map[string]func(){
		"continuous grid": func() { train.Space{train.Uniform("u", 0, 1)}.Grid() },
		"duplicate name":  func() { train.Space{train.Values("a", 1), train.Values("a", 2)}.Grid() },
		"no values":       func() { train.Values("a") },
		"bad log range":   func() { train.LogUniform("c", 0, 1) },
		"missing param":   func() { grid[0].Float("nope") },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s did not panic", name)
				}
			}()
			f()
		}()
	}
}
