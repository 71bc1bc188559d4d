package xgboost

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/loomml/loom/train"
	"github.com/loomml/loom/train/tree"
)

// Options bound what a model file may make Parse do. A nil *Options, or a
// zero field, takes the default.
type Options struct {
	// MaxBytes is the largest file accepted (default 256 MiB).
	MaxBytes int64
	// MaxDepth bounds the nesting of the document (default 64) and the
	// depth of a tree (default 1024, the larger of it and 16×MaxDepth).
	MaxDepth int
	// MaxNodes bounds the nodes of all trees together (default 1<<24).
	MaxNodes int
	// MaxFeatures bounds the number of features (default 1<<20).
	MaxFeatures int
}

// Limits of the options' defaults.
const (
	defaultMaxBytes    = 256 << 20
	defaultMaxDepth    = 64
	defaultMaxNodes    = 1 << 24
	defaultMaxFeatures = 1 << 20
	// maxCategory bounds a category code in a categorical split: its
	// bitset has maxCategory/64 words at most.
	maxCategory = 1 << 16
	// maxCatWords bounds the bitset words of all categorical splits
	// together (32 MiB); a file gets at most 8 words per byte of its size
	// (64 KiB words at least), so that a small file cannot make Parse
	// allocate much more than its size.
	maxCatWords = 1 << 22
)

func (o *Options) withDefaults() Options {
	var r Options
	if o != nil {
		r = *o
	}
	if r.MaxBytes <= 0 {
		r.MaxBytes = defaultMaxBytes
	}
	if r.MaxDepth <= 0 {
		r.MaxDepth = defaultMaxDepth
	}
	if r.MaxNodes <= 0 {
		r.MaxNodes = defaultMaxNodes
	}
	if r.MaxFeatures <= 0 {
		r.MaxFeatures = defaultMaxFeatures
	}
	return r
}

// Booster is a model read from an XGBoost model file: its feature names
// and types and its trees or linear weights, ready to become a Loom model
// (Model). It is immutable.
type Booster struct {
	names      []string
	types      []string
	objective  string
	booster    string
	classes    int
	features   int
	baseScore  float64
	version    string
	trees      tree.Spec
	linear     *Linear
	treeLimits Options
}

