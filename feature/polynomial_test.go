package feature_test

import (
	"bytes"
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/loomml/loom/feature"
)

// polySet has polynomial terms of degree 3 over three numeric features
// (one with missing values, imputed, one without an imputer) and
// interaction terms of degree 3 over three others; its encoding is
// testdata/fitted_poly.golden.
func polySet(opts *feature.Options) *feature.Set[item] {
	x := func(it *item) float64 { return it.X }
	y := func(it *item) *float64 { return it.Y }
	z := func(it *item) float64 { return it.Z }
	w := func(it *item) float64 { return it.Weight }
	return feature.NewSet[item](opts).
		Num("x_std", x, feature.Standardize()).
		NumPtr("y_mean", y, feature.Impute(feature.Mean, true), feature.Standardize()).
		NumPtr("y_raw", y).
		Num("z", z).
		Num("w_log", w, feature.Clip(0, 1e6), feature.Log1p()).
		Num("x_raw", x).
		Polynomial(3, false, "x_std", "y_mean", "z").
		Polynomial(3, true, "w_log", "y_raw", "x_raw").
		Product("xz", "x_raw", "z")
}

func TestPolynomialNames(t *testing.T) {
	x := func(it *item) float64 { return it.X }
	tests := []struct {
		degree int
		inter  bool
		want   string
	}{
		{2, false, "a^2 a*b a*c b^2 b*c c^2"},
		{3, false, "a^2 a*b a*c b^2 b*c c^2 a^3 a^2*b a^2*c a*b^2 a*b*c a*c^2 b^3 b^2*c b*c^2 c^3"},
		{2, true, "a*b a*c b*c"},
		{3, true, "a*b a*c b*c a*b*c"},
		{5, true, "a*b a*c b*c a*b*c"},
	}
	for _, tc := range tests {
		set := feature.NewSet[item](nil).Num("a", x).Num("b", x).Num("c", x).Polynomial(tc.degree, tc.inter, "a", "b", "c")
		f, err := set.Fit(context.Background(), items(10, 1))
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(f.Names()[3:], " "); got != tc.want {
			t.Errorf("Polynomial(%d, %v) names = %s; want %s", tc.degree, tc.inter, got, tc.want)
		}
	}
	// The features' order, not their names' order, fixes the terms'.
	set := feature.NewSet[item](nil).Num("b", x).Num("a", x).Polynomial(4, false, "a", "b")
	f, err := set.Fit(context.Background(), items(10, 1))
	if err != nil {
		t.Fatal(err)
	}
	want := "a^2 a*b b^2 a^3 a^2*b a*b^2 b^3 a^4 a^3*b a^2*b^2 a*b^3 b^4"
	if got := strings.Join(f.Names()[2:], " "); got != want {
		t.Errorf("Polynomial(4) of a, b names = %s; want %s", got, want)
	}
}

func TestPolynomialValues(t *testing.T) {
	x := func(it *item) float64 { return it.X }
	y := func(it *item) *float64 { return it.Y }
	z := func(it *item) float64 { return it.Z }
	set := feature.NewSet[item](nil).Num("x", x).NumPtr("y", y).Num("z", z).Polynomial(3, false, "x", "y", "z")
	f, err := set.Fit(context.Background(), items(10, 1))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	got := f.Vector(&item{X: 2, Y: f64(3), Z: 5}, nil)
	// x, y, z; x^2 xy xz y^2 yz z^2; x^3 x^2y x^2z xy^2 xyz xz^2 y^3 y^2z yz^2 z^3
	want := []float64{2, 3, 5, 4, 6, 10, 9, 15, 25, 8, 12, 20, 18, 30, 50, 27, 45, 75, 125}
	if !slices.Equal(got, want) {
		t.Fatalf("Vector = %v; want %v", got, want)
	}
	// The factors are multiplied last first, as scikit-learn does: x^2*y
	// is (y·x)·x, which differs from (x·x)·y in the last bit here.
	a, b := 0.1, 0.7
	set = feature.NewSet[item](nil).Num("a", func(*item) float64 { return a }).Num("b", func(*item) float64 { return b }).Polynomial(3, false, "a", "b")
	f, err = set.Fit(ctx, items(1, 1))
	if err != nil {
		t.Fatal(err)
	}
	v := f.Vector(&item{}, nil)
	if got, want := v[slices.Index(f.Names(), "a^2*b")], (b*a)*a; got != want {
		t.Errorf("a^2*b = %v; want (b·a)·a = %v", got, want)
	}
	if got, want := v[slices.Index(f.Names(), "a*b^2")], (b*b)*a; got != want {
		t.Errorf("a*b^2 = %v; want (b·b)·a = %v", got, want)
	}
}

