package gbdt

import (
	"context"
	"errors"
	"fmt"
	"math"
	"runtime"
	"slices"
	"strings"
	"time"
	"unsafe"

	"github.com/loomml/loom/train"
	"github.com/loomml/loom/train/tree"
)

// Sentinel errors of package gbdt, tested with errors.Is; they come
// wrapped in a *train.DataError naming the row and column.
var (
	// ErrTarget reports a target outside the loss's domain: a negative
	// target, or targets summing to 0, under the Poisson loss.
	ErrTarget = errors.New("gbdt: target outside the loss's domain")
	// ErrCategory reports a categorical column value that is not NaN nor
	// an integer code from 0 to MaxBins-1.
	ErrCategory = errors.New("gbdt: category code must be an integer in [0, MaxBins)")
)

// Classifier fits a gradient-boosted tree classifier: scikit-learn 1.2's
// HistGradientBoostingClassifier, binary log loss for two classes and
// multinomial log loss (one tree per class per iteration) for more. The
// zero value is ready to use and means scikit-learn's defaults.
type Classifier struct {
	Options
	// ClassWeight multiplies the weight of each row of the given class
	// label; classes not listed weigh 1. Ignored when Balanced is set.
	ClassWeight map[float64]float64
	// Balanced weighs each class by n / (classes · rows of the class),
	// scikit-learn's class_weight="balanced".
	Balanced bool
}

// Regressor fits a gradient-boosted tree regressor: scikit-learn 1.2's
// HistGradientBoostingRegressor. The zero value is ready to use and means
// scikit-learn's defaults (squared error).
type Regressor struct {
	Options
	// Loss is the loss to minimise; the zero value is SquaredError.
	Loss Loss
}

var (
	_ train.Trainer       = Classifier{}
	_ train.Trainer       = Regressor{}
	_ train.Parameterized = Classifier{}
	_ train.Parameterized = Regressor{}
)

// Params returns the settings with scikit-learn's names, for experiment
// records.
func (c Classifier) Params() train.Params {
	cfg := c.Options.config("Classifier")
	cw := "none"
	switch {
	case c.Balanced:
		cw = "balanced"
	case len(c.ClassWeight) > 0:
		cw = "custom"
	}
	return sortParams(append(cfg.params(), train.Param{Name: "class_weight", Str: cw}))
}

// Params returns the settings with scikit-learn's names, for experiment
// records.
func (r Regressor) Params() train.Params {
	cfg := r.Options.config("Regressor")
	return sortParams(append(cfg.params(), train.Param{Name: "loss", Str: r.Loss.String()}))
}

func sortParams(p train.Params) train.Params {
	slices.SortFunc(p, func(a, b train.Param) int { return strings.Compare(a.Name, b.Name) })
	return p
}

// Fit fits the classifier. Missing values (NaN in X) are handled natively
// and d.Categorical marks categorical columns. With fewer than two
// classes it returns train.ErrSingleClass; when ctx is done it stops
// within one tree and returns ctx.Err().
func (c Classifier) Fit(ctx context.Context, d train.Dataset) (train.Model, error) {
	cfg := c.Options.config("Classifier")
	if err := check(d, &cfg); err != nil {
		return nil, err
	}
	n, _ := d.Dims()
	classes, index, counts, err := train.Classes(d.Y)
	if err != nil {
		return nil, err
	}
	y := make([]float64, n)
	for i, k := range index {
		y[i] = float64(k)
	}
	var w []float64
	if d.Weights != nil || c.Balanced || len(c.ClassWeight) > 0 {
		cw := train.ClassWeights(classes, counts, c.Balanced, c.ClassWeight)
		w = make([]float64, n)
		for i := range w {
			w[i] = cw[index[i]]
			if d.Weights != nil {
				w[i] *= d.Weights[i]
			}
		}
	}
	var obj objective = binary{}
	if len(classes) > 2 {
		obj = multinomial{k: len(classes)}
	}
	return fit(ctx, &cfg, d, y, w, obj, classes)
}

// Fit fits the regressor. Missing values (NaN in X) are handled natively
// and d.Categorical marks categorical columns. Under the Poisson loss a
// negative target, or targets summing to 0, give a *train.DataError
// wrapping ErrTarget. When ctx is done it stops within one tree and
// returns ctx.Err().
func (r Regressor) Fit(ctx context.Context, d train.Dataset) (train.Model, error) {
	cfg := r.Options.config("Regressor")
	if err := check(d, &cfg); err != nil {
		return nil, err
	}
	var obj objective
	switch r.Loss {
	case SquaredError:
		obj = squared{}
	case AbsoluteError:
		obj = absolute{}
	case Poisson:
		obj = poisson{}
		sum := 0.0
		for i, v := range d.Y {
			if v < 0 {
				return nil, &train.DataError{Field: "y", Row: i, Column: -1, Value: v, Err: ErrTarget}
			}
			sum += v
		}
		if sum == 0 {
			return nil, &train.DataError{Field: "y", Row: 0, Column: -1, Value: 0, Err: ErrTarget}
		}
	default:
		panic(fmt.Sprintf("gbdt: unknown Regressor Loss %d", r.Loss))
	}
	w := d.Weights
	return fit(ctx, &cfg, d, d.Y, w, obj, nil)
}

