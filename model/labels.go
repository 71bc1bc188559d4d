package model

// LabelName returns the name of the label column. It freezes the spec.
func (s *Spec[T]) LabelName() string {
	s.build()
	return s.label.name
}

// Labels returns the label of every row, as Fit reads them, for fitting
// in shards (package github.com/loomml/loom/beam materialises them next
// to the feature matrix): a missing or non-finite label is a *LabelError
// naming the row's index in rows. It freezes the spec.
func (s *Spec[T]) Labels(rows []T) ([]float64, error) {
	s.build()
	return s.labels(rows)
}
