package feature

import (
	"bytes"
	"crypto/sha256"
	"encoding"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Format identifies the encoded fitted state; Version is its current
// version. Decode accepts this version only.
const (
	Format  = "loom.feature"
	Version = 1
)

// maxStateBytes bounds the size of encoded state that Decode accepts.
const maxStateBytes = 256 << 20

// jfloat is a float64 that survives a JSON round trip bit for bit: finite
// values are written as the shortest decimal that parses back to the same
// bits (strconv 'g', -1), NaN and ±Inf as the strings "NaN", "+Inf" and
// "-Inf". (NaN payload bits are not kept.)
type jfloat float64

func (f jfloat) MarshalJSON() ([]byte, error) {
	x := float64(f)
	switch {
	case math.IsNaN(x):
		return []byte(`"NaN"`), nil
	case math.IsInf(x, 1):
		return []byte(`"+Inf"`), nil
	case math.IsInf(x, -1):
		return []byte(`"-Inf"`), nil
	}
	return strconv.AppendFloat(nil, x, 'g', -1, 64), nil
}

func (f *jfloat) UnmarshalJSON(b []byte) error {
	switch string(b) {
	case `"NaN"`:
		*f = jfloat(math.NaN())
		return nil
	case `"+Inf"`:
		*f = jfloat(math.Inf(1))
		return nil
	case `"-Inf"`:
		*f = jfloat(math.Inf(-1))
		return nil
	}
	x, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		return fmt.Errorf("not a float: %.40s", b)
	}
	*f = jfloat(x)
	return nil
}

type stateJSON struct {
	Format   string        `json:"format"`
	Version  int           `json:"version"`
	Width    int           `json:"width"`
	Names    []string      `json:"names"`
	Features []featureJSON `json:"features"`
}

type featureJSON struct {
	Name       string          `json:"name"`
	Type       string          `json:"type"`
	Parts      []string        `json:"parts,omitempty"`
	Of         []string        `json:"of,omitempty"`
	Transforms []transformJSON `json:"transforms,omitempty"`
}

type transformJSON struct {
	Kind       string            `json:"kind"`
	Config     map[string]string `json:"config,omitempty"`
	State      map[string]jfloat `json:"state,omitempty"`
	Edges      []jfloat          `json:"edges,omitempty"`
	Values     []jfloat          `json:"values,omitempty"`
	Categories []string          `json:"categories,omitempty"`
	Infrequent []string          `json:"infrequent,omitempty"`
	Missing    bool              `json:"missing,omitempty"`
	Fill       string            `json:"fill,omitempty"`
	Fitted     *string           `json:"fitted,omitempty"` // a Learner's fitted state (its transform's MarshalText)
	N          int64             `json:"n"`
}

func fstr(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }

// config returns the op's configuration, as compared on decoding.
func (o *numOp) config() map[string]string {
	switch o.kind {
	case opImpute:
		c := map[string]string{"strategy": o.strategy.String(), "indicator": strconv.FormatBool(o.indicator)}
		if o.strategy == Constant {
			c["fill"] = fstr(o.a)
		}
		return c
	case opMinMax, opClip, opRobust:
		return map[string]string{"lo": fstr(o.lo), "hi": fstr(o.hi)}
	case opBins:
		return map[string]string{"bins": strconv.Itoa(o.bins), "uniform": strconv.FormatBool(o.uniform)}
	case opCustom:
		return customConfig(o.custom)
	case opLearn:
		return customConfig(o.learner)
	}
	return nil
}

// customConfig is the configuration of a Custom or Learner definition: its
// Kind and, when it has one, its MarshalText.
func customConfig(d Custom) map[string]string {
	c := map[string]string{"name": d.Kind()}
	if m, ok := d.(encoding.TextMarshaler); ok {
		t, err := m.MarshalText()
		if err != nil {
			t = []byte("error: " + err.Error())
		}
		c["text"] = string(t)
	}
	return c
}

// stateKeys lists the float state of each kind, in the order a, b.
func (o *numOp) stateKeys() []string {
	switch o.kind {
	case opImpute:
		return []string{"fill"}
	case opStandardize:
		return []string{"mean", "scale"}
	case opMinMax:
		return []string{"scale", "offset"}
	case opRobust:
		return []string{"center", "scale"}
	case opMaxAbs:
		return []string{"scale"}
	case opYeoJohnson, opBoxCox:
		return []string{"lambda"}
	}
	return nil
}

