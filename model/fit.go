package model

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"iter"
	"math"
	"time"

	"gonum.org/v1/gonum/mat"

	"github.com/loomml/loom/contract"
	"github.com/loomml/loom/drift"
	"github.com/loomml/loom/feature"
	"github.com/loomml/loom/internal/rowmap"
	"github.com/loomml/loom/train"
)

// Lineage records how a bundle was made: from which rows, with which
// declaration, parameters, seed and code, and how long each step took. It
// is stored with the bundle and returned by Load as it was fitted.
type Lineage struct {
	// Model is the spec's name; Label its label column.
	Model string `json:"model"`
	Label string `json:"label"`
	// Rows is the number of training rows; DataFingerprint a SHA-256 of
	// their declared columns (inputs and label, in row order): the same
	// rows give the same fingerprint whatever the struct's other fields.
	Rows            int    `json:"rows"`
	DataFingerprint string `json:"data_fingerprint"`
	// FeatureFingerprint identifies the fitted feature state.
	FeatureFingerprint string `json:"feature_fingerprint"`
	// Seed is the spec's seed (Spec.Seed).
	Seed uint64 `json:"seed"`
	// Description is the spec's description (Spec.Describe).
	Description string `json:"description,omitempty"`
	// Start is when Fit began; Durations holds each step: "validate",
	// "features", "matrix", "train", "profile" and "total".
	Start     time.Time                `json:"start"`
	Durations map[string]time.Duration `json:"durations_ns"`
	// Train is the trainer's experiment record: model kind, parameters,
	// iterations, convergence, Go and Loom versions.
	Train train.Record `json:"train"`
	// FeatureMeans holds the mean of each column of the training matrix
	// (missing values left out): the expected input that the
	// contributions of a linear model are measured against (Explainer).
	FeatureMeans []float64 `json:"feature_means,omitempty"`
}

// Fit validates rows against the spec's contract, fits the features on
// them, trains the model on the feature matrix, profiles the drift columns
// and returns the bundle with its lineage.
//
// Rows that break the contract stop the fit with a *ContractError holding
// the report: nothing is fitted on data the contract rejects (quarantine
// them first with Spec.Bind().Quarantine to fit on the rest). A missing
// label is an error naming the row. A trainer that does not converge
// returns its model as train does: the bundle and an error wrapping
// train.ErrNotConverged. Fit is deterministic: the same rows and
// declaration give a bit-identical bundle.
func Fit[T any](ctx context.Context, spec *Spec[T], rows []T) (*Bundle[T], error) {
	spec.build()
	spec.needTrainer()
	begin := time.Now()
	lin := Lineage{Model: spec.name, Label: spec.label.name, Rows: len(rows), Seed: spec.seed, Description: spec.description,
		Start: begin, Durations: map[string]time.Duration{}}
	step := func(name string, t time.Time) { lin.Durations[name] = time.Since(t) }

	t := time.Now()
	if len(rows) == 0 {
		return nil, fmt.Errorf("model: fitting %q: %w", spec.name, train.ErrEmpty)
	}
	rep := spec.Bind().Validate(rows)
	if rep.Verdict == contract.Fail {
		return nil, &ContractError{Model: spec.name, Report: rep}
	}
	y, err := spec.labels(rows)
	if err != nil {
		return nil, err
	}
	lin.DataFingerprint = spec.fingerprint(rows)
	step("validate", t)
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	t = time.Now()
	fitted, err := spec.features.Fit(ctx, rows)
	if err != nil {
		return nil, fmt.Errorf("model: fitting the features of %q: %w", spec.name, err)
	}
	lin.FeatureFingerprint = fitted.Fingerprint()
	step("features", t)

	t = time.Now()
	d, err := trainingSet(ctx, spec.trainer, fitted, rows, y)
	if err != nil {
		return nil, fmt.Errorf("model: the training matrix of %q: %w", spec.name, err)
	}
	lin.FeatureMeans = featureMeans(d.X)
	step("matrix", t)

	t = time.Now()
	m, rec, fitErr := train.Fit(ctx, spec.trainer, d, &train.FitOptions{Seed: spec.seed})
	if fitErr != nil && (m == nil || !errors.Is(fitErr, train.ErrNotConverged)) {
		return nil, fmt.Errorf("model: training %q: %w", spec.name, fitErr)
	}
	lin.Train = rec
	step("train", t)

	t = time.Now()
	profile := drift.BuildProfile(rows, spec.drift, nil)
	step("profile", t)
	lin.Durations["total"] = time.Since(begin)

	b := &Bundle[T]{spec: spec, contract: spec.contract, features: fitted, model: m, profile: profile, lineage: lin}
	if err := b.bind(); err != nil {
		return nil, err
	}
	if fitErr != nil {
		return b, fmt.Errorf("model: training %q: %w", spec.name, fitErr)
	}
	return b, nil
}

