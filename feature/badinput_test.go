package feature_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/loomml/loom/feature"
)

func TestBadInput(t *testing.T) {
	ctx := context.Background()
	x := func(it *item) float64 { return it.X }
	y := func(it *item) *float64 { return it.Y }
	color := func(it *item) string { return it.Color }
	size := func(it *item) *string { return it.Size }
	day := time.Date(2025, 2, 3, 4, 5, 6, 0, time.UTC)
	train := []item{{X: 1, Y: f64(2), Color: "red", Size: str("S"), When: &day}, {X: 3, Y: nil, Color: "blue", Size: nil, When: &day}, {X: 5, Y: f64(4), Color: "red", Size: str("M"), When: &day}}
	tests := []struct {
		name    string
		set     *feature.Set[item]
		row     item
		want    []float64 // nil when an error is expected
		wantErr error
	}{
		{"unknown category, error policy", feature.NewSet[item](nil).Cat("c", color, feature.OneHot(feature.OneHotOptions{})),
			item{Color: "mauve"}, nil, feature.ErrUnknownCategory},
		{"unknown category, ignore policy", feature.NewSet[item](nil).Cat("c", color, feature.OneHot(feature.OneHotOptions{Unknown: feature.UnknownIgnore})),
			item{Color: "mauve"}, []float64{0, 0}, nil},
		{"unknown category, ordinal error", feature.NewSet[item](nil).Cat("c", color, feature.Ordinal(feature.OrdinalOptions{})),
			item{Color: "mauve"}, nil, feature.ErrUnknownCategory},
		{"unknown category, ordinal value", feature.NewSet[item](nil).Cat("c", color, feature.Ordinal(feature.OrdinalOptions{Unknown: feature.UnknownIgnore, UnknownValue: -1})),
			item{Color: "mauve"}, []float64{-1}, nil},
		{"missing category seen in training", feature.NewSet[item](nil).CatPtr("s", size, feature.OneHot(feature.OneHotOptions{})),
			item{}, []float64{0, 0, 1}, nil},
		{"missing category, ordinal without imputer", feature.NewSet[item](nil).CatPtr("s", size, feature.Ordinal(feature.OrdinalOptions{})),
			item{}, nil, feature.ErrMissing},
		{"missing category, hash without imputer", feature.NewSet[item](nil).CatPtr("s", size, feature.Hash(4)),
			item{}, nil, feature.ErrMissing},
		{"missing number without imputer", feature.NewSet[item](nil).NumPtr("y", y, feature.Standardize()),
			item{}, nil, feature.ErrMissing},
		{"NaN is missing", feature.NewSet[item](nil).Num("x", x, feature.Standardize()),
			item{X: math.NaN()}, nil, feature.ErrMissing},
		{"NaN imputed", feature.NewSet[item](nil).Num("x", x, feature.Impute(feature.Mean, true)),
			item{X: math.NaN()}, []float64{3, 1}, nil},
		{"+Inf", feature.NewSet[item](nil).Num("x", x, feature.Standardize()),
			item{X: math.Inf(1)}, nil, feature.ErrInfinite},
		{"-Inf into bins", feature.NewSet[item](nil).Num("x", x, feature.Bins(2, true)),
			item{X: math.Inf(-1)}, nil, feature.ErrInfinite},
		{"-Inf clipped", feature.NewSet[item](nil).Num("x", x, feature.Clip(0, 10)),
			item{X: math.Inf(-1)}, []float64{0}, nil},
		{"overflow to Inf", feature.NewSet[item](nil).Num("x", x, feature.MinMax(0, 1e300)),
			item{X: 1e300}, nil, feature.ErrInfinite},
		{"log1p below -1", feature.NewSet[item](nil).Num("x", x, feature.Log1p()),
			item{X: -2}, nil, feature.ErrDomain},
		{"log1p of -1", feature.NewSet[item](nil).Num("x", x, feature.Log1p()),
			item{X: -1}, nil, feature.ErrInfinite},
		{"out of training range", feature.NewSet[item](nil).Num("x", x, feature.MinMax(0, 1)),
			item{X: 9}, []float64{2}, nil},
		{"product", feature.NewSet[item](nil).Num("x", x).NumPtr("y", y, feature.ImputeConstant(0, false)).Product("xy", "x", "y").Product("xx", "x", "x"),
			item{X: 3, Y: f64(-2)}, []float64{3, -2, -6, 9}, nil},
		{"product of a missing factor", feature.NewSet[item](nil).Num("x", x).NumPtr("y", y).Product("xy", "x", "y"),
			item{X: 3}, nil, feature.ErrMissing},
		{"product overflow", feature.NewSet[item](nil).Num("x", x).Product("xx", "x", "x"),
			item{X: 1e200}, nil, feature.ErrInfinite},
		{"missing time", feature.NewSet[item](nil).Time("t", when, feature.Month),
			item{}, nil, feature.ErrMissing},
		{"box-cox of 0", feature.NewSet[item](nil).Num("x", x, feature.BoxCox()),
			item{X: 0}, nil, feature.ErrDomain},
		{"box-cox of a negative value", feature.NewSet[item](nil).Num("x", x, feature.BoxCox(), feature.Standardize()),
			item{X: -3}, nil, feature.ErrDomain},
		{"box-cox of a missing value, imputed after", feature.NewSet[item](nil).NumPtr("y", y, feature.BoxCox(), feature.ImputeConstant(-7, true)),
			item{}, []float64{-7, 1}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, err := tc.set.Fit(ctx, train)
			if err != nil {
				t.Fatal(err)
			}
			got, err := f.Transform(&tc.row, nil)
			v := f.Vector(&tc.row, nil)
			if tc.wantErr != nil {
				var ve *feature.ValueError
				if !errors.Is(err, tc.wantErr) || !errors.As(err, &ve) || ve.Row != -1 || ve.Feature == "" {
					t.Fatalf("Transform error = %v; want a *ValueError wrapping %v", err, tc.wantErr)
				}
				if !slices.ContainsFunc(v, math.IsNaN) || fmt.Sprint(v) != fmt.Sprint(got) {
					t.Fatalf("Vector = %v, Transform = %v; want the same values with NaN for the failed feature", v, got)
				}
				if _, err := f.Matrix(ctx, []item{train[0], tc.row}); !errors.As(err, &ve) || ve.Row != 1 {
					t.Fatalf("Matrix error = %v; want a *ValueError at row 1", err)
				}
				return
			}
			if err != nil || !slices.Equal(got, tc.want) || !slices.Equal(v, tc.want) {
				t.Fatalf("Transform = %v, %v; Vector = %v; want %v", got, err, v, tc.want)
			}
		})
	}
}

