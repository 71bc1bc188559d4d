package gbdt

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"unsafe"
)

// splitBits is a split with its floats as bits, so that == tells -0
// from +0 and NaN equals NaN.
type splitBits struct {
	gain                           uint64
	feature                        int
	bin                            uint8
	missingLeft, categorical       bool
	cats                           [4]uint64
	gL, hL, gR, hR, nL, nR, vL, vR uint64
}

func bitsOf(sp split) splitBits {
	b := math.Float64bits
	return splitBits{b(sp.gain), sp.feature, sp.bin, sp.missingLeft, sp.categorical, sp.cats,
		b(sp.gL), b(sp.hL), b(sp.gR), b(sp.hR), b(sp.nL), b(sp.nR), b(sp.valueL), b(sp.valueR)}
}

// histCase is a random feature histogram and a node to search.
type histCase struct {
	s  splitter
	hf featHist
	c  candidate
}

// randomHist returns a histogram of kind:
//   - dense: rows in every bin;
//   - sparse: most bins empty (a node of a few rows);
//   - ties: small integer sums, bins with rows but zero sums, so that
//     many splits share their gain to the bit;
//   - negative: hessians and rows of either sign, so that a side too
//     small for a split may be large enough for a later one (the pass
//     must still end at the first);
//   - odd: the sums of a subtraction (hessians slightly negative, rows
//     without sums, sums without rows), and now and then NaN or Inf.
func randomHist(rng *rand.Rand, kind string) histCase {
	var hc histCase
	nb := 2 + rng.IntN(255)
	if rng.IntN(4) == 0 {
		nb = 256
	}
	missing := rng.IntN(2) == 0
	hc.s = splitter{
		l2:             []float64{0, 0, 1, 0.37}[rng.IntN(4)],
		minSamplesLeaf: []int{0, 1, 5, 20}[rng.IntN(4)],
		minHessian:     []float64{0, 1e-3, 1e-3, 2}[rng.IntN(4)],
		nbins:          []int{nb},
		hasMissing:     []bool{missing},
		missing:        uint8(nb - 1),
	}
	if rng.IntN(3) == 0 {
		hc.s.monotonic = []int{rng.IntN(3) - 1}
	}
	end := nb
	for b := range end {
		e := &hc.hf[b]
		switch kind {
		case "dense":
			e.n = float64(1 + rng.IntN(5000))
			e.g = rng.NormFloat64() * e.n / 4
			e.h = rng.Float64() * e.n / 4
		case "sparse":
			if rng.IntN(8) == 0 {
				e.n = float64(1 + rng.IntN(30))
				e.g = rng.NormFloat64() * e.n / 4
				e.h = rng.Float64() * e.n / 4
			}
		case "ties":
			switch rng.IntN(3) {
			case 0:
			case 1:
				e.n = float64(1 + rng.IntN(3))
			default:
				e.n = float64(1 + rng.IntN(3))
				e.g = float64(rng.IntN(5) - 2)
				e.h = e.n
			}
		case "negative": // hessians and rows of either sign: a side too small may grow again
			e.n = float64(rng.IntN(9) - 2)
			e.g = rng.NormFloat64()
			e.h = rng.NormFloat64()
		case "odd":
			switch rng.IntN(6) {
			case 0:
			case 1:
				e.n = float64(rng.IntN(3))
				e.g = float64(rng.IntN(3)-1) * 1e-17
				e.h = -1e-17
			case 2:
				e.n = float64(1 + rng.IntN(3))
			default:
				e.n = float64(1 + rng.IntN(50))
				e.g = rng.NormFloat64() * e.n
				e.h = rng.Float64() * e.n
			}
			if rng.IntN(400) == 0 {
				e.g = []float64{math.NaN(), math.Inf(1), math.Inf(-1)}[rng.IntN(3)]
			}
		}
	}
	if !missing {
		hc.hf[nb-1] = bin{} // the missing bin of a feature without missing values
	}
	// The node's sums, in bin order, as the histogram kernel adds rows;
	// now and then a little off, as a subtraction leaves them.
	for _, e := range hc.hf[:nb] {
		hc.c.g += e.g
		hc.c.h += e.h
		hc.c.n += e.n
	}
	if rng.IntN(4) == 0 {
		hc.c.g += 1e-13 * rng.NormFloat64()
		hc.c.h += 1e-13 * rng.NormFloat64()
	}
	hc.c.lower, hc.c.upper = math.Inf(-1), math.Inf(1)
	if rng.IntN(4) == 0 {
		hc.c.lower = -rng.Float64()
	}
	if rng.IntN(4) == 0 {
		hc.c.upper = rng.Float64()
	}
	hc.c.loss = hc.c.g * hc.s.nodeValue(hc.c.g, hc.c.h, hc.c.lower, hc.c.upper)
	return hc
}

