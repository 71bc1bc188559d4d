package gbdt

import (
	le "encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/loomml/loom/internal/cputime"
	"github.com/loomml/loom/internal/floatsort"
)

// benchBinData returns n rows of p standard normal features, row-major,
// with 5% of the first five features missing, as the fit benchmark's data
// (testdata/bench_sklearn.py).
func benchBinData(n, p int) []float64 {
	rng := rand.New(rand.NewPCG(14, 1))
	X := make([]float64, n*p)
	for i := range X {
		X[i] = rng.NormFloat64()
		if i%p < 5 && rng.Float64() < 0.05 {
			X[i] = math.NaN()
		}
	}
	return X
}

// BenchmarkBinGrouped bins 1,000,000 rows of 30 features into the fit's
// grouped layout, on one goroutine.
func BenchmarkBinGrouped(b *testing.B) {
	const n, p = 1_000_000, 30
	X := benchBinData(n, p)
	tm := newTeam(1)
	defer tm.stop()
	bn := fitBinner(X, p, nil, 255, nil, 1, tm)
	b.ReportAllocs()
	b.SetBytes(int64(n * p))
	cpu := cputime.Process()
	for b.Loop() {
		bn.binGrouped(X, p, nil, tm)
	}
	reportCPU(b, cpu)
}

// BenchmarkFitBinner computes the thresholds of 30 features from the
// subsample of 1,000,000 rows, on one goroutine.
func BenchmarkFitBinner(b *testing.B) {
	const n, p = 1_000_000, 30
	X := benchBinData(n, p)
	tm := newTeam(1)
	defer tm.stop()
	b.ReportAllocs()
	cpu := cputime.Process()
	for b.Loop() {
		fitBinner(X, p, nil, 255, nil, 1, tm)
	}
	reportCPU(b, cpu)
}

// reportCPU reports the CPU time per iteration since start (user and
// system, of the whole process), beside the wall time: the machine the
// benchmarks run on is shared.
func reportCPU(b *testing.B, start time.Duration) {
	if cpu := cputime.Process(); cpu > 0 {
		b.ReportMetric(float64(cpu-start)/float64(b.N), "cpu-ns/op")
	}
}

// refPadded returns the thresholds of each feature padded to 255 with
// +Inf, for refBin.
func refPadded(b *binner) [][256]float64 {
	out := make([][256]float64, len(b.thresholds))
	for f := range out {
		n := copy(out[f][:255], b.thresholds[f])
		for i := n; i < len(out[f]); i++ {
			out[f][i] = math.Inf(1)
		}
	}
	return out
}

// refBin is the bin of value v of feature f as binning did before the
// bucket tables: an 8-step branch-free search of the thresholds padded
// to 255 with +Inf (thr, from refPadded), comparing by the sign of t - v
// (below), or the code of a categorical feature.
func refBin(b *binner, f int, thr *[256]float64, v float64) uint8 {
	if b.categorical != nil && b.categorical[f] {
		c := int(v)
		if math.IsNaN(v) || float64(c) != v || c < 0 || c >= b.nbins[f] || b.known[f][c>>6]>>(c&63)&1 == 0 {
			return b.missing
		}
		return uint8(c)
	}
	base := 0
	for half := 128; half > 0; half >>= 1 {
		if t := thr[(base+half-1)&255]; math.Signbit(t - v) {
			base += half
		}
	}
	if math.IsNaN(v) {
		return b.missing
	}
	return uint8(base)
}

// specials are values binning must place as refBin does.
var specials = []float64{math.NaN(), math.Inf(1), math.Inf(-1), 0, math.Copysign(0, -1),
	math.MaxFloat64, -math.MaxFloat64, math.SmallestNonzeroFloat64, -math.SmallestNonzeroFloat64,
	almostInf, -almostInf, 1, -1}