func TestFitErrors(t *testing.T) {
	ctx := context.Background()
	x := func(it *item) float64 { return it.X }
	tests := []struct {
		name string
		set  *feature.Set[item]
		rows []item
		want error
	}{
		{"empty training set", feature.NewSet[item](nil).Num("x", x, feature.Standardize()), nil, feature.ErrEmpty},
		{"empty stateless set", feature.NewSet[item](nil).Num("x", x), nil, feature.ErrEmpty},
		{"all missing", feature.NewSet[item](nil).NumPtr("y", func(it *item) *float64 { return it.Y }, feature.Impute(feature.Median, false)), []item{{}, {}}, feature.ErrEmpty},
		{"all missing categories", feature.NewSet[item](nil).CatPtr("s", func(it *item) *string { return it.Size }, feature.CatImpute(feature.MostFrequent), feature.OneHot(feature.OneHotOptions{})), []item{{}, {}}, feature.ErrEmpty},
		{"Inf in training", feature.NewSet[item](nil).Num("x", x, feature.Standardize()), []item{{X: 1}, {X: math.Inf(1)}}, feature.ErrInfinite},
		{"domain in training", feature.NewSet[item](nil).Num("x", x, feature.Log1p(), feature.Standardize()), []item{{X: 1}, {X: -3}}, feature.ErrDomain},
		{"box-cox of 0 in training", feature.NewSet[item](nil).Num("x", x, feature.BoxCox()), []item{{X: 1}, {X: 0}}, feature.ErrDomain},
		{"box-cox of a negative value in training, after a scaler", feature.NewSet[item](nil).Num("x", x, feature.Standardize(), feature.BoxCox()), []item{{X: 1}, {X: 2}}, feature.ErrDomain},
		{"box-cox of a constant column", feature.NewSet[item](nil).Num("x", x, feature.BoxCox()), []item{{X: 2}, {X: 2}, {X: math.NaN()}}, feature.ErrDomain},
		{"box-cox of no value", feature.NewSet[item](nil).Num("x", x, feature.BoxCox()), []item{{X: math.NaN()}}, feature.ErrEmpty},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.set.Fit(ctx, tc.rows)
			if !errors.Is(err, tc.want) {
				t.Fatalf("Fit = %v; want %v", err, tc.want)
			}
			if !strings.HasPrefix(err.Error(), "feature") {
				t.Errorf("error %q lacks the package prefix", err)
			}
		})
	}
	var ve *feature.ValueError
	_, err := feature.NewSet[item](nil).Num("x", x, feature.Standardize()).Fit(ctx, []item{{X: 1}, {X: 2}, {X: math.Inf(-1)}})
	if !errors.As(err, &ve) || ve.Row != 2 || ve.Feature != "x" || ve.Value != "-Inf" {
		t.Fatalf("Fit error = %#v; want row 2, feature x, value -Inf", err)
	}
	_, err = feature.NewSet[item](nil).Num("x", x, feature.BoxCox()).Fit(ctx, []item{{X: 1}, {X: 2}, {X: -0.5}})
	if !errors.As(err, &ve) || ve.Row != 2 || ve.Feature != "x" || ve.Value != "-0.5" || !strings.Contains(err.Error(), "Box-Cox needs values > 0") {
		t.Fatalf("Fit error = %v; want row 2, feature x, value -0.5, saying Box-Cox needs values > 0", err)
	}
}

