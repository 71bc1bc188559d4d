package model

import (
	"context"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/loomml/loom/contract"
	"github.com/loomml/loom/feature"
	"github.com/loomml/loom/train"
)

// Model selection runs train's cross-validation and searches (splitters,
// scorers, parallel folds, successive halving, records) over the whole
// declaration: in every fold the features are fitted on the fold's
// training rows only, the trainer on their matrix, and the fold's test
// rows are transformed with that fold's state. Nothing is learnt from the
// rows a fold scores: no scaler, imputer or target encoder sees them.
//
// Internally train sees a one-column matrix of row indices and a trainer
// that maps them back to rows; splitters and scorers work unchanged, and a
// scorer receives the fold's real feature matrix and model.

// Builder makes the spec of one candidate of a search from its parameters:
// trainer parameters and feature parameters alike (an imputation strategy,
// a one-hot minimum frequency, a polynomial degree). It is called once per
// candidate and fold, possibly from several goroutines, and must return a
// new Spec each time.
type Builder[T any] func(p train.Params) *Spec[T]

// CrossValidate cross-validates the whole spec on rows: opts.Splitter
// splits them (stratified splitters by the label), and in each fold the
// features and the model are fitted on the training rows and scored on the
// test rows by opts.Scorer (accuracy for classifiers and R² otherwise by
// default). Rows must pass the contract (*ContractError otherwise).
func CrossValidate[T any](ctx context.Context, spec *Spec[T], rows []T, opts *train.CVOptions) (*train.CVResult, error) {
	d, err := indexDataset(spec, rows)
	if err != nil {
		return nil, err
	}
	return train.CrossValidate(ctx, &foldTrainer[T]{spec: spec, rows: rows}, d, foldOptions(opts))
}

// SearchResult is the outcome of a search over specs.
type SearchResult[T any] struct {
	// Search holds train's result: the best parameters and score, every
	// candidate's fold scores and the search record. Its Model is nil: the
	// refit model is Bundle's.
	Search *train.SearchResult
	// Bundle is the best candidate's spec fitted on all the rows; nil with
	// SearchOptions.NoRefit.
	Bundle *Bundle[T]
}

// GridSearch cross-validates the spec that build makes for every point of
// space.Grid() and fits the best on all rows; see Search.
func GridSearch[T any](ctx context.Context, build Builder[T], rows []T, space train.Space, opts *train.SearchOptions) (*SearchResult[T], error) {
	return search(ctx, build, rows, space.Grid()[0], opts, func(tb train.Builder, d train.Dataset, o *train.SearchOptions) (*train.SearchResult, error) {
		return train.GridSearch(ctx, tb, d, space, o)
	})
}

// RandomSearch cross-validates n points drawn from space with opts.Seed and
// fits the best on all rows; see Search.
func RandomSearch[T any](ctx context.Context, build Builder[T], rows []T, space train.Space, n int, opts *train.SearchOptions) (*SearchResult[T], error) {
	var seed uint64
	if opts != nil {
		seed = opts.Seed
	}
	return search(ctx, build, rows, space.Sample(1, seed)[0], opts, func(tb train.Builder, d train.Dataset, o *train.SearchOptions) (*train.SearchResult, error) {
		return train.RandomSearch(ctx, tb, d, space, n, o)
	})
}

// HalvingSearch runs successive halving over the candidates with rows as
// the resource (see train.HalvingSearch) and fits the best on all rows.
func HalvingSearch[T any](ctx context.Context, build Builder[T], rows []T, candidates []train.Params, opts *train.SearchOptions) (*SearchResult[T], error) {
	if len(candidates) == 0 {
		panic("model: search needs at least one candidate, got none")
	}
	return search(ctx, build, rows, candidates[0], opts, func(tb train.Builder, d train.Dataset, o *train.SearchOptions) (*train.SearchResult, error) {
		return train.HalvingSearch(ctx, tb, d, candidates, o)
	})
}

