package gbdt

import "github.com/loomml/loom/train"

// NativeMissing reports true: the classifier learns where missing values
// go and splits categorical columns natively (see train.NativeMissing).
func (Classifier) NativeMissing() bool { return true }

// NativeMissing reports true: the regressor learns where missing values go
// and splits categorical columns natively (see train.NativeMissing).
func (Regressor) NativeMissing() bool { return true }

var (
	_ train.NativeMissing = Classifier{}
	_ train.NativeMissing = Regressor{}
)
