package feature_test

import (
	"context"
	"errors"
	"math"
	"testing"

	"github.com/loomml/loom/feature"
)

// shardedFit fits set over shards of rows as separate processes would:
// every shard's pass starts from the totals of the earlier passes, decoded
// and applied, and travels encoded to a merger with a Fitting of its own.
func shardedFit(t testing.TB, set *feature.Set[item], rows []item, shard int) *feature.Fitted[item] {
	t.Helper()
	var totals [][]byte
	replay := func() *feature.Fitting[item] {
		fz := set.Begin()
		for _, enc := range totals {
			p, err := fz.DecodePass(enc)
			if err != nil {
				t.Fatal(err)
			}
			if err := fz.Apply(p); err != nil {
				t.Fatal(err)
			}
		}
		return fz
	}
	for !replay().Done() {
		var encs [][]byte
		for lo := 0; lo < len(rows); lo += shard {
			p := replay().NewPass().StartAt(int64(lo))
			for i := lo; i < min(lo+shard, len(rows)); i++ {
				if err := p.Add(&rows[i]); err != nil {
					t.Fatal(err)
				}
			}
			enc, err := p.MarshalBinary()
			if err != nil {
				t.Fatal(err)
			}
			encs = append(encs, enc)
		}
		// Fit merges its blocks into an empty pass; so does the merger,
		// which needs no state of earlier passes.
		empty, err := replay().NewPass().MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		merger := set.Begin()
		total, err := merger.DecodePass(empty)
		if err != nil {
			t.Fatal(err)
		}
		for _, enc := range encs {
			p, err := merger.DecodePass(enc)
			if err != nil {
				t.Fatal(err)
			}
			total.Merge(p)
		}
		enc, err := total.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		totals = append(totals, enc)
	}
	return replay().Result()
}

// TestShardedFitEncoded checks that a fit over encoded shards equals Fit
// bit for bit when the shards are Fit's blocks, exactly for counts and
// quantiles and to rounding for moments otherwise, with exact quantiles
// and with sketches.
func TestShardedFitEncoded(t *testing.T) {
	ctx := context.Background()
	rows := items(3000, 5)
	for _, tc := range []struct {
		name  string
		opts  *feature.Options
		shard int
	}{
		{"blocks", &feature.Options{BlockRows: 500}, 500},
		{"other shards", &feature.Options{BlockRows: 500}, 777},
		{"sketch blocks", &feature.Options{BlockRows: 500, SketchK: 64}, 500},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want, err := fullSet(tc.opts).Fit(ctx, rows)
			if err != nil {
				t.Fatal(err)
			}
			got := shardedFit(t, fullSet(tc.opts), rows, tc.shard)
			if tc.shard == 500 {
				if got.Fingerprint() != want.Fingerprint() {
					t.Fatalf("sharded fit over Fit's blocks differs from Fit:\n%v\n%v", flatState(t, got), flatState(t, want))
				}
				return
			}
			ws, gs := flatState(t, want), flatState(t, got)
			for k, w := range ws {
				if g, ok := gs[k]; !ok || !near(g, w, 1e-12) {
					t.Errorf("%s: sharded %v, Fit %v", k, g, w)
				}
			}
		})
	}
}

// near reports a == b, or agreement within rel relative.
func near(a, b, rel float64) bool {
	return a == b || math.Abs(a-b) <= rel*math.Max(math.Abs(a), math.Abs(b))
}

func TestDecodePassErrors(t *testing.T) {
	set := fullSet(nil)
	fz := set.Begin()
	p := fz.NewPass()
	for _, r := range items(50, 1) {
		if err := p.Add(&r); err != nil {
			t.Fatal(err)
		}
	}
	good, err := p.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	other := feature.NewSet[item](nil).Num("x", func(it *item) float64 { return it.X }, feature.Standardize())
	for _, tc := range []struct {
		name string
		fz   *feature.Fitting[item]
		data []byte
	}{
		{"empty", fz, nil},
		{"bad header", fz, []byte("XXXX")},
		{"truncated", fz, good[:len(good)/2]},
		{"trailing", fz, append(append([]byte(nil), good...), 0)},
		{"other set", other.Begin(), good},
		{"pass beyond the set's", fz, []byte("LFP1\x09\x00\x00")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := tc.fz.DecodePass(tc.data); !errors.Is(err, feature.ErrFormat) {
				t.Fatalf("DecodePass = %v; want ErrFormat", err)
			}
		})
	}
}

func FuzzDecodePass(f *testing.F) {
	set := fullSet(&feature.Options{SketchK: 16})
	for _, n := range []int{1, 40} {
		fz := set.Begin()
		p := fz.NewPass()
		for _, r := range items(n, 2) {
			if err := p.Add(&r); err != nil {
				f.Fatal(err)
			}
		}
		enc, err := p.MarshalBinary()
		if err != nil {
			f.Fatal(err)
		}
		f.Add(enc)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fz := set.Begin()
		p, err := fz.DecodePass(data)
		if err != nil {
			if !errors.Is(err, feature.ErrFormat) {
				t.Fatalf("error not wrapping ErrFormat: %v", err)
			}
			return
		}
		// A decoded pass merges and encodes again.
		q := fz.NewPass()
		q.Merge(p)
		if _, err := q.MarshalBinary(); err != nil {
			t.Fatal(err)
		}
	})
}

func TestOrderDependent(t *testing.T) {
	if !fullSet(nil).OrderDependent() {
		t.Error("a set with target encoding is not order dependent")
	}
	if feature.NewSet[item](nil).Num("x", func(it *item) float64 { return it.X }, feature.Standardize()).OrderDependent() {
		t.Error("a set of one standardized feature is order dependent")
	}
}
