package train

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"
)

// Builder makes the trainer for one point of a parameter space. It is
// called once per candidate and fold, possibly from several goroutines.
type Builder func(p Params) Trainer

// SearchOptions configures the searches. A nil *SearchOptions means the
// defaults of each field.
type SearchOptions struct {
	// CV gives the splitter, scorer and parallelism; nil means the
	// defaults of CVOptions.
	CV *CVOptions
	// Seed seeds RandomSearch's draws and HalvingSearch's subsamples, and
	// is recorded.
	Seed uint64
	// NoRefit skips refitting the best candidate on the whole dataset.
	NoRefit bool
	// Observer, when set, receives the search's record.
	Observer Observer
	// Progress, when set, receives a report after each candidate has been
	// evaluated on all folds.
	Progress ProgressFunc
	// Factor is HalvingSearch's reduction: each round keeps the best
	// 1/Factor of the candidates and gives them Factor times the rows; 0
	// means 3.
	Factor int
	// MinRows is the number of rows of HalvingSearch's first round; 0
	// means as few as let the last round use all rows.
	MinRows int
}

// Candidate is one row of a search's results table: a point of the
// parameter space evaluated by cross-validation (in HalvingSearch, on one
// round's rows).
type Candidate struct {
	Params    Params        `json:"params"`
	Round     int           `json:"round"`           // 0 except in HalvingSearch
	Rows      int           `json:"rows"`            // rows cross-validated
	Scores    []float64     `json:"scores"`          // per fold; NaN where the fit failed
	Mean      float64       `json:"mean"`            // mean score; NaN when a fold failed
	Std       float64       `json:"std"`             // population standard deviation
	Rank      int           `json:"rank"`            // 1 for the best within its round; 0 when failed
	Converged bool          `json:"converged"`       // every fold's fit converged
	FitTime   time.Duration `json:"fit_ns"`          // mean per fold
	ScoreTime time.Duration `json:"score_ns"`        // mean per fold
	Error     string        `json:"error,omitempty"` // first fold error, if any
}

// SearchResult is the outcome of a search.
type SearchResult struct {
	Best      Params      // parameters of the best candidate of the last round
	BestScore float64     // its mean score
	Results   []Candidate // every evaluation, in candidate order (and round order)
	Model     Model       // the best trainer refitted on the whole dataset; nil with NoRefit
	Record    Record      // the search's experiment record
}

// GridSearch cross-validates every point of space.Grid() and refits the
// best; see Search.
func GridSearch(ctx context.Context, build Builder, d Dataset, space Space, opts *SearchOptions) (*SearchResult, error) {
	return search(ctx, "grid", build, d, space.Grid(), opts)
}

// RandomSearch cross-validates n points drawn from space with opts.Seed
// and refits the best; see Search.
func RandomSearch(ctx context.Context, build Builder, d Dataset, space Space, n int, opts *SearchOptions) (*SearchResult, error) {
	var seed uint64
	if opts != nil {
		seed = opts.Seed
	}
	return search(ctx, "random", build, d, space.Sample(n, seed), opts)
}

// Search cross-validates each candidate, all candidates and folds in
// parallel with at most CV.Parallelism fits at once, and refits the best
// (highest mean score; the first on a tie) on the whole dataset. A
// candidate whose fit or score fails gets NaN scores and its Error, like
// scikit-learn's error_score=nan; the search fails only when every
// candidate does, when the splitter fails, or when ctx is cancelled, which
// stops every fit within one iteration.
func Search(ctx context.Context, build Builder, d Dataset, candidates []Params, opts *SearchOptions) (*SearchResult, error) {
	return search(ctx, "custom", build, d, candidates, opts)
}

func search(ctx context.Context, name string, build Builder, d Dataset, cands []Params, opts *SearchOptions) (*SearchResult, error) {
	if opts == nil {
		opts = &SearchOptions{}
	}
	if build == nil {
		panic("train: search Builder is nil")
	}
	if len(cands) == 0 {
		panic("train: search needs at least one candidate, got none")
	}
	if err := d.Validate(true); err != nil { // NaN: a missing value, for the trainer to take or refuse
		return nil, err
	}
	rec := newRecord(d, opts.Seed)
	rec.Search = name
	begin := time.Now()
	cv := opts.CV.withDefaults()
	folds, err := cv.Splitter.Split(d)
	if err != nil {
		return nil, err
	}
	n, _ := d.Dims()
	prog := newSearchProgress(opts.Progress, len(cands))
	results, err := evaluate(ctx, build, d, cands, folds, cv, prog, 0, n)
	if err != nil {
		return nil, err
	}
	rec.Durations["search"] = time.Since(begin)
	return finish(ctx, build, d, results, results, opts, rec)
}