// TestBestMatchesReference holds the split search to the loop it
// replaced (bestRef), split struct and all, to the bit, on random
// histograms of every kind, with the assembly pass and gain kernel and
// with the portable ones.
func TestBestMatchesReference(t *testing.T) {
	for _, asm := range []bool{false, true} {
		if asm && !useAVX2 {
			continue
		}
		t.Run(fmt.Sprintf("avx2=%v", asm), func(t *testing.T) {
			saved := useAVX2
			useAVX2 = asm
			defer func() { useAVX2 = saved }()
			testBestMatchesReference(t)
		})
	}
}

func testBestMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(14, 6))
	for _, kind := range []string{"dense", "sparse", "ties", "negative", "odd"} {
		t.Run(kind, func(t *testing.T) {
			found := 0
			for i := range 3000 {
				hc := randomHist(rng, kind)
				got, want := hc.s.best(&hc.hf, 0, &hc.c), hc.s.bestRef(&hc.hf, 0, &hc.c)
				if bitsOf(got) != bitsOf(want) {
					t.Fatalf("case %d (nbins %d, missing %v, splitter %+v, node %+v): best = %+v; want %+v",
						i, hc.s.nbins[0], hc.s.hasMissing[0], hc.s, hc.c, got, want)
				}
				if want.gain > 0 {
					found++
				}
			}
			if found < 300 {
				t.Errorf("only %d of 3000 cases found a split", found)
			}
		})
	}
}

// TestGainsKernel checks that gainsFast gives gainsGo's bits, and the
// same greatest gain, for every count of splits, on ordinary, zero, negative, NaN and infinite sums
// (any NaN matches any NaN: the payload depends on the order of the
// operands, which the compiler may swap, and a NaN gain is never
// chosen).
func TestGainsKernel(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 14))
	special := []float64{0, math.Copysign(0, -1), 1e-15, -1e-300, math.NaN(), math.Inf(1), math.Inf(-1), 1}
	for trial := range 200 {
		var gL, hL, gR, hR [scanBlock]float64
		for _, a := range []*[scanBlock]float64{&gL, &hL, &gR, &hR} {
			for i := range a {
				a[i] = rng.NormFloat64() * 100
				if rng.IntN(10) == 0 {
					a[i] = special[rng.IntN(len(special))]
				}
			}
		}
		loss := rng.NormFloat64()
		l2 := []float64{0, 1, 0.5}[trial%3]
		for k := range scanBlock + 1 {
			var got, want [scanBlock]float64
			gl := gL // gainsFast pads its copy with NaN
			gotTop := gainsFast(&got, &gl, &hL, &gR, &hR, k, loss, l2)
			wantTop := gainsGo(&want, &gL, &hL, &gR, &hR, k, loss, l2)
			if math.Float64bits(gotTop) != math.Float64bits(wantTop) {
				t.Fatalf("trial %d, k=%d: greatest gain %v; want %v", trial, k, gotTop, wantTop)
			}
			for i := range k {
				if math.Float64bits(got[i]) != math.Float64bits(want[i]) && !(math.IsNaN(got[i]) && math.IsNaN(want[i])) {
					t.Fatalf("trial %d, k=%d: gains[%d] = %v; want %v (gL %v hL %v gR %v hR %v)", trial, k, i, got[i], want[i], gL[i], hL[i], gR[i], hR[i])
				}
			}
		}
	}
}