// binProbes returns col's values, the thresholds, their neighbours and
// the specials: the values a binning test checks.
func binProbes(col, thr []float64, rng *rand.Rand) []float64 {
	out := append(slices.Clone(col), specials...)
	for _, t := range thr {
		out = append(out, t, math.Nextafter(t, math.Inf(-1)), math.Nextafter(t, math.Inf(1)), t+rng.NormFloat64())
	}
	return out
}

// checkBins bins probes with binValues and compares with refBin.
func checkBins(t *testing.T, name string, b *binner, f int, probes []float64) {
	t.Helper()
	s := &b.padded()[f]
	got := make([]uint8, 2*len(probes))
	b.binValues(got, 2, probes, f, s)
	thr := &refPadded(b)[f]
	for i, v := range probes {
		if want := refBin(b, f, thr, v); got[2*i] != want {
			t.Fatalf("%s: thresholds %v (steps %d): value %v (bits %#x) in bin %d; want %d",
				name, b.thresholds[f], s.steps, v, math.Float64bits(v), got[2*i], want)
		}
	}
	if t.Failed() {
		return
	}
	for i := range probes {
		if got[2*i+1] != 0 {
			t.Fatalf("%s: binValues wrote beyond its stride at %d", name, 2*i+1)
		}
	}
}

// binColumns are the kinds of column the binning tests draw.
var binColumns = []struct {
	name string
	gen  func(rng *rand.Rand) float64
}{
	{"normal", func(rng *rand.Rand) float64 { return rng.NormFloat64() }},
	{"normal with NaN", func(rng *rand.Rand) float64 {
		if rng.IntN(10) == 0 {
			return math.NaN()
		}
		return rng.NormFloat64()
	}},
	{"lognormal", func(rng *rand.Rand) float64 { return math.Exp(4 * rng.NormFloat64()) }},
	{"ten integers", func(rng *rand.Rand) float64 { return float64(rng.IntN(10)) }},
	{"300 integers", func(rng *rand.Rand) float64 { return float64(rng.IntN(300)) - 150 }},
	{"mostly zeros of both signs", func(rng *rand.Rand) float64 {
		switch rng.IntN(4) {
		case 0:
			return 0
		case 1:
			return math.Copysign(0, -1)
		}
		return rng.NormFloat64()
	}},
	{"specials", func(rng *rand.Rand) float64 {
		if rng.IntN(3) == 0 {
			return specials[rng.IntN(len(specials))]
		}
		return rng.NormFloat64() * 1e-3
	}},
	{"huge", func(rng *rand.Rand) float64 { return rng.NormFloat64() * 1e307 }},
	{"a few ulps", func(rng *rand.Rand) float64 { return 1 + float64(rng.IntN(1000))*0x1p-52 }},
	{"constant", func(*rand.Rand) float64 { return 3 }},
}

// TestBinValues checks binValues against refBin on the thresholds fitted
// to many kinds of column and on hand-made ones (out of order, NaN,
// infinite, zeros of both signs, crowded): the column's values, the
// thresholds and their neighbours, and special values.
func TestBinValues(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	tm := newTeam(1)
	defer tm.stop()
	for _, c := range binColumns {
		for _, maxBins := range []int{255, 64, 2} {
			col := make([]float64, 4000)
			for i := range col {
				col[i] = c.gen(rng)
			}
			b := fitBinner(col, 1, nil, maxBins, nil, 1, tm)
			checkBins(t, fmt.Sprintf("%s, %d bins", c.name, maxBins), b, 0, binProbes(col, b.thresholds[0], rng))
		}
	}
	crowded := make([]float64, 254)
	for i := range crowded {
		crowded[i] = float64(i) * 1e-9
	}
	crowded[253] = almostInf
	negZero := math.Copysign(0, -1)
	for _, thr := range [][]float64{
		nil, {0}, {negZero}, {negZero, 0}, {0, negZero}, {-1, negZero, 0, 1}, {1, 1, 1, 2}, {2, 1},
		{math.NaN(), 1}, {0, math.NaN(), 1}, {math.Inf(-1), 0, 1}, {0, 1, math.Inf(1)},
		{-almostInf, 0, almostInf}, crowded,
	} {
		col := make([]float64, 500)
		for i := range col {
			col[i] = rng.NormFloat64()
		}
		b := &binner{thresholds: [][]float64{thr}, nbins: []int{len(thr) + 1}, missing: 255}
		checkBins(t, fmt.Sprint(thr), b, 0, binProbes(col, thr, rng))
	}
}

