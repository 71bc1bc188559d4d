package feature_test

import (
	"context"
	"errors"
	"math"
	"slices"
	"testing"

	"github.com/loomml/loom/feature"
)

func treeSet() *feature.Set[item] {
	return feature.NewSet[item](nil).
		Num("x", func(it *item) float64 { return it.X }).
		NumPtr("y", func(it *item) *float64 { return it.Y }).
		Cat("color", func(it *item) string { return it.Color }, feature.Ordinal(feature.OrdinalOptions{Unknown: feature.UnknownIgnore, UnknownValue: -1})).
		CatPtr("size", func(it *item) *string { return it.Size }, feature.Ordinal(feature.OrdinalOptions{}))
}

func TestTreeMatrix(t *testing.T) {
	rows := items(3000, 4)
	fitted, err := treeSet().Fit(context.Background(), rows)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := fitted.Categorical(), []bool{false, false, true, true}; !slices.Equal(got, want) {
		t.Errorf("Categorical() = %v; want %v", got, want)
	}
	// Matrix refuses the missing values; TreeMatrix keeps them as NaN.
	if _, err := fitted.Matrix(context.Background(), rows); !errors.Is(err, feature.ErrMissing) {
		t.Errorf("Matrix with missing values = %v; want ErrMissing", err)
	}
	X, err := fitted.TreeMatrix(context.Background(), rows)
	if err != nil {
		t.Fatal(err)
	}
	missY, missSize := 0, 0
	for i := range rows {
		got := X.RawRowView(i)
		if want := fitted.Vector(&rows[i], nil); !slices.EqualFunc(got, want, func(a, b float64) bool {
			return math.Float64bits(a) == math.Float64bits(b)
		}) {
			t.Fatalf("row %d: TreeMatrix %v; Vector %v", i, got, want)
		}
		if math.IsNaN(got[1]) != (rows[i].Y == nil) || math.IsNaN(got[3]) != (rows[i].Size == nil) {
			t.Fatalf("row %d: NaN where not missing or the reverse: %v", i, got)
		}
		if rows[i].Y == nil {
			missY++
		}
		if rows[i].Size == nil {
			missSize++
		}
		if c := got[2]; c != math.Trunc(c) || c < 0 {
			t.Fatalf("row %d: colour code %v", i, c)
		}
	}
	if missY == 0 || missSize == 0 {
		t.Fatal("test rows have no missing values")
	}
	// Other bad values are still errors, naming the row.
	bad := slices.Clone(rows)
	bad[17].X = math.Inf(1)
	var ve *feature.ValueError
	if _, err := fitted.TreeMatrix(context.Background(), bad); !errors.As(err, &ve) || ve.Row != 17 || !errors.Is(err, feature.ErrInfinite) {
		t.Errorf("TreeMatrix with +Inf in row 17 = %v", err)
	}
	bad = slices.Clone(rows)
	bad[5].Size = str("XXL")
	if _, err := fitted.TreeMatrix(context.Background(), bad); !errors.Is(err, feature.ErrUnknownCategory) {
		t.Errorf("TreeMatrix with an unknown size = %v; want ErrUnknownCategory", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := fitted.TreeMatrix(ctx, rows); !errors.Is(err, context.Canceled) {
		t.Errorf("TreeMatrix with a cancelled context = %v", err)
	}
	if _, err := fitted.TreeMatrix(context.Background(), nil); !errors.Is(err, feature.ErrEmpty) {
		t.Errorf("TreeMatrix of no rows = %v; want ErrEmpty", err)
	}
}

// TestTreeMatrixChains checks TreeMatrix on the matrix path's kernels (the
// one-pass centring kernel, the general affine kernel, the general chain,
// row by row): its rows equal TreeTransform's bit for bit, and a bad value
// after a missing one of the same feature in the same chunk of rows is
// still found.
func TestTreeMatrixChains(t *testing.T) {
	set := feature.NewSet[item](nil).
		NumPtr("y_centre", func(it *item) *float64 { return it.Y }, feature.Standardize()).
		NumPtr("y_affine", func(it *item) *float64 { return it.Y }, feature.MinMax(0, 1), feature.MaxAbs()).
		NumPtr("y_chain", func(it *item) *float64 { return it.Y }, feature.Clip(-50, 50), feature.Log1p()).
		Num("x", func(it *item) float64 { return it.X }, feature.Impute(feature.Median, true), feature.Standardize()).
		CatPtr("size", func(it *item) *string { return it.Size }, feature.Ordinal(feature.OrdinalOptions{}))
	rows := items(1000, 9)
	for i := range rows { // keep Log1p in its domain
		if rows[i].Y != nil {
			rows[i].Y = f64(math.Abs(*rows[i].Y))
		}
	}
	fitted, err := set.Fit(context.Background(), rows)
	if err != nil {
		t.Fatal(err)
	}
	X, err := fitted.TreeMatrix(context.Background(), rows)
	if err != nil {
		t.Fatal(err)
	}
	for i := range rows {
		want, err := fitted.TreeTransform(&rows[i], nil)
		if err != nil {
			t.Fatalf("TreeTransform(row %d) = %v", i, err)
		}
		if got := X.RawRowView(i); !slices.EqualFunc(got, want, func(a, b float64) bool {
			return math.Float64bits(a) == math.Float64bits(b)
		}) {
			t.Fatalf("row %d: TreeMatrix %v; TreeTransform %v", i, got, want)
		}
	}
	missing := slices.IndexFunc(rows, func(it item) bool { return it.Y == nil })
	if missing < 0 || missing > 100 {
		t.Fatalf("first missing y at row %d; want one in the first chunk", missing)
	}
	tests := []struct {
		name    string
		row     int
		edit    func(it *item)
		feature string
		want    error
	}{
		{"+Inf after a missing value", missing + 3, func(it *item) { it.Y = f64(math.Inf(1)) }, "y_centre", feature.ErrInfinite},
		{"-Inf in the last row", len(rows) - 1, func(it *item) { it.Y = f64(math.Inf(-1)) }, "y_centre", feature.ErrInfinite},
		{"out of Log1p's domain", missing + 1, func(it *item) { it.Y = f64(-2) }, "y_chain", feature.ErrDomain},
		{"unknown category", missing + 2, func(it *item) { it.Size = str("XXL") }, "size", feature.ErrUnknownCategory},
	}
	for _, tt := range tests {
		bad := slices.Clone(rows)
		tt.edit(&bad[tt.row])
		var ve *feature.ValueError
		_, err := fitted.TreeMatrix(context.Background(), bad)
		if !errors.As(err, &ve) || ve.Row != tt.row || ve.Feature != tt.feature || !errors.Is(err, tt.want) {
			t.Errorf("%s: TreeMatrix = %v; want %v in row %d, feature %s", tt.name, err, tt.want, tt.row, tt.feature)
		}
	}
}

// TestTreeMatrixBlocks checks that the blocks of TreeMatrixBlocks put
// together are TreeMatrix, missing values as NaN included, and that a bad
// value is TreeMatrix's error.
func TestTreeMatrixBlocks(t *testing.T) {
	rows := items(3000, 4)
	fitted, err := treeSet().Fit(context.Background(), rows)
	if err != nil {
		t.Fatal(err)
	}
	X, err := fitted.TreeMatrix(context.Background(), rows)
	if err != nil {
		t.Fatal(err)
	}
	got, err := blocksMatrix(t, fitted, rows, true)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.EqualFunc(got, X.RawMatrix().Data, func(a, b float64) bool {
		return math.Float64bits(a) == math.Float64bits(b)
	}) {
		t.Fatal("the blocks differ from TreeMatrix")
	}
	if _, err := blocksMatrix(t, fitted, rows, false); !errors.Is(err, feature.ErrMissing) {
		t.Errorf("MatrixBlocks with missing values = %v; want ErrMissing", err)
	}
	bad := slices.Clone(rows)
	bad[2017].X = math.Inf(1)
	var ve *feature.ValueError
	if _, err := blocksMatrix(t, fitted, bad, true); !errors.As(err, &ve) || ve.Row != 2017 || !errors.Is(err, feature.ErrInfinite) {
		t.Errorf("TreeMatrixBlocks with +Inf in row 2017 = %v", err)
	}
}
