package feature_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/loomml/loom/feature"
)

// winsor is a Learner: it clips values to the training percentiles lo and
// hi (numpy's linear interpolation), learnt in Fit.
type winsor struct{ lo, hi float64 }

func (w winsor) Kind() string { return "winsor" }

// Apply is never called on the definition.
func (w winsor) Apply(x float64) float64 { panic("winsor: Apply of the unfitted definition") }

func (w winsor) MarshalText() ([]byte, error) {
	return fmt.Appendf(nil, "%s,%s", fstr(w.lo), fstr(w.hi)), nil
}

func (w winsor) NewAccumulator() feature.Accumulator { return &winsorAcc{def: w} }

func (w winsor) Restore(state []byte) (feature.Custom, error) {
	lo, hi, ok := strings.Cut(string(state), ",")
	a, err1 := strconv.ParseFloat(lo, 64)
	b, err2 := strconv.ParseFloat(hi, 64)
	if !ok || err1 != nil || err2 != nil || !(a <= b) || math.IsInf(a, 0) || math.IsInf(b, 0) {
		return nil, fmt.Errorf("%w: %q", errBadWinsor, state)
	}
	return clipTo{a, b}, nil
}

var errBadWinsor = errors.New("winsor: bad state")

// winsorAcc keeps every value, so merging is exact.
type winsorAcc struct {
	def    winsor
	values []float64
}

func (a *winsorAcc) Add(x float64) {
	if x != x || math.IsInf(x, 0) {
		panic(fmt.Sprintf("winsorAcc.Add(%v): the package passes only finite values", x))
	}
	a.values = append(a.values, x)
}

func (a *winsorAcc) Merge(other feature.Accumulator) {
	a.values = append(a.values, other.(*winsorAcc).values...)
}

func (a *winsorAcc) Finish() (feature.Custom, error) {
	v := slices.Sorted(slices.Values(a.values))
	q := func(p float64) float64 {
		idx := p / 100 * float64(len(v)-1)
		i := int(idx)
		if i >= len(v)-1 {
			return v[len(v)-1]
		}
		return v[i] + (v[i+1]-v[i])*(idx-float64(i))
	}
	return clipTo{q(a.def.lo), q(a.def.hi)}, nil
}

// clipTo is winsor's fitted transform.
type clipTo struct{ lo, hi float64 }

func (c clipTo) Kind() string            { return "clip_to" }
func (c clipTo) Apply(x float64) float64 { return min(max(x, c.lo), c.hi) }
func (c clipTo) MarshalText() ([]byte, error) {
	return fmt.Appendf(nil, "%s,%s", fstr(c.lo), fstr(c.hi)), nil
}

func fstr(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }

// divMax is a Learner that divides by the largest absolute training value;
// an all-zero column is an error from Finish.
type divMax struct{}

func (divMax) Kind() string                        { return "div_max" }
func (divMax) Apply(x float64) float64             { panic("divMax: Apply of the unfitted definition") }
func (divMax) NewAccumulator() feature.Accumulator { return new(maxAbsAcc) }
func (divMax) Restore(state []byte) (feature.Custom, error) {
	m, err := strconv.ParseFloat(string(state), 64)
	if err != nil || !(m > 0) || math.IsInf(m, 0) {
		return nil, fmt.Errorf("div_max: state %q is not a positive number", state)
	}
	return divBy(m), nil
}

var errAllZero = errors.New("div_max: every training value is 0")

type maxAbsAcc struct{ m float64 }

func (a *maxAbsAcc) Add(x float64)                   { a.m = max(a.m, math.Abs(x)) }
func (a *maxAbsAcc) Merge(other feature.Accumulator) { a.m = max(a.m, other.(*maxAbsAcc).m) }
func (a *maxAbsAcc) Finish() (feature.Custom, error) {
	if a.m == 0 {
		return nil, errAllZero
	}
	return divBy(a.m), nil
}

type divBy float64

func (d divBy) Kind() string                 { return "div_by" }
func (d divBy) Apply(x float64) float64      { return x / float64(d) }
func (d divBy) MarshalText() ([]byte, error) { return []byte(fstr(float64(d))), nil }

var (
	_ feature.Learner = winsor{}
	_ feature.Learner = divMax{}
)

// learnerSet uses Learners alone and within chains, after and before
// other stateful steps, next to a stateless Custom.
func learnerSet(opts *feature.Options) *feature.Set[item] { return learnerSetV(opts, winsor{5, 95}) }

func learnerSetV(opts *feature.Options, w winsor) *feature.Set[item] {
	x := func(it *item) float64 { return it.X }
	y := func(it *item) *float64 { return it.Y }
	wt := func(it *item) float64 { return it.Weight }
	return feature.NewSet[item](opts).
		Num("x_winsor", x, feature.Transform(w)).
		NumPtr("y_winsor", y, feature.Transform(winsor{1, 99})).
		NumPtr("y_div", y, feature.Impute(feature.Mean, true), feature.Transform(divMax{})).
		Num("w_div_std", wt, feature.Clip(0, 1e6), feature.Transform(divMax{}), feature.Standardize()).
		Num("x_fixed", x, feature.Transform(scaleBy(2)), feature.Transform(w), feature.MinMax(0, 1)).
		Cat("color", func(it *item) string { return it.Color }, feature.OneHot(feature.OneHotOptions{Unknown: feature.UnknownIgnore}))
}

