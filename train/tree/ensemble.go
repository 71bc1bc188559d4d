package tree

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/loomml/loom/train"
)

// Link maps an ensemble's raw margins to predictions.
type Link uint8

// Links of the losses Loom's tree trainers fit.
const (
	// Identity predicts the raw margin: squared and absolute error.
	Identity Link = iota
	// Exp predicts exp(margin): Poisson regression.
	Exp
	// Logistic gives a binary classifier with P(second class) =
	// 1/(1+exp(-margin)); without classes, a regressor predicting
	// 1/(1+exp(-margin)) (XGBoost's reg:logistic).
	Logistic
	// Softmax gives a multinomial classifier with one margin per class.
	Softmax
	// Probability gives a classifier whose margins are already class
	// probabilities, as when trees average the class frequencies of
	// their leaves (random forests): with two classes one margin, the
	// probability of the second class, clamped to [0, 1]; with more,
	// one margin per class, clamped at 0 and normalised to sum 1.
	Probability
)

var linkNames = [...]string{"identity", "exp", "logistic", "softmax", "probability"}

// String returns the link's name.
func (l Link) String() string {
	if int(l) < len(linkNames) {
		return linkNames[l]
	}
	return fmt.Sprintf("Link(%d)", uint8(l))
}

// Spec describes an ensemble for New: what trainers and importers build.
type Spec struct {
	// Features is the number of columns a row has.
	Features int
	// Classes lists the class labels, strictly increasing: two for
	// Logistic (or none for a logistic regressor), three or more for
	// Softmax, two or more for Probability, none for Identity and Exp.
	Classes []float64
	// Link maps the raw margins to predictions.
	Link Link
	// Base holds the starting raw margin of each output (one per class
	// for Softmax and for Probability with three or more classes, else
	// one), added to the trees' leaf values.
	Base []float64
	// Trees are the trees, in the order their values are summed (for a
	// multinomial model, the usual order is one tree per class per
	// iteration).
	Trees []Tree
	// FeatureFingerprint is copied into the model's train.Info.
	FeatureFingerprint string
	// Float32 makes the ensemble compute as XGBoost's CPU predictor does:
	// its base margins and leaf values are float32 values (New rejects
	// others), the margin of each output is summed in float32, starting
	// from the base margin and adding the leaf values in the order of
	// Trees, and every prediction and probability is rounded to float32.
	// The XGBoost importer sets it, so that imported margins equal
	// XGBoost's bit for bit; without it margins are summed in float64.
	Float32 bool
}

// ErrInvalid reports a Spec that New rejects; decoding wraps
// train.ErrCorrupt instead.
var ErrInvalid = errors.New("tree: invalid ensemble")

// Ensemble is an immutable sum of regression trees with a link: the model
// representation shared by Loom's tree trainers and importers. Its Model
// method gives the train.Model to score with.
type Ensemble struct {
	spec    Spec
	outputs int
	// order lists tree indices grouped by class; classStart[k] is the
	// start of class k's group in order.
	order      []int32
	classStart []int32
	fast       fast // prediction form of the trees
}

// New checks s and returns the ensemble. It keeps s's slices, which the
// caller must not modify afterwards. An invalid spec (a child index not
// after its parent, a feature out of range, a NaN threshold or leaf
// value, a bitset out of bounds, a class out of range, labels not
// strictly increasing, a link that does not fit the classes, under
// Float32 a base margin or leaf value that is not a float32 value) gives
// an error wrapping ErrInvalid naming the tree and node.
func New(s Spec) (*Ensemble, error) {
	e, err := build(s)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	return e, nil
}

// build checks s and indexes its trees by class.
func build(s Spec) (*Ensemble, error) {
	outputs, err := checkHeader(&s)
	if err != nil {
		return nil, err
	}
	for ti := range s.Trees {
		if err := checkTree(&s.Trees[ti], s.Features, outputs, s.Float32); err != nil {
			return nil, fmt.Errorf("tree %d: %v", ti, err)
		}
	}
	e := &Ensemble{spec: s, outputs: outputs, order: make([]int32, len(s.Trees)), classStart: make([]int32, outputs+1)}
	for _, t := range s.Trees {
		e.classStart[t.Class+1]++
	}
	for k := range outputs {
		e.classStart[k+1] += e.classStart[k]
	}
	next := slices.Clone(e.classStart[:outputs])
	for ti, t := range s.Trees {
		e.order[next[t.Class]] = int32(ti)
		next[t.Class]++
	}
	e.fast = compile(&e.spec, e.order, e.classStart, preferChunks)
	return e, nil
}