func TestPolynomialBadInput(t *testing.T) {
	x := func(it *item) float64 { return it.X }
	y := func(it *item) *float64 { return it.Y }
	z := func(it *item) float64 { return it.Z }
	set := feature.NewSet[item](nil).Num("x", x).NumPtr("y", y).Num("z", z).Polynomial(3, false, "x", "y", "z")
	ctx := context.Background()
	f, err := set.Fit(ctx, items(100, 1))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		row     item
		feature string
		wantErr error
	}{
		{"missing factor", item{X: 1, Z: 2}, "x*y", feature.ErrMissing},
		{"overflow", item{X: 1e120, Y: f64(1), Z: 1}, "x^3", feature.ErrInfinite},
		// 1e200·1e200 overflows before the factor 0: an overflow, not a
		// missing value, though Inf·0 is NaN.
		{"overflow before 0", item{X: 0, Y: f64(1e200), Z: 1}, "y^3", feature.ErrInfinite},
		{"overflow then 0", item{X: 0, Y: f64(1e200), Z: 1e200}, "x*y*z", feature.ErrInfinite},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.Transform(&tc.row, nil)
			var ve *feature.ValueError
			if !errors.Is(err, tc.wantErr) || !errors.As(err, &ve) {
				t.Fatalf("Transform = %v; want a *ValueError wrapping %v", err, tc.wantErr)
			}
			v := f.Vector(&tc.row, nil)
			if i := slices.Index(f.Names(), tc.feature); !math.IsNaN(v[i]) {
				t.Errorf("Vector[%s] = %v; want NaN", tc.feature, v[i])
			}
			if _, err := f.Matrix(ctx, []item{{X: 1, Y: f64(1)}, tc.row}); !errors.Is(err, tc.wantErr) || !errors.As(err, &ve) || ve.Row != 1 {
				t.Fatalf("Matrix = %v; want a *ValueError at row 1 wrapping %v", err, tc.wantErr)
			}
		})
	}
	_, err = f.Transform(&item{X: 1e120, Y: f64(1), Z: 1}, nil)
	if want := `feature "x^3": value product of x, x and x: `; err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("Transform error = %v; want it to start with %s", err, want)
	}
}