// HalvingSearch runs successive halving over the candidates, like
// scikit-learn's HalvingGridSearchCV with rows as the resource: round 0
// cross-validates every candidate on MinRows rows (a seeded subsample),
// and each following round keeps the best ceil(1/Factor) of the previous
// one and multiplies the rows by Factor, until the rows are exhausted or
// one candidate is left. The best candidate of the last round is refitted
// on the whole dataset.
func HalvingSearch(ctx context.Context, build Builder, d Dataset, candidates []Params, opts *SearchOptions) (*SearchResult, error) {
	if opts == nil {
		opts = &SearchOptions{}
	}
	if build == nil {
		panic("train: search Builder is nil")
	}
	if len(candidates) == 0 {
		panic("train: search needs at least one candidate, got none")
	}
	factor := opts.Factor
	if factor == 0 {
		factor = 3
	}
	if factor < 2 || opts.MinRows < 0 {
		panic(fmt.Sprintf("train: halving needs Factor >= 2 and MinRows >= 0, got %d and %d", factor, opts.MinRows))
	}
	if err := d.Validate(true); err != nil { // NaN: a missing value, for the trainer to take or refuse
		return nil, err
	}
	rec := newRecord(d, opts.Seed)
	rec.Search = "halving"
	begin := time.Now()
	cv := opts.CV.withDefaults()
	n, _ := d.Dims()
	rounds := 1
	for p := factor; p <= len(candidates); p *= factor {
		rounds++
	}
	minRows := opts.MinRows
	if minRows == 0 {
		minRows = n
		for range rounds - 1 {
			minRows /= factor
		}
	}
	minRows = max(1, min(minRows, n))
	total, c := 0, len(candidates)
	for range rounds {
		total += c
		c = (c + factor - 1) / factor
	}
	prog := newSearchProgress(opts.Progress, total)
	perm := permutation(n, opts.Seed)
	var all, last []Candidate
	cands := candidates
	rows := minRows
	for round := range rounds {
		sub := perm[:min(rows, n)]
		slices.Sort(sub)
		sd := d.Subset(sub)
		folds, err := cv.Splitter.Split(sd)
		if err != nil {
			return nil, fmt.Errorf("train: halving round %d with %d rows: %w", round, len(sub), err)
		}
		last, err = evaluate(ctx, build, sd, cands, folds, cv, prog, round, len(sub))
		if err != nil {
			return nil, err
		}
		all = append(all, last...)
		if round == rounds-1 || len(cands) == 1 || len(sub) == n {
			break
		}
		keep := (len(cands) + factor - 1) / factor
		order := rankOrder(last)
		next := make([]Params, 0, keep)
		for _, i := range order[:min(keep, len(order))] {
			next = append(next, last[i].Params)
		}
		if len(next) == 0 {
			break
		}
		cands = next
		rows *= factor
	}
	rec.Durations["search"] = time.Since(begin)
	return finish(ctx, build, d, all, last, opts, rec)
}

// finish picks the best of the last round, refits it and emits the record.
func finish(ctx context.Context, build Builder, d Dataset, all, last []Candidate, opts *SearchOptions, rec Record) (*SearchResult, error) {
	order := rankOrder(last)
	if len(order) == 0 {
		errs := make([]error, 0, len(last))
		for _, c := range last {
			errs = append(errs, fmt.Errorf("candidate {%v}: %s", c.Params, c.Error))
		}
		return nil, fmt.Errorf("train: every candidate failed: %w", errors.Join(errs...))
	}
	best := last[order[0]]
	res := &SearchResult{Best: best.Params, BestScore: best.Mean, Results: all}
	rec.Params = best.Params
	rec.Metrics = map[string]float64{"best_score": best.Mean, "best_std": best.Std, "candidates": float64(len(all))}
	if !opts.NoRefit {
		begin := time.Now()
		m, err := build(best.Params).Fit(ctx, d)
		rec.Durations["refit"] = time.Since(begin)
		if err != nil && (m == nil || !errors.Is(err, ErrNotConverged)) {
			return nil, fmt.Errorf("train: refitting {%v}: %w", best.Params, err)
		}
		rec.Converged = err == nil
		if err != nil {
			rec.Error = err.Error()
		}
		res.Model = m
		rec.Kind = m.Info().Kind
		if it, ok := m.(interface{ Iterations() int }); ok {
			rec.Iterations = it.Iterations()
		}
	} else {
		rec.Converged = best.Converged
	}
	begin := time.Now()
	rec.DataFingerprint = Fingerprint(d)
	rec.Durations["fingerprint"] = time.Since(begin)
	res.Record = rec
	if opts.Observer != nil {
		opts.Observer.Observe(rec)
	}
	return res, nil
}

