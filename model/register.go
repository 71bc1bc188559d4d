package model

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/loomml/loom/contract"
	"github.com/loomml/loom/drift"
	"github.com/loomml/loom/evaluate"
	"github.com/loomml/loom/registry"
	"github.com/loomml/loom/train"
)

// The names of the parts of a bundle in the registry. Every part is data:
// loading one runs no code from it.
const (
	PartContract = "contract" // the data contract, label included: contract JSON
	PartFeatures = "features" // the fitted feature state: feature.Fitted JSON
	PartModel    = "model"    // the model: train.Encode's checksummed layout
	PartProfile  = "profile"  // the reference drift profile: drift.Profile JSON
	PartLineage  = "lineage"  // the Lineage, JSON
)

// Tags that Register sets on every version.
const (
	TagFeatureFingerprint = "feature_fingerprint" // the fitted features' fingerprint
	TagModelKind          = "model_kind"          // the train model kind, such as "logistic"
	TagVerdict            = "verdict"             // "pass" or "fail": the evaluation gates' verdict, when the report had gates
)

// Register stores b as a new version of its model in reg, as one version
// of five parts (PartContract, PartFeatures, PartModel, PartProfile,
// PartLineage), and returns it. The version's metadata records the
// evaluation: every defined metric of rep (nil: none), the gates' verdict
// as the tag TagVerdict with its reasons in the description, the trainer's
// parameters, the data fingerprint, the Loom version and the spec's
// description. What Register stores is exactly what Load returns.
func Register[T any](ctx context.Context, reg *registry.Registry, b *Bundle[T], rep *evaluate.Report) (registry.Version, error) {
	parts := map[string][]byte{}
	var err error
	if parts[PartContract], err = b.contract.Marshal(); err != nil {
		return registry.Version{}, fmt.Errorf("model: encoding the contract of %q: %w", b.spec.name, err)
	}
	if parts[PartFeatures], err = b.features.MarshalJSON(); err != nil {
		return registry.Version{}, fmt.Errorf("model: encoding the features of %q: %w", b.spec.name, err)
	}
	if parts[PartModel], err = train.Encode(b.model); err != nil {
		return registry.Version{}, fmt.Errorf("model: encoding the model of %q: %w", b.spec.name, err)
	}
	if parts[PartProfile], err = json.Marshal(b.profile); err != nil {
		return registry.Version{}, fmt.Errorf("model: encoding the profile of %q: %w", b.spec.name, err)
	}
	if parts[PartLineage], err = json.Marshal(b.lineage); err != nil {
		return registry.Version{}, fmt.Errorf("model: encoding the lineage of %q: %w", b.spec.name, err)
	}
	rec := b.lineage.Train
	md := registry.Metadata{
		DataFingerprint: b.lineage.DataFingerprint,
		SourceVersion:   rec.LoomVersion,
		Description:     b.lineage.Description,
		Tags:            map[string]string{TagFeatureFingerprint: b.features.Fingerprint(), TagModelKind: b.model.Info().Kind},
	}
	if len(rec.Params) > 0 {
		md.Params = map[string]string{}
		for _, p := range rec.Params {
			md.Params[p.Name] = strings.TrimPrefix(p.String(), p.Name+"=")
		}
	}
	if rep != nil {
		md.Metrics = map[string]float64{}
		for _, mv := range rep.Metrics {
			if mv.Defined() {
				md.Metrics[mv.Metric] = mv.Value
			}
		}
		if v := rep.Verdict; v != nil {
			md.Tags[TagVerdict] = "fail"
			if v.Pass {
				md.Tags[TagVerdict] = "pass"
			} else {
				md.Description = strings.TrimSpace(md.Description + "\nGates failed: " + strings.Join(v.Reasons, "; "))
			}
		}
	}
	return reg.Register(ctx, b.spec.name, parts, md)
}

