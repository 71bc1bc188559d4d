package feature

import (
	"context"
	"fmt"
	"iter"
	"runtime"
	"strconv"

	"golang.org/x/sync/errgroup"
)

// Fit learns the state of every transform from rows and returns the fitted
// set. Statistics that one pass can give (counts, mean and variance,
// min/max, vocabularies) take one pass; a chain with several stateful
// numeric transforms (say Impute then Standardize) takes one pass per
// stateful transform, each fitting on the output of the ones before it, as
// a scikit-learn Pipeline does.
//
// Rows are split into blocks of Options.BlockRows that are fitted in
// parallel and merged in block order, so the result does not depend on the
// number of CPUs and equals FitSeq over the same rows bit for bit.
//
// Missing values are left out of the statistics (as scikit-learn's scalers
// do). No rows is an ErrEmpty error, and so is a stateful transform that
// sees no non-missing value; a ±Inf value reaching a stateful transform is
// a *ValueError wrapping ErrInfinite. An error from a Learner's Finish (or
// its fitted transform's MarshalText) is a *StateError naming the feature
// and wrapping that error.
func (s *Set[T]) Fit(ctx context.Context, rows []T) (*Fitted[T], error) {
	fz := s.Begin()
	bs := s.blockRows()
	nb := (len(rows) + bs - 1) / bs
	for !fz.Done() {
		passes := make([]*Pass[T], nb)
		errs := make([]error, nb)
		g, gctx := errgroup.WithContext(ctx)
		g.SetLimit(runtime.GOMAXPROCS(0))
		for b := range nb {
			g.Go(func() error {
				if err := gctx.Err(); err != nil {
					return err
				}
				p := fz.NewPass()
				p.next = int64(b * bs)
				for i := b * bs; i < min((b+1)*bs, len(rows)); i++ {
					if err := p.Add(&rows[i]); err != nil {
						errs[b] = err
						return nil
					}
				}
				passes[b] = p
				return nil
			})
		}
		if err := g.Wait(); err != nil {
			return nil, err
		}
		for _, err := range errs {
			if err != nil {
				return nil, err
			}
		}
		total := fz.NewPass()
		for _, p := range passes {
			total.Merge(p)
		}
		if err := fz.Apply(total); err != nil {
			return nil, err
		}
	}
	return fz.Result(), nil
}

// FitSeq is Fit over a stream of rows with errors, the convention of
// Loom's sources (pipeline/source): the first error stops the fit and is
// returned. When the set needs more than one pass
// (see Fit), seq is ranged over once per pass, so it must yield the same
// rows each time: a single-use iterator works only for one-pass sets. A
// pass that yields a different number of rows than the first is an error.
// Rows are fitted in blocks as in Fit, so the state equals Fit's bit for
// bit; FitSeq itself runs on one goroutine.
func (s *Set[T]) FitSeq(ctx context.Context, seq iter.Seq2[T, error]) (*Fitted[T], error) {
	fz := s.Begin()
	bs := s.blockRows()
	first := int64(-1)
	for !fz.Done() {
		total := fz.NewPass()
		blk := fz.NewPass()
		var err error
		var n int64
		for row, rerr := range seq {
			if rerr != nil {
				err = rerr
				break
			}
			blk.next = n
			if err = blk.Add(&row); err != nil {
				break
			}
			n++
			if n%int64(bs) == 0 {
				total.Merge(blk)
				blk = fz.NewPass()
				if err = ctx.Err(); err != nil {
					break
				}
			}
		}
		if err != nil {
			return nil, err
		}
		if n%int64(bs) != 0 {
			total.Merge(blk)
		}
		if first >= 0 && n != first {
			return nil, &StateError{Reason: fmt.Sprintf("iterator yielded %d rows on pass %d but %d on pass 1 (single-use iterator?)", n, fz.pass+1, first), Err: ErrEmpty}
		}
		first = n
		if err := fz.Apply(total); err != nil {
			return nil, err
		}
	}
	return fz.Result(), nil
}

// Fitting is a fit in progress, for fitting over shards of data that are
// processed apart (other goroutines, processes or machines) and merged:
//
//	fz := set.Begin()
//	for !fz.Done() {
//		total := fz.NewPass()
//		for _, shard := range shards {
//			p := fz.NewPass() // on the shard's worker
//			for i := range shard {
//				if err := p.Add(&shard[i]); err != nil { ... }
//			}
//			total.Merge(p)
//		}
//		if err := fz.Apply(total); err != nil { ... }
//	}
//	fitted := fz.Result()
//
// Counts, vocabularies, min/max and exact quantiles merge exactly; means and
// variances merge by Chan et al.'s formula, so they equal a one-shard fit to
// rounding (about 1e-15 relative), and bit for bit when the shards are the
// same blocks merged in the same order. A Fitting is not safe for concurrent
// use, but Passes from it are independent of each other.
type Fitting[T any] struct {
	set     *Set[T]
	feats   []fitFeat[T]
	pass    int
	npasses int
	levels  [][]int // levels[i][p]: index in feature i's chain of its p-th stateful op
}

