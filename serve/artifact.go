package serve

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/loomml/loom/contract"
	"github.com/loomml/loom/drift"
	"github.com/loomml/loom/feature"
	"github.com/loomml/loom/registry"
	"github.com/loomml/loom/train"
)

// The names of the parts of a model artifact in the registry.
const (
	PartContract = "contract" // the data contract, contract JSON
	PartFeatures = "features" // the fitted feature state, feature.Fitted JSON
	PartModel    = "model"    // the model, train.Encode's checksummed layout
	PartProfile  = "profile"  // the reference profile for drift, drift.Profile JSON
)

// ErrArtifact reports a registry version that is not a valid model
// artifact: a missing or undecodable part, or parts that do not belong
// together. It arrives wrapped with the version and part.
var ErrArtifact = errors.New("serve: invalid model artifact")

// Artifact is a trained pipeline as one deployable unit: the data contract
// requests must meet, the fitted features and the model fitted on them,
// with an optional reference profile for drift monitoring. Register stores
// it as one registry version; Load brings it back as a Scorer.
type Artifact[T any] struct {
	Contract *contract.Contract // optional, recommended
	Features *feature.Fitted[T]
	Model    train.Model
	Profile  *drift.Profile // optional
}

// Register stores a as a new version of model name in reg, with metadata
// md. It refuses an artifact whose model was not fitted on these features
// (train.Verify) and records the feature fingerprint and model kind as tags
// ("feature_fingerprint", "model_kind").
func Register[T any](ctx context.Context, reg *registry.Registry, name string, a Artifact[T], md registry.Metadata) (registry.Version, error) {
	if a.Features == nil || a.Model == nil {
		return registry.Version{}, fmt.Errorf("%w: features and model are required", ErrArtifact)
	}
	if err := train.Verify(a.Model, a.Features.Width(), a.Features.Fingerprint()); err != nil {
		return registry.Version{}, fmt.Errorf("%w: %w", ErrArtifact, err)
	}
	feats, err := a.Features.MarshalJSON()
	if err != nil {
		return registry.Version{}, fmt.Errorf("serve: encoding features: %w", err)
	}
	model, err := train.Encode(a.Model)
	if err != nil {
		return registry.Version{}, fmt.Errorf("serve: encoding model: %w", err)
	}
	parts := map[string][]byte{PartFeatures: feats, PartModel: model}
	if a.Contract != nil {
		if parts[PartContract], err = a.Contract.Marshal(); err != nil {
			return registry.Version{}, fmt.Errorf("%w: %w", ErrArtifact, err)
		}
	}
	if a.Profile != nil {
		if parts[PartProfile], err = json.Marshal(a.Profile); err != nil {
			return registry.Version{}, fmt.Errorf("serve: encoding profile: %w", err)
		}
	}
	tags := map[string]string{"feature_fingerprint": a.Features.Fingerprint(), "model_kind": a.Model.Info().Kind}
	for k, v := range md.Tags {
		tags[k] = v
	}
	md.Tags = tags
	return reg.Register(ctx, name, parts, md)
}

// Loaded is a Scorer loaded from the registry with the rest of its
// artifact.
type Loaded[T any] struct {
	Scorer  *Scorer[T]
	Version registry.Version
	Profile *drift.Profile // nil when the artifact has none
}

// Definition is the part of a model that is Go code rather than data: the
// feature set the model was trained with and the predicates of the
// contract's custom checks. Load binds stored state to it.
type Definition[T any] struct {
	Features   *feature.Set[T]
	Predicates []contract.Predicate[T]
}