// exactLearnerSet has only Learners (and stateless steps), whose merges
// are exact, so a fit over any shards equals the whole fit bit for bit.
func exactLearnerSet() *feature.Set[item] {
	return feature.NewSet[item](&feature.Options{BlockRows: 100}).
		Num("x_winsor", func(it *item) float64 { return it.X }, feature.Transform(winsor{2.5, 97.5})).
		NumPtr("y_div", func(it *item) *float64 { return it.Y }, feature.Clip(-50, 50), feature.Transform(divMax{}), feature.Transform(winsor{10, 90}))
}

func TestLearnerFitsOnEarlierSteps(t *testing.T) {
	rows := items(3000, 1)
	set := learnerSet(nil)
	fz := set.Begin()
	if fz.Passes() != 2 {
		t.Fatalf("Passes() = %d; want 2 (Impute then the Learner; the Learner then Standardize)", fz.Passes())
	}
	f, err := set.Fit(context.Background(), rows)
	if err != nil {
		t.Fatal(err)
	}
	// y_div: the imputed values divided by the largest |y|.
	var m float64
	for _, it := range rows {
		if it.Y != nil {
			m = max(m, math.Abs(*it.Y))
		}
	}
	names := f.Names()
	col := slices.Index(names, "y_div")
	v := f.Vector(&item{Y: f64(m), Color: "red"}, nil)
	if v[col] != 1 {
		t.Errorf("y_div of the largest |y| = %v; want 1", v[col])
	}
	// x_winsor: bounded by the 5th and 95th percentiles of x.
	xs := make([]float64, len(rows))
	for i, it := range rows {
		xs[i] = it.X
	}
	fit, _ := winsor{5, 95}.NewAccumulator().(*winsorAcc)
	for _, x := range xs {
		fit.Add(x)
	}
	want, _ := fit.Finish()
	c := want.(clipTo)
	col = slices.Index(names, "x_winsor")
	for _, x := range []float64{-1e300, c.lo, 10, c.hi, 1e300} {
		got := f.Vector(&item{X: x, Color: "red"}, nil)[col]
		if got != c.Apply(x) {
			t.Errorf("x_winsor(%v) = %v; want %v", x, got, c.Apply(x))
		}
	}
}

func TestLearnerShardsMerge(t *testing.T) {
	ctx := context.Background()
	rows := items(1000, 5)
	set := exactLearnerSet()
	want, err := set.Fit(ctx, rows)
	if err != nil {
		t.Fatal(err)
	}
	for _, cuts := range [][]int{{1}, {3, 999}, {100, 200, 300}, {17, 500, 501, 733}} {
		if got := fitShards(t, set, rows, cuts); got.Fingerprint() != want.Fingerprint() {
			t.Errorf("shards cut at %v: fingerprint %s; want %s", cuts, got.Fingerprint(), want.Fingerprint())
		}
	}
	// With moments in the set, shards on block boundaries give the same bits.
	set = learnerSet(&feature.Options{BlockRows: 250})
	if want, err = set.Fit(ctx, rows); err != nil {
		t.Fatal(err)
	}
	if got := fitShards(t, set, rows, []int{250, 500, 750}); got.Fingerprint() != want.Fingerprint() {
		t.Errorf("shards on block boundaries: fingerprint %s; want %s", got.Fingerprint(), want.Fingerprint())
	}
	if got, err := set.FitSeq(ctx, stream(rows)); err != nil || got.Fingerprint() != want.Fingerprint() {
		t.Errorf("FitSeq = %v; fingerprint differs from Fit's", err)
	}
}

// learnerState fits learnerSet on fixed rows: its encoding is
// testdata/fitted_learner.golden.
func learnerState(t testing.TB) (*feature.Set[item], *feature.Fitted[item], []byte) {
	t.Helper()
	set := learnerSet(nil)
	f, err := set.Fit(context.Background(), items(3000, 1))
	if err != nil {
		t.Fatal(err)
	}
	b, err := f.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	return set, f, b
}

func TestLearnerEncodeGolden(t *testing.T) {
	set, f, b := learnerState(t)
	path := filepath.Join("testdata", "fitted_learner.golden")
	if *update {
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b, want) {
		t.Fatalf("encoded state differs from %s (run go test -update if the change is intended)", path)
	}
	for _, s := range []string{`"kind":"custom_fitted","config":{"name":"winsor","text":"5,95"},"fitted":"`, `"config":{"name":"div_max"},"fitted":"`} {
		if !bytes.Contains(b, []byte(s)) {
			t.Errorf("encoded state lacks %s", s)
		}
	}
	g, err := learnerSet(nil).Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	b2, _ := g.MarshalJSON()
	if !bytes.Equal(b, b2) || g.Fingerprint() != f.Fingerprint() {
		t.Fatal("re-encoded state differs")
	}
	rows := append(items(200, 3), badItems()...)
	if err := feature.CheckParity(context.Background(), set, g, rows); err != nil {
		t.Fatal(err)
	}
	for i := range rows {
		v, w := f.Vector(&rows[i], nil), g.Vector(&rows[i], nil)
		for k := range v {
			if math.Float64bits(v[k]) != math.Float64bits(w[k]) {
				t.Fatalf("row %d column %d: decoded %v; fitted %v", i, k, w[k], v[k])
			}
		}
	}
}