func checkHeader(s *Spec) (int, error) {
	if s.Features < 1 || s.Features > math.MaxInt32 {
		return 0, fmt.Errorf("%d features", s.Features)
	}
	outputs := 1
	switch s.Link {
	case Identity, Exp:
		if len(s.Classes) != 0 {
			return 0, fmt.Errorf("%v link with %d classes, want none", s.Link, len(s.Classes))
		}
	case Logistic:
		if len(s.Classes) != 2 && len(s.Classes) != 0 {
			return 0, fmt.Errorf("logistic link with %d classes, want 2 (or none for a regressor)", len(s.Classes))
		}
	case Softmax:
		if len(s.Classes) < 3 {
			return 0, fmt.Errorf("softmax link with %d classes, want at least 3", len(s.Classes))
		}
		outputs = len(s.Classes)
	case Probability:
		if len(s.Classes) < 2 {
			return 0, fmt.Errorf("probability link with %d classes, want at least 2", len(s.Classes))
		}
		if len(s.Classes) > 2 {
			outputs = len(s.Classes)
		}
	default:
		return 0, fmt.Errorf("unknown link %d", s.Link)
	}
	for i, c := range s.Classes {
		if math.IsNaN(c) || math.IsInf(c, 0) || (i > 0 && !(c > s.Classes[i-1])) {
			return 0, fmt.Errorf("class labels %v are not finite and strictly increasing", s.Classes)
		}
	}
	if len(s.Base) != outputs {
		return 0, fmt.Errorf("%d base margins for %d outputs", len(s.Base), outputs)
	}
	for k, b := range s.Base {
		if math.IsNaN(b) || math.IsInf(b, 0) {
			return 0, fmt.Errorf("base margin %d is %v", k, b)
		}
		if s.Float32 && !isFloat32(b) {
			return 0, fmt.Errorf("base margin %d is %v, not a float32 value (Float32 sums)", k, b)
		}
	}
	return outputs, nil
}

// isFloat32 reports whether v is a float32 value: converting it to
// float32 and back leaves it unchanged.
func isFloat32(v float64) bool { return float64(float32(v)) == v }

func checkTree(t *Tree, features, outputs int, f32 bool) error {
	if t.Class < 0 || t.Class >= outputs {
		return fmt.Errorf("class %d of %d outputs", t.Class, outputs)
	}
	n := len(t.Nodes)
	if n == 0 || n > math.MaxInt32 {
		return fmt.Errorf("%d nodes", n)
	}
	if t.Gain != nil && len(t.Gain) != n {
		return fmt.Errorf("%d gains for %d nodes", len(t.Gain), n)
	}
	if t.Cover != nil && len(t.Cover) != n {
		return fmt.Errorf("%d covers for %d nodes", len(t.Cover), n)
	}
	for i := range t.Nodes {
		nd := &t.Nodes[i]
		if t.Gain != nil && (math.IsNaN(t.Gain[i]) || math.IsInf(t.Gain[i], 0)) {
			return fmt.Errorf("node %d: gain %v", i, t.Gain[i])
		}
		if t.Cover != nil && !(t.Cover[i] >= 0 && t.Cover[i] < math.Inf(1)) {
			return fmt.Errorf("node %d: cover %v", i, t.Cover[i])
		}
		if nd.Feature < 0 {
			if nd.Feature != -1 || nd.Left != 0 || nd.Flags != 0 || nd.CatOffset != 0 || nd.CatWords != 0 {
				return fmt.Errorf("node %d: leaf with split fields set", i)
			}
			if math.IsNaN(nd.Value) || math.IsInf(nd.Value, 0) {
				return fmt.Errorf("node %d: leaf value %v", i, nd.Value)
			}
			if f32 && !isFloat32(nd.Value) {
				return fmt.Errorf("node %d: leaf value %v is not a float32 value (Float32 sums)", i, nd.Value)
			}
			continue
		}
		if int(nd.Feature) >= features {
			return fmt.Errorf("node %d: feature %d of %d", i, nd.Feature, features)
		}
		if int(nd.Left) <= i || int(nd.Left) >= n-1 {
			return fmt.Errorf("node %d: children %d and %d outside (%d, %d)", i, nd.Left, int64(nd.Left)+1, i, n)
		}
		if nd.Flags&^knownFlags != 0 {
			return fmt.Errorf("node %d: unknown flags %#x", i, uint8(nd.Flags))
		}
		if nd.Flags&Categorical != 0 {
			if nd.CatWords == 0 || uint64(nd.CatOffset)+uint64(nd.CatWords) > uint64(len(t.Cats)) {
				return fmt.Errorf("node %d: bitset [%d, %d+%d) outside %d words", i, nd.CatOffset, nd.CatOffset, nd.CatWords, len(t.Cats))
			}
			if nd.Value != 0 {
				return fmt.Errorf("node %d: categorical split with threshold %v", i, nd.Value)
			}
			if nd.Flags&ZeroMissing != 0 {
				return fmt.Errorf("node %d: categorical split flagged ZeroMissing", i)
			}
			continue
		}
		if nd.CatOffset != 0 || nd.CatWords != 0 {
			return fmt.Errorf("node %d: numeric split with a bitset", i)
		}
		if math.IsNaN(nd.Value) || math.IsInf(nd.Value, -1) {
			return fmt.Errorf("node %d: threshold %v", i, nd.Value)
		}
	}
	return nil
}