func TestPolynomialPanics(t *testing.T) {
	x := func(it *item) float64 { return it.X }
	c := func(it *item) string { return it.Color }
	base := func() *feature.Set[item] {
		return feature.NewSet[item](nil).Num("a", x).Num("b", x).Cat("c", c, feature.Hash(2))
	}
	tests := []struct {
		name string
		fn   func()
		want string
	}{
		{"degree 1", func() { base().Polynomial(1, false, "a", "b") }, "degree must be at least 2, got 1"},
		{"no features", func() { base().Polynomial(2, false) }, "at least one feature, got 0"},
		{"unknown feature", func() { base().Polynomial(2, false, "a", "z") }, `earlier numeric features, got "z"`},
		{"categorical feature", func() { base().Polynomial(2, false, "a", "c") }, `earlier numeric features, got "c"`},
		{"feature listed twice", func() { base().Polynomial(2, false, "a", "b", "a") }, `listed twice, got "a"`},
		{"no term", func() { base().Polynomial(3, true, "a") }, "gives no term"},
		{"clash with a feature", func() { base().Num("a*b", x).Polynomial(2, false, "a", "b") }, `duplicates a feature name, got "a*b"`},
		{"clash with an earlier term", func() { base().Polynomial(2, false, "a", "b").Polynomial(2, true, "a", "b") }, `duplicates a feature name, got "a*b"`},
		{"clash between terms", func() {
			feature.NewSet[item](nil).Num("a*b", x).Num("c", x).Num("a", x).Num("b*c", x).Polynomial(2, true, "a*b", "c", "a", "b*c")
		}, `duplicates a feature name, got "a*b*c"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				msg, _ := recover().(string)
				if !strings.HasPrefix(msg, "feature: Polynomial") || !strings.Contains(msg, tc.want) {
					t.Fatalf("panic %q; want \"feature: Polynomial ...%s\"", msg, tc.want)
				}
			}()
			tc.fn()
		})
	}
	// A panic leaves the Set as it was: no term was added.
	s := base()
	func() {
		defer func() { recover() }()
		s.Num("a*b", x).Polynomial(2, false, "a", "b")
	}()
	if s.Len() != 4 {
		t.Errorf("Len after a failed Polynomial = %d; want 4", s.Len())
	}
}

func TestPolynomialParity(t *testing.T) {
	ctx := context.Background()
	for _, block := range []int{1, 7, 0} {
		set := polySet(&feature.Options{BlockRows: block})
		f, err := set.Fit(ctx, items(3000, 1))
		if err != nil {
			t.Fatal(err)
		}
		rows := append(items(500, 2), badItems()...)
		rows = append(rows, item{X: 1e103, Y: f64(0), Z: 4}, item{X: 1e200, Y: f64(1e200), Weight: 1})
		if err := feature.CheckParity(ctx, set, f, rows); err != nil {
			t.Fatalf("BlockRows %d: %v", block, err)
		}
	}
}

func TestPolynomialVectorAllocs(t *testing.T) {
	set := polySet(nil)
	f, err := set.Fit(context.Background(), items(1000, 1))
	if err != nil {
		t.Fatal(err)
	}
	rows := items(10, 3)
	dst := make([]float64, f.Width())
	if n := testing.AllocsPerRun(100, func() {
		for i := range rows {
			f.Vector(&rows[i], dst)
		}
	}); n != 0 {
		t.Errorf("Vector allocates %v times per run; want 0", n)
	}
}

func polyState(t testing.TB) []byte {
	t.Helper()
	f, err := polySet(nil).Fit(context.Background(), items(3000, 1))
	if err != nil {
		t.Fatal(err)
	}
	b, err := f.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestPolynomialEncode(t *testing.T) {
	b := polyState(t)
	path := filepath.Join("testdata", "fitted_poly.golden")
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
	for _, s := range []string{
		`{"name":"x_std^2*y_mean","type":"product","of":["x_std","x_std","y_mean"]}`,
		`{"name":"w_log*y_raw*x_raw","type":"product","of":["w_log","y_raw","x_raw"]}`,
		`{"name":"xz","type":"product","of":["x_raw","z"]}`, // the 2-factor form, as before
	} {
		if !bytes.Contains(b, []byte(s)) {
			t.Errorf("encoded state lacks %s", s)
		}
	}
	g, err := polySet(nil).Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	b2, err := g.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b, b2) {
		t.Fatal("re-encoded state differs")
	}
	for _, tc := range []struct{ name, old, new string }{
		{"fewer factors", `"of":["x_std","x_std","y_mean"]`, `"of":["x_std","y_mean"]`},
		{"more factors", `"of":["x_std","x_std","y_mean"]`, `"of":["x_std","x_std","x_std","y_mean"]`},
		{"other factor", `"of":["x_std","x_std","y_mean"]`, `"of":["x_std","x_std","z"]`},
		{"other order", `"of":["x_std","x_std","y_mean"]`, `"of":["y_mean","x_std","x_std"]`},
		{"no factors", `,"of":["x_std","x_std","y_mean"]`, ``},
	} {
		data := bytes.Replace(b, []byte(tc.old), []byte(tc.new), 1)
		if bytes.Equal(data, b) {
			t.Fatalf("%s: %s not in the state", tc.name, tc.old)
		}
		if _, err := polySet(nil).Decode(data); !errors.Is(err, feature.ErrMismatch) {
			t.Errorf("%s: Decode = %v; want ErrMismatch", tc.name, err)
		}
	}
}
