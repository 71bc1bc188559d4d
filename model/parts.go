package model

import (
	"github.com/loomml/loom/drift"
	"github.com/loomml/loom/feature"
)

// FeatureSet returns the feature set the declaration makes, for fitting
// it in shards (feature.Set.Begin), as package
// github.com/loomml/loom/beam does on Apache Beam workers. It freezes the
// spec. Fit fits the same set.
func (s *Spec[T]) FeatureSet() *feature.Set[T] {
	s.build()
	return s.features
}

// DriftColumns returns the columns the declaration monitors for drift,
// for building the reference profile in shards (drift.BuildProfile on
// each, then drift.Profile.Merge), as Fit builds it over all rows. It
// freezes the spec. Do not modify the slice.
func (s *Spec[T]) DriftColumns() []drift.Column[T] {
	s.build()
	return s.drift
}