// Read reads an XGBoost model from r, JSON or UBJSON, refusing more than
// opts.MaxBytes; see Parse.
func Read(r io.Reader, opts *Options) (*Booster, error) {
	o := opts.withDefaults()
	data, err := io.ReadAll(io.LimitReader(r, o.MaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("xgboost: reading the model: %w", err)
	}
	return Parse(data, &o)
}

// Parse reads an XGBoost model file: the JSON of Booster.save_model
// ("model.json", XGBoost 1.0 and later) or its binary UBJSON form
// ("model.ubj"). The file is treated as hostile: a file larger than
// opts.MaxBytes, nested deeper than opts.MaxDepth, with more nodes than
// opts.MaxNodes or more features than opts.MaxFeatures, or with any field
// out of place gives an *Error naming
// the byte offset or the field (tree and node), never a panic.
func Parse(data []byte, opts *Options) (*Booster, error) {
	o := opts.withDefaults()
	if int64(len(data)) > o.MaxBytes {
		return nil, &Error{Offset: o.MaxBytes, Msg: fmt.Sprintf("the file is larger than %d bytes", o.MaxBytes)}
	}
	lim := &limits{depth: o.MaxDepth, values: 4*o.MaxNodes + 1<<16}
	var doc value
	var err error
	if isUBJSON(data) {
		doc, err = parseUBJSON(data, lim)
	} else {
		doc, err = parseJSON(data, lim)
	}
	if err != nil {
		return nil, err
	}
	return convert(&doc, o, min(maxCatWords, max(1<<16, 8*len(data))))
}

// isUBJSON tells the UBJSON form from JSON: both open with '{', then JSON
// has space, a quote or '}', UBJSON a length marker.
func isUBJSON(b []byte) bool {
	b = bytes.TrimLeft(b, " \t\r\n")
	if len(b) < 2 || b[0] != '{' {
		return false
	}
	switch b[1] {
	case 'i', 'U', 'I', 'l', 'L', '$', '#':
		return true
	}
	return false
}

// Decode parses an XGBoost model file and returns its Loom model, without
// a feature fingerprint: Parse(data, nil) then Model("").
func Decode(data []byte) (train.Model, error) {
	b, err := Parse(data, nil)
	if err != nil {
		return nil, err
	}
	return b.Model("")
}

// FeatureNames returns the names of the features in order, as the model
// file lists them (feature_names), or f0, f1, ... when it lists none, as
// XGBoost names them. The slice is a copy.
func (b *Booster) FeatureNames() []string { return append([]string(nil), b.names...) }

// Categorical reports, per feature, whether the model takes it as a
// category code (feature type "c").
func (b *Booster) Categorical() []bool {
	out := make([]bool, b.features)
	for j := range out {
		out[j] = j < len(b.types) && b.types[j] == "c"
	}
	return out
}

// Objective returns the model's objective, such as "binary:logistic".
func (b *Booster) Objective() string { return b.objective }

// Kind returns the booster: "gbtree", "dart" or "gblinear".
func (b *Booster) Kind() string { return b.booster }

// Model returns the Loom model: a train/tree ensemble (kind tree.Kind) for
// gbtree and dart, a *Linear model (kind LinearKind) for gblinear; a
// train.Classifier for binary:* and multi:* objectives (class labels 0 to
// k-1), else a regressor. fingerprint becomes its
// train.Info.FeatureFingerprint: package model passes the fingerprint of
// the feature definitions the model is bound to.
func (b *Booster) Model(fingerprint string) (train.Model, error) {
	if b.linear != nil {
		l := *b.linear
		l.fingerprint = fingerprint
		return l.Model(), nil
	}
	s := b.trees
	s.FeatureFingerprint = fingerprint
	e, err := tree.New(s)
	if err != nil {
		return nil, fmt.Errorf("xgboost: building the ensemble: %w", err)
	}
	return e.Model(), nil
}

// Ensemble returns the tree ensemble of a gbtree or dart model, without a
// feature fingerprint; nil for gblinear.
func (b *Booster) Ensemble() *tree.Ensemble {
	if b.linear != nil {
		return nil
	}
	e, err := tree.New(b.trees)
	if err != nil {
		return nil // convert built it once already
	}
	return e
}

// objective describes how an XGBoost objective maps onto a Loom link.
type objective struct {
	link    tree.Link
	classes bool   // a classifier
	base    string // transform of base_score into the margin: "", "logit" or "log"
}

var objectives = map[string]objective{
	"reg:squarederror":     {link: tree.Identity},
	"reg:linear":           {link: tree.Identity},
	"reg:squaredlogerror":  {link: tree.Identity},
	"reg:pseudohubererror": {link: tree.Identity},
	"reg:absoluteerror":    {link: tree.Identity},
	"reg:logistic":         {link: tree.Logistic, base: "logit"},
	"binary:logistic":      {link: tree.Logistic, classes: true, base: "logit"},
	"binary:logitraw":      {link: tree.Logistic, classes: true}, // base_score is the margin itself (XGBoost 1.7)
	"multi:softprob":       {link: tree.Softmax, classes: true},
	"multi:softmax":        {link: tree.Softmax, classes: true},
	"count:poisson":        {link: tree.Exp, base: "log"},
	"reg:gamma":            {link: tree.Exp, base: "log"},
	"reg:tweedie":          {link: tree.Exp, base: "log"},
}

// path builds field paths for errors.
func at(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func idx(path string, i int) string { return path + "[" + strconv.Itoa(i) + "]" }

// need returns the member key of the object v.
func need(v *value, path, key string) (*value, error) {
	if v.kind != kObj {
		return nil, fieldErr(path, "want an object, got a %v", v.kind)
	}
	m := v.get(key)
	if m == nil {
		return nil, fieldErr(at(path, key), "missing")
	}
	return m, nil
}

// toInt reads an integer written as a number or as a decimal string (XGBoost
// writes parameters as strings).
func toInt(v *value, path string, lo, hi int) (int, error) {
	var f float64
	switch v.kind {
	case kNum, kBool:
		f = v.num
	case kStr:
		n, err := strconv.ParseInt(strings.TrimSpace(v.str), 10, 64)
		if err != nil {
			return 0, fieldErr(path, "want an integer, got %q", v.str)
		}
		f = float64(n)
	default:
		return 0, fieldErr(path, "want an integer, got a %v", v.kind)
	}
	if f != math.Trunc(f) || f < float64(lo) || f > float64(hi) {
		return 0, fieldErr(path, "%v outside [%d, %d]", f, lo, hi)
	}
	return int(f), nil
}

// toFloat32 reads base_score: a number, or a string holding one, possibly
// in brackets ("[5E-1]", as XGBoost 2 and 3 write it).
func toFloat32(v *value, path string) (float32, error) {
	switch v.kind {
	case kNum:
		return v.f32, nil
	case kStr:
		s := strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(v.str), "["), "]")
		if strings.Contains(s, ",") {
			return 0, fieldErr(path, "several values %q (vector base scores are not supported)", v.str)
		}
		f, err := strconv.ParseFloat(strings.TrimSpace(s), 32)
		if err != nil {
			return 0, fieldErr(path, "want a number, got %q", v.str)
		}
		return float32(f), nil
	}
	return 0, fieldErr(path, "want a number, got a %v", v.kind)
}