// FuzzBest holds the split search to bestRef on histograms whose bins
// come from the fuzzer's bytes, three a bin: small counts and sums, so
// that ties, empty bins and the minimum leaf and hessian boundaries are
// common; a first byte of 250 or more makes the bin's gradient sum NaN,
// ±Inf, -0 or tiny instead.
func FuzzBest(f *testing.F) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, kind := range []string{"dense", "sparse", "ties", "odd"} {
		hc := randomHist(rng, kind)
		var data []byte
		for _, e := range hc.hf[:hc.s.nbins[0]] {
			data = append(data, uint8(min(e.n, 249)), uint8(int8(max(min(e.g*8, 127), -128))), uint8(max(min(e.h*32, 255), 0)))
		}
		f.Add(data, uint8(hc.s.minSamplesLeaf), uint8(3), uint8(0), hc.s.hasMissing[0], int8(0), false)
	}
	special := []float64{math.NaN(), math.Inf(1), math.Inf(-1), math.Copysign(0, -1), 5e-324, -1e-17}
	f.Fuzz(func(t *testing.T, data []byte, minLeaf, minHess, l2 uint8, missing bool, cst int8, bounded bool) {
		nb := min(len(data)/3, 256)
		if nb < 2 {
			return
		}
		var hc histCase
		hc.s = splitter{l2: float64(l2) / 16, minSamplesLeaf: int(minLeaf % 32), minHessian: float64(minHess) / 16,
			nbins: []int{nb}, hasMissing: []bool{missing}, missing: uint8(nb - 1), monotonic: []int{int(cst % 2)}}
		for b := range nb {
			d, e := data[3*b:], &hc.hf[b]
			e.n = float64(d[0] % 4)
			e.g = float64(int8(d[1])) / 8
			e.h = float64(d[2]) / 32
			if d[0] >= 250 {
				e.g = special[d[0]-250]
			}
			hc.c.g += e.g
			hc.c.h += e.h
			hc.c.n += e.n
		}
		hc.c.lower, hc.c.upper = math.Inf(-1), math.Inf(1)
		if bounded {
			hc.c.lower, hc.c.upper = -1, 1
		}
		hc.c.loss = hc.c.g * hc.s.nodeValue(hc.c.g, hc.c.h, hc.c.lower, hc.c.upper)
		got, want := hc.s.best(&hc.hf, 0, &hc.c), hc.s.bestRef(&hc.hf, 0, &hc.c)
		if bitsOf(got) != bitsOf(want) {
			t.Fatalf("best = %+v; want %+v", got, want)
		}
	})
}

// BenchmarkBest times the split search of one feature (255 bins and
// the missing bin) on the histogram of a node of 1,000,000 rows (every
// bin has rows) and of 2,000 rows (many bins are empty), by best (new)
// and by the loop it replaced (ref).
func BenchmarkBest(b *testing.B) {
	for _, rows := range []int{1_000_000, 2_000} {
		rng := rand.New(rand.NewPCG(uint64(rows), 9))
		hc := histCase{s: splitter{l2: 0, minSamplesLeaf: 20, minHessian: 1e-3, nbins: []int{256}, hasMissing: []bool{true}, missing: 255}}
		for range rows {
			x := rng.NormFloat64()
			bn := int(min(max(x*40+128, 0), 254))
			if rng.IntN(20) == 0 {
				bn = 255
			}
			p := 1 / (1 + math.Exp(-x))
			g := float64(float32(p - float64(rng.IntN(2))))
			hc.hf[bn].g += g
			hc.hf[bn].h += float64(float32(p * (1 - p)))
			hc.hf[bn].n++
		}
		for _, e := range hc.hf {
			hc.c.g += e.g
			hc.c.h += e.h
			hc.c.n += e.n
		}
		hc.c.lower, hc.c.upper = math.Inf(-1), math.Inf(1)
		hc.c.loss = hc.c.g * hc.s.nodeValue(hc.c.g, hc.c.h, hc.c.lower, hc.c.upper)
		empty := 0
		for _, e := range hc.hf {
			if e.n == 0 {
				empty++
			}
		}
		for _, impl := range []string{"ref", "new"} {
			search := hc.s.best
			if impl == "ref" {
				search = hc.s.bestRef
			}
			b.Run(fmt.Sprintf("rows=%d/impl=%s", rows, impl), func(b *testing.B) {
				b.ReportAllocs()
				var sp split
				for b.Loop() {
					sp = search(&hc.hf, 0, &hc.c)
				}
				if sp.gain <= 0 {
					b.Fatalf("no split found (%d empty bins)", empty)
				}
			})
		}
	}
}