func TestConstantColumns(t *testing.T) {
	rows := []item{{X: 4}, {X: 4}, {X: 4}}
	x := func(it *item) float64 { return it.X }
	for _, tr := range []struct {
		name string
		t    feature.NumTransform
		want float64
	}{
		{"standardize", feature.Standardize(), 0},
		{"minmax", feature.MinMax(0, 1), 0},
		{"robust", feature.Robust(), 0},
		{"maxabs", feature.MaxAbs(), 1},
		{"bins", feature.Bins(3, false), 0},
	} {
		f, err := feature.NewSet[item](nil).Num("x", x, tr.t).Fit(context.Background(), rows)
		if err != nil {
			t.Fatal(err)
		}
		if got := f.Vector(&rows[0], nil)[0]; got != tr.want {
			t.Errorf("%s of a constant column = %v; want %v", tr.name, got, tr.want)
		}
		if got := f.Vector(&item{X: 7}, nil)[0]; math.IsNaN(got) || math.IsInf(got, 0) {
			t.Errorf("%s of a new value after a constant column = %v; want a finite value", tr.name, got)
		}
	}
	zero := []item{{X: 0}, {X: 0}}
	f, err := feature.NewSet[item](nil).Num("x", x, feature.MaxAbs()).Fit(context.Background(), zero)
	if err != nil {
		t.Fatal(err)
	}
	if got := f.Vector(&item{X: 3}, nil)[0]; got != 3 {
		t.Errorf("MaxAbs after an all-zero column = %v; want 3 (scale 1)", got)
	}
}

func TestDefinitionPanics(t *testing.T) {
	x := func(it *item) float64 { return it.X }
	c := func(it *item) string { return it.Color }
	tests := []struct {
		name string
		fn   func()
	}{
		{"duplicate name", func() { feature.NewSet[item](nil).Num("a", x).Num("a", x) }},
		{"empty name", func() { feature.NewSet[item](nil).Num("", x) }},
		{"nil accessor", func() { feature.NewSet[item](nil).Num("a", nil) }},
		{"two imputers", func() {
			feature.NewSet[item](nil).Num("a", x, feature.Impute(feature.Mean, false), feature.ImputeConstant(0, false))
		}},
		{"no encoder", func() { feature.NewSet[item](nil).Cat("a", c) }},
		{"imputer after encoder", func() {
			feature.NewSet[item](nil).Cat("a", c, feature.Hash(2), feature.CatImputeConstant("x"))
		}},
		{"product of an unknown feature", func() { feature.NewSet[item](nil).Num("a", x).Product("p", "a", "b") }},
		{"product of a categorical feature", func() { feature.NewSet[item](nil).Num("a", x).Cat("c", c, feature.Hash(2)).Product("p", "a", "c") }},
		{"bad bins", func() { feature.Bins(1, true) }},
		{"bad minmax", func() { feature.MinMax(1, 0) }},
		{"bad clip", func() { feature.Clip(1, 0) }},
		{"bad impute", func() { feature.Impute(feature.Constant, false) }},
		{"NaN constant", func() { feature.ImputeConstant(math.NaN(), false) }},
		{"bad hash", func() { feature.Hash(0) }},
		{"bad one-hot", func() { feature.OneHot(feature.OneHotOptions{MaxCategories: 1}) }},
		{"zero transform", func() { feature.NewSet[item](nil).Num("a", x, feature.NumTransform{}) }},
		{"no time parts", func() { feature.NewSet[item](nil).Time("t", when) }},
		{"add after fit", func() {
			s := feature.NewSet[item](nil).Num("a", x)
			s.Fit(context.Background(), []item{{}}) //nolint:errcheck
			s.Num("b", x)
		}},
		{"short MatrixTo buffer", func() {
			s := feature.NewSet[item](nil).Num("a", x)
			f, _ := s.Fit(context.Background(), []item{{}})
			f.MatrixTo(context.Background(), make([]float64, 1), make([]item, 2)) //nolint:errcheck
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				r := recover()
				msg, _ := r.(string)
				if !strings.HasPrefix(msg, "feature: ") {
					t.Fatalf("panic %v; want a message starting with \"feature: \"", r)
				}
			}()
			tc.fn()
		})
	}
}
