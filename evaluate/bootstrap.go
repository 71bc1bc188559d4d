package evaluate

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync/atomic"

	"golang.org/x/sync/errgroup"
)

// BootstrapOptions configure a bootstrap; nil means the defaults.
type BootstrapOptions struct {
	Resamples int     // number of resamples; 0 means 1000
	Level     float64 // confidence level of the interval; 0 means 0.95
	Seed      uint64  // seed of the resampling; the same seed gives the same interval
	Workers   int     // goroutines; 0 means runtime.GOMAXPROCS(0)
}

func (o *BootstrapOptions) resolved() BootstrapOptions {
	var r BootstrapOptions
	if o != nil {
		r = *o
	}
	if r.Resamples == 0 {
		r.Resamples = 1000
	}
	if r.Resamples < 2 {
		panic(fmt.Sprintf("evaluate: bootstrap needs at least 2 resamples, got %d", r.Resamples))
	}
	r.Level, r.Workers = resolveLevelWorkers(r.Level, r.Workers)
	return r
}

// Interval is a bootstrap percentile confidence interval around an
// estimate.
type Interval struct {
	Estimate  float64 `json:"estimate"`  // the statistic on the full sample
	Lower     float64 `json:"lower"`     // the (1-Level)/2 percentile of the replicates
	Upper     float64 `json:"upper"`     // the (1+Level)/2 percentile of the replicates
	Level     float64 `json:"level"`     // confidence level, such as 0.95
	Resamples int     `json:"resamples"` // replicates used
	Failed    int     `json:"failed"`    // replicates where the statistic was undefined, left out
}

// Bootstrap computes a percentile bootstrap interval of a statistic of n
// examples. A resample draws n examples with replacement; stat receives
// it as multiplicities, w[i] being how many times example i was drawn
// (so a statistic that takes sample weights needs no copying: multiply
// them in), and nil for the full sample, which gives the estimate.
//
// Resamples run on opts.Workers goroutines, each reusing its own w, so
// stat must be safe for concurrent use and must not keep w. Resample r
// draws from its own generator, PCG seeded with (opts.Seed, r), so the
// interval depends only on the seed, never on scheduling. Replicates
// where stat fails or returns NaN are counted in Failed and left out; if
// the estimate fails, or every replicate does, Bootstrap returns that
// error. It stops early with ctx.Err() when ctx is done.
func Bootstrap(ctx context.Context, n int, stat func(w []float64) (float64, error), opts *BootstrapOptions) (Interval, error) {
	o := opts.resolved()
	if n == 0 {
		return Interval{}, ErrEmpty
	}
	est, err := stat(nil)
	if err != nil {
		return Interval{}, err
	}
	if math.IsNaN(est) {
		return Interval{}, ErrUndefined
	}
	reps := make([]float64, o.Resamples)
	var next atomic.Int64
	g, ctx := errgroup.WithContext(ctx)
	for range min(o.Workers, o.Resamples) {
		g.Go(func() error {
			w := make([]float64, n)
			for {
				r := int(next.Add(1) - 1)
				if r >= o.Resamples {
					return nil
				}
				if err := ctx.Err(); err != nil {
					return err
				}
				resample(w, o.Seed, uint64(r))
				v, err := stat(w)
				if err != nil {
					v = math.NaN()
				}
				reps[r] = v
			}
		})
	}
	if err := g.Wait(); err != nil {
		return Interval{}, err
	}
	valid := reps[:0]
	for _, v := range reps {
		if !math.IsNaN(v) {
			valid = append(valid, v)
		}
	}
	iv := Interval{Estimate: est, Level: o.Level, Resamples: len(valid), Failed: o.Resamples - len(valid)}
	if len(valid) == 0 {
		return Interval{}, fmt.Errorf("%w: the statistic failed on all %d resamples", ErrUndefined, o.Resamples)
	}
	slices.Sort(valid)
	alpha := (1 - o.Level) / 2
	iv.Lower = percentile(valid, alpha)
	iv.Upper = percentile(valid, 1-alpha)
	return iv, nil
}

// resample fills w with the multiplicities of len(w) draws with
// replacement, from the generator of resample r.
func resample(w []float64, seed, r uint64) {
	clear(w)
	rng := rand.New(rand.NewPCG(seed, r))
	n := uint64(len(w))
	for range n {
		w[rng.Uint64N(n)]++
	}
}

// BootstrapMetric is Bootstrap of a named metric (see MetricNames) of the
// predictions, sample weights times multiplicities. The sort order that
// ranking metrics need is computed once for all replicates, so an AUC
// replicate costs O(n).
func BootstrapMetric(ctx context.Context, p *Predictions, metric string, opts *BootstrapOptions) (Interval, error) {
	m, err := lookupMetric(metric)
	if err != nil {
		return Interval{}, err
	}
	pr, err := prepare(p)
	if err != nil {
		return Interval{}, err
	}
	return bootstrapPrepared(ctx, pr, m, opts)
}

func bootstrapPrepared(ctx context.Context, pr *prepared, m metricDef, opts *BootstrapOptions) (Interval, error) {
	pw := pr.p.Weights
	pr.sort()
	return Bootstrap(ctx, len(pr.p.Labels), func(w []float64) (float64, error) {
		if w == nil {
			return evalMetric(pr, m, pw)
		}
		if pw != nil {
			for i := range w {
				w[i] *= pw[i]
			}
		}
		return evalMetric(pr, m, w)
	}, opts)
}

// resolveLevelWorkers gives the defaults of a confidence level (0.95) and
// a worker count (GOMAXPROCS) shared by the options of bootstraps and
// permutation importance, and panics on values out of range.
func resolveLevelWorkers(level float64, workers int) (float64, int) {
	if level == 0 {
		level = 0.95
	}
	if workers == 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	if !(level > 0 && level < 1) {
		panic(fmt.Sprintf("evaluate: confidence level must be in (0, 1), got %v", level))
	}
	if workers < 1 {
		panic(fmt.Sprintf("evaluate: workers must be at least 1, got %d", workers))
	}
	return level, workers
}
