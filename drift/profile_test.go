package drift

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestProfileStats(t *testing.T) {
	type row struct {
		x *float64
		s *string
	}
	f := func(v float64) *float64 { return &v }
	s := func(v string) *string { return &v }
	rows := []row{{f(1), s("a")}, {f(2), s("b")}, {nil, s("a")}, {f(6), nil}, {f(math.NaN()), s("a")}}
	cols := []Column[row]{FloatPtr("x", func(r *row) *float64 { return r.x }), StringPtr("s", func(r *row) *string { return r.s })}
	p := BuildProfile(rows, cols, &ProfileOptions{MaxCategories: 1})
	x, c := p.Column("x"), p.Column("s")
	if p.Rows != 5 || x.Count != 3 || x.Missing != 2 || x.Mean != 3 || x.Min != 1 || x.Max != 6 {
		t.Errorf("x: %+v", x)
	}
	if want := math.Sqrt(14.0 / 3); math.Abs(x.Std-want) > 1e-12 {
		t.Errorf("x std = %v; want %v", x.Std, want)
	}
	if len(c.Categories) != 1 || c.Categories[0] != (Category{"a", 3}) || c.Other != 1 || c.Missing != 1 {
		t.Errorf("s: %+v", c)
	}
	if x.MissingShare() != 0.4 || p.Column("nope") != nil {
		t.Errorf("MissingShare = %v", x.MissingShare())
	}
}

func TestProfileMergeMatchesWhole(t *testing.T) {
	rows := wideRows(4000, 11, 0)
	whole := BuildProfile(rows, wideColumns(), nil)
	a := BuildProfile(rows[:1500], wideColumns(), nil)
	b := BuildProfile(rows[1500:], wideColumns(), nil)
	if err := a.Merge(b); err != nil {
		t.Fatal(err)
	}
	for i, wc := range whole.Columns {
		mc := a.Columns[i]
		if wc.Count != mc.Count || math.Abs(wc.Mean-mc.Mean) > 1e-12 || math.Abs(wc.Std-mc.Std) > 1e-12 || wc.Min != mc.Min || wc.Max != mc.Max {
			t.Errorf("%s: merged %v/%v/%v; whole %v/%v/%v", wc.Name, mc.Count, mc.Mean, mc.Std, wc.Count, wc.Mean, wc.Std)
		}
		if wc.Kind == Categorical && !slices.Equal(wc.Categories, mc.Categories) {
			t.Errorf("%s: categories differ", wc.Name)
		}
		if wc.Kind == Numeric && math.Abs(wc.Quantile(0.5)-mc.Quantile(0.5)) > 0.02 {
			t.Errorf("%s: medians %v vs %v", wc.Name, wc.Quantile(0.5), mc.Quantile(0.5))
		}
	}
	if err := a.Merge(numProfile([]float64{1})); !errors.Is(err, ErrUnknownColumn) {
		t.Errorf("merging another schema: %v", err)
	}
}

func TestProfileJSONRoundTrip(t *testing.T) {
	p := wideProfile(3000, 12)
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	var q Profile
	if err := json.Unmarshal(b, &q); err != nil {
		t.Fatal(err)
	}
	b2, _ := json.Marshal(&q)
	if !bytes.Equal(b, b2) {
		t.Error("re-encoded profile differs")
	}
	cur := BuildProfile(wideRows(500, 13, 0.3), wideColumns(), nil)
	r1, _ := Compare(p, cur, nil)
	r2, _ := Compare(&q, cur, nil)
	j1, _ := json.Marshal(r1)
	j2, _ := json.Marshal(r2)
	if !bytes.Equal(j1, j2) {
		t.Error("decoded profile compares differently")
	}
	empty := NewProfileBuilder([]ColumnSpec{{"v", Numeric}, {"c", Categorical}}, nil).Profile()
	if b, err := json.Marshal(empty); err != nil || json.Unmarshal(b, &q) != nil {
		t.Errorf("empty profile round trip: %v", err)
	}
}