// Begin starts a Fitting. After it the Set can no longer be changed.
func (s *Set[T]) Begin() *Fitting[T] {
	s.frozen.Store(true)
	fz := &Fitting[T]{set: s, npasses: 1, feats: make([]fitFeat[T], len(s.defs)), levels: make([][]int, len(s.defs))}
	for i, d := range s.defs {
		if d.typ == typeCat && d.cats[len(d.cats)-1].kind == catTarget {
			if s.label == nil {
				panic(fmt.Sprintf("feature: feature %q uses TargetEncode but the Set has no Label", d.name))
			}
		}
		ff := &fz.feats[i]
		ff.def = d
		ff.nums = append([]numOp(nil), d.nums...)
		ff.cats = append([]catOp(nil), d.cats...)
		ff.link()
		for j := range ff.nums {
			if ff.nums[j].stateful() {
				fz.levels[i] = append(fz.levels[i], j)
			}
		}
		fz.npasses = max(fz.npasses, len(fz.levels[i]))
	}
	return fz
}

// Done reports whether every pass has been applied.
func (fz *Fitting[T]) Done() bool { return fz.pass >= fz.npasses }

// Passes returns the number of passes the set needs (at least 1).
func (fz *Fitting[T]) Passes() int { return fz.npasses }

// Pass accumulates the statistics of one pass over some rows. Passes of the
// same Fitting and pass merge; a Pass is not safe for concurrent use.
type Pass[T any] struct {
	fz    *Fitting[T]
	level int
	rows  int64     // rows added
	next  int64     // index of the next row in the whole training set
	nums  []*numAcc // per feature; nil when it fits nothing in this pass
	cats  []*catAcc // per feature, first pass only
}

// NewPass returns an empty accumulator for the current pass.
func (fz *Fitting[T]) NewPass() *Pass[T] {
	if fz.Done() {
		panic(fmt.Sprintf("feature: NewPass after the last pass, got pass %d of %d", fz.pass+1, fz.npasses))
	}
	return fz.newPass(fz.pass)
}

// newPass returns an empty accumulator for pass level (0-based).
func (fz *Fitting[T]) newPass(level int) *Pass[T] {
	p := &Pass[T]{fz: fz, level: level, nums: make([]*numAcc, len(fz.feats)), cats: make([]*catAcc, len(fz.feats))}
	for i := range fz.feats {
		ff := &fz.feats[i]
		switch ff.def.typ {
		case typeNum:
			if lv := fz.levels[i]; p.level < len(lv) {
				p.nums[i] = newNumAcc(&ff.nums[lv[p.level]], fz.set.opts.SketchK)
			}
		case typeCat:
			needs := ff.enc.kind != catHash || ff.cats[0].kind == catImpute && ff.cats[0].strategy == MostFrequent
			if p.level == 0 && needs {
				p.cats[i] = &catAcc{counts: make(map[string]int64)}
				if ff.enc.kind == catTarget {
					p.cats[i].initFolds(ff.enc.folds)
				}
			}
		}
	}
	return p
}

// Add adds one row's values. A ±Inf value reaching a stateful transform is
// a *ValueError wrapping ErrInfinite, and a value outside an earlier
// transform's domain one wrapping ErrDomain; the Row in them counts the
// rows added to this Pass before (0-based).
func (p *Pass[T]) Add(row *T) error {
	fz := p.fz
	for i := range fz.feats {
		ff := &fz.feats[i]
		if a := p.nums[i]; a != nil {
			raw := ff.readNum(row)
			x, code := through(ff.nums[:fz.levels[i][p.level]], ff.clipFirst, raw, nil)
			if code == codeOK && x == x {
				switch {
				case x-x != 0: // ±Inf
					code = codeInfinite
				case x <= 0 && ff.nums[fz.levels[i][p.level]].kind == opBoxCox:
					code = codeNotPositive
				default:
					a.add(x)
				}
			}
			if code != codeOK {
				return ff.explain(row, int(p.next), code)
			}
		} else if a := p.cats[i]; a != nil {
			s, ok := ff.readCat(row)
			if ok {
				a.counts[s]++
			} else {
				a.missing++
			}
			if a.folds > 0 {
				y := fz.set.label(row)
				if y != y || y-y != 0 {
					code := codeMissing
					if y == y {
						code = codeInfinite
					}
					return &ValueError{Row: int(p.next), Feature: ff.def.name, Value: "label " + strconv.FormatFloat(y, 'g', -1, 64), Err: codeErrs[code]}
				}
				a.addLabel(s, ok, foldOf(ff.enc.seed, p.next, a.folds), y)
			}
		}
	}
	p.rows++
	p.next++
	return nil
}

// StartAt sets the index, in the whole training set, of the next row added
// to p. Row indices appear in errors and choose the cross-fitting fold of
// target encoding, so shards of a sharded fit should start at their first
// row's index (Fit and FitSeq do this). It returns p.
func (p *Pass[T]) StartAt(row int64) *Pass[T] {
	p.next = row
	return p
}

