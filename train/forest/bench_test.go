package forest_test

import (
	"context"
	"encoding/binary"
	"math"
	"os"
	"strconv"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/loomml/loom/train"
	"github.com/loomml/loom/train/forest"
)

// BenchmarkFit fits 100 trees on the shared data sets.
func BenchmarkFit(b *testing.B) {
	for _, name := range []string{"breast_cancer", "mixed"} {
		d := load(b, name)
		b.Run(name+"/forest", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := (forest.Classifier{}).Fit(context.Background(), d.train); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(name+"/extra", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := (forest.ExtraClassifier{}).Fit(context.Background(), d.train); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkFitTree grows one decision tree on breast_cancer's training
// rows, per row.
func BenchmarkFitTree(b *testing.B) {
	d := load(b, "breast_cancer").train
	n, _ := d.Dims()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := (forest.TreeClassifier{}).Fit(context.Background(), d); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/row")
}

// BenchmarkFitLarge fits a random forest of 100 trees on the data file
// named by FOREST_BENCH_DATA, which testdata/bench_sklearn.py writes
// (rows, columns as little-endian u64, then rows × columns float64 of X in
// row order, then rows float64 labels), for the side-by-side comparison
// with scikit-learn. It is skipped without the variable.
// FOREST_BENCH_TREES, when set, changes the number of trees.
func BenchmarkFitLarge(b *testing.B) {
	path := os.Getenv("FOREST_BENCH_DATA")
	if path == "" {
		b.Skip("FOREST_BENCH_DATA not set")
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	n := int(binary.LittleEndian.Uint64(raw))
	p := int(binary.LittleEndian.Uint64(raw[8:]))
	vals := make([]float64, n*p+n)
	for i := range vals {
		vals[i] = math.Float64frombits(binary.LittleEndian.Uint64(raw[16+8*i:]))
	}
	d := train.Dataset{X: mat.NewDense(n, p, vals[:n*p]), Y: vals[n*p:]}
	trees, _ := strconv.Atoi(os.Getenv("FOREST_BENCH_TREES")) // 0: the default, 100
	b.ReportAllocs()
	for b.Loop() {
		if _, err := (forest.Classifier{ForestOptions: forest.ForestOptions{Trees: trees}}).Fit(context.Background(), d); err != nil {
			b.Fatal(err)
		}
	}
}
