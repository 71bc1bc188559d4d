package serve

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/loomml/loom/feature"
	"github.com/loomml/loom/model"
	"github.com/loomml/loom/train"
)

// Scorer scores rows of type T: it checks a row against the model's data
// contract, computes its feature vector with the fitted features the model
// was trained with, and predicts. Contract, features and model come from
// one model.Bundle, so a model can never be paired with the wrong
// transforms.
//
// A Scorer is immutable and safe for concurrent use.
type Scorer[T any] struct {
	info     Info
	contract func(*T) error // the bundle's row checks; nil: none
	// contractRows is contract over many rows (parts.CheckRows); nil:
	// contract row by row.
	contractRows func([]T, []error) int
	check        func(*T) error // an extra row check (tests); nil: none
	transform    func(*T, []float64) ([]float64, error)
	features     *feature.Fitted[T]
	model        train.Model
	clf          train.Classifier // model as a classifier; nil for a regressor
	classes      []float64
	dec          *rowDecoder[T]
	bufs         sync.Pool // *scratch
	batchBufs    sync.Pool // *batchScratch
	// matrix is true when the rows' vectors are feature's Matrix rows
	// (Transform is Features.Transform): ScoreBatch then computes them
	// through Features.MatrixTo, block by block.
	matrix bool
	// explain explains predictions; nil when not bound from a bundle.
	explain *explaining[T]
}

// scratch is the buffer space of one Score call.
type scratch struct {
	x     []float64 // features.Width()
	probs []float64 // len(classes)
}

// NewScorer binds the bundle b into a Scorer: rows are checked against its
// contract (the label's field excepted: a row to score has no label),
// transformed by its fitted features and scored by its model. Its Info
// names the bundle's model and registry version, and carries the version's
// hash, tags and metrics as metadata.
func NewScorer[T any](b *model.Bundle[T]) (*Scorer[T], error) {
	v := b.Version()
	meta := map[string]string{}
	if v.Number > 0 {
		meta["hash"], meta["created_at"], meta["created_by"] = v.Hash, v.CreatedAt.Format(time.RFC3339), v.CreatedBy
		for k, val := range v.Metadata.Tags {
			meta["tag."+k] = val
		}
		for k, val := range v.Metadata.Metrics {
			meta["metric."+k] = strconv.FormatFloat(val, 'g', -1, 64)
		}
	}
	inputs := make([]Field, 0, len(b.Inputs()))
	for _, f := range b.Inputs() {
		inputs = append(inputs, Field{Name: f.Name, Type: f.Type.String(), Required: !f.Nullable})
	}
	// The bundle's Transform is Features.Transform but for a model that
	// handles missing values natively (then TreeTransform, which has no
	// matrix path into a caller's slice).
	var transform func(*T, []float64) ([]float64, error)
	if train.IsNativeMissing(b.Model()) {
		transform = b.Transform
	}
	s, err := newScorer(parts[T]{Name: b.Name(), Version: v.Number, Contract: b.CheckRow, CheckRows: b.CheckRows, Inputs: inputs, Label: b.Label(),
		Features: b.Features(), Transform: transform, Model: b.Model(), Metadata: meta})
	if err != nil {
		return nil, err
	}
	s.explain = &explaining[T]{explainer: b.Explainer}
	return s, nil
}

// parts are what newScorer binds into a Scorer.
type parts[T any] struct {
	Name    string // the model's name, as registered
	Version int    // the registry version
	// Contract checks every row before scoring; nil means none. Inputs
	// describe the request: nil means T's loom tags (nullable fields
	// optional, others required).
	Contract func(*T) error
	// CheckRows, if set, is Contract over many rows, for ScoreBatch: it
	// sets errs[i] to Contract(&rows[i]) and returns how many failed.
	CheckRows func(rows []T, errs []error) int
	Inputs    []Field
	// Label names the label column: decoding skips it and never requires
	// it.
	Label string
	// Check, if set, is an extra check of one row after the contract's.
	Check    func(*T) error
	Features *feature.Fitted[T]
	// Transform computes a row's vector; nil means Features.Transform,
	// and then ScoreBatch computes vectors through Features.MatrixTo.
	Transform func(*T, []float64) ([]float64, error)
	Model     train.Model
	Metadata  map[string]string
}