// trainingSet is the dataset trainer fits on rows: the cross-fitted
// training matrix (feature.Fitted.TrainingMatrix), or for a trainer that
// handles missing values and categories natively (train.NativeMissing) the
// tree matrix with its categorical columns marked.
func trainingSet[T any](ctx context.Context, trainer train.Trainer, fitted *feature.Fitted[T], rows []T, y []float64) (train.Dataset, error) {
	d := train.Dataset{Y: y, FeatureFingerprint: fitted.Fingerprint()}
	if train.IsNativeMissing(trainer) {
		X, err := fitted.TreeMatrix(ctx, rows)
		if err != nil {
			return d, err
		}
		d.X, d.Categorical = X, fitted.Categorical()
		return d, nil
	}
	data, err := fitted.TrainingMatrix(ctx, rows)
	if err != nil {
		return d, err
	}
	d.X = mat.NewDense(len(rows), fitted.Width(), data)
	return d, nil
}

// FitSeq is Fit over a stream of rows, the convention of Loom's sources
// (pipeline/source): it stops at the stream's first error and returns it.
// The rows are collected first, since the training matrix holds them all.
func FitSeq[T any](ctx context.Context, spec *Spec[T], rows iter.Seq2[T, error]) (*Bundle[T], error) {
	all, err := collect(ctx, rows)
	if err != nil {
		return nil, fmt.Errorf("model: reading the rows of %q: %w", spec.name, err)
	}
	return Fit(ctx, spec, all)
}

// collect gathers a stream into a slice, stopping at its first error or
// when ctx is done.
func collect[T any](ctx context.Context, rows iter.Seq2[T, error]) ([]T, error) {
	var all []T
	for r, err := range rows {
		if err != nil {
			return nil, err
		}
		all = append(all, r)
		if len(all)%8192 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
	}
	return all, ctx.Err()
}

// labels reads the label of every row; a missing or non-finite one is a
// *LabelError.
func (s *Spec[T]) labels(rows []T) ([]float64, error) {
	y := make([]float64, len(rows))
	for i := range rows {
		v, ok := s.labelGet(&rows[i])
		if !ok || math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, &LabelError{Model: s.name, Label: s.label.name, Row: i, Value: v, Missing: !ok}
		}
		y[i] = v
	}
	return y, nil
}

// fingerprint hashes the declared columns of rows, label included, in row
// order: presence, then the value (float bits, or string length and bytes).
func (s *Spec[T]) fingerprint(rows []T) string {
	h := sha256.New()
	cols := append(append([]*column(nil), s.cols...), s.label)
	buf := make([]byte, 0, 4096)
	for i := range rows {
		p := &rows[i]
		for _, c := range cols {
			f := s.rm.Field(c.index)
			if s.rm.IsNull(p, c.index) {
				buf = append(buf, 0)
				continue
			}
			buf = append(buf, 1)
			if f.Kind == rowmap.KindString {
				v, _ := s.rm.Str(p, c.index)
				buf = binary.LittleEndian.AppendUint64(buf, uint64(len(v)))
				buf = append(buf, v...)
			} else {
				v, _ := s.rm.Float(p, c.index)
				buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(v))
			}
		}
		if len(buf) >= 4096 {
			h.Write(buf)
			buf = buf[:0]
		}
	}
	h.Write(buf)
	return hex.EncodeToString(h.Sum(nil))
}
