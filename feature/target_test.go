package feature_test

import (
	"context"
	"errors"
	"math"
	"testing"

	"github.com/loomml/loom/feature"
)

type labelled struct {
	City  string
	Label float64
}

func targetSet(opts feature.TargetOptions) *feature.Set[labelled] {
	return feature.NewSet[labelled](nil).
		Cat("city", func(r *labelled) string { return r.City }, feature.TargetEncode(opts)).
		Label(func(r *labelled) float64 { return r.Label })
}

func TestTargetEncodeServing(t *testing.T) {
	rows := []labelled{{"a", 1}, {"a", 0}, {"a", 1}, {"b", 0}, {"b", 0}, {"c", 1}}
	f, err := targetSet(feature.TargetOptions{Smoothing: 2}).Fit(context.Background(), rows)
	if err != nil {
		t.Fatal(err)
	}
	prior := 3.0 / 6
	for _, tc := range []struct {
		city string
		want float64
	}{
		{"a", (2 + 2*prior) / (3 + 2)},
		{"b", (0 + 2*prior) / (2 + 2)},
		{"c", (1 + 2*prior) / (1 + 2)},
		{"unknown", prior},
	} {
		if got := f.Vector(&labelled{City: tc.city}, nil)[0]; math.Abs(got-tc.want) > 1e-15 {
			t.Errorf("encoding of %q = %v; want %v", tc.city, got, tc.want)
		}
	}
}

func TestTargetEncodeCrossFitting(t *testing.T) {
	ctx := context.Background()
	rows := make([]labelled, 400)
	for i := range rows {
		rows[i] = labelled{City: string(rune('a' + i%7)), Label: float64(i%5) * 0.5}
	}
	set := targetSet(feature.TargetOptions{Folds: 4, Seed: 9})
	f, err := set.Fit(ctx, rows)
	if err != nil {
		t.Fatal(err)
	}
	base, err := f.TrainingMatrix(ctx, rows)
	if err != nil {
		t.Fatal(err)
	}
	// Changing one row's label must not change that row's own training
	// encoding (it never sees its label), but must change serving.
	for _, i := range []int{0, 57, 399} {
		changed := append([]labelled(nil), rows...)
		changed[i].Label += 100
		g, err := set.Fit(ctx, changed)
		if err != nil {
			t.Fatal(err)
		}
		m, err := g.TrainingMatrix(ctx, changed)
		if err != nil {
			t.Fatal(err)
		}
		if m[i] != base[i] {
			t.Errorf("row %d: training encoding %v changed to %v with its own label", i, base[i], m[i])
		}
		if g.Vector(&rows[i], nil)[0] == f.Vector(&rows[i], nil)[0] {
			t.Errorf("row %d: serving encoding did not change with a training label", i)
		}
	}
	// Sharded fitting with StartAt gives the same training matrix.
	fz := set.Begin()
	total := fz.NewPass()
	for _, lo := range []int{0, 123, 300} {
		hi := map[int]int{0: 123, 123: 300, 300: 400}[lo]
		p := fz.NewPass().StartAt(int64(lo))
		for i := lo; i < hi; i++ {
			if err := p.Add(&rows[i]); err != nil {
				t.Fatal(err)
			}
		}
		total.Merge(p)
	}
	if err := fz.Apply(total); err != nil {
		t.Fatal(err)
	}
	m, err := fz.Result().TrainingMatrix(ctx, rows)
	if err != nil {
		t.Fatal(err)
	}
	for i := range m {
		if math.Abs(m[i]-base[i]) > 1e-12 {
			t.Fatalf("sharded fit: row %d encodes as %v; want %v", i, m[i], base[i])
		}
	}
	// Decoded state serves but cannot cross-fit; other rows are refused.
	b, _ := f.MarshalJSON()
	g, err := set.Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := g.TrainingMatrix(ctx, rows); !errors.Is(err, feature.ErrMismatch) {
		t.Errorf("TrainingMatrix after Decode = %v; want ErrMismatch", err)
	}
	if _, err := f.TrainingMatrix(ctx, rows[:10]); !errors.Is(err, feature.ErrMismatch) {
		t.Errorf("TrainingMatrix of other rows = %v; want ErrMismatch", err)
	}
}

func TestTargetEncodeErrors(t *testing.T) {
	for _, y := range []float64{math.NaN(), math.Inf(1)} {
		_, err := targetSet(feature.TargetOptions{}).Fit(context.Background(), []labelled{{"a", 1}, {"b", y}})
		var ve *feature.ValueError
		if !errors.As(err, &ve) || ve.Row != 1 {
			t.Errorf("Fit with label %v = %v; want a *ValueError at row 1", y, err)
		}
	}
	defer func() {
		if r := recover(); r == nil {
			t.Error("TargetEncode without Label did not panic")
		}
	}()
	feature.NewSet[labelled](nil).Cat("c", func(r *labelled) string { return r.City }, feature.TargetEncode(feature.TargetOptions{})).Begin()
}