func (o *numOp) toJSON() transformJSON {
	t := transformJSON{Kind: o.name(), Config: o.config(), N: o.n}
	if keys := o.stateKeys(); len(keys) > 0 {
		t.State = map[string]jfloat{keys[0]: jfloat(o.a)}
		if len(keys) > 1 {
			t.State[keys[1]] = jfloat(o.b)
		}
	}
	for _, e := range o.edges {
		t.Edges = append(t.Edges, jfloat(e))
	}
	if o.kind == opLearn {
		t.Fitted = &o.text
	}
	return t
}

func (o *catOp) config() map[string]string {
	switch o.kind {
	case catImpute:
		c := map[string]string{"strategy": o.strategy.String()}
		if o.strategy == Constant {
			c["fill"] = o.fill
		}
		return c
	case catOneHot:
		return map[string]string{"unknown": o.unknown.String(), "min_frequency": strconv.FormatInt(o.minFreq, 10), "max_categories": strconv.Itoa(o.maxCats)}
	case catOrdinal:
		return map[string]string{"unknown": o.unknown.String(), "unknown_value": fstr(o.unknownValue)}
	case catTarget:
		return map[string]string{"folds": strconv.Itoa(o.folds), "smoothing": fstr(o.smooth), "seed": strconv.FormatUint(o.seed, 10)}
	}
	return map[string]string{"buckets": strconv.Itoa(o.buckets)}
}

func (o *catOp) toJSON() transformJSON {
	t := transformJSON{Kind: o.name(), Config: o.config(), N: o.n, Categories: o.cats, Infrequent: o.infrequent, Missing: o.hasMissing}
	if o.kind == catImpute {
		t.Fill = o.fill
	}
	if o.kind == catTarget {
		t.State = map[string]jfloat{"prior": jfloat(o.prior)}
		t.Values = make([]jfloat, len(o.values))
		for i, v := range o.values {
			t.Values[i] = jfloat(v)
		}
	}
	return t
}

// MarshalJSON encodes the fitted state as versioned JSON: for each feature
// its name, type, transforms with their configuration and learnt state, and
// the output names. Every float64 keeps its exact bits. The encoding is
// deterministic, so equal states give equal bytes.
func (f *Fitted[T]) MarshalJSON() ([]byte, error) {
	st := stateJSON{Format: Format, Version: Version, Width: f.width, Names: f.names, Features: make([]featureJSON, len(f.feats))}
	for i := range f.feats {
		ff := &f.feats[i]
		fj := featureJSON{Name: ff.def.name, Type: typeNames[ff.def.typ]}
		for j := range ff.nums {
			fj.Transforms = append(fj.Transforms, ff.nums[j].toJSON())
		}
		for j := range ff.cats {
			fj.Transforms = append(fj.Transforms, ff.cats[j].toJSON())
		}
		for _, p := range ff.def.parts {
			fj.Parts = append(fj.Parts, p.String())
		}
		if ff.def.typ == typeProduct {
			fj.Of = ff.def.of
		}
		st.Features[i] = fj
	}
	return json.Marshal(st)
}