// Spec returns the ensemble's description. Its slices are shared and
// must not be modified.
func (e *Ensemble) Spec() Spec { return e.spec }

// Outputs returns the number of raw margins: the number of classes of a
// multinomial model, else 1.
func (e *Ensemble) Outputs() int { return e.outputs }

// Len returns the number of trees.
func (e *Ensemble) Len() int { return len(e.spec.Trees) }

func (e *Ensemble) check(x []float64) {
	if len(x) != e.spec.Features {
		panic(fmt.Sprintf("tree: ensemble expects %d features, got %d", e.spec.Features, len(x)))
	}
}

// margin returns the raw margin of output k for x: the base margin plus
// the leaf values, added in float32 under Spec.Float32.
func (e *Ensemble) margin(k int, x []float64) float64 {
	if e.spec.Float32 {
		return float64(sum(e, k, x, float32(e.spec.Base[k])))
	}
	return e.spec.Base[k] + sum(e, k, x, 0.0)
}

// out rounds a prediction to float32 under Spec.Float32.
func (e *Ensemble) out(v float64) float64 {
	if e.spec.Float32 {
		return float64(float32(v))
	}
	return v
}

// Raw writes the raw margins of x (before the link) into dst[:Outputs()]
// and returns that slice. It does not allocate and panics when dst is too
// short or x has the wrong width.
func (e *Ensemble) Raw(dst, x []float64) []float64 {
	e.check(x)
	if len(dst) < e.outputs {
		panic(fmt.Sprintf("tree: Raw dst must hold %d outputs, got %d", e.outputs, len(dst)))
	}
	dst = dst[:e.outputs]
	if e.outputs == 1 {
		dst[0] = e.margin(0, x)
		return dst
	}
	for k := range dst {
		dst[k] = e.margin(k, x)
	}
	return dst
}

// Leaves writes the index of the leaf x reaches in each tree into
// dst[:Len()] and returns that slice (LightGBM's pred_leaf, XGBoost's
// apply). It panics when dst is too short.
func (e *Ensemble) Leaves(dst []int, x []float64) []int {
	e.check(x)
	dst = dst[:len(e.spec.Trees)]
	for i := range e.spec.Trees {
		dst[i] = int(e.spec.Trees[i].leaf(x))
	}
	return dst
}

