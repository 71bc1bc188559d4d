package feature_test

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"slices"
	"testing"

	"github.com/loomml/loom/feature"
)

func TestFitSeqEqualsFit(t *testing.T) {
	ctx := context.Background()
	rows := items(2500, 4)
	set := fullSet(&feature.Options{BlockRows: 300})
	a, err := set.Fit(ctx, rows)
	if err != nil {
		t.Fatal(err)
	}
	b, err := set.FitSeq(ctx, stream(rows))
	if err != nil {
		t.Fatal(err)
	}
	if a.Fingerprint() != b.Fingerprint() {
		t.Fatalf("FitSeq fingerprint %s; Fit %s", b.Fingerprint(), a.Fingerprint())
	}
}

// fitShards fits rows split at the given boundaries, each shard on its own
// Pass, merged in order.
func fitShards(t *testing.T, set *feature.Set[item], rows []item, cuts []int) *feature.Fitted[item] {
	t.Helper()
	fz := set.Begin()
	for !fz.Done() {
		total := fz.NewPass()
		lo := 0
		for _, hi := range append(cuts, len(rows)) {
			p := fz.NewPass().StartAt(int64(lo))
			for i := lo; i < hi; i++ {
				if err := p.Add(&rows[i]); err != nil {
					t.Fatal(err)
				}
			}
			total.Merge(p)
			lo = hi
		}
		if total.Rows() != int64(len(rows)) {
			t.Fatalf("Rows() = %d; want %d", total.Rows(), len(rows))
		}
		if err := fz.Apply(total); err != nil {
			t.Fatal(err)
		}
	}
	return fz.Result()
}

func TestFitShardsMerge(t *testing.T) {
	ctx := context.Background()
	rows := items(2000, 5)
	set := fullSet(&feature.Options{BlockRows: 250})
	want, err := set.Fit(ctx, rows)
	if err != nil {
		t.Fatal(err)
	}
	if got := fitShards(t, set, rows, []int{250, 500, 750, 1000, 1250, 1500, 1750}); got.Fingerprint() != want.Fingerprint() {
		t.Errorf("shards on block boundaries: fingerprint %s; want %s", got.Fingerprint(), want.Fingerprint())
	}
	// Other boundaries: counts, vocabularies, quantiles exact; moments to rounding.
	got := fitShards(t, set, rows, []int{3, 999, 1001})
	gs, ws := flatState(t, got), flatState(t, want)
	if len(gs) != len(ws) {
		t.Fatalf("state sizes %d and %d", len(gs), len(ws))
	}
	for k, w := range ws {
		if g := gs[k]; math.Abs(g-w) > 1e-12*math.Max(1, math.Abs(w)) {
			t.Errorf("%s = %v; want %v", k, g, w)
		}
	}
	if !slices.Equal(got.Names(), want.Names()) {
		t.Errorf("Names() = %v; want %v", got.Names(), want.Names())
	}
}

// flatState maps feature/transform/key to every float of a fitted state.
func flatState(t *testing.T, f *feature.Fitted[item]) map[string]float64 {
	t.Helper()
	b, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	var st encState
	if err := json.Unmarshal(b, &st); err != nil {
		t.Fatal(err)
	}
	out := map[string]float64{}
	for _, fe := range st.Features {
		for i, tr := range fe.Transforms {
			for k, v := range tr.State {
				out[fe.Name+"/"+tr.Kind+"/"+k+"/"+string(rune('0'+i))] = v
			}
			for j, e := range tr.Edges {
				out[fe.Name+"/edges/"+string(rune('0'+j))] = e
			}
		}
	}
	return out
}