// Fingerprint returns a content hash of the fitted state, "sha256:" and 64
// hex digits of the SHA-256 of its JSON encoding. Equal states have equal
// fingerprints, and a decoded state has the fingerprint of the encoded one.
func (f *Fitted[T]) Fingerprint() string {
	b, err := f.MarshalJSON()
	if err != nil {
		panic("feature: encoding fitted state: " + err.Error())
	}
	sum := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// Decode applies encoded fitted state (from Fitted.MarshalJSON) to this
// Set's definitions and returns the Fitted. The features are Go code, so the
// state must match them: the same features in the same order with the same
// names and types, the same transforms with the same options, and the same
// output width and names; otherwise the error wraps ErrMismatch and says
// what differs. Malformed or inconsistent state (bad JSON, wrong format or
// version, unsorted categories, a zero scale, ...) wraps ErrFormat. Decode
// never panics on bad input and allocates in proportion to its input.
func (s *Set[T]) Decode(data []byte) (*Fitted[T], error) {
	if len(data) > maxStateBytes {
		return nil, &StateError{Reason: fmt.Sprintf("%d bytes, more than the limit of %d", len(data), maxStateBytes), Err: ErrFormat}
	}
	var st stateJSON
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&st); err != nil {
		return nil, &StateError{Reason: "invalid JSON: " + err.Error(), Err: ErrFormat}
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, &StateError{Reason: "data after the JSON value", Err: ErrFormat}
	}
	if st.Format != Format || st.Version != Version {
		return nil, &StateError{Reason: fmt.Sprintf("format %q version %d, want %q version %d", st.Format, st.Version, Format, Version), Err: ErrFormat}
	}
	s.frozen.Store(true)
	if len(st.Features) != len(s.defs) {
		return nil, &StateError{Reason: fmt.Sprintf("state has %d features, the set %d", len(st.Features), len(s.defs)), Err: ErrMismatch}
	}
	feats := make([]fitFeat[T], len(s.defs))
	for i, d := range s.defs {
		fj := &st.Features[i]
		if fj.Name != d.name || fj.Type != typeNames[d.typ] {
			return nil, &StateError{Reason: fmt.Sprintf("feature %d is %s %q in the state, %s %q in the set", i, fj.Type, fj.Name, typeNames[d.typ], d.name), Err: ErrMismatch}
		}
		ff := &feats[i]
		ff.def = d
		ff.nums = append([]numOp(nil), d.nums...)
		ff.cats = append([]catOp(nil), d.cats...)
		if n := len(ff.nums) + len(ff.cats); len(fj.Transforms) != n {
			return nil, &StateError{Feature: d.name, Reason: fmt.Sprintf("state has %d transforms, the set %d", len(fj.Transforms), n), Err: ErrMismatch}
		}
		if d.typ == typeTime {
			want := make([]string, len(d.parts))
			for j, p := range d.parts {
				want[j] = p.String()
			}
			if !slices.Equal(want, fj.Parts) {
				return nil, &StateError{Feature: d.name, Reason: fmt.Sprintf("parts %v in the state, %v in the set", fj.Parts, want), Err: ErrMismatch}
			}
		}
		if d.typ == typeProduct && !slices.Equal(fj.Of, d.of) || d.typ != typeProduct && len(fj.Of) != 0 {
			return nil, &StateError{Feature: d.name, Reason: fmt.Sprintf("product of %v in the state, of %v in the set", fj.Of, d.of), Err: ErrMismatch}
		}
		for j := range ff.nums {
			if err := ff.nums[j].fromJSON(d.name, &fj.Transforms[j]); err != nil {
				return nil, err
			}
		}
		for j := range ff.cats {
			if err := ff.cats[j].fromJSON(d.name, &fj.Transforms[len(ff.nums)+j]); err != nil {
				return nil, err
			}
		}
	}
	f := newFitted(feats, s.blockRows())
	if f.width != st.Width || !slices.Equal(f.names, st.Names) {
		return nil, &StateError{Reason: fmt.Sprintf("output width %d and names do not match the state's %d names", f.width, st.Width), Err: ErrFormat}
	}
	return f, nil
}

func checkKind(feature, kind string, t *transformJSON, config map[string]string) error {
	if t.Kind != kind {
		return &StateError{Feature: feature, Reason: fmt.Sprintf("transform %q in the state, %q in the set", t.Kind, kind), Err: ErrMismatch}
	}
	if !maps.Equal(t.Config, config) && !(len(t.Config) == 0 && len(config) == 0) {
		return &StateError{Feature: feature, Transform: kind, Reason: fmt.Sprintf("options %s in the state, %s in the set", showMap(t.Config), showMap(config)), Err: ErrMismatch}
	}
	if t.N < 0 {
		return &StateError{Feature: feature, Transform: kind, Reason: fmt.Sprintf("negative count %d", t.N), Err: ErrFormat}
	}
	return nil
}

func showMap(m map[string]string) string {
	keys := slices.Sorted(maps.Keys(m))
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + strconv.Quote(m[k])
	}
	return "{" + strings.Join(parts, " ") + "}"
}