// check validates d for a fit: train's checks with NaN as missing, then
// category codes and the monotonic constraints' width.
func check(d train.Dataset, cfg *config) error {
	if err := d.Validate(true); err != nil {
		return err
	}
	n, p := d.Dims()
	if cfg.monotonic != nil && len(cfg.monotonic) != p {
		panic(fmt.Sprintf("gbdt: Monotonic has %d constraints for %d features", len(cfg.monotonic), p))
	}
	if d.Categorical == nil {
		return nil
	}
	raw := d.X.RawMatrix()
	for j, isCat := range d.Categorical {
		if !isCat {
			continue
		}
		if cfg.monotonic != nil && cfg.monotonic[j] != 0 {
			panic(fmt.Sprintf("gbdt: categorical feature %d cannot have a monotonic constraint", j))
		}
		for i := range n {
			v := raw.Data[i*raw.Stride+j]
			if !math.IsNaN(v) && (v != math.Trunc(v) || v < 0 || v >= float64(cfg.maxBins)) {
				return &train.DataError{Field: "X", Row: i, Column: j, Value: v, Err: ErrCategory}
			}
		}
	}
	return nil
}

// lossBlock is the number of rows whose losses are summed together; the
// blocks are summed in order, so the loss does not depend on workers.
const lossBlock = 8192

// data is one side (training or validation) of a fit.
type data struct {
	n    int
	bins []uint8 // column-major
	y, w []float64
	raw  []float64 // row-major, outputs per row
}

func subset(v []float64, rows []int) []float64 {
	if v == nil {
		return nil
	}
	out := make([]float64, len(rows))
	for i, r := range rows {
		out[i] = v[r]
	}
	return out
}

// meanLoss returns the weighted mean loss of s in fixed blocks.
func meanLoss(obj objective, s *data, tm *team) float64 {
	blocks := (s.n + lossBlock - 1) / lossBlock
	sums := make([]float64, blocks)
	tm.parallel(blocks, blocks, func(lo, hi int) {
		for b := lo; b < hi; b++ {
			sums[b] = obj.loss(s.raw, s.y, s.w, b*lossBlock, min((b+1)*lossBlock, s.n))
		}
	})
	total, wsum := 0.0, float64(s.n)
	for _, v := range sums {
		total += v
	}
	if s.w != nil {
		wsum = 0
		for _, v := range s.w {
			wsum += v
		}
	}
	return total / wsum
}