func TestLearnerDecodeErrors(t *testing.T) {
	_, _, b := learnerState(t)
	s := string(b)
	t.Run("other parameters", func(t *testing.T) {
		_, err := learnerSetV(nil, winsor{10, 90}).Decode(b)
		if !errors.Is(err, feature.ErrMismatch) {
			t.Fatalf("Decode = %v; want ErrMismatch", err)
		}
	})
	t.Run("stateless in the set", func(t *testing.T) {
		set := feature.NewSet[item](nil).Num("x_winsor", func(it *item) float64 { return it.X }, feature.Transform(scaleBy(2)))
		_, err := set.Decode([]byte(`{"format":"loom.feature","version":1,"width":1,"names":["x_winsor"],"features":[{"name":"x_winsor","type":"numeric","transforms":[{"kind":"custom_fitted","config":{"name":"scale_by","text":"2"},"fitted":"1,2","n":3}]}]}`))
		if !errors.Is(err, feature.ErrMismatch) {
			t.Fatalf("Decode = %v; want ErrMismatch", err)
		}
	})
	i := strings.Index(s, `"fitted":"`) + len(`"fitted":"`)
	j := i + strings.IndexByte(s[i:], '"')
	tests := []struct {
		name string
		data string
		user error // wrapped too, when not nil
	}{
		{"rejected by Restore", s[:i] + "garbage" + s[j:], errBadWinsor},
		{"empty state", s[:i] + s[j:], errBadWinsor},
		{"no fitted state", strings.Replace(s, `,"fitted":"`+s[i:j]+`"`, "", 1), nil},
		{"fitted state on a built-in", strings.Replace(s, `"kind":"standardize",`, `"kind":"standardize","fitted":"1",`, 1), nil},
		{"fitted state on a stateless Custom", strings.Replace(s, `"config":{"name":"scale_by","text":"2"},`, `"config":{"name":"scale_by","text":"2"},"fitted":"",`, 1), nil},
		{"fitted state on a categorical", strings.Replace(s, `"kind":"onehot",`, `"kind":"onehot","fitted":"x",`, 1), nil},
		{"fitted state not a string", s[:i-1] + "1" + s[j+1:], nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.data == s {
				t.Fatal("the test case does not change the state")
			}
			_, err := learnerSet(nil).Decode([]byte(tc.data))
			var se *feature.StateError
			if !errors.Is(err, feature.ErrFormat) || !errors.As(err, &se) {
				t.Fatalf("Decode = %v; want a *StateError wrapping ErrFormat", err)
			}
			if tc.user != nil && (!errors.Is(err, tc.user) || se.Feature != "x_winsor") {
				t.Fatalf("Decode = %v; want it to wrap %v and name x_winsor", err, tc.user)
			}
		})
	}
}

func TestLearnerFitErrors(t *testing.T) {
	ctx := context.Background()
	zero := func(it *item) float64 { return 0 }
	_, err := feature.NewSet[item](nil).Num("zeros", zero, feature.Transform(divMax{})).Fit(ctx, items(10, 1))
	var se *feature.StateError
	if !errors.Is(err, errAllZero) || !errors.As(err, &se) || se.Feature != "zeros" || !strings.Contains(err.Error(), `"zeros"`) {
		t.Fatalf("Fit = %v; want a *StateError naming zeros and wrapping the Finish error", err)
	}
	// No non-missing value: ErrEmpty, and Finish is not called.
	none := func(it *item) *float64 { return nil }
	_, err = feature.NewSet[item](nil).NumPtr("none", none, feature.Transform(divMax{})).Fit(ctx, items(10, 1))
	if !errors.Is(err, feature.ErrEmpty) {
		t.Fatalf("Fit = %v; want ErrEmpty", err)
	}
	// ±Inf never reaches Add.
	inf := func(it *item) float64 { return math.Inf(1) }
	_, err = feature.NewSet[item](nil).Num("inf", inf, feature.Transform(winsor{5, 95})).Fit(ctx, items(10, 1))
	var ve *feature.ValueError
	if !errors.Is(err, feature.ErrInfinite) || !errors.As(err, &ve) || ve.Feature != "inf" {
		t.Fatalf("Fit = %v; want a *ValueError wrapping ErrInfinite", err)
	}
}

func TestLearnerVectorAllocs(t *testing.T) {
	_, f, _ := learnerState(t)
	rows := items(50, 2)
	dst := make([]float64, f.Width())
	i := 0
	if n := testing.AllocsPerRun(200, func() { dst = f.Vector(&rows[i%len(rows)], dst); i++ }); n != 0 {
		t.Errorf("Vector allocates %v times per row; want 0", n)
	}
}