// newScorer binds p into a Scorer. It verifies that the model was fitted
// on vectors of the features' width and fingerprint (train.Verify), and
// that T's loom tags can be decoded from JSON.
func newScorer[T any](p parts[T]) (*Scorer[T], error) {
	if p.Features == nil || p.Model == nil {
		return nil, errors.New("serve: a scorer needs fitted features and a model")
	}
	if err := train.Verify(p.Model, p.Features.Width(), p.Features.Fingerprint()); err != nil {
		return nil, fmt.Errorf("serve: model %q does not match its features: %w", p.Name, err)
	}
	dec, err := newRowDecoder[T](p.Label)
	if err != nil {
		return nil, err
	}
	mi := p.Model.Info()
	s := &Scorer[T]{contract: p.Contract, contractRows: p.CheckRows, check: p.Check, transform: p.Transform, features: p.Features, model: p.Model, dec: dec}
	if s.transform == nil {
		s.transform = p.Features.Transform
	}
	s.matrix = p.Transform == nil
	if c, ok := p.Model.(train.Classifier); ok && len(mi.Classes) > 0 {
		s.clf, s.classes = c, mi.Classes
	}
	inputs := p.Inputs
	if inputs == nil {
		inputs = dec.inputs()
	}
	s.info = Info{Name: p.Name, Version: p.Version, Kind: mi.Kind, Inputs: inputs, Features: p.Features.Names(), Classes: s.classes, Metadata: p.Metadata}
	width := p.Features.Width()
	k := len(s.classes)
	s.bufs.New = func() any { return &scratch{x: make([]float64, width), probs: make([]float64, k)} }
	return s, nil
}

// Info describes the model a Scorer serves.
type Info struct {
	Name     string            `json:"name"`
	Version  int               `json:"version"`
	Kind     string            `json:"kind"`              // the model kind, e.g. "logistic"
	Inputs   []Field           `json:"inputs"`            // the request fields, from the contract (or T's tags)
	Features []string          `json:"features"`          // the feature vector's column names
	Classes  []float64         `json:"classes,omitempty"` // class labels of a classifier
	Metadata map[string]string `json:"metadata,omitempty"`
}

// Field is one input field of a model's request, from its contract.
type Field struct {
	Name     string `json:"name"`
	Type     string `json:"type"` // bool, int, float, string, timestamp or category
	Required bool   `json:"required"`
}

// Info returns the description of the served model.
func (s *Scorer[T]) Info() Info { return s.info }

// Score checks row against the contract, computes its features and
// predicts. A row that breaks the contract, or whose features cannot be
// computed (a missing value without an imputer, an unknown category under
// an error policy), gets an error naming the field; a bad row never reaches
// the model. On the happy path Score does not allocate. ctx is not
// consulted: scoring one row takes about a microsecond.
func (s *Scorer[T]) Score(ctx context.Context, row *T) (Prediction, error) {
	p := Prediction{Class: -1}
	k := len(s.classes)
	if k > maxInlineClasses {
		return p, fmt.Errorf("serve: model %q has %d classes; use ScoreInto", s.info.Name, k)
	}
	sc := s.bufs.Get().(*scratch)
	err := s.score(row, &p, sc)
	if err == nil {
		p.n = copy(p.probs[:k], sc.probs)
	}
	s.bufs.Put(sc)
	return p, err
}

// ScoreInto is Score for models with many classes: it writes the class
// probabilities into probs, which must have room for every class, and
// returns the prediction without them.
func (s *Scorer[T]) ScoreInto(ctx context.Context, row *T, probs []float64) (Prediction, error) {
	p := Prediction{Class: -1}
	if len(probs) < len(s.classes) {
		panic(fmt.Sprintf("serve: ScoreInto needs room for %d class probabilities, got %d", len(s.classes), len(probs)))
	}
	sc := s.bufs.Get().(*scratch)
	err := s.score(row, &p, sc)
	copy(probs, sc.probs)
	s.bufs.Put(sc)
	return p, err
}

// score predicts row into p, the class probabilities into sc.probs.
func (s *Scorer[T]) score(row *T, p *Prediction, sc *scratch) error {
	if err := s.checkRow(row); err != nil {
		return err
	}
	x, err := s.transform(row, sc.x)
	if err != nil {
		return err
	}
	if s.clf == nil {
		p.Value = s.model.Predict(x)
		return nil
	}
	best := argmax(s.clf.PredictProba(sc.probs, x))
	p.Class, p.Value = best, s.classes[best]
	return nil
}

// argmax returns the index of the largest of probs, the first of equals.
func argmax(probs []float64) int {
	best := 0
	for i, v := range probs {
		if v > probs[best] {
			best = i
		}
	}
	return best
}

// decode decodes one JSON instance into row.
func (s *Scorer[T]) decode(data []byte, row *T, strict bool, inst int, errs []FieldError) []FieldError {
	return s.dec.decode(data, row, strict, inst, errs)
}