// Search cross-validates the spec that build makes for each candidate, as
// train.Search does (in parallel, failed candidates recorded with their
// error), and fits the best candidate's spec on all rows with Fit. The
// rows must pass the contract of the spec built for the first candidate
// (*ContractError otherwise); RandomSearch's first candidate is the first
// draw of Space.Sample with the seed.
func Search[T any](ctx context.Context, build Builder[T], rows []T, candidates []train.Params, opts *train.SearchOptions) (*SearchResult[T], error) {
	if len(candidates) == 0 {
		panic("model: search needs at least one candidate, got none")
	}
	return search(ctx, build, rows, candidates[0], opts, func(tb train.Builder, d train.Dataset, o *train.SearchOptions) (*train.SearchResult, error) {
		return train.Search(ctx, tb, d, candidates, o)
	})
}

func search[T any](ctx context.Context, build Builder[T], rows []T, first0 train.Params, opts *train.SearchOptions,
	run func(train.Builder, train.Dataset, *train.SearchOptions) (*train.SearchResult, error)) (*SearchResult[T], error) {
	if build == nil {
		panic("model: search Builder is nil")
	}
	first := build(first0)
	d, err := indexDataset(first, rows)
	if err != nil {
		return nil, err
	}
	o := train.SearchOptions{}
	if opts != nil {
		o = *opts
	}
	refit := !o.NoRefit
	o.NoRefit = true
	o.CV = foldOptions(o.CV)
	tb := func(p train.Params) train.Trainer { return &foldTrainer[T]{spec: build(p), rows: rows} }
	res, err := run(tb, d, &o)
	if err != nil {
		return nil, err
	}
	res.Record.DataFingerprint = first.fingerprint(rows)
	out := &SearchResult[T]{Search: res}
	if refit {
		if out.Bundle, err = Fit(ctx, build(res.Best), rows); err != nil {
			return out, fmt.Errorf("model: fitting the best candidate {%v}: %w", res.Best, err)
		}
	}
	return out, nil
}

// indexDataset checks rows against spec's contract and returns the
// dataset train's selection runs on: row indices as the one feature, the
// labels as the target.
func indexDataset[T any](spec *Spec[T], rows []T) (train.Dataset, error) {
	spec.build()
	spec.needTrainer()
	if len(rows) == 0 {
		return train.Dataset{}, fmt.Errorf("model: %q: %w", spec.name, train.ErrEmpty)
	}
	if rep := spec.Bind().Validate(rows); rep.Verdict == contract.Fail {
		return train.Dataset{}, &ContractError{Model: spec.name, Report: rep}
	}
	y, err := spec.labels(rows)
	if err != nil {
		return train.Dataset{}, err
	}
	return train.Dataset{X: indexMatrix(len(rows)), Y: y}, nil
}

// indexMatrix returns the n×1 matrix of the row indices 0 … n-1.
func indexMatrix(n int) *mat.Dense {
	idx := make([]float64, n)
	for i := range idx {
		idx[i] = float64(i)
	}
	return mat.NewDense(n, 1, idx)
}

// foldOptions wraps the scorer so that it sees each fold's feature matrix
// and model rather than row indices.
func foldOptions(opts *train.CVOptions) *train.CVOptions {
	o := train.CVOptions{}
	if opts != nil {
		o = *opts
	}
	user := o.Scorer
	o.Scorer = func(m train.Model, d train.Dataset) (float64, error) {
		fm, ok := m.(foldScorer)
		if !ok {
			return math.NaN(), fmt.Errorf("model: internal error: fold model of type %T", m)
		}
		inner, real, err := fm.test(d)
		if err != nil {
			return math.NaN(), err
		}
		scorer := user
		if scorer == nil {
			scorer = train.R2
			if _, ok := inner.(train.Classifier); ok {
				scorer = train.Accuracy
			}
		}
		return scorer(inner, real)
	}
	return &o
}

