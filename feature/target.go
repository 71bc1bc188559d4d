package feature

import (
	"context"
	"fmt"
	"math"
	"slices"
)

// TargetOptions configures TargetEncode; the zero value means 5 folds,
// smoothing 10 and seed 0.
type TargetOptions struct {
	// Folds is the number of cross-fitting folds (2 or more); 0 means 5.
	Folds int
	// Smoothing is the weight m of the prior: a category seen n times with
	// label mean ȳ encodes as (n·ȳ + m·prior)/(n + m). 0 means 10; use a
	// negative value for no smoothing (m = 0).
	Smoothing float64
	// Seed chooses which rows fall in which fold.
	Seed uint64
}

// TargetEncode encodes a category as the smoothed mean of the training
// label (Set.Label) over the rows of that category, in one column NAME:
// (n·ȳ + m·prior)/(n + m), with prior the mean label of all training rows.
// Unknown and missing categories (unless imputed) encode as the prior.
//
// Serving vectors (Vector, Transform, Matrix) use the statistics of all
// training rows. The training matrix must not: a row would see its own
// label. Fitted.TrainingMatrix therefore encodes each training row with the
// statistics of the other folds only (K-fold cross-fitting, rows assigned to
// folds by a seeded hash of their index), so a model never learns from
// leaked labels.
func TargetEncode(opts TargetOptions) CatTransform {
	if opts.Folds == 0 {
		opts.Folds = 5
	}
	if opts.Smoothing == 0 {
		opts.Smoothing = 10
	}
	if opts.Smoothing < 0 {
		opts.Smoothing = 0
	}
	if opts.Folds < 2 || opts.Folds > 1000 || math.IsInf(opts.Smoothing, 0) || math.IsNaN(opts.Smoothing) {
		panic(fmt.Sprintf("feature: TargetEncode needs 2 to 1000 folds and a finite smoothing, got %+v", opts))
	}
	return CatTransform{catOp{kind: catTarget, folds: opts.Folds, smooth: opts.Smoothing, seed: opts.Seed}}
}

// Label sets the training label that TargetEncode learns from. Only fitting
// reads it; serving never does. A NaN or ±Inf label is a fitting error.
func (s *Set[T]) Label(fn func(*T) float64) *Set[T] {
	if fn == nil {
		panic("feature: Label needs a non-nil accessor")
	}
	if s.frozen.Load() {
		panic("feature: Label set after the Set's first use")
	}
	s.label = fn
	return s
}

// foldOf assigns training row i to one of k folds (splitmix64 of the seeded
// index).
func foldOf(seed uint64, i int64, k int) int {
	z := seed + uint64(i)*0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	z ^= z >> 31
	return int(z % uint64(k))
}

// foldStats are the label sums and counts of one category per fold.
type foldStats struct {
	sum []float64
	cnt []int64
}

func newFoldStats(k int) *foldStats {
	return &foldStats{sum: make([]float64, k), cnt: make([]int64, k)}
}

func (f *foldStats) merge(g *foldStats) {
	for i := range f.sum {
		f.sum[i] += g.sum[i]
		f.cnt[i] += g.cnt[i]
	}
}

func (f *foldStats) total() (float64, int64) {
	var s float64
	var n int64
	for i := range f.sum {
		s += f.sum[i]
		n += f.cnt[i]
	}
	return s, n
}

func (a *catAcc) initFolds(k int) {
	a.folds = k
	a.byCat = make(map[string]*foldStats)
	a.miss = newFoldStats(k)
	a.all = newFoldStats(k)
}

func (a *catAcc) addLabel(s string, ok bool, fold int, y float64) {
	st := a.miss
	if ok {
		st = a.byCat[s]
		if st == nil {
			st = newFoldStats(a.folds)
			a.byCat[s] = st
		}
	}
	st.sum[fold] += y
	st.cnt[fold]++
	a.all.sum[fold] += y
	a.all.cnt[fold]++
}

// fitTarget sets a target encoder's state from the label statistics; with
// an imputer, missing values count as its fill category.
func (o *catOp) fitTarget(a *catAcc, imputed bool, fill string) {
	byCat := a.byCat
	if imputed && a.miss != nil {
		if _, n := a.miss.total(); n > 0 {
			st := byCat[fill]
			if st == nil {
				st = newFoldStats(a.folds)
				byCat[fill] = st
			}
			st.merge(a.miss)
		}
	}
	o.cats = make([]string, 0, len(byCat))
	for c := range byCat {
		o.cats = append(o.cats, c)
	}
	slices.Sort(o.cats)
	gs, gn := a.all.total()
	o.n = gn
	o.prior = gs / float64(gn)
	o.values = make([]float64, len(o.cats))
	for i, c := range o.cats {
		s, n := byCat[c].total()
		o.values[i] = o.smoothed(s, n, o.prior)
	}
	o.byCat, o.all = byCat, a.all
	o.buildIndex()
}

// smoothed is the m-estimate (s + m·prior)/(n + m).
func (o *catOp) smoothed(s float64, n int64, prior float64) float64 {
	if n == 0 && o.smooth == 0 {
		return prior
	}
	return (s + float64(o.smooth*prior)) / (float64(n) + o.smooth)
}

// TrainingMatrix is Matrix for the rows the set was fitted on, in the same
// order, with target-encoded features cross-fitted: row i's encoding uses
// the label statistics of the folds other than its own, so no row sees its
// own label. Without target encoders it equals Matrix. It needs the Fitted
// returned by Fit or FitSeq (the fold statistics are not part of the
// encoded state) and exactly the training rows; otherwise it returns an
// error wrapping ErrMismatch.
func (f *Fitted[T]) TrainingMatrix(ctx context.Context, rows []T) ([]float64, error) {
	w := f.width
	dst := make([]float64, len(rows)*w)
	if err := f.MatrixTo(ctx, dst, rows); err != nil {
		return nil, err
	}
	for j := range f.feats {
		ff := &f.feats[j]
		if ff.typ != typeCat || ff.enc.kind != catTarget {
			continue
		}
		enc := ff.enc
		if enc.all == nil || int64(len(rows)) != enc.n {
			return nil, &StateError{Feature: ff.def.name, Transform: enc.name(), Reason: fmt.Sprintf("TrainingMatrix needs the %d training rows and the Fitted from Fit, got %d rows", enc.n, len(rows)), Err: ErrMismatch}
		}
		gs, gn := enc.all.total()
		for i := range rows {
			fold := foldOf(enc.seed, int64(i), enc.folds)
			// the prior and statistics of the other folds
			prior := (gs - enc.all.sum[fold]) / float64(gn-enc.all.cnt[fold])
			v := prior
			s, ok := ff.readCat(&rows[i])
			if !ok && ff.cats[0].kind == catImpute {
				s, ok = ff.cats[0].fill, true
			}
			if st := enc.byCat[s]; ok && st != nil {
				cs, cn := st.total()
				v = enc.smoothed(cs-st.sum[fold], cn-st.cnt[fold], prior)
			}
			dst[i*w+ff.off] = v
		}
	}
	return dst, nil
}