// array checks that v is an array of n elements (n < 0: any).
func array(v *value, path string, n int) error {
	if v.kind != kArr {
		return fieldErr(path, "want an array, got a %v", v.kind)
	}
	if n >= 0 && v.len() != n {
		return fieldErr(path, "%d elements, want %d", v.len(), n)
	}
	return nil
}

// numAt returns element i of an array as a number (a boolean counts as 0 or 1).
func numAt(v *value, path string, i int) (float64, float32, error) {
	e := v.elem(i)
	if e.kind != kNum && e.kind != kBool {
		return 0, 0, fieldErr(idx(path, i), "want a number, got a %v", e.kind)
	}
	if e.kind == kBool {
		return e.num, float32(e.num), nil
	}
	return e.num, e.f32, nil
}

// intsAt reads an array of n integers in [lo, hi].
func ints(v *value, path string, n, lo, hi int) ([]int32, error) {
	if err := array(v, path, n); err != nil {
		return nil, err
	}
	out := make([]int32, v.len())
	for i := range out {
		f, _, err := numAt(v, path, i)
		if err != nil {
			return nil, err
		}
		if f != math.Trunc(f) || f < float64(lo) || f > float64(hi) {
			return nil, fieldErr(idx(path, i), "%v outside [%d, %d]", f, lo, hi)
		}
		out[i] = int32(f)
	}
	return out, nil
}

func convert(doc *value, o Options, catWords int) (*Booster, error) {
	b := &Booster{treeLimits: o}
	if v := doc.get("version"); v != nil && v.kind == kArr {
		parts := make([]string, 0, 3)
		for i := range min(v.len(), 3) {
			f, _, _ := numAt(v, "version", i)
			parts = append(parts, strconv.FormatFloat(f, 'f', -1, 64))
		}
		b.version = strings.Join(parts, ".")
	}
	learner, err := need(doc, "", "learner")
	if err != nil {
		return nil, err
	}
	const lp = "learner"
	param, err := need(learner, lp, "learner_model_param")
	if err != nil {
		return nil, err
	}
	pp := at(lp, "learner_model_param")
	nf, err := need(param, pp, "num_feature")
	if err != nil {
		return nil, err
	}
	if b.features, err = toInt(nf, at(pp, "num_feature"), 1, o.MaxFeatures); err != nil {
		return nil, err
	}
	if nc := param.get("num_class"); nc != nil {
		if b.classes, err = toInt(nc, at(pp, "num_class"), 0, 1<<20); err != nil {
			return nil, err
		}
	}
	if nt := param.get("num_target"); nt != nil {
		n, err := toInt(nt, at(pp, "num_target"), 0, 1<<20)
		if err != nil {
			return nil, err
		}
		if n > 1 {
			return nil, fieldErr(at(pp, "num_target"), "%d targets (multi-target models are not supported)", n)
		}
	}
	bs, err := need(param, pp, "base_score")
	if err != nil {
		return nil, err
	}
	base32, err := toFloat32(bs, at(pp, "base_score"))
	if err != nil {
		return nil, err
	}
	b.baseScore = float64(base32)

	obj, err := need(learner, lp, "objective")
	if err != nil {
		return nil, err
	}
	on, err := need(obj, at(lp, "objective"), "name")
	if err != nil {
		return nil, err
	}
	if on.kind != kStr {
		return nil, fieldErr(at(lp, "objective.name"), "want a string, got a %v", on.kind)
	}
	b.objective = on.str
	ob, ok := objectives[b.objective]
	if !ok {
		return nil, fieldErr(at(lp, "objective.name"), "objective %q is not supported", b.objective)
	}
	if err := b.readNames(learner, lp); err != nil {
		return nil, err
	}

	outputs := 1
	var classes []float64
	switch {
	case ob.link == tree.Softmax:
		if b.classes < 3 {
			if b.classes < 2 {
				return nil, fieldErr(at(pp, "num_class"), "%d classes for objective %q, want at least 2", b.classes, b.objective)
			}
			return nil, fieldErr(at(pp, "num_class"), "2 classes under %q are not supported (train binary:logistic)", b.objective)
		}
		outputs = b.classes
		classes = make([]float64, b.classes)
		for k := range classes {
			classes[k] = float64(k)
		}
	case ob.classes:
		classes = []float64{0, 1}
	}
	if ob.link != tree.Softmax && b.classes > 1 {
		return nil, fieldErr(at(pp, "num_class"), "%d classes for objective %q", b.classes, b.objective)
	}
	margin, err := baseMargin(base32, ob.base)
	if err != nil {
		return nil, fieldErr(at(pp, "base_score"), "%v", err)
	}
	base := make([]float64, outputs)
	for k := range base {
		base[k] = margin
	}

	gb, err := need(learner, lp, "gradient_booster")
	if err != nil {
		return nil, err
	}
	gp := at(lp, "gradient_booster")
	name, err := need(gb, gp, "name")
	if err != nil {
		return nil, err
	}
	if name.kind != kStr {
		return nil, fieldErr(at(gp, "name"), "want a string, got a %v", name.kind)
	}
	b.booster = name.str
	switch b.booster {
	case "gbtree":
		m, err := need(gb, gp, "model")
		if err != nil {
			return nil, err
		}
		b.trees, err = b.readTrees(m, at(gp, "model"), nil, outputs, o, catWords)
		if err != nil {
			return nil, err
		}
	case "dart":
		inner, err := need(gb, gp, "gbtree")
		if err != nil {
			return nil, err
		}
		m, err := need(inner, at(gp, "gbtree"), "model")
		if err != nil {
			return nil, err
		}
		wd, err := need(gb, gp, "weight_drop")
		if err != nil {
			return nil, err
		}
		b.trees, err = b.readTrees(m, at(gp, "gbtree.model"), wd, outputs, o, catWords)
		if err != nil {
			return nil, err
		}
	case "gblinear":
		m, err := need(gb, gp, "model")
		if err != nil {
			return nil, err
		}
		w, err := need(m, at(gp, "model"), "weights")
		if err != nil {
			return nil, err
		}
		wp := at(gp, "model.weights")
		if err := array(w, wp, (b.features+1)*outputs); err != nil {
			return nil, err
		}
		l := &Linear{features: b.features, outputs: outputs, link: ob.link, classes: classes, base: base,
			weights: make([]float64, w.len())}
		for i := range l.weights {
			_, f32, err := numAt(w, wp, i)
			if err != nil {
				return nil, err
			}
			if f := float64(f32); math.IsNaN(f) || math.IsInf(f, 0) {
				return nil, fieldErr(idx(wp, i), "weight %v", f)
			}
			l.weights[i] = float64(f32)
		}
		if err := l.check(); err != nil {
			return nil, fieldErr(wp, "%v", err)
		}
		b.linear = l
		return b, nil
	default:
		return nil, fieldErr(at(gp, "name"), "booster %q is not supported (want gbtree, dart or gblinear)", b.booster)
	}
	b.trees.Features, b.trees.Classes, b.trees.Link, b.trees.Base = b.features, classes, ob.link, base
	b.trees.Float32 = true // XGBoost's predictor sums in float32
	if _, err := tree.New(b.trees); err != nil {
		return nil, fieldErr(at(gp, "model"), "%v", err)
	}
	return b, nil
}

