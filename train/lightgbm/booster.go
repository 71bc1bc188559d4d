package lightgbm

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
	// MaxNodes bounds the nodes of all trees together (default 1<<24).
	MaxNodes int
	// MaxFeatures bounds the number of features (default 1<<20).
	MaxFeatures int
	// MaxDepth bounds the depth of a tree (default 1024).
	MaxDepth int
}

const (
	defaultMaxBytes    = 256 << 20
	defaultMaxNodes    = 1 << 24
	defaultMaxFeatures = 1 << 20
	defaultMaxDepth    = 1024
	// maxCatWords bounds the 32-bit words of one categorical bitset:
	// category codes up to 2^16-1.
	maxCatWords = 1 << 11
)

func (o *Options) withDefaults() Options {
	var r Options
	if o != nil {
		r = *o
	}
	if r.MaxBytes <= 0 {
		r.MaxBytes = defaultMaxBytes
	}
	if r.MaxNodes <= 0 {
		r.MaxNodes = defaultMaxNodes
	}
	if r.MaxFeatures <= 0 {
		r.MaxFeatures = defaultMaxFeatures
	}
	if r.MaxDepth <= 0 {
		r.MaxDepth = defaultMaxDepth
	}
	return r
}

// Booster is a model read from a LightGBM text model file: its feature
// names and kinds and its trees, ready to become a Loom model (Model). It
// is immutable.
type Booster struct {
	names       []string
	categorical []bool
	objective   string
	spec        tree.Spec
}