func TestProfileJSONErrors(t *testing.T) {
	good, _ := json.Marshal(numProfile([]float64{1, 2, 3}))
	var w map[string]any
	_ = json.Unmarshal(good, &w)
	mutate := func(f func(m map[string]any)) []byte {
		var m map[string]any
		_ = json.Unmarshal(good, &m)
		f(m)
		b, _ := json.Marshal(m)
		return b
	}
	col := func(m map[string]any) map[string]any { return m["columns"].([]any)[0].(map[string]any) }
	tests := []struct {
		name string
		data []byte
		want error
	}{
		{"syntax", []byte("{"), ErrBadProfile},
		{"version", mutate(func(m map[string]any) { m["version"] = 3 }), ErrProfileVersion},
		{"kind", mutate(func(m map[string]any) { col(m)["kind"] = "blob" }), ErrBadProfile},
		{"count", mutate(func(m map[string]any) { col(m)["count"] = 2 }), ErrBadProfile},
		{"rows", mutate(func(m map[string]any) { m["rows"] = 1 }), ErrBadProfile},
		{"sketch", mutate(func(m map[string]any) { col(m)["sketch"] = "AAAA" }), ErrBadProfile},
		{"hist", mutate(func(m map[string]any) { col(m)["hist"] = []int{3} }), ErrBadProfile},
		{"mean", mutate(func(m map[string]any) { col(m)["mean"] = 99 }), ErrBadProfile},
		{"options", mutate(func(m map[string]any) { m["options"] = map[string]any{"SketchK": 1} }), ErrBadProfile},
	}
	for _, tt := range tests {
		var p Profile
		if err := p.UnmarshalJSON(tt.data); !errors.Is(err, tt.want) {
			t.Errorf("%s: err = %v; want %v", tt.name, err, tt.want)
		}
	}
}

var updateGolden = os.Getenv("LOOM_UPDATE") == "1"

func FuzzProfileJSON(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/*.profile.json")
	for _, s := range seeds {
		b, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var p Profile
		if err := json.Unmarshal(data, &p); err != nil {
			return
		}
		b, err := json.Marshal(&p)
		if err != nil {
			t.Fatalf("re-encoding a decoded profile: %v", err)
		}
		var q Profile
		if err := json.Unmarshal(b, &q); err != nil {
			t.Fatalf("decoding a re-encoded profile: %v", err)
		}
		if _, err := Compare(&p, &q, nil); err != nil {
			t.Fatalf("Compare(p, p): %v", err)
		}
	})
}

// TestSeedProfiles keeps the fuzz seeds decodable (LOOM_UPDATE=1 rewrites them).
func TestSeedProfiles(t *testing.T) {
	type row struct {
		x float64
		c string
	}
	small := BuildProfile([]row{{1, "a"}, {2, "b"}, {2, "a"}}, []Column[row]{
		Float("x", func(r *row) (float64, bool) { return r.x, true }),
		String("c", func(r *row) (string, bool) { return r.c, true }),
	}, &ProfileOptions{SketchK: 8, Bins: 3})
	for _, name := range []string{"small.profile.json", "wide.profile.json"} { // version 1
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		var q Profile
		if err := json.Unmarshal(b, &q); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		if q.opts.Quantile != QuantileInvertedCDF {
			t.Errorf("%s: version 1 decoded with quantile method %q; want %q", name, q.opts.Quantile, QuantileInvertedCDF)
		}
	}
	for name, p := range map[string]*Profile{"small.v2.profile.json": small, "wide.v2.profile.json": wideProfile(300, 1)} {
		path := filepath.Join("testdata", name)
		if updateGolden {
			b, _ := json.Marshal(p)
			if err := os.WriteFile(path, b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var q Profile
		if err := json.Unmarshal(b, &q); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// TestAddFloatsMatchesAddFloat adds the same columns value by value and in
// batches (with missing values): same counts, same sketches, same mean
// and standard deviation to rounding.
func TestAddFloatsMatchesAddFloat(t *testing.T) {
	specs := []ColumnSpec{{"a", Numeric}, {"b", Numeric}}
	one, batch := NewProfileBuilder(specs, nil), NewProfileBuilder(specs, nil)
	r := rand.New(rand.NewPCG(3, 4))
	for range 7 {
		cols := [2][]float64{make([]float64, 999), make([]float64, 999)}
		for i := range 999 {
			one.AddRow()
			batch.AddRow()
			for j := range cols {
				x := 100 + r.NormFloat64()*float64(j+1)
				if i%97 == 0 {
					x = math.NaN()
				}
				if i%101 == 0 {
					x = math.Inf(1)
				}
				cols[j][i] = x
				one.AddFloat(j, x)
			}
		}
		for j := range cols {
			batch.AddFloats(j, cols[j])
		}
	}
	p, q := one.Profile(), batch.Profile()
	for j, name := range []string{"a", "b"} {
		a, b := p.Column(name), q.Column(name)
		ka, _ := a.sketch.MarshalBinary()
		kb, _ := b.sketch.MarshalBinary()
		if a.Count != b.Count || a.Missing != b.Missing || !bytes.Equal(ka, kb) ||
			!near(a.Mean, b.Mean, 1e-12) || !near(a.Std, b.Std, 1e-10) || !slices.Equal(a.Edges, b.Edges) {
			t.Errorf("column %d: AddFloat gives %d/%d mean %v std %v, AddFloats %d/%d mean %v std %v (sketches equal: %v)",
				j, a.Count, a.Missing, a.Mean, a.Std, b.Count, b.Missing, b.Mean, b.Std, bytes.Equal(ka, kb))
		}
	}
}
