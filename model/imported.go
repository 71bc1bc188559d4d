package model

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/loomml/loom/contract"
	"github.com/loomml/loom/drift"
	"github.com/loomml/loom/train"
)

// Source is a model trained outside Loom, as an importer reads it from a
// file (*xgboost.Booster of package train/xgboost, *lightgbm.Booster of
// train/lightgbm): the names of the features it takes, in order, which of
// them it reads as category codes, and the Loom model, stamped with the
// fingerprint of the features it is bound to.
type Source interface {
	FeatureNames() []string
	Categorical() []bool
	Model(fingerprint string) (train.Model, error)
}

// ErrFeatureMismatch is wrapped by the *FeatureMismatchError of Import.
var ErrFeatureMismatch = errors.New("model: the imported model's features do not match the spec's")

// FeatureMismatchError reports the first feature at which an imported
// model and the spec's feature definitions disagree.
type FeatureMismatchError struct {
	Model string
	// Index is the position of the first mismatch (or, when the counts
	// differ and every common position matches, the shorter count).
	Index int
	// Spec and Imported are the feature names at Index ("" past the
	// end); Reason says what differs.
	Spec, Imported string
	Reason         string
}

// Error names the position, both names and the reason.
func (e *FeatureMismatchError) Error() string {
	return fmt.Sprintf("model: importing into %q: feature %d: the spec's features give %q, the imported model takes %q: %s (no reordering is done; declare the columns in the model's order)",
		e.Model, e.Index, e.Spec, e.Imported, e.Reason)
}

// Unwrap returns ErrFeatureMismatch.
func (e *FeatureMismatchError) Unwrap() error { return ErrFeatureMismatch }

// Import binds a model trained elsewhere to spec and returns the bundle,
// ready to Register and serve like a fitted one: rows (a sample of the
// data the model was trained on, labels included) are checked against the
// spec's contract, the features are fitted on them and the reference
// drift profile is built from them; the model itself is not trained.
//
// The features must be exactly the model's, in its order: the output
// columns of the fitted features (feature.Fitted.Names) must equal
// src.FeatureNames() position by position, and a column the model reads
// as category codes must be an Ordinal-encoded category (codes in the
// sorted order of the categories, as pandas' sorted categories give).
// The first mismatch is a *FeatureMismatchError; nothing is reordered.
// The model is stamped with the fitted features' fingerprint, so the
// bundle, once registered, loads only with these feature definitions.
//
// A spec needs no Trainer to import into. Rows that break the contract
// give a *ContractError, a missing label a *LabelError, as for Fit.
func Import[T any](ctx context.Context, spec *Spec[T], src Source, rows []T) (*Bundle[T], error) {
	spec.build()
	begin := time.Now()
	lin := Lineage{Model: spec.name, Label: spec.label.name, Rows: len(rows), Seed: spec.seed, Description: spec.description,
		Start: begin, Durations: map[string]time.Duration{}}
	if len(rows) == 0 {
		return nil, fmt.Errorf("model: importing into %q: %w", spec.name, train.ErrEmpty)
	}
	rep := spec.Bind().Validate(rows)
	if rep.Verdict == contract.Fail {
		return nil, &ContractError{Model: spec.name, Report: rep}
	}
	if _, err := spec.labels(rows); err != nil {
		return nil, err
	}
	lin.DataFingerprint = spec.fingerprint(rows)
	fitted, err := spec.features.Fit(ctx, rows)
	if err != nil {
		return nil, fmt.Errorf("model: fitting the features of %q: %w", spec.name, err)
	}
	lin.FeatureFingerprint = fitted.Fingerprint()
	if err := matchFeatures(spec.name, fitted.Names(), fitted.Categorical(), src.FeatureNames(), src.Categorical()); err != nil {
		return nil, err
	}
	m, err := src.Model(fitted.Fingerprint())
	if err != nil {
		return nil, fmt.Errorf("model: importing into %q: %w", spec.name, err)
	}
	info := m.Info()
	lin.Train = train.Record{Kind: info.Kind, Rows: len(rows), Features: info.Features, Converged: true, Start: begin,
		Params: train.Params{{Name: "imported", Str: fmt.Sprintf("%T", src)}}}
	lin.Durations["total"] = time.Since(begin)
	profile := drift.BuildProfile(rows, spec.drift, nil)
	b := &Bundle[T]{spec: spec, contract: spec.contract, features: fitted, model: m, profile: profile, lineage: lin}
	if err := b.bind(); err != nil {
		return nil, err
	}
	return b, nil
}

// matchFeatures compares the fitted features with the imported model's,
// position by position.
func matchFeatures(model string, names []string, cats []bool, imported []string, importedCats []bool) error {
	for j := range max(len(names), len(imported)) {
		e := &FeatureMismatchError{Model: model, Index: j}
		if j < len(names) {
			e.Spec = names[j]
		}
		if j < len(imported) {
			e.Imported = imported[j]
		}
		switch {
		case j >= len(names):
			e.Reason = fmt.Sprintf("the spec gives %d features, the model takes %d", len(names), len(imported))
		case j >= len(imported):
			e.Reason = fmt.Sprintf("the spec gives %d features, the model takes %d", len(names), len(imported))
		case names[j] != imported[j]:
			e.Reason = "different names"
		case j < len(importedCats) && importedCats[j] && !(j < len(cats) && cats[j]):
			e.Reason = "the model reads category codes here; declare the column as a Category with feature.Ordinal"
		default:
			continue
		}
		return e
	}
	return nil
}