// Load reads version v of its model from reg and binds it to def, the
// feature definitions in Go code the model was trained with. Every part is
// verified against its hash by the registry; the fitted state must match
// set's definitions, and the model must have been fitted on exactly these
// features (its fingerprint): any mismatch is an error wrapping
// ErrArtifact, never a silently mis-scoring scorer. Loading runs no code
// from the artifact: parts are data only.
func Load[T any](ctx context.Context, reg *registry.Registry, v registry.Version, def Definition[T]) (*Loaded[T], error) {
	parts, err := reg.ReadParts(ctx, v)
	if err != nil {
		return nil, err
	}
	where := fmt.Sprintf("model %q version %d", v.Model, v.Number)
	need := func(name string) ([]byte, error) {
		b, ok := parts[name]
		if !ok {
			return nil, fmt.Errorf("%w: %s has no %q part", ErrArtifact, where, name)
		}
		return b, nil
	}
	fb, err := need(PartFeatures)
	if err != nil {
		return nil, err
	}
	if def.Features == nil {
		panic("serve: Load needs the feature set in Definition.Features")
	}
	fitted, err := def.Features.Decode(fb)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: part %q: %w", ErrArtifact, where, PartFeatures, err)
	}
	mb, err := need(PartModel)
	if err != nil {
		return nil, err
	}
	model, err := train.Decode(mb)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: part %q: %w", ErrArtifact, where, PartModel, err)
	}
	var bound *contract.Bound[T]
	if cb, ok := parts[PartContract]; ok {
		c, err := contract.Parse(cb)
		if err != nil {
			return nil, fmt.Errorf("%w: %s: part %q: %w", ErrArtifact, where, PartContract, err)
		}
		if bound, err = contract.Bind(c, def.Predicates...); err != nil {
			return nil, fmt.Errorf("%w: %s: part %q: %w", ErrArtifact, where, PartContract, err)
		}
	}
	out := &Loaded[T]{Version: v}
	if pb, ok := parts[PartProfile]; ok {
		out.Profile = new(drift.Profile)
		if err := json.Unmarshal(pb, out.Profile); err != nil {
			return nil, fmt.Errorf("%w: %s: part %q: %w", ErrArtifact, where, PartProfile, err)
		}
	}
	meta := map[string]string{"hash": v.Hash, "created_at": v.CreatedAt.Format("2006-01-02T15:04:05Z07:00"), "created_by": v.CreatedBy}
	for k, val := range v.Metadata.Tags {
		meta["tag."+k] = val
	}
	for k, val := range v.Metadata.Metrics {
		meta["metric."+k] = strconv.FormatFloat(val, 'g', -1, 64)
	}
	out.Scorer, err = NewScorer(Parts[T]{Name: v.Model, Version: v.Number, Contract: bound, Features: fitted, Model: model, Metadata: meta})
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrArtifact, where, err)
	}
	return out, nil
}

// LoadAlias loads the version that alias of model points at.
func LoadAlias[T any](ctx context.Context, reg *registry.Registry, model, alias string, def Definition[T]) (*Loaded[T], error) {
	v, err := reg.Resolve(ctx, model, alias)
	if err != nil {
		return nil, err
	}
	return Load(ctx, reg, v, def)
}

// Follow keeps w serving the version that alias of model points at: it
// loads the current target before returning, then swaps in every new target
// as the registry reports it (registry.Watch: within a second, even when
// another process moves the alias), until ctx is done. Requests in flight
// finish on the scorer they started with. A version that fails to load is
// reported to onError (if set) and the current scorer keeps serving;
// nothing half-loaded is ever served.
func Follow[T any](ctx context.Context, reg *registry.Registry, model, alias string, def Definition[T], w *Swap[T], onError func(error)) error {
	l, err := LoadAlias(ctx, reg, model, alias, def)
	if err != nil {
		return err
	}
	w.Store(l.Scorer)
	changes, err := reg.Watch(ctx, model, alias)
	if err != nil {
		return err
	}
	go func() {
		for c := range changes {
			cur := w.Current()
			if c.Version == 0 || (cur != nil && cur.info.Version == c.Version) {
				continue
			}
			v, err := reg.Get(ctx, model, c.Version)
			if err == nil {
				l, err = Load(ctx, reg, v, def)
			}
			if err != nil {
				if onError != nil && ctx.Err() == nil {
					onError(fmt.Errorf("serve: following %s@%s to version %d: %w", model, alias, c.Version, err))
				}
				continue
			}
			w.Store(l.Scorer)
		}
	}()
	return nil
}