// predict returns the prediction of one row: the class label of a
// classifier, the linked margin of a regressor.
func (e *Ensemble) predict(x []float64) float64 {
	e.check(x)
	switch e.spec.Link {
	case Identity:
		return e.margin(0, x)
	case Exp:
		return e.out(math.Exp(e.margin(0, x)))
	case Logistic:
		if len(e.spec.Classes) == 0 {
			return e.out(Expit(e.margin(0, x)))
		}
		if e.margin(0, x) > 0 {
			return e.spec.Classes[1]
		}
		return e.spec.Classes[0]
	case Probability:
		if e.outputs == 1 {
			if e.margin(0, x) > 0.5 {
				return e.spec.Classes[1]
			}
			return e.spec.Classes[0]
		}
	}
	best, bestZ := 0, math.Inf(-1)
	for k := range e.outputs {
		if z := e.margin(k, x); z > bestZ {
			best, bestZ = k, z
		}
	}
	return e.spec.Classes[best]
}

// proba writes class probabilities into dst.
func (e *Ensemble) proba(dst, x []float64) []float64 {
	e.check(x)
	k := len(e.spec.Classes)
	if len(dst) < k {
		panic(fmt.Sprintf("tree: PredictProba dst must hold %d classes, got %d", k, len(dst)))
	}
	dst = dst[:k]
	switch {
	case e.spec.Link == Logistic:
		p1 := Expit(e.margin(0, x))
		dst[0], dst[1] = 1-p1, p1
	case e.spec.Link == Probability && e.outputs == 1:
		p1 := min(max(e.margin(0, x), 0), 1)
		dst[0], dst[1] = 1-p1, p1
	case e.spec.Link == Probability:
		normalize(e.Raw(dst, x))
	default:
		SoftmaxInPlace(e.Raw(dst, x))
	}
	if e.spec.Float32 {
		for j, p := range dst {
			dst[j] = float64(float32(p))
		}
	}
	return dst
}

// normalize clamps p at 0 and scales it to sum 1 (uniform when nothing
// is left): the inverse of the Probability link.
func normalize(p []float64) {
	sum := 0.0
	for j, v := range p {
		p[j] = max(v, 0)
		sum += p[j]
	}
	if sum == 0 {
		for j := range p {
			p[j] = 1 / float64(len(p))
		}
		return
	}
	for j := range p {
		p[j] /= sum
	}
}

// Expit is the inverse of the Logistic link, 1/(1+e^-z), computed without
// overflow for either sign of z.
func Expit(z float64) float64 {
	if z >= 0 {
		return 1 / (1 + math.Exp(-z))
	}
	ez := math.Exp(z)
	return ez / (1 + ez)
}

// SoftmaxInPlace replaces the margins z by their softmax, in place: the inverse
// of the Softmax link.
func SoftmaxInPlace(z []float64) {
	zmax := math.Inf(-1)
	for _, v := range z {
		zmax = math.Max(zmax, v)
	}
	sum := 0.0
	for j, v := range z {
		z[j] = math.Exp(v - zmax)
		sum += z[j]
	}
	for j := range z {
		z[j] /= sum
	}
}

// Model returns the train.Model of e: a *Classifier when it has classes,
// a *Regressor otherwise.
func (e *Ensemble) Model() train.Model {
	if len(e.spec.Classes) > 0 {
		return &Classifier{e}
	}
	return &Regressor{e}
}

// Regressor is the train.Model of a regression ensemble, of kind Kind.
type Regressor struct{ *Ensemble }

// Info describes the model.
func (r *Regressor) Info() train.Info { return r.info() }

// Predict returns the prediction for x: its margin under the Identity
// link, exp(margin) under Exp, 1/(1+exp(-margin)) under Logistic. It
// does not allocate.
func (r *Regressor) Predict(x []float64) float64 { return r.predict(x) }

// Classifier is the train.Classifier of a classification ensemble, of
// kind Kind.
type Classifier struct{ *Ensemble }

// Info describes the model.
func (c *Classifier) Info() train.Info { return c.info() }

// Predict returns the most probable class label of x (the first on a
// tie). It does not allocate.
func (c *Classifier) Predict(x []float64) float64 { return c.predict(x) }

// PredictProba writes the probability of each class into
// dst[:len(Classes)] and returns it. It does not allocate.
func (c *Classifier) PredictProba(dst, x []float64) []float64 { return c.proba(dst, x) }

func (e *Ensemble) info() train.Info {
	return train.Info{Kind: Kind, Features: e.spec.Features, Classes: e.spec.Classes, FeatureFingerprint: e.spec.FeatureFingerprint}
}

var (
	_ train.Classifier = (*Classifier)(nil)
	_ train.Model      = (*Regressor)(nil)
)
