package xgboost

import (
	"encoding/binary"
	"fmt"
	"math"

	"github.com/loomml/loom/train"
	"github.com/loomml/loom/train/tree"
)

// LinearKind is the model kind of XGBoost's linear booster (gblinear),
// registered with package train in init. No linear model of package train
// fits: gblinear skips a missing feature (it adds nothing to the margin),
// where train's linear models take no missing values, and its
// softmax and log links differ.
const LinearKind = "xgboost_linear"

func init() { train.Register(LinearKind, decodeLinear) }

// Linear is the model of XGBoost's gblinear booster: per output k, the
// margin base[k] + bias[k] + Σ_j w[j][k]·x[j] over the features that are
// not missing (NaN), mapped by the link of the objective. It computes in
// float32 as XGBoost's predictor does (each x[j] converted to float32,
// each product and each partial sum rounded to float32, the features in
// order), and rounds its predictions and probabilities to float32, so
// that its margins equal XGBoost's bit for bit. Its Model method gives
// the train.Model to score with. It is immutable and safe for concurrent
// use.
type Linear struct {
	features, outputs int
	link              tree.Link
	classes           []float64
	base              []float64
	// weights[j*outputs+k] weighs feature j in output k; the last
	// outputs entries are the biases.
	weights     []float64
	fingerprint string
}

func (l *Linear) check() error {
	if l.features < 1 || l.outputs < 1 || len(l.weights) != (l.features+1)*l.outputs || len(l.base) != l.outputs {
		return fmt.Errorf("%d weights and %d base margins for %d features and %d outputs", len(l.weights), len(l.base), l.features, l.outputs)
	}
	switch l.link {
	case tree.Identity, tree.Exp:
		if len(l.classes) != 0 || l.outputs != 1 {
			return fmt.Errorf("%v link with %d classes and %d outputs", l.link, len(l.classes), l.outputs)
		}
	case tree.Logistic:
		if (len(l.classes) != 0 && len(l.classes) != 2) || l.outputs != 1 {
			return fmt.Errorf("logistic link with %d classes and %d outputs", len(l.classes), l.outputs)
		}
	case tree.Softmax:
		if len(l.classes) < 3 || l.outputs != len(l.classes) {
			return fmt.Errorf("softmax link with %d classes and %d outputs", len(l.classes), l.outputs)
		}
	default:
		return fmt.Errorf("link %v", l.link)
	}
	for i, c := range l.classes {
		if c != float64(i) {
			return fmt.Errorf("class labels %v, want 0 to %d", l.classes, len(l.classes)-1)
		}
	}
	for _, v := range append(l.base[:len(l.base):len(l.base)], l.weights...) {
		if math.IsNaN(v) || math.IsInf(v, 0) || float64(float32(v)) != v {
			return fmt.Errorf("weight or base margin %v is not a finite float32 value", v)
		}
	}
	return nil
}

// Outputs returns the number of raw margins.
func (l *Linear) Outputs() int { return l.outputs }

// Raw writes the margins of x into dst[:Outputs()] and returns it. It does
// not allocate and panics when x has the wrong width or dst is too short.
func (l *Linear) Raw(dst, x []float64) []float64 {
	if len(x) != l.features {
		panic(fmt.Sprintf("xgboost: linear model expects %d features, got %d", l.features, len(x)))
	}
	dst = dst[:l.outputs]
	bias := l.weights[l.features*l.outputs:]
	for k := range dst {
		dst[k] = float64(float32(bias[k]) + float32(l.base[k]))
	}
	for j, v := range x {
		if v != v {
			continue
		}
		v32 := float32(v)
		w := l.weights[j*l.outputs : (j+1)*l.outputs]
		for k := range dst {
			// The conversions round the product and the sum apart, as
			// XGBoost's float arithmetic does (no fused multiply-add).
			dst[k] = float64(float32(dst[k]) + float32(v32*float32(w[k])))
		}
	}
	return dst
}

// round32 rounds a prediction to float32, as XGBoost's are.
func round32(v float64) float64 { return float64(float32(v)) }

func (l *Linear) margin1(x []float64) float64 {
	var z [1]float64
	return l.Raw(z[:], x)[0]
}

// NativeMissing reports true: a missing feature (NaN) adds nothing.
func (l *Linear) NativeMissing() bool { return true }

// Model returns the train.Model of l: a *LinearClassifier when it has
// classes, else a *LinearRegressor.
func (l *Linear) Model() train.Model {
	if len(l.classes) > 0 {
		return &LinearClassifier{l}
	}
	return &LinearRegressor{l}
}

func (l *Linear) info() train.Info {
	return train.Info{Kind: LinearKind, Features: l.features, Classes: l.classes, FeatureFingerprint: l.fingerprint}
}

// LinearRegressor is the train.Model of a gblinear regressor.
type LinearRegressor struct{ *Linear }