func fit(ctx context.Context, cfg *config, d train.Dataset, y, w []float64, obj objective, classes []float64) (train.Model, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	start := time.Now()
	n, p := d.Dims()
	workers := cfg.workers
	if workers == 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	tm := newTeam(workers)
	defer tm.stop()
	X := d.RowMajor()
	early := cfg.early == On || (cfg.early == Auto && n > 10_000)
	var trainRows, valRows []int // nil: every row
	if early {
		var fold train.Fold
		if classes != nil {
			var err error
			if fold, err = train.StratifiedTrainTestSplit(y, cfg.validation, cfg.seed); err != nil {
				return nil, err
			}
		} else {
			fold = train.TrainTestSplit(n, cfg.validation, cfg.seed)
		}
		trainRows, valRows = fold.Train, fold.Test
	}
	bn := fitBinner(X, p, trainRows, cfg.maxBins, d.Categorical, cfg.seed, tm)
	K := obj.outputs()
	// The training rows' bins are grouped (see grower.bins); tr.bins
	// stays nil.
	groups := (p + histGroup - 1) / histGroup
	bins := bn.binGrouped(X, p, trainRows, tm)
	tr := &data{n: n, y: y, w: w}
	if early {
		tr.n, tr.y, tr.w = len(trainRows), subset(y, trainRows), subset(w, trainRows)
	}
	base := obj.baseline(tr.y, tr.w)
	fill := func(s *data) {
		s.raw = make([]float64, s.n*K)
		for i := range s.n {
			copy(s.raw[i*K:(i+1)*K], base)
		}
	}
	fill(tr)
	var val *data
	if early {
		val = &data{n: len(valRows), bins: bn.bin(X, p, valRows, tm), y: subset(y, valRows), w: subset(w, valRows)}
		fill(val)
	}
	hasMissing := make([]bool, p)
	tm.parallel(p, p, func(lo, hi int) {
		for f := lo; f < hi; f++ {
			grp := bins[histGroup*(f/histGroup)*tr.n:]
			for i := range tr.n {
				if grp[histGroup*i+f%histGroup] == bn.missing {
					hasMissing[f] = true
					break
				}
			}
		}
	})
	constHess := obj.constHessian() && tr.w == nil
	nt := tr.n
	g := &grower{
		s: splitter{l2: cfg.l2, minSamplesLeaf: cfg.minSamplesLeaf, minHessian: cfg.minHessianToSplit,
			nbins: bn.nbins, hasMissing: hasMissing, missing: bn.missing, categorical: d.Categorical, monotonic: cfg.monotonic},
		n: nt, p: p, groups: groups, bins: bins, constHess: constHess, w: tr.w, maxLeaves: cfg.maxLeaves, maxDepth: cfg.maxDepth,
		lr: cfg.lr, workers: workers, team: tm, bn: bn,
		rows: make([]uint32, nt), pos: make([]gradPair, nt), marks: make([]uint8, nt),
		splits: make([]split, p),
	}
	for i := range g.rows {
		g.rows[i] = uint32(i)
	}
	GH := make([]gradPair, K*nt)
	if nt > 0 {
		// Read at random by every histogram pass (see grower.build).
		adviseHuge(unsafe.Pointer(&GH[0]), len(GH)*int(unsafe.Sizeof(GH[0])))
	}
	blocks := (nt + lossBlock - 1) / lossBlock
	var trees []tree.Tree
	track := early || cfg.progress != nil
	var scores []float64
	if early {
		scores = append(scores, -meanLoss(obj, val, tm))
	}
	for it := range cfg.maxIter {
		tm.parallel(blocks, blocks, func(lo, hi int) {
			obj.gradients(GH, tr.raw, tr.y, tr.w, lo*lossBlock, min(hi*lossBlock, nt), nt)
		})
		for k := range K {
			g.gh = GH[k*nt : (k+1)*nt]
			if err := g.grow(ctx); err != nil {
				return nil, err
			}
			if _, ok := obj.(absolute); ok {
				g.medianLeaves(tr)
			}
			t := tree.Tree{Nodes: slices.Clone(g.nodes), Gain: slices.Clone(g.gains), Cover: slices.Clone(g.covers), Class: k}
			if len(g.cats) > 0 {
				t.Cats = slices.Clone(g.cats)
			}
			trees = append(trees, t)
			g.addLeaves(tr.raw, K, k)
			if val != nil {
				g.predictBinned(val, K, k)
			}
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if !track {
			continue
		}
		rep := train.Progress{Iteration: it + 1, Total: cfg.maxIter, Loss: meanLoss(obj, tr, tm)}
		stop := false
		if early {
			rep.ValidationLoss = meanLoss(obj, val, tm)
			scores = append(scores, -rep.ValidationLoss)
			stop = shouldStop(scores, cfg.noChange, cfg.tol)
		}
		if cfg.progress != nil {
			rep.Elapsed = time.Since(start)
			cfg.progress(rep)
		}
		if stop {
			break
		}
	}
	e, err := tree.New(tree.Spec{Features: p, Classes: classes, Link: obj.link(), Base: base, Trees: trees,
		FeatureFingerprint: d.FeatureFingerprint})
	if err != nil {
		return nil, fmt.Errorf("gbdt: building the model: %w", err)
	}
	return e.Model(), nil
}

// shouldStop is scikit-learn's _should_stop: stop when none of the last
// noChange scores beats the one before them by more than tol.
func shouldStop(scores []float64, noChange int, tol float64) bool {
	ref := noChange + 1
	if len(scores) < ref {
		return false
	}
	refScore := scores[len(scores)-ref] + tol
	for _, s := range scores[len(scores)-ref+1:] {
		if s > refScore {
			return false
		}
	}
	return true
}

// medianLeaves sets each leaf of the tree just grown to the (weighted)
// median of its rows' residuals, times the learning rate: scikit-learn's
// leaf update for the absolute error.
func (g *grower) medianLeaves(tr *data) {
	var res, ws []float64
	for _, leaf := range g.leaves {
		rows := g.rows[leaf.start:leaf.end]
		res, ws = res[:0], ws[:0]
		for _, r := range rows {
			res = append(res, tr.y[r]-tr.raw[r])
			if tr.w != nil {
				ws = append(ws, tr.w[r])
			}
		}
		if tr.w == nil {
			ws = nil
		}
		v := g.lr * weightedMedian(res, ws)
		g.nodes[leaf.index].Value = v
	}
}

// predictBinned adds the tree just grown to output k of the validation
// margins, walking it in bin space.
func (g *grower) predictBinned(val *data, K, k int) {
	miss := g.s.missing
	for i := range val.n {
		j := int32(0)
		for g.binned[j].feature >= 0 {
			b := &g.binned[j]
			if b.sp.goesLeft(val.bins[int(b.feature)*val.n+i], miss) {
				j = b.left
			} else {
				j = b.left + 1
			}
		}
		val.raw[i*K+k] += g.nodes[j].Value
	}
}
