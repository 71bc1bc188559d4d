package feature_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"testing"

	"github.com/loomml/loom/feature"
	"gonum.org/v1/gonum/mat"
)

// cat1 is a row of one category, for the vocabulary tests.
type cat1 struct {
	S string `loom:"s"`
}

func TestOneHotVocabularies(t *testing.T) {
	ctx := context.Background()
	seq := func(prefix string, n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = prefix + strconv.Itoa(i)
		}
		return out
	}
	// categories that agree on their length and first, middle and last
	// two bytes: indistinguishable to the sampled hash key.
	alike := []string{"ab1Xcd", "ab2Xcd", "ab3Xcd", "abXXcd", "a", "", "b"}
	tests := []struct {
		name    string
		vocab   []string
		unknown []string
	}{
		{"three", []string{"low", "mid", "high"}, []string{"lo", "mix", "", "hig", "highh"}},
		{"twelve, shared length and last bytes", []string{"ch01", "ch02", "ch03", "ch04", "ch05", "ch06", "ch07", "ch08", "ch09", "ch10", "ch11", "ch12"}, []string{"ch13", "ch00", "ch1", "ch011", "dh01"}},
		{"empty and one byte", []string{"", "a", "b", "ab", "ba"}, []string{"c", "aa", "abc", " "}},
		{"alike bytes (fallback)", alike, []string{"ab4Xcd", "ab1Xce", "abc"}},
		{"forty", seq("city-", 40), []string{"city-40", "city-", "city-0x", "ity-1"}},
		{"two hundred (map)", seq("k", 200), []string{"k200", "k", "k-1"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			train := make([]cat1, len(tc.vocab))
			for i, s := range tc.vocab {
				train[i] = cat1{s}
			}
			set := feature.NewSet[cat1](nil).Cat("s", func(r *cat1) string { return r.S }, feature.OneHot(feature.OneHotOptions{}))
			f, err := set.Fit(ctx, train)
			if err != nil {
				t.Fatal(err)
			}
			names := f.Names()
			for _, s := range tc.vocab {
				v, err := f.Transform(&cat1{s}, nil)
				col := slices.Index(names, "s="+s)
				if err != nil || col < 0 || v[col] != 1 || sum(v) != 1 {
					t.Fatalf("Transform(%q) = %v, %v; want 1 in column %d (%q) only", s, v, err, col, "s="+s)
				}
			}
			for _, s := range tc.unknown {
				if v, err := f.Transform(&cat1{s}, nil); !errors.Is(err, feature.ErrUnknownCategory) {
					t.Fatalf("Transform(%q) = %v, %v; want ErrUnknownCategory", s, v, err)
				}
			}
			rows := append(append([]cat1(nil), train...), cat1{tc.unknown[0]})
			if err := feature.CheckParity(ctx, set, f, rows); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func sum(v []float64) float64 {
	s := 0.0
	for _, x := range v {
		s += x
	}
	return s
}

// kernelRow exercises each accessor kind of the matrix path's kernels.
type kernelRow struct {
	A float64  `loom:"a"`
	B *float64 `loom:"b"`
	C float64  `loom:"c"`
	D *string  `loom:"d"`
	E string   `loom:"e"`
}

func kernelRows(n int, seed uint64, bad bool) []kernelRow {
	r := rand.New(rand.NewPCG(seed, 3))
	ds := []string{"p", "q", "r", "s"}
	out := make([]kernelRow, n)
	for i := range out {
		row := kernelRow{A: r.NormFloat64()*5 + 1, C: r.ExpFloat64(), E: "e" + strconv.Itoa(r.IntN(30))}
		if r.Float64() < 0.9 {
			row.B = f64(r.NormFloat64())
		}
		if r.Float64() < 0.95 {
			row.D = &ds[r.IntN(len(ds))]
		}
		if bad {
			switch r.IntN(40) {
			case 0:
				row.A = math.NaN()
			case 1:
				row.A = math.Inf(-1)
			case 2:
				row.E = "unseen"
			case 3:
				row.C = math.NaN()
			case 4:
				row.B = f64(math.Inf(1))
			}
		}
		out[i] = row
	}
	return out
}

// kernelSet has a feature for every matrix kernel and accessor kind.
func kernelSet(opts *feature.Options) *feature.Set[kernelRow] {
	a := func(r *kernelRow) float64 { return r.A }
	aOpt := func(r *kernelRow) (float64, bool) { return r.A, r.A > -3 }
	b := func(r *kernelRow) *float64 { return r.B }
	c := func(r *kernelRow) float64 { return r.C }
	d := func(r *kernelRow) *string { return r.D }
	dOpt := func(r *kernelRow) (string, bool) {
		if r.D == nil {
			return "", false
		}
		return *r.D, true
	}
	e := func(r *kernelRow) string { return r.E }
	return feature.NewSet[kernelRow](opts).
		Num("a", a).
		Num("a_std", a, feature.Standardize()).
		NumOpt("a_opt", aOpt, feature.Impute(feature.Median, true), feature.MinMax(0, 1), feature.MaxAbs(), feature.Robust()).
		NumPtr("b_imp", b, feature.Impute(feature.Mean, true), feature.Standardize()).
		NumPtr("b_const", b, feature.ImputeConstant(7, false), feature.MaxAbs()).
		NumPtr("b_missing", b, feature.MinMax(-1, 1)).
		Num("c_bins", c, feature.Bins(4, false)).
		Num("c_log", c, feature.Log1p(), feature.Standardize()).
		Product("ab", "a_std", "b_imp").
		CatPtr("d_onehot", d, feature.OneHot(feature.OneHotOptions{})).
		CatOpt("d_hash", dOpt, feature.Hash(3)).
		CatPtr("d_imp", d, feature.CatImputeConstant("none"), feature.OneHot(feature.OneHotOptions{Unknown: feature.UnknownIgnore})).
		Cat("e_onehot", e, feature.OneHot(feature.OneHotOptions{})).
		Cat("e_rare", e, feature.OneHot(feature.OneHotOptions{Unknown: feature.UnknownIgnore, MaxCategories: 6})).
		Cat("e_ord", e, feature.Ordinal(feature.OrdinalOptions{Unknown: feature.UnknownIgnore, UnknownValue: -1})).
		Cat("e_hash", e, feature.Hash(5))
}

func TestMatrixKernelsParity(t *testing.T) {
	ctx := context.Background()
	for _, block := range []int{0, 1, 100, 300, 100000} {
		t.Run(fmt.Sprintf("BlockRows=%d", block), func(t *testing.T) {
			set := kernelSet(&feature.Options{BlockRows: block})
			f, err := set.Fit(ctx, kernelRows(2000, 1, false))
			if err != nil {
				t.Fatal(err)
			}
			for _, n := range []int{1, 127, 129, 3001} {
				if err := feature.CheckParity(ctx, set, f, kernelRows(n, uint64(n), true)); err != nil {
					t.Fatalf("%d rows: %v", n, err)
				}
			}
		})
	}
}

// TestMatrixFirstError checks that Matrix reports the first failing row in
// row order, and in it the first failing feature, wherever the failures
// fall among blocks and chunks.
func TestMatrixFirstError(t *testing.T) {
	ctx := context.Background()
	set := kernelSet(&feature.Options{BlockRows: 300})
	f, err := set.Fit(ctx, kernelRows(2000, 1, false))
	if err != nil {
		t.Fatal(err)
	}
	good := kernelRows(5000, 2, false)
	tests := []struct {
		name string
		bad  map[int]func(*kernelRow)
	}{
		{"none", nil},
		{"first row", map[int]func(*kernelRow){0: func(r *kernelRow) { r.E = "unseen" }}},
		{"late feature in an earlier row", map[int]func(*kernelRow){
			4000: func(r *kernelRow) { r.A = math.NaN() },
			3999: func(r *kernelRow) { r.E = "unseen" },
		}},
		{"two features in one row", map[int]func(*kernelRow){
			1234: func(r *kernelRow) { r.E = "unseen"; r.B = f64(math.Inf(1)) },
			4999: func(r *kernelRow) { r.A = math.Inf(1) },
		}},
		{"last row", map[int]func(*kernelRow){4999: func(r *kernelRow) { r.D = nil; r.C = math.NaN() }}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rows := slices.Clone(good)
			for i, fn := range tc.bad {
				fn(&rows[i])
			}
			var want error
			for i := range rows {
				if _, err := f.Transform(&rows[i], nil); err != nil {
					var ve *feature.ValueError
					errors.As(err, &ve)
					ve.Row = i
					want = ve
					break
				}
			}
			_, err := f.Matrix(ctx, rows)
			if fmt.Sprint(err) != fmt.Sprint(want) {
				t.Fatalf("Matrix error = %v; want %v", err, want)
			}
		})
	}
}

func TestMatrixAllocs(t *testing.T) {
	ctx := context.Background()
	f, err := kernelSet(nil).Fit(ctx, kernelRows(2000, 1, false))
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{100, 10000, 100000} {
		rows := kernelRows(n, 2, false)
		dst := make([]float64, n*f.Width())
		allocs := testing.AllocsPerRun(5, func() {
			// b_missing has no imputer: the error of its first missing
			// value is part of the cost measured.
			var ve *feature.ValueError
			if err := f.MatrixTo(ctx, dst, rows); !errors.As(err, &ve) || ve.Feature != "b_missing" {
				t.Fatalf("MatrixTo = %v; want the *ValueError of b_missing", err)
			}
		})
		if allocs > 16 {
			t.Errorf("MatrixTo of %d rows allocates %v times; want at most 16, whatever the rows", n, allocs)
		}
	}
}

func TestMatrixCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	f, err := kernelSet(nil).Fit(ctx, kernelRows(100, 1, false))
	if err != nil {
		t.Fatal(err)
	}
	cancel()
	for _, n := range []int{10, 100000} {
		if _, err := f.Matrix(ctx, kernelRows(n, 2, false)); !errors.Is(err, context.Canceled) {
			t.Fatalf("Matrix of %d rows with a cancelled context = %v; want context.Canceled", n, err)
		}
	}
}

// blocksMatrix assembles the blocks that MatrixBlocks (or
// TreeMatrixBlocks, with tree set) hands out into one row-major matrix,
// failing the test when a block is misplaced, oversized or repeated.
func blocksMatrix[T any](t *testing.T, f *feature.Fitted[T], rows []T, tree bool) ([]float64, error) {
	t.Helper()
	w := f.Width()
	out := make([]float64, len(rows)*w)
	seen := make([]bool, len(rows))
	var mu sync.Mutex
	var problem string
	fn := func(lo int, X *mat.Dense) {
		n, c := X.Dims()
		mu.Lock()
		defer mu.Unlock()
		if c != w || n < 1 || n > 256 || lo%256 != 0 || lo+n > len(rows) {
			problem = fmt.Sprintf("block at row %d is %d×%d", lo, n, c)
			return
		}
		for i := range n {
			if seen[lo+i] {
				problem = fmt.Sprintf("row %d handed out twice", lo+i)
			}
			seen[lo+i] = true
			copy(out[(lo+i)*w:], X.RawRowView(i))
		}
	}
	var err error
	if tree {
		err = f.TreeMatrixBlocks(context.Background(), rows, fn)
	} else {
		err = f.MatrixBlocks(context.Background(), rows, fn)
	}
	if problem != "" {
		t.Fatal(problem)
	}
	if err == nil {
		if i := slices.Index(seen, false); i >= 0 {
			t.Fatalf("row %d never handed out", i)
		}
	}
	return out, err
}

// completeRows is kernelRows without missing values: every row has a
// vector.
func completeRows(n int, seed uint64) []kernelRow {
	rows := kernelRows(n, seed, false)
	p := "p"
	for i := range rows {
		if rows[i].B == nil {
			rows[i].B = f64(float64(i))
		}
		if rows[i].D == nil {
			rows[i].D = &p
		}
	}
	return rows
}

// TestMatrixBlocks checks that the blocks of MatrixBlocks put together are
// Matrix, bit for bit, on one goroutine and on several, and that its
// error is Matrix's: the first failing row in row order.
func TestMatrixBlocks(t *testing.T) {
	ctx := context.Background()
	f, err := kernelSet(nil).Fit(ctx, kernelRows(2000, 1, false))
	if err != nil {
		t.Fatal(err)
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	for _, procs := range []int{1, 2, 3} {
		runtime.GOMAXPROCS(procs)
		for _, n := range []int{1, 255, 256, 257, 3001} {
			rows := completeRows(n, uint64(n))
			X, err := f.Matrix(ctx, rows)
			if err != nil {
				t.Fatal(err)
			}
			got, err := blocksMatrix(t, f, rows, false)
			if err != nil {
				t.Fatalf("GOMAXPROCS %d, %d rows: %v", procs, n, err)
			}
			if want := X.RawMatrix().Data; !slices.EqualFunc(got, want, func(a, b float64) bool {
				return math.Float64bits(a) == math.Float64bits(b)
			}) {
				t.Fatalf("GOMAXPROCS %d, %d rows: the blocks differ from Matrix", procs, n)
			}
		}
		good := completeRows(3000, 2)
		for _, bad := range [][]int{{0}, {255, 256}, {2999}, {1500, 300, 2100}} {
			rows := slices.Clone(good)
			for _, i := range bad {
				rows[i].E = "unseen"
			}
			_, want := f.Matrix(ctx, rows)
			_, err := blocksMatrix(t, f, rows, false)
			var ve *feature.ValueError
			if !errors.As(err, &ve) || err.Error() != want.Error() {
				t.Fatalf("GOMAXPROCS %d, bad rows %v: error %v; want %v", procs, bad, err, want)
			}
		}
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if err := f.MatrixBlocks(cancelled, kernelRows(1000, 3, false), func(int, *mat.Dense) {}); !errors.Is(err, context.Canceled) {
		t.Errorf("MatrixBlocks with a cancelled context = %v", err)
	}
	if err := f.MatrixBlocks(ctx, nil, func(int, *mat.Dense) { t.Error("called for no rows") }); err != nil {
		t.Errorf("MatrixBlocks of no rows = %v", err)
	}
}