// Info describes the model.
func (r *LinearRegressor) Info() train.Info { return r.info() }

// Predict returns the margin of x mapped by the link: the margin itself,
// exp(margin) or 1/(1+exp(-margin)), rounded to float32. It does not
// allocate.
func (r *LinearRegressor) Predict(x []float64) float64 {
	z := r.margin1(x)
	switch r.link {
	case tree.Exp:
		return round32(math.Exp(z))
	case tree.Logistic:
		return round32(tree.Expit(z))
	}
	return z
}

// LinearClassifier is the train.Classifier of a gblinear classifier.
type LinearClassifier struct{ *Linear }

// Info describes the model.
func (c *LinearClassifier) Info() train.Info { return c.info() }

// Predict returns the most probable class of x (the first on a tie). It
// does not allocate when there are at most 64 classes.
func (c *LinearClassifier) Predict(x []float64) float64 {
	if c.link == tree.Logistic {
		if c.margin1(x) > 0 {
			return c.classes[1]
		}
		return c.classes[0]
	}
	var buf [64]float64
	var z []float64
	if c.outputs <= len(buf) {
		z = buf[:c.outputs]
	} else {
		z = make([]float64, c.outputs)
	}
	c.Raw(z, x)
	best := 0
	for k, v := range z {
		if v > z[best] {
			best = k
		}
	}
	return c.classes[best]
}

// PredictProba writes the class probabilities of x, rounded to float32,
// into dst[:len(Classes)] and returns it. It does not allocate.
func (c *LinearClassifier) PredictProba(dst, x []float64) []float64 {
	k := len(c.classes)
	if len(dst) < k {
		panic(fmt.Sprintf("xgboost: PredictProba dst must hold %d classes, got %d", k, len(dst)))
	}
	dst = dst[:k]
	if c.link == tree.Logistic {
		p := tree.Expit(c.margin1(x))
		dst[0], dst[1] = round32(1-p), round32(p)
		return dst
	}
	tree.SoftmaxInPlace(c.Raw(dst, x))
	for k, p := range dst {
		dst[k] = round32(p)
	}
	return dst
}

var (
	_ train.Classifier    = (*LinearClassifier)(nil)
	_ train.Model         = (*LinearRegressor)(nil)
	_ train.NativeMissing = (*Linear)(nil)
)

const linearVersion = 1

// MarshalBinary writes the payload of train.Encode, little-endian:
//
//	u8 version (1), u8 link (a tree.Link)
//	u32 outputs m
//	u32 classes k, k × f64 labels
//	m × f64 base margins
//	(features+1)·m × f64 weights, feature-major, the biases last
func (l *Linear) MarshalBinary() ([]byte, error) {
	le := binary.LittleEndian
	b := make([]byte, 0, 10+8*(len(l.classes)+len(l.base)+len(l.weights)))
	b = append(b, linearVersion, byte(l.link))
	b = le.AppendUint32(b, uint32(l.outputs))
	b = le.AppendUint32(b, uint32(len(l.classes)))
	for _, v := range l.classes {
		b = le.AppendUint64(b, math.Float64bits(v))
	}
	for _, v := range append(l.base[:len(l.base):len(l.base)], l.weights...) {
		b = le.AppendUint64(b, math.Float64bits(v))
	}
	return b, nil
}

func decodeLinear(info train.Info, p []byte) (train.Model, error) {
	bad := func(msg string) error { return fmt.Errorf("%w: xgboost linear payload: %s", train.ErrCorrupt, msg) }
	if len(p) < 10 {
		return nil, bad("truncated header")
	}
	if p[0] != linearVersion {
		return nil, bad(fmt.Sprintf("version %d, this build reads %d", p[0], linearVersion))
	}
	le := binary.LittleEndian
	l := &Linear{features: info.Features, link: tree.Link(p[1]), fingerprint: info.FeatureFingerprint}
	m, k := uint64(le.Uint32(p[2:])), uint64(le.Uint32(p[6:]))
	rest := p[10:]
	if info.Features < 1 || m == 0 || m > uint64(len(rest))/8 || k > uint64(len(rest))/8 {
		return nil, bad("bad sizes")
	}
	need := k + m + (uint64(info.Features)+1)*m
	if need*8 != uint64(len(rest)) {
		return nil, bad(fmt.Sprintf("%d bytes for %d floats", len(rest), need))
	}
	vals := make([]float64, need)
	for i := range vals {
		vals[i] = math.Float64frombits(le.Uint64(rest[8*i:]))
	}
	l.outputs = int(m)
	if k > 0 {
		l.classes = vals[:k]
	}
	l.base, l.weights = vals[k:k+m], vals[k+m:]
	if err := l.check(); err != nil {
		return nil, bad(err.Error())
	}
	return l.Model(), nil
}
