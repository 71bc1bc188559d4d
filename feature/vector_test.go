package feature_test

import (
	"context"
	"math"
	"testing"

	"github.com/loomml/loom/feature"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"
)

func TestVectorAllocs(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		set  *feature.Set[item]
	}{
		{"every transform", fullSet(nil)},
		{"imputer and scaler", feature.NewSet[item](nil).NumPtr("y", func(it *item) *float64 { return it.Y }, feature.Impute(feature.Mean, true), feature.Standardize())},
	} {
		f, err := tc.set.Fit(ctx, items(500, 1))
		if err != nil {
			t.Fatal(err)
		}
		rows := items(64, 2)
		dst := make([]float64, f.Width())
		i := 0
		if n := testing.AllocsPerRun(200, func() { dst = f.Vector(&rows[i%len(rows)], dst); i++ }); n != 0 {
			t.Errorf("%s: Vector allocates %v times per row; want 0", tc.name, n)
		}
		if n := testing.AllocsPerRun(200, func() { dst, _ = f.Transform(&rows[i%len(rows)], dst); i++ }); n != 0 {
			t.Errorf("%s: Transform allocates %v times per valid row; want 0", tc.name, n)
		}
		st := f.NewStats()
		if n := testing.AllocsPerRun(200, func() { st.Add(dst) }); n != 0 {
			t.Errorf("%s: Stats.Add allocates %v times; want 0", tc.name, n)
		}
	}
}

func TestVectorGrowsDst(t *testing.T) {
	f, err := fullSet(nil).Fit(context.Background(), items(100, 1))
	if err != nil {
		t.Fatal(err)
	}
	rows := items(1, 3)
	short := make([]float64, 2, 3)
	if v := f.Vector(&rows[0], short); len(v) != f.Width() || len(f.Names()) != f.Width() {
		t.Fatalf("Vector with a short dst: len %d; want %d", len(v), f.Width())
	}
	long := make([]float64, 0, f.Width()+10)
	if v := f.Vector(&rows[0], long); &v[0] != &long[:1][0] {
		t.Fatal("Vector did not reuse a dst with capacity")
	}
}

func TestStatsMatchGonum(t *testing.T) {
	ctx := context.Background()
	set := feature.NewSet[item](nil).
		Num("x", func(it *item) float64 { return it.X }, feature.Standardize()).
		NumPtr("y", func(it *item) *float64 { return it.Y }).
		Cat("color", func(it *item) string { return it.Color }, feature.OneHot(feature.OneHotOptions{}))
	train := items(1000, 1)
	f, err := set.Fit(ctx, train)
	if err != nil {
		t.Fatal(err)
	}
	rows := items(777, 4)
	all := f.NewStats()
	a, b := f.NewStats(), f.NewStats()
	cols := make([][]float64, f.Width())
	missing := make([]int64, f.Width())
	for i := range rows {
		v := f.Vector(&rows[i], nil)
		all.Add(v)
		if i < 300 {
			a.Add(v)
		} else {
			b.Add(v)
		}
		for j, x := range v {
			if math.IsNaN(x) {
				missing[j]++
			} else {
				cols[j] = append(cols[j], x)
			}
		}
	}
	a.Merge(b)
	for _, got := range [][]feature.ColumnStats{all.Columns(), a.Columns()} {
		for j, c := range got {
			mean, std := stat.PopMeanStdDev(cols[j], nil)
			if c.Count != int64(len(cols[j])) || c.Missing != missing[j] || !close(c.Mean, mean) || !close(c.Std, std) ||
				c.Min != minOf(cols[j]) || c.Max != maxOf(cols[j]) || c.Name != f.Names()[j] {
				t.Errorf("column %d: %+v; want count %d missing %d mean %v std %v", j, c, len(cols[j]), missing[j], mean, std)
			}
		}
	}
	// AddMatrix equals Add row by row.
	valid := rows[:0:0]
	for _, r := range rows {
		if r.Y != nil {
			valid = append(valid, r)
		}
	}
	mm, err := f.Matrix(ctx, valid)
	if err != nil {
		t.Fatal(err)
	}
	byMat, byRow := f.NewStats(), f.NewStats()
	byMat.AddMatrix(mm)
	for i := range valid {
		byRow.Add(mat.Row(nil, i, mm))
	}
	for j, c := range byMat.Columns() {
		if c != byRow.Columns()[j] {
			t.Errorf("AddMatrix column %d = %+v; Add gives %+v", j, c, byRow.Columns()[j])
		}
	}
}

func minOf(x []float64) float64 {
	m := math.Inf(1)
	for _, v := range x {
		m = math.Min(m, v)
	}
	return m
}

func maxOf(x []float64) float64 {
	m := math.Inf(-1)
	for _, v := range x {
		m = math.Max(m, v)
	}
	return m
}