// Merge adds q's statistics to p. Both must come from the same Fitting and
// pass (it panics otherwise); q must not be used afterwards.
func (p *Pass[T]) Merge(q *Pass[T]) {
	if p.fz != q.fz || p.level != q.level {
		panic(fmt.Sprintf("feature: Merge of passes from different fittings or passes, got pass %d and %d", p.level+1, q.level+1))
	}
	p.rows += q.rows
	for i := range p.nums {
		if p.nums[i] != nil {
			p.nums[i].merge(q.nums[i])
		}
		if p.cats[i] != nil {
			p.cats[i].merge(q.cats[i])
		}
	}
}

// Rows returns the number of rows added to p and to the passes merged into
// it.
func (p *Pass[T]) Rows() int64 { return p.rows }

// Apply fits the current pass's transforms from p, the merge of all the
// rows' statistics, and moves to the next pass.
func (fz *Fitting[T]) Apply(p *Pass[T]) error {
	if p.fz != fz || p.level != fz.pass {
		panic(fmt.Sprintf("feature: Apply of a pass from another fitting or pass, got pass %d, want %d", p.level+1, fz.pass+1))
	}
	if p.rows == 0 {
		return &StateError{Reason: "no training rows", Err: ErrEmpty}
	}
	for i := range fz.feats {
		ff := &fz.feats[i]
		if a := p.nums[i]; a != nil {
			op := &ff.nums[fz.levels[i][p.level]]
			if a.n == 0 {
				return &StateError{Feature: ff.def.name, Transform: op.name(), Reason: fmt.Sprintf("no non-missing value in %d rows", p.rows), Err: ErrEmpty}
			}
			if op.kind == opBoxCox && a.min == a.max {
				return &StateError{Feature: ff.def.name, Transform: op.name(), Reason: fmt.Sprintf("constant column (every value %v): λ is undefined", a.min), Err: ErrDomain}
			}
			if op.kind == opLearn {
				if err := op.learn(ff.def.name, a); err != nil {
					return err
				}
			} else {
				op.fit(a)
			}
		}
		if a := p.cats[i]; a != nil {
			counts, missing := a.counts, a.missing
			imp := &ff.cats[0]
			if imp.kind == catImpute {
				imp.fitImpute(a)
				if imp.strategy == MostFrequent && len(counts) == 0 {
					return &StateError{Feature: ff.def.name, Transform: imp.name(), Reason: fmt.Sprintf("all %d values missing", p.rows), Err: ErrEmpty}
				}
				if missing > 0 {
					counts[imp.fill] += missing
					missing = 0
				}
			}
			if ff.enc.kind == catTarget {
				ff.enc.fitTarget(a, imp.kind == catImpute, imp.fill)
			} else {
				ff.enc.fitEncoder(counts, missing)
			}
		}
	}
	fz.pass++
	return nil
}

// Result returns the fitted set; it panics before Done.
func (fz *Fitting[T]) Result() *Fitted[T] {
	if !fz.Done() {
		panic(fmt.Sprintf("feature: Result before the last pass, got %d of %d passes applied", fz.pass, fz.npasses))
	}
	feats := make([]fitFeat[T], len(fz.feats))
	for i := range fz.feats {
		feats[i] = fz.feats[i]
		feats[i].nums = append([]numOp(nil), fz.feats[i].nums...)
		feats[i].cats = append([]catOp(nil), fz.feats[i].cats...)
	}
	return newFitted(feats, fz.set.blockRows())
}

// newFitted lays out the output columns of fitted features.
func newFitted[T any](feats []fitFeat[T], blockRows int) *Fitted[T] {
	f := &Fitted[T]{feats: feats, blockRows: blockRows}
	for i := range f.feats {
		ff := &f.feats[i]
		ff.link()
		ff.off = len(f.names)
		name := ff.def.name
		switch ff.def.typ {
		case typeNum:
			f.names = append(f.names, name)
			for _, op := range ff.nums {
				if op.kind == opImpute && op.indicator {
					f.names = append(f.names, name+"_missing")
				}
			}
		case typeCat:
			enc := &ff.cats[len(ff.cats)-1]
			switch enc.kind {
			case catOrdinal, catTarget:
				f.names = append(f.names, name)
			case catHash:
				for b := range enc.buckets {
					f.names = append(f.names, name+"#"+fmt.Sprint(b))
				}
			default:
				for _, c := range enc.cats {
					f.names = append(f.names, name+"="+c)
				}
				if enc.hasMissing {
					f.names = append(f.names, name+"="+MissingCategory)
				}
				if len(enc.infrequent) > 0 {
					f.names = append(f.names, name+"="+InfrequentCategory)
				}
			}
		case typeTime:
			for _, p := range ff.def.parts {
				f.names = p.names(name, f.names)
			}
		case typeProduct:
			f.names = append(f.names, name)
			ff.ofs = make([]int, len(ff.def.of))
			for k, name := range ff.def.of {
				for j := range f.feats[:i] {
					if g := &f.feats[j]; g.def.name == name {
						ff.ofs[k] = g.off
					}
				}
			}
		}
		ff.width = len(f.names) - ff.off
		f.zero = f.zero || ff.kernel == kernelOneHot || ff.kernel == kernelHash
	}
	f.width = len(f.names)
	return f
}