// TestBinLayout checks bin and binGrouped, with one and three workers,
// over every row and over a subset, numeric and categorical features,
// against refBin value by value.
func TestBinLayout(t *testing.T) {
	const n, p = 3*binBlock + 17, 7
	rng := rand.New(rand.NewPCG(5, 6))
	X := make([]float64, n*p)
	categorical := make([]bool, p)
	categorical[2] = true
	for i := range X {
		c := binColumns[(i%p)%len(binColumns)]
		X[i] = c.gen(rng)
		if i%p == 2 {
			X[i] = float64(rng.IntN(12))
			if rng.IntN(20) == 0 {
				X[i] = math.NaN()
			}
		}
	}
	var subset []int
	for r := range n {
		if rng.IntN(3) != 0 {
			subset = append(subset, r)
		}
	}
	for _, workers := range []int{1, 3} {
		tm := newTeam(workers)
		b := fitBinner(X, p, subset[:n/2], 255, categorical, 7, tm)
		for _, rows := range [][]int{nil, subset} {
			m := len(rows)
			if rows == nil {
				m = n
			}
			row := func(i int) int {
				if rows == nil {
					return i
				}
				return rows[i]
			}
			plain, grouped := b.bin(X, p, rows, tm), b.binGrouped(X, p, rows, tm)
			thr := refPadded(b)
			for f := range p {
				grp := grouped[histGroup*(f/histGroup)*m:]
				for i := range m {
					want := refBin(b, f, &thr[f], X[row(i)*p+f])
					if plain[f*m+i] != want || grp[histGroup*i+f%histGroup] != want {
						t.Fatalf("%d workers, %d rows: feature %d of row %d (%v): bins %d and %d (grouped); want %d",
							workers, m, f, row(i), X[row(i)*p+f], plain[f*m+i], grp[histGroup*i+f%histGroup], want)
					}
				}
			}
		}
		tm.stop()
	}
}

// TestSelectorThresholds checks the selector's thresholds against those
// of the sorted column, bit for bit, and that it takes the columns of
// many distinct values.
func TestSelectorThresholds(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, c := range binColumns {
		for _, maxBins := range []int{255, 16} {
			for _, n := range []int{selMin, 30_000} {
				col := make([]float64, 0, n)
				for len(col) < n {
					if v := c.gen(rng); !math.IsNaN(v) {
						col = append(col, v)
					}
				}
				want := thresholds(floatsort.Sorted(col), maxBins)
				var sel selector
				got, ok := sel.thresholds(slices.Clone(col), maxBins)
				name := fmt.Sprintf("%s, %d values, %d bins", c.name, n, maxBins)
				if !ok {
					if c.name == "normal" || c.name == "normal with NaN" {
						t.Errorf("%s: the selector declined", name)
					}
					continue
				}
				if !slices.EqualFunc(got, want, func(a, b float64) bool { return math.Float64bits(a) == math.Float64bits(b) }) {
					t.Errorf("%s: thresholds\n%v\nwant\n%v", name, got, want)
				}
			}
		}
	}
}

// fuzzFloats reads data as little-endian float64s (a trailing part
// ignored), at most max of them.
func fuzzFloats(data []byte, max int) []float64 {
	var out []float64
	for len(data) >= 8 && len(out) < max {
		out = append(out, math.Float64frombits(le.LittleEndian.Uint64(data)))
		data = data[8:]
	}
	return out
}