// Read reads a LightGBM text model from r, refusing more than
// opts.MaxBytes; see Parse.
func Read(r io.Reader, opts *Options) (*Booster, error) {
	o := opts.withDefaults()
	data, err := io.ReadAll(io.LimitReader(r, o.MaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("lightgbm: reading the model: %w", err)
	}
	return Parse(data, &o)
}

// Decode parses a LightGBM text model and returns its Loom model, without
// a feature fingerprint: Parse(data, nil) then Model("").
func Decode(data []byte) (train.Model, error) {
	b, err := Parse(data, nil)
	if err != nil {
		return nil, err
	}
	return b.Model("")
}

// FeatureNames returns the names of the features in order (feature_names).
// The slice is a copy.
func (b *Booster) FeatureNames() []string { return append([]string(nil), b.names...) }

// Categorical reports, per feature, whether the model splits it as a
// category code (its feature_infos entry lists categories).
func (b *Booster) Categorical() []bool { return append([]bool(nil), b.categorical...) }

// Objective returns the model's objective line, such as "binary sigmoid:1".
func (b *Booster) Objective() string { return b.objective }

// Model returns the Loom model, a train/tree ensemble of kind tree.Kind:
// a train.Classifier for binary (classes 0 and 1) and multiclass (0 to
// k-1), else a regressor. fingerprint becomes its
// train.Info.FeatureFingerprint: package model passes the fingerprint of
// the feature definitions the model is bound to.
func (b *Booster) Model(fingerprint string) (train.Model, error) {
	s := b.spec
	s.FeatureFingerprint = fingerprint
	e, err := tree.New(s)
	if err != nil {
		return nil, fmt.Errorf("lightgbm: building the ensemble: %w", err)
	}
	return e.Model(), nil
}

// Ensemble returns the tree ensemble, without a feature fingerprint.
func (b *Booster) Ensemble() *tree.Ensemble {
	e, err := tree.New(b.spec)
	if err != nil {
		return nil // Parse built it once already
	}
	return e
}

// parser reads the file line by line.
type parser struct {
	lines [][]byte
	i     int // index of the next line
	o     Options
	nodes int
}

func (p *parser) errorf(tree int, field, format string, args ...any) error {
	return &Error{Line: p.i, Tree: tree, Field: field, Msg: fmt.Sprintf(format, args...)}
}

// next returns the next line, trimmed, and false at the end.
func (p *parser) next() (string, bool) {
	if p.i >= len(p.lines) {
		return "", false
	}
	l := strings.TrimSpace(string(p.lines[p.i]))
	p.i++
	return l, true
}

// Parse reads a LightGBM text model ("model.txt", Booster.save_model; the
// format of LightGBM 2 to 4): binary, multiclass, regression, Poisson,
// gamma, Tweedie, cross-entropy and ranking objectives, numeric splits with
// the missing types None, Zero and NaN, categorical splits (bitsets),
// dart and random-forest models. Options Loom does not support (linear
// trees, multiclassova, an output transform such as regression's sqrt)
// give an *Error wrapping ErrUnsupported naming the option and its line.
// The file is treated as hostile: size, node count and depth are bounded,
// and every error names the line, tree and field, never a panic.
func Parse(data []byte, opts *Options) (*Booster, error) {
	o := opts.withDefaults()
	if int64(len(data)) > o.MaxBytes {
		return nil, &Error{Tree: -1, Msg: fmt.Sprintf("the file is larger than %d bytes", o.MaxBytes)}
	}
	p := &parser{lines: bytes.Split(data, []byte("\n")), o: o}
	return p.parse()
}

// header holds the model's header lines.
type header struct {
	kv            map[string]string
	lines         map[string]int
	averageOutput bool
}

func (p *parser) parse() (*Booster, error) {
	l, ok := p.next()
	if !ok || l != "tree" {
		return nil, p.errorf(-1, "", "want the first line %q, got %.40q", "tree", l)
	}
	h := header{kv: map[string]string{}, lines: map[string]int{}}
	for {
		l, ok := p.next()
		if !ok {
			return nil, p.errorf(-1, "", "no trees")
		}
		if l == "" {
			continue
		}
		if strings.HasPrefix(l, "Tree=") {
			p.i--
			break
		}
		if l == "average_output" {
			h.averageOutput = true
			continue
		}
		k, v, ok := strings.Cut(l, "=")
		if !ok {
			return nil, p.errorf(-1, "", "want key=value, got %.40q", l)
		}
		if _, dup := h.kv[k]; dup {
			return nil, p.errorf(-1, k, "given twice")
		}
		h.kv[k], h.lines[k] = v, p.i
	}
	b := &Booster{}
	nf, err := p.headerInt(&h, "max_feature_idx", 0, p.o.MaxFeatures-1)
	if err != nil {
		return nil, err
	}
	features := nf + 1
	nclass, err := p.headerInt(&h, "num_class", 1, 1<<20)
	if err != nil {
		return nil, err
	}
	perIter, err := p.headerInt(&h, "num_tree_per_iteration", 1, 1<<20)
	if err != nil {
		return nil, err
	}
	if err := b.readFeatures(p, &h, features); err != nil {
		return nil, err
	}
	obj, err := p.objective(&h, nclass, perIter)
	if err != nil {
		return nil, err
	}
	b.objective = h.kv["objective"]
	trees, err := p.trees(features, perIter, obj.scale)
	if err != nil {
		return nil, err
	}
	if len(trees)%perIter != 0 {
		return nil, p.errorf(-1, "", "%d trees is not a multiple of num_tree_per_iteration %d", len(trees), perIter)
	}
	if h.averageOutput && len(trees) > 0 {
		// A random forest averages its iterations: fold 1/iterations
		// into the leaves.
		it := float64(len(trees) / perIter)
		for i := range trees {
			for j := range trees[i].Nodes {
				if trees[i].Nodes[j].Feature < 0 {
					trees[i].Nodes[j].Value /= it
				}
			}
		}
	}
	outputs := 1
	if obj.link == tree.Softmax {
		outputs = nclass
	}
	b.spec = tree.Spec{Features: features, Classes: obj.classes, Link: obj.link, Base: make([]float64, outputs), Trees: trees}
	if _, err := tree.New(b.spec); err != nil {
		return nil, p.errorf(-1, "", "%v", err)
	}
	return b, nil
}

func (p *parser) headerInt(h *header, key string, lo, hi int) (int, error) {
	s, ok := h.kv[key]
	if !ok {
		return 0, &Error{Line: p.i, Tree: -1, Field: key, Msg: "missing from the header"}
	}
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < lo || n > hi {
		return 0, &Error{Line: h.lines[key], Tree: -1, Field: key, Msg: fmt.Sprintf("%.40q is not an integer in [%d, %d]", s, lo, hi)}
	}
	return n, nil
}

func (b *Booster) readFeatures(p *parser, h *header, features int) error {
	if s, ok := h.kv["feature_names"]; ok {
		b.names = strings.Fields(s)
		if len(b.names) != features {
			return &Error{Line: h.lines["feature_names"], Tree: -1, Field: "feature_names", Msg: fmt.Sprintf("%d names for %d features", len(b.names), features)}
		}
	} else {
		for j := range features {
			b.names = append(b.names, "Column_"+strconv.Itoa(j))
		}
	}
	b.categorical = make([]bool, features)
	if s, ok := h.kv["feature_infos"]; ok {
		infos := strings.Fields(s)
		if len(infos) != features {
			return &Error{Line: h.lines["feature_infos"], Tree: -1, Field: "feature_infos", Msg: fmt.Sprintf("%d entries for %d features", len(infos), features)}
		}
		for j, in := range infos {
			b.categorical[j] = in != "none" && !strings.HasPrefix(in, "[")
		}
	}
	return nil
}

// objectiveMap is how an objective maps onto a link.
type objectiveMap struct {
	link    tree.Link
	classes []float64
	scale   float64 // multiplies every leaf value (binary's sigmoid)
}

func (p *parser) objective(h *header, nclass, perIter int) (objectiveMap, error) {
	s, ok := h.kv["objective"]
	line := h.lines["objective"]
	if !ok {
		return objectiveMap{}, &Error{Line: p.i, Tree: -1, Field: "objective", Msg: "missing from the header"}
	}
	fields := strings.Fields(s)
	if len(fields) == 0 {
		return objectiveMap{}, &Error{Line: line, Tree: -1, Field: "objective", Msg: "empty"}
	}
	name, params := fields[0], map[string]string{}
	for _, f := range fields[1:] {
		k, v, _ := strings.Cut(f, ":")
		params[k] = v
	}
	bad := func(unsupported bool, format string, args ...any) (objectiveMap, error) {
		return objectiveMap{}, &Error{Line: line, Tree: -1, Field: "objective", Msg: fmt.Sprintf(format, args...), Unsupported: unsupported}
	}
	if _, ok := params["sqrt"]; ok {
		return bad(true, "%q: the sqrt output transform (reg_sqrt) is not supported", s)
	}
	om := objectiveMap{scale: 1}
	single := func() error {
		if nclass != 1 || perIter != 1 {
			_, err := bad(false, "%q with num_class %d and %d trees per iteration", s, nclass, perIter)
			return err
		}
		return nil
	}
	switch name {
	case "binary":
		om.link, om.classes = tree.Logistic, []float64{0, 1}
		if sg, ok := params["sigmoid"]; ok {
			f, err := strconv.ParseFloat(sg, 64)
			if err != nil || !(f > 0) || math.IsInf(f, 0) {
				return bad(false, "%q: sigmoid %q is not a positive number", s, sg)
			}
			om.scale = f
		}
		return om, single()
	case "multiclass":
		if nclass < 3 || perIter != nclass {
			if nclass == 2 && perIter == 2 {
				return bad(true, "%q: a 2-class softmax model is not supported", s)
			}
			return bad(false, "%q with num_class %d and %d trees per iteration", s, nclass, perIter)
		}
		om.link = tree.Softmax
		om.classes = make([]float64, nclass)
		for k := range om.classes {
			om.classes[k] = float64(k)
		}
		return om, nil
	case "regression", "regression_l2", "l2", "mean_squared_error", "mse", "l2_root", "root_mean_squared_error", "rmse",
		"regression_l1", "l1", "mean_absolute_error", "mae", "huber", "fair", "quantile", "mape", "mean_absolute_percentage_error",
		"lambdarank", "rank_xendcg", "xendcg", "xe_ndcg", "xe_ndcg_mart", "xendcg_mart":
		om.link = tree.Identity
		return om, single()
	case "poisson", "gamma", "tweedie":
		om.link = tree.Exp
		return om, single()
	case "cross_entropy", "xentropy":
		om.link = tree.Logistic
		return om, single()
	}
	return bad(true, "objective %q is not supported", name)
}

// trees reads the tree blocks up to "end of trees".
func (p *parser) trees(features, perIter int, scale float64) ([]tree.Tree, error) {
	var out []tree.Tree
	for {
		l, ok := p.next()
		if !ok {
			return nil, p.errorf(-1, "", "no %q line", "end of trees")
		}
		if l == "" {
			continue
		}
		if l == "end of trees" {
			return out, nil
		}
		k, v, _ := strings.Cut(l, "=")
		if k != "Tree" {
			return nil, p.errorf(-1, "", "want Tree=%d, got %.40q", len(out), l)
		}
		if n, err := strconv.Atoi(v); err != nil || n != len(out) {
			return nil, p.errorf(-1, "", "want Tree=%d, got %.40q", len(out), l)
		}
		t, err := p.tree(len(out), features, scale)
		if err != nil {
			return nil, err
		}
		t.Class = len(out) % perIter
		out = append(out, t)
	}
}