// rankOrder returns the indices of the candidates that did not fail, best
// first (ties keep candidate order), and sets their Rank.
func rankOrder(cs []Candidate) []int {
	var order []int
	for i, c := range cs {
		if !math.IsNaN(c.Mean) {
			order = append(order, i)
		}
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(cs[b].Mean, cs[a].Mean) })
	for pos, i := range order {
		cs[i].Rank = pos + 1
		if pos > 0 && cs[order[pos-1]].Mean == cs[i].Mean {
			cs[i].Rank = cs[order[pos-1]].Rank
		}
	}
	return order
}

// searchProgress counts finished candidates and reports, one call at a
// time, the best score so far.
type searchProgress struct {
	mu    sync.Mutex
	fn    ProgressFunc
	total int
	done  int
	best  float64
	start time.Time
}

func newSearchProgress(fn ProgressFunc, total int) *searchProgress {
	return &searchProgress{fn: fn, total: total, best: math.Inf(-1), start: time.Now()}
}

func (p *searchProgress) candidateDone(mean float64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done++
	if mean > p.best {
		p.best = mean
	}
	if p.fn != nil {
		p.fn(Progress{Iteration: p.done, Total: p.total, Loss: -p.best, Elapsed: time.Since(p.start)})
	}
}

// evaluate cross-validates every candidate on the folds of d, all fits in
// parallel with the CV's bound.
func evaluate(ctx context.Context, build Builder, d Dataset, cands []Params, folds []Fold, cv CVOptions,
	prog *searchProgress, round, rows int) ([]Candidate, error) {
	out := make([][]foldOutcome, len(cands))
	left := make([]int, len(cands))
	for i := range out {
		out[i] = make([]foldOutcome, len(folds))
		left[i] = len(folds)
	}
	var mu sync.Mutex
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(cv.Parallelism)
	for i, p := range cands {
		for j, f := range folds {
			if gctx.Err() != nil {
				break
			}
			g.Go(func() error {
				if err := gctx.Err(); err != nil {
					return err
				}
				fs, err := runFold(gctx, build(p), d, f, cv.Scorer)
				if ctxErr := ctx.Err(); ctxErr != nil {
					return ctxErr
				}
				if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
					return err
				}
				mu.Lock()
				out[i][j] = foldOutcome{fs, err}
				left[i]--
				finished := left[i] == 0
				mu.Unlock()
				if finished {
					prog.candidateDone(summarize(out[i]).Mean)
				}
				return nil
			})
		}
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	res := make([]Candidate, len(cands))
	for i, p := range cands {
		c := summarize(out[i])
		c.Params, c.Round, c.Rows = p, round, rows
		res[i] = c
	}
	rankOrder(res)
	return res, nil
}

// foldOutcome is the result of one candidate on one fold.
type foldOutcome struct {
	fs  FoldScore
	err error
}

// summarize turns one candidate's fold outcomes into a Candidate.
func summarize(outs []foldOutcome) Candidate {
	c := Candidate{Scores: make([]float64, len(outs)), Converged: true}
	var fit, score time.Duration
	for j, o := range outs {
		fs, err := o.fs, o.err
		if err != nil {
			c.Scores[j] = math.NaN()
			if c.Error == "" {
				c.Error = (&FoldError{Fold: j, Err: err}).Error()
			}
			continue
		}
		c.Scores[j] = fs.Score
		c.Converged = c.Converged && fs.Converged
		fit += fs.FitTime
		score += fs.ScoreTime
	}
	c.Mean, c.Std = meanStd(c.Scores)
	if len(outs) > 0 {
		c.FitTime = fit / time.Duration(len(outs))
		c.ScoreTime = score / time.Duration(len(outs))
	}
	return c
}

// MarshalJSON encodes c with NaN scores (failed folds) as null, since JSON
// has no NaN.
func (c Candidate) MarshalJSON() ([]byte, error) {
	type plain Candidate
	nullable := func(v float64) *float64 {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil
		}
		return &v
	}
	scores := make([]*float64, len(c.Scores))
	for i, s := range c.Scores {
		scores[i] = nullable(s)
	}
	return json.Marshal(struct {
		plain
		Scores []*float64 `json:"scores"`
		Mean   *float64   `json:"mean"`
		Std    *float64   `json:"std"`
	}{plain(c), scores, nullable(c.Mean), nullable(c.Std)})
}