// foldTrainer fits the spec on the rows whose indices a fold's dataset
// holds.
type foldTrainer[T any] struct {
	spec *Spec[T]
	rows []T
}

var _ train.Trainer = (*foldTrainer[struct{}])(nil)

// pick returns the rows at the indices in d's one column.
func pick[T any](rows []T, d train.Dataset) []T {
	n, _ := d.Dims()
	out := make([]T, n)
	for i := range n {
		out[i] = rows[int(d.X.At(i, 0))]
	}
	return out
}

func (t *foldTrainer[T]) Fit(ctx context.Context, d train.Dataset) (train.Model, error) {
	s := t.spec
	s.build()
	s.needTrainer()
	sub := pick(t.rows, d)
	fitted, err := s.features.Fit(ctx, sub)
	if err != nil {
		return nil, err
	}
	fd, err := trainingSet(ctx, s.trainer, fitted, sub, d.Y)
	if err != nil {
		return nil, err
	}
	fd.Weights = d.Weights
	m, err := s.trainer.Fit(ctx, fd)
	if m == nil {
		return nil, err
	}
	return &foldModel[T]{rows: t.rows, fitted: fitted, model: m}, err
}

// foldScorer is what the wrapped scorer needs of a fold's model.
type foldScorer interface {
	test(d train.Dataset) (train.Model, train.Dataset, error)
}

// foldModel is one fold's fitted features and model, taking row indices.
type foldModel[T any] struct {
	rows   []T
	fitted *feature.Fitted[T]
	model  train.Model
}

// test returns the fold's model and its test rows as a real dataset.
func (m *foldModel[T]) test(d train.Dataset) (train.Model, train.Dataset, error) {
	X, err := matrix(context.Background(), m.model, m.fitted, pick(m.rows, d))
	if err != nil {
		return nil, train.Dataset{}, err
	}
	return m.model, train.Dataset{X: X, Y: d.Y, Weights: d.Weights, FeatureFingerprint: m.fitted.Fingerprint()}, nil
}

// Info describes the fold's model as taking one feature, the row index.
func (m *foldModel[T]) Info() train.Info {
	info := m.model.Info()
	info.Features, info.FeatureFingerprint = 1, ""
	return info
}

// Predict predicts the row at index x[0]; NaN when its features cannot be
// computed. The selection's scorer does not call it (it scores the fold's
// real matrix); it is here for the train.Model interface.
func (m *foldModel[T]) Predict(x []float64) float64 {
	v, err := transform(m.model, m.fitted, &m.rows[int(x[0])], nil)
	if err != nil {
		return math.NaN()
	}
	return m.model.Predict(v)
}

// Split splits rows into training and test rows with the first fold of s,
// such as train.Holdout{Stratify: true, Seed: 42}: stratified splitters
// stratify on the declared label. Rows keep their order within each part.
// A missing label is a *LabelError.
func Split[T any](spec *Spec[T], rows []T, s train.Splitter) (trainRows, testRows []T, err error) {
	spec.build()
	if len(rows) == 0 {
		return nil, nil, fmt.Errorf("model: splitting the rows of %q: %w", spec.name, train.ErrEmpty)
	}
	y, err := spec.labels(rows)
	if err != nil {
		return nil, nil, err
	}
	folds, err := s.Split(train.Dataset{X: indexMatrix(len(rows)), Y: y})
	if err != nil {
		return nil, nil, fmt.Errorf("model: splitting the rows of %q: %w", spec.name, err)
	}
	if len(folds) == 0 {
		return nil, nil, fmt.Errorf("model: splitting the rows of %q: the splitter gave no fold", spec.name)
	}
	gather := func(ix []int) []T {
		out := make([]T, len(ix))
		for i, j := range ix {
			out[i] = rows[j]
		}
		return out
	}
	return gather(folds[0].Train), gather(folds[0].Test), nil
}
