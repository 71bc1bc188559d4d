package tree

import "github.com/loomml/loom/train"

// NativeMissing reports true: a tree sends NaN where training sent missing
// values, and splits categorical columns on sets of codes.
func (e *Ensemble) NativeMissing() bool { return true }

var _ train.NativeMissing = (*Classifier)(nil)