// baseMargin turns base_score into the margin every output starts from,
// in float32 as XGBoost computes it.
func baseMargin(b float32, how string) (float64, error) {
	if b != b || math.IsInf(float64(b), 0) {
		return 0, fmt.Errorf("base_score %v", b)
	}
	switch how {
	case "logit":
		if !(b > 0 && b < 1) {
			return 0, fmt.Errorf("base_score %v outside (0, 1) for a logistic objective", b)
		}
		r := float32(1)/b - 1
		return float64(-float32(math.Log(float64(r)))), nil
	case "log":
		if !(b > 0) {
			return 0, fmt.Errorf("base_score %v not positive for a log-link objective", b)
		}
		return float64(float32(math.Log(float64(b)))), nil
	}
	return float64(b), nil
}

func (b *Booster) readNames(learner *value, lp string) error {
	if v := learner.get("feature_names"); v != nil && v.kind == kArr && v.len() > 0 {
		p := at(lp, "feature_names")
		if err := array(v, p, b.features); err != nil {
			return err
		}
		for i := range v.len() {
			e := v.elem(i)
			if e.kind != kStr {
				return fieldErr(idx(p, i), "want a string, got a %v", e.kind)
			}
			b.names = append(b.names, e.str)
		}
	} else {
		for j := range b.features {
			b.names = append(b.names, "f"+strconv.Itoa(j))
		}
	}
	if v := learner.get("feature_types"); v != nil && v.kind == kArr && v.len() > 0 {
		p := at(lp, "feature_types")
		if err := array(v, p, b.features); err != nil {
			return err
		}
		for i := range v.len() {
			e := v.elem(i)
			if e.kind != kStr {
				return fieldErr(idx(p, i), "want a string, got a %v", e.kind)
			}
			switch e.str {
			case "float", "int", "i", "q", "c":
			default:
				return fieldErr(idx(p, i), "unknown feature type %q", e.str)
			}
			b.types = append(b.types, e.str)
		}
	}
	return nil
}