// TestSubtract checks that the AVX2 subtraction gives the portable
// loop's g, h and n lanes to the bit (NaN, Inf and -0 among them) and
// leaves the padding lane at 0.
func TestSubtract(t *testing.T) {
	if !useAVX2 {
		t.Skip("no AVX2 kernel on this machine")
	}
	rng := rand.New(rand.NewPCG(7, 14))
	special := []float64{0, math.Copysign(0, -1), math.NaN(), math.Inf(1), math.Inf(-1), 5e-324, 1}
	val := func() float64 {
		if rng.IntN(8) == 0 {
			return special[rng.IntN(len(special))]
		}
		return rng.NormFloat64() * 1000
	}
	for _, nf := range []int{0, 1, 4, 32} {
		parent, small := make([]featHist, nf), make([]featHist, nf)
		for f := range nf {
			for b := range parent[f] {
				parent[f][b] = bin{g: val(), h: val(), n: float64(rng.IntN(100))}
				small[f][b] = bin{g: val(), h: val(), n: float64(rng.IntN(100))}
			}
		}
		got, want := make([]featHist, nf), make([]featHist, nf)
		for f := range got {
			for b := range got[f] {
				*(*[4]float64)(unsafe.Pointer(&got[f][b])) = [4]float64{7, 7, 7, 7}
			}
		}
		subtract(got, parent, small)
		useAVX2 = false
		subtract(want, parent, small)
		useAVX2 = true
		for f := range got {
			for b := range got[f] {
				g, w := &got[f][b], &want[f][b]
				if math.Float64bits(g.g) != math.Float64bits(w.g) || math.Float64bits(g.h) != math.Float64bits(w.h) || math.Float64bits(g.n) != math.Float64bits(w.n) {
					t.Fatalf("%d features: feature %d bin %d: %+v; portable %+v", nf, f, b, *g, *w)
				}
				if pad := *(*[4]float64)(unsafe.Pointer(g)); pad[3] != 0 {
					t.Fatalf("%d features: feature %d bin %d: padding lane %v; want 0", nf, f, b, pad[3])
				}
			}
		}
	}
}

// BenchmarkSubtract times the histogram subtraction of a node of 32
// features (a fit of 30: 768 KB, more than L2) and of 8 (in L2), by the
// AVX2 kernel and the portable loop.
func BenchmarkSubtract(b *testing.B) {
	for _, nf := range []int{32, 8} {
		parent, small, dst := make([]featHist, nf), make([]featHist, nf), make([]featHist, nf)
		rng := rand.New(rand.NewPCG(1, 1))
		for f := range parent {
			for j := range parent[f] {
				parent[f][j] = bin{g: rng.NormFloat64(), h: 1, n: 2}
				small[f][j] = bin{g: rng.NormFloat64(), h: 0.5, n: 1}
			}
		}
		for _, impl := range []string{"go", "avx2"} {
			if impl == "avx2" && !useAVX2 {
				continue
			}
			b.Run(fmt.Sprintf("features=%d/impl=%s", nf, impl), func(b *testing.B) {
				saved := useAVX2
				useAVX2 = impl == "avx2"
				defer func() { useAVX2 = saved }()
				b.ReportAllocs()
				for b.Loop() {
					subtract(dst, parent, small)
				}
			})
		}
	}
}

// TestBestAlloc checks that the split search and the subtraction
// allocate nothing (no sync.Pool: the count holds under -race too).
func TestBestAlloc(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 14))
	hc := randomHist(rng, "dense")
	parent, small, dst := make([]featHist, 4), make([]featHist, 4), make([]featHist, 4)
	if a := testing.AllocsPerRun(10, func() {
		hc.s.best(&hc.hf, 0, &hc.c)
		subtract(dst, parent, small)
	}); a != 0 {
		t.Errorf("%v allocations per search and subtraction", a)
	}
}

// TestScanLayout checks the offsets scanBins (split_amd64.s) assumes.
func TestScanLayout(t *testing.T) {
	var sc scan
	var st scanState
	base := uintptr(unsafe.Pointer(&sc.gA))
	for _, c := range []struct {
		name      string
		got, want uintptr
	}{
		{"scanBlock", scanBlock, 32},
		{"acc", unsafe.Offsetof(st.acc), 0},
		{"total", unsafe.Offsetof(st.total), 32},
		{"least", unsafe.Offsetof(st.least), 64},
		{"pos", unsafe.Offsetof(st.pos), 96},
		{"step", unsafe.Offsetof(st.step), 104},
		{"left", unsafe.Offsetof(st.left), 112},
		{"b", unsafe.Offsetof(st.b), 120},
		{"db", unsafe.Offsetof(st.db), 128},
		{"started", unsafe.Offsetof(st.started), 136},
		{"hA", uintptr(unsafe.Pointer(&sc.hA)) - base, 256},
		{"gB", uintptr(unsafe.Pointer(&sc.gB)) - base, 512},
		{"hB", uintptr(unsafe.Pointer(&sc.hB)) - base, 768},
		{"nA", uintptr(unsafe.Pointer(&sc.nA)) - base, 1024},
		{"bin", uintptr(unsafe.Pointer(&sc.bin)) - base, 1280},
	} {
		if c.got != c.want {
			t.Errorf("offset of %s = %d; scanBins assumes %d", c.name, c.got, c.want)
		}
	}
}