// Load reads version v of spec's model from reg and binds it to spec, the
// Go declaration it was fitted with. Every part is verified against its
// hash by the registry; the fitted features must match the spec's feature
// definitions, the model must have been fitted on exactly those features,
// the contract must bind to T with the spec's predicates, and the label
// must be the spec's: any mismatch is an error wrapping ErrArtifact, never
// a bundle that mis-scores. The contract is the one stored, as fitted.
// Loading runs no code from the artifact.
func Load[T any](ctx context.Context, reg *registry.Registry, v registry.Version, spec *Spec[T]) (*Bundle[T], error) {
	spec.build()
	if v.Model != spec.name {
		return nil, fmt.Errorf("%w: version %d is of model %q, the spec is %q", ErrArtifact, v.Number, v.Model, spec.name)
	}
	parts, err := reg.ReadParts(ctx, v)
	if err != nil {
		return nil, err
	}
	where := fmt.Sprintf("model %q version %d", v.Model, v.Number)
	bad := func(part string, err error) error {
		return fmt.Errorf("%w: %s: part %q: %w", ErrArtifact, where, part, err)
	}
	for _, name := range []string{PartContract, PartFeatures, PartModel, PartProfile, PartLineage} {
		if _, ok := parts[name]; !ok {
			return nil, fmt.Errorf("%w: %s has no %q part (parts: %s)", ErrArtifact, where, name, strings.Join(slices.Sorted(maps.Keys(parts)), ", "))
		}
	}
	b := &Bundle[T]{spec: spec, version: v, profile: new(drift.Profile)}
	if b.contract, err = contract.Parse(parts[PartContract]); err != nil {
		return nil, bad(PartContract, err)
	}
	if f := b.contract.Field(spec.label.name); f == nil {
		return nil, bad(PartContract, fmt.Errorf("no field for the spec's label %q", spec.label.name))
	}
	if b.features, err = spec.features.Decode(parts[PartFeatures]); err != nil {
		return nil, bad(PartFeatures, err)
	}
	if b.model, err = train.Decode(parts[PartModel]); err != nil {
		return nil, bad(PartModel, err)
	}
	if err := json.Unmarshal(parts[PartProfile], b.profile); err != nil {
		return nil, bad(PartProfile, err)
	}
	if err := json.Unmarshal(parts[PartLineage], &b.lineage); err != nil {
		return nil, bad(PartLineage, err)
	}
	if b.lineage.Label != spec.label.name {
		return nil, bad(PartLineage, fmt.Errorf("fitted with label %q, the spec's is %q", b.lineage.Label, spec.label.name))
	}
	if err := b.bind(); err != nil {
		return nil, fmt.Errorf("%s: %w", where, err)
	}
	return b, nil
}

// LoadAlias loads the version that alias of spec's model points at.
func LoadAlias[T any](ctx context.Context, reg *registry.Registry, alias string, spec *Spec[T]) (*Bundle[T], error) {
	v, err := reg.Resolve(ctx, spec.name, alias)
	if err != nil {
		return nil, err
	}
	return Load(ctx, reg, v, spec)
}

// Gate returns a registry promotion gate that checks gates against the
// metrics Register recorded: the candidate version's for every gate, and
// the incumbent's (the version the alias points at) as the baseline of
// Relative gates, which fail when there is no incumbent. Slice gates need
// per-slice metrics, which versions do not record: check them on the
// evaluation report, whose verdict Register records as TagVerdict.
//
//	err := reg.Promote(ctx, "churn", "champion", v.Number, "weekly retrain", model.Gate(gates...))
func Gate(gates ...evaluate.Gate) registry.Gate {
	if err := evaluate.ValidateGates(gates); err != nil {
		panic(fmt.Sprintf("model: Gate: %v", err))
	}
	gs := slices.Clone(gates)
	return registry.GateFunc(func(ctx context.Context, cand registry.Version, inc *registry.Version) error {
		ev := evaluate.Evidence{Metrics: cand.Metadata.Metrics}
		if inc != nil {
			ev.Baseline = inc.Metadata.Metrics
		}
		v := evaluate.Check(gs, ev)
		if !v.Pass {
			return errors.New(strings.Join(v.Reasons, "; "))
		}
		return nil
	})
}