// FuzzBin checks binValues against refBin, on the thresholds fitted to
// a column read from the input and on the column itself taken as
// thresholds, and the selector's thresholds against the sorted column's.
func FuzzBin(f *testing.F) {
	seed := func(maxBins byte, vals ...float64) []byte {
		out := []byte{maxBins}
		for _, v := range vals {
			out = le.LittleEndian.AppendUint64(out, math.Float64bits(v))
		}
		return out
	}
	f.Add(seed(255, specials...))
	f.Add(seed(3, 1, 2, 3, 4, 5, 6, 7, 8, 1, 2, math.Copysign(0, -1), 0, math.NaN()))
	rng := rand.New(rand.NewPCG(1, 1))
	normal := make([]float64, 600)
	for i := range normal {
		normal[i] = rng.NormFloat64()
	}
	f.Add(seed(255, normal...))
	f.Add(seed(16, normal[:40]...))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) == 0 {
			return
		}
		maxBins := 2 + int(data[0])%254
		col := fuzzFloats(data[1:], 4096)
		rng := rand.New(rand.NewPCG(2, 2))
		values := slices.DeleteFunc(slices.Clone(col), math.IsNaN)
		fitted := thresholds(floatsort.Sorted(values), maxBins)
		b := &binner{thresholds: [][]float64{fitted, col[:min(len(col), maxBins-1)]}, missing: uint8(maxBins)}
		b.nbins = []int{len(b.thresholds[0]) + 1, len(b.thresholds[1]) + 1}
		probes := binProbes(col, fitted, rng)
		checkBins(t, "fitted", b, 0, probes)
		checkBins(t, "raw", b, 1, probes)
		if len(values) == 0 {
			return
		}
		var sel selector
		if got, ok := sel.thresholds(values, maxBins); ok &&
			!slices.EqualFunc(got, fitted, func(a, b float64) bool { return math.Float64bits(a) == math.Float64bits(b) }) {
			t.Fatalf("selector: thresholds\n%v\nwant\n%v", got, fitted)
		}
	})
}

// TestBinBenchData checks, on the training rows of the file
// GBDT_BENCH_DATA names (skipped when unset; see BenchmarkFitBench), that
// the selector's thresholds are those of the sorted subsample and that
// every value is binned as refBin bins it.
func TestBinBenchData(t *testing.T) {
	path := os.Getenv("GBDT_BENCH_DATA")
	if path == "" {
		t.Skip("GBDT_BENCH_DATA is not set")
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	n, p := int(le.LittleEndian.Uint64(raw)), int(le.LittleEndian.Uint64(raw[16:]))
	X := fuzzFloats(raw[24:], n*p)
	tm := newTeam(2)
	defer tm.stop()
	b := fitBinner(X, p, nil, 255, nil, 0, tm)
	rng := rand.New(rand.NewPCG(0, 0xb1)) // fitBinner's subsample
	var sample []int
	for i := range n {
		if rng.IntN(n-i) < binSubsample-len(sample) {
			sample = append(sample, i)
		}
	}
	for f := range p {
		var col []float64
		for _, r := range sample {
			if v := X[r*p+f]; !math.IsNaN(v) {
				col = append(col, v)
			}
		}
		want := thresholds(floatsort.Sorted(col), 255)
		if !slices.EqualFunc(b.thresholds[f], want, func(a, b float64) bool { return math.Float64bits(a) == math.Float64bits(b) }) {
			t.Fatalf("feature %d: thresholds differ from the sorted subsample's", f)
		}
	}
	bins := b.binGrouped(X, p, nil, tm)
	thr := refPadded(b)
	for f := range p {
		grp := bins[histGroup*(f/histGroup)*n:]
		for i := range n {
			if got, want := grp[histGroup*i+f%histGroup], refBin(b, f, &thr[f], X[i*p+f]); got != want {
				t.Fatalf("feature %d of row %d (%v): bin %d; want %d", f, i, X[i*p+f], got, want)
			}
		}
	}
}