func TestFitSeqSingleUse(t *testing.T) {
	rows := items(100, 1)
	used := false
	seq := func(yield func(item, error) bool) {
		if used {
			return
		}
		used = true
		for _, r := range rows {
			if !yield(r, nil) {
				return
			}
		}
	}
	// Impute then Standardize needs two passes.
	set := feature.NewSet[item](nil).NumPtr("y", func(it *item) *float64 { return it.Y }, feature.Impute(feature.Mean, false), feature.Standardize())
	if _, err := set.FitSeq(context.Background(), seq); err == nil {
		t.Fatal("FitSeq over a single-use iterator with two passes succeeded")
	}
	used = false
	one := feature.NewSet[item](nil).Num("x", func(it *item) float64 { return it.X }, feature.Standardize())
	if _, err := one.FitSeq(context.Background(), seq); err != nil {
		t.Fatalf("one-pass FitSeq over a single-use iterator: %v", err)
	}
}

func TestFitCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := fullSet(nil).Fit(ctx, items(100, 1)); !errors.Is(err, context.Canceled) {
		t.Fatalf("Fit with a cancelled context = %v; want context.Canceled", err)
	}
	f, err := fullSet(nil).Fit(context.Background(), items(100, 1))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Matrix(ctx, items(100, 1)); !errors.Is(err, context.Canceled) {
		t.Fatalf("Matrix with a cancelled context = %v; want context.Canceled", err)
	}
}

func TestSketchQuantiles(t *testing.T) {
	ctx := context.Background()
	rows := items(60000, 11)
	y := func(it *item) *float64 { return it.Y }
	def := func(opts *feature.Options) *feature.Set[item] {
		return feature.NewSet[item](opts).
			NumPtr("med", y, feature.Impute(feature.Median, false)).
			NumPtr("rob", y, feature.Robust()).
			NumPtr("bins", y, feature.Bins(4, false))
	}
	exact, err := def(nil).Fit(ctx, rows)
	if err != nil {
		t.Fatal(err)
	}
	approxSet := def(&feature.Options{SketchK: 200, BlockRows: 5000})
	approx, err := approxSet.Fit(ctx, rows)
	if err != nil {
		t.Fatal(err)
	}
	seq, err := approxSet.FitSeq(ctx, stream(rows))
	if err != nil {
		t.Fatal(err)
	}
	if seq.Fingerprint() != approx.Fingerprint() {
		t.Error("approximate Fit and FitSeq differ")
	}
	var vals []float64
	for _, r := range rows {
		if r.Y != nil {
			vals = append(vals, *r.Y)
		}
	}
	slices.Sort(vals)
	rank := func(x float64) float64 {
		i, _ := slices.BinarySearch(vals, x)
		return float64(i) / float64(len(vals))
	}
	es, as := flatState(t, exact), flatState(t, approx)
	const bound = 3.0 / 200
	if med := as["med/impute/fill/0"]; math.Abs(rank(med)-0.5) > bound {
		t.Errorf("approximate median %v has rank %v; want 0.5 ± %v (exact %v)", med, rank(med), bound, es["med/impute/fill/0"])
	}
	if c := as["rob/robust/center/0"]; math.Abs(rank(c)-0.5) > bound {
		t.Errorf("approximate robust centre has rank %v", rank(c))
	}
	for k, want := range []float64{0.25, 0.5, 0.75} {
		key := "bins/edges/" + string(rune('1'+k))
		if e := as[key]; math.Abs(rank(e)-want) > bound {
			t.Errorf("approximate edge %d = %v has rank %v; want %v ± %v", k+1, e, rank(e), want, bound)
		}
	}
}

func TestFitSeqStreamError(t *testing.T) {
	broken := errors.New("row 3: disk on fire")
	seq := func(yield func(item, error) bool) {
		for _, r := range items(3, 1) {
			if !yield(r, nil) {
				return
			}
		}
		yield(item{}, broken)
	}
	set := feature.NewSet[item](nil).Num("x", func(it *item) float64 { return it.X }, feature.Standardize())
	if _, err := set.FitSeq(context.Background(), seq); !errors.Is(err, broken) {
		t.Fatalf("FitSeq over a failing stream = %v; want %v", err, broken)
	}
}