func (o *numOp) fromJSON(feature string, t *transformJSON) error {
	if err := checkKind(feature, o.name(), t, o.config()); err != nil {
		return err
	}
	bad := func(format string, args ...any) error {
		return &StateError{Feature: feature, Transform: o.name(), Reason: fmt.Sprintf(format, args...), Err: ErrFormat}
	}
	keys := o.stateKeys()
	if len(t.State) != len(keys) || len(t.Values) != 0 {
		return bad("state has %d values, want %d (%v)", len(t.State), len(keys), keys)
	}
	vals := make([]float64, len(keys))
	for i, k := range keys {
		v, ok := t.State[k]
		if !ok {
			return bad("state lacks %q", k)
		}
		if x := float64(v); math.IsNaN(x) || math.IsInf(x, 0) {
			return bad("state %q is %v, want a finite value", k, x)
		}
		vals[i] = float64(v)
	}
	if len(vals) > 0 {
		o.a = vals[0]
	}
	if len(vals) > 1 {
		o.b = vals[1]
	}
	switch o.kind {
	case opStandardize, opRobust:
		if o.b <= 0 {
			return bad("scale %v, want > 0", o.b)
		}
	case opMaxAbs, opMinMax:
		if o.a == 0 {
			return bad("scale 0")
		}
	}
	o.n = t.N
	o.edges = nil
	if (t.Fitted != nil) != (o.kind == opLearn) {
		return bad("fitted state present: %v, want %v", t.Fitted != nil, o.kind == opLearn)
	}
	if o.kind == opLearn {
		c, err := o.learner.Restore([]byte(*t.Fitted))
		if err != nil {
			return &StateError{Feature: feature, Transform: o.name(), Reason: fmt.Sprintf("Learner %q: Restore", o.learner.Kind()), Err: fmt.Errorf("%w: %w", ErrFormat, err)}
		}
		if c == nil {
			return bad("Restore of Learner %q returned no transform and no error", o.learner.Kind())
		}
		o.custom, o.text = c, *t.Fitted
	}
	if o.kind != opBins {
		if len(t.Edges) != 0 {
			return bad("unexpected edges")
		}
		return nil
	}
	if len(t.Edges) < 2 || len(t.Edges) > o.bins+1 {
		return bad("%d bin edges, want 2 to %d", len(t.Edges), o.bins+1)
	}
	o.edges = make([]float64, len(t.Edges))
	for i, e := range t.Edges {
		o.edges[i] = float64(e)
		if math.IsNaN(o.edges[i]) || i > 0 && !(o.edges[i] > o.edges[i-1]) {
			return bad("bin edges not increasing at %d", i)
		}
	}
	return nil
}

func (o *catOp) fromJSON(feature string, t *transformJSON) error {
	if err := checkKind(feature, o.name(), t, o.config()); err != nil {
		return err
	}
	bad := func(format string, args ...any) error {
		return &StateError{Feature: feature, Transform: o.name(), Reason: fmt.Sprintf(format, args...), Err: ErrFormat}
	}
	o.n = t.N
	if t.Fitted != nil {
		return bad("unexpected fitted state")
	}
	if o.kind == catTarget {
		return o.targetFromJSON(t, bad)
	}
	if len(t.State) != 0 || len(t.Edges) != 0 || len(t.Values) != 0 {
		return bad("unexpected numeric state")
	}
	switch o.kind {
	case catImpute:
		if o.strategy == Constant && t.Fill != o.fill {
			return bad("fill %q, want %q", t.Fill, o.fill)
		}
		o.fill = t.Fill
		if len(t.Categories)+len(t.Infrequent) != 0 || t.Missing {
			return bad("unexpected categories")
		}
		return nil
	case catHash:
		if len(t.Categories)+len(t.Infrequent) != 0 || t.Missing || t.Fill != "" {
			return bad("unexpected categories")
		}
		return nil
	}
	if t.Fill != "" {
		return bad("unexpected fill")
	}
	for i := 1; i < len(t.Categories); i++ {
		if t.Categories[i-1] >= t.Categories[i] {
			return bad("categories not sorted and unique at %d", i)
		}
	}
	for i := 1; i < len(t.Infrequent); i++ {
		if t.Infrequent[i-1] >= t.Infrequent[i] {
			return bad("infrequent categories not sorted and unique at %d", i)
		}
	}
	if o.kind == catOrdinal && (len(t.Infrequent) != 0 || t.Missing) {
		return bad("ordinal with infrequent or missing categories")
	}
	o.cats, o.infrequent, o.hasMissing = t.Categories, t.Infrequent, t.Missing
	o.buildIndex()
	if len(o.index) != len(o.cats)+len(o.infrequent) {
		return bad("a category is both frequent and infrequent")
	}
	return nil
}

func (o *catOp) targetFromJSON(t *transformJSON, bad func(string, ...any) error) error {
	prior, ok := t.State["prior"]
	if len(t.State) != 1 || !ok || math.IsNaN(float64(prior)) || math.IsInf(float64(prior), 0) {
		return bad("state needs one finite prior")
	}
	if len(t.Edges)+len(t.Infrequent) != 0 || t.Missing || t.Fill != "" || len(t.Values) != len(t.Categories) {
		return bad("%d values for %d categories", len(t.Values), len(t.Categories))
	}
	for i := 1; i < len(t.Categories); i++ {
		if t.Categories[i-1] >= t.Categories[i] {
			return bad("categories not sorted and unique at %d", i)
		}
	}
	o.values = make([]float64, len(t.Values))
	for i, v := range t.Values {
		if x := float64(v); math.IsNaN(x) || math.IsInf(x, 0) {
			return bad("value %d is %v, want a finite value", i, x)
		}
		o.values[i] = float64(v)
	}
	o.prior, o.cats, o.infrequent, o.hasMissing = float64(prior), t.Categories, nil, false
	o.byCat, o.all = nil, nil
	o.buildIndex()
	return nil
}
