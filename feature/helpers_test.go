package feature_test

import (
	"math"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/loomml/loom/feature"
)

// item is the test row type with every kind of field.
type item struct {
	X      float64    `loom:"x"`
	Y      *float64   `loom:"y"`
	Z      float64    `loom:"z"`
	Color  string     `loom:"color"`
	Size   *string    `loom:"size"`
	Brand  string     `loom:"brand"`
	When   *time.Time `loom:"when"`
	Weight float64    `loom:"weight"`
}

func f64(x float64) *float64 { return &x }
func str(s string) *string   { return &s }

func tptr(t time.Time) *time.Time { return &t }

// when reads item.When; nil is the zero (missing) time.
func when(it *item) time.Time {
	if it.When == nil {
		return time.Time{}
	}
	return *it.When
}

// items returns n seeded rows: y missing 10%, size missing 5%, colours with
// a long tail.
func items(n int, seed uint64) []item {
	r := rand.New(rand.NewPCG(seed, 7))
	colors := []string{"red", "green", "blue", "black", "white", "teal", "plum"}
	sizes := []string{"S", "M", "L", "XL"}
	t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	out := make([]item, n)
	for i := range out {
		it := item{
			X:      r.NormFloat64()*3 + 10,
			Z:      math.Floor(r.Float64() * 5),
			Color:  colors[min(r.IntN(12), len(colors)-1)],
			Brand:  "b" + strconv.Itoa(r.IntN(40)),
			When:   tptr(t0.Add(time.Duration(r.Int64N(int64(365 * 24 * time.Hour))))),
			Weight: r.ExpFloat64() * 3,
		}
		if r.Float64() >= 0.1 {
			it.Y = f64(r.NormFloat64() * 100)
		}
		if r.Float64() >= 0.05 {
			it.Size = &sizes[r.IntN(len(sizes))]
		}
		out[i] = it
	}
	return out
}

type scaleBy float64

func (s scaleBy) Kind() string            { return "scale_by" }
func (s scaleBy) Apply(x float64) float64 { return x * float64(s) }
func (s scaleBy) MarshalText() ([]byte, error) {
	return []byte(strconv.FormatFloat(float64(s), 'g', -1, 64)), nil
}

// variant changes fullSet in one place, for decoding mismatches.
type variant struct {
	firstName string
	bins      int
	scale     float64
	parts     []feature.TimePart
}

// fullSet uses every transform of the package.
func fullSet(opts *feature.Options) *feature.Set[item] { return fullSetV(opts, variant{}) }

func fullSetV(opts *feature.Options, v variant) *feature.Set[item] {
	if v.firstName == "" {
		v.firstName = "x_std"
	}
	if v.bins == 0 {
		v.bins = 4
	}
	if v.scale == 0 {
		v.scale = 2
	}
	if v.parts == nil {
		v.parts = []feature.TimePart{feature.Year, feature.Month, feature.Day, feature.Weekday,
			feature.Hour, feature.DayOfYear, feature.UnixSecond, feature.MonthCycle, feature.WeekdayCycle, feature.HourCycle, feature.DayOfYearCycle}
	}
	x := func(it *item) float64 { return it.X }
	y := func(it *item) *float64 { return it.Y }
	z := func(it *item) float64 { return it.Z }
	w := func(it *item) float64 { return it.Weight }
	return feature.NewSet[item](opts).
		Num(v.firstName, x, feature.Standardize()).
		Num("x_minmax", x, feature.MinMax(-1, 1)).
		Num("x_robust", x, feature.Robust()).
		Num("x_maxabs", x, feature.MaxAbs()).
		Num("x_bins_q", x, feature.Bins(v.bins, false)).
		Num("x_bins_u", x, feature.Bins(6, true)).
		NumPtr("y_mean", y, feature.Impute(feature.Mean, true), feature.Standardize()).
		NumPtr("y_median", y, feature.Impute(feature.Median, false), feature.Robust()).
		NumPtr("y_const", y, feature.ImputeConstant(-1, true), feature.Clip(-50, 50), feature.MaxAbs()).
		NumPtr("y_raw", y, feature.Clip(-100, 100), feature.Impute(feature.MostFrequent, false)).
		Num("z_mode", z, feature.Impute(feature.MostFrequent, true), feature.MinMax(0, 1), feature.Bins(3, true)).
		Num("w_power", w, feature.YeoJohnson(), feature.Standardize()).
		Num("w_boxcox", w, feature.BoxCox(), feature.Standardize()).
		Num("w_log", w, feature.Clip(0, 1e6), feature.Log1p(), feature.Standardize()).
		Num("w_custom", w, feature.Transform(scaleBy(v.scale)), feature.Transform(feature.CustomFunc{Name: "sqrt", Fn: math.Sqrt}), feature.Standardize()).
		Product("x_y", "x_minmax", "y_mean").
		Product("x_sq", "x_minmax", "x_minmax").
		Cat("color", func(it *item) string { return it.Color }, feature.OneHot(feature.OneHotOptions{Unknown: feature.UnknownIgnore, MaxCategories: 5})).
		Cat("color_ord", func(it *item) string { return it.Color }, feature.Ordinal(feature.OrdinalOptions{Unknown: feature.UnknownIgnore, UnknownValue: -1})).
		CatPtr("size", func(it *item) *string { return it.Size }, feature.OneHot(feature.OneHotOptions{Unknown: feature.UnknownIgnore})).
		CatPtr("size_imp", func(it *item) *string { return it.Size }, feature.CatImpute(feature.MostFrequent), feature.Ordinal(feature.OrdinalOptions{})).
		CatPtr("size_const", func(it *item) *string { return it.Size }, feature.CatImputeConstant("none"), feature.OneHot(feature.OneHotOptions{})).
		Cat("brand", func(it *item) string { return it.Brand }, feature.OneHot(feature.OneHotOptions{Unknown: feature.UnknownIgnore, MinFrequency: 30})).
		Cat("brand_hash", func(it *item) string { return it.Brand }, feature.Hash(8)).
		Cat("brand_target", func(it *item) string { return it.Brand }, feature.TargetEncode(feature.TargetOptions{Seed: 3})).
		CatPtr("size_target", func(it *item) *string { return it.Size }, feature.CatImpute(feature.MostFrequent), feature.TargetEncode(feature.TargetOptions{Folds: 3, Smoothing: -1})).
		Label(func(it *item) float64 { return it.Weight }).
		Time("when", when, v.parts...)
}

// badItems are rows with values that have no defined output in some
// features: unknown categories, missing where nothing imputes, ±Inf, NaN,
// out of domain.
func badItems() []item {
	t := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	return []item{
		{X: math.NaN(), Color: "mauve", Brand: "zzz", When: &t},
		{X: math.Inf(1), Y: f64(math.Inf(-1)), Color: "red", Size: str("XXL"), Brand: "b1", When: &t},
		{X: 1, Y: f64(1e308), Z: math.NaN(), Color: "", Brand: "", Weight: -2, When: &t},
		{X: 1e308, Weight: math.Inf(1), Color: "red", Brand: "b2"},
		{X: -1e308, Weight: -1, Color: "plum", Brand: "b3", When: &t},
	}
}

// stream yields rows as a source does: each with a nil error.
func stream[T any](rows []T) func(yield func(T, error) bool) {
	return func(yield func(T, error) bool) {
		for _, r := range rows {
			if !yield(r, nil) {
				return
			}
		}
	}
}
