package forest_test

import (
	"context"
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/loomml/loom/train"
	"github.com/loomml/loom/train/forest"
)

// fuzzDataset decodes fuzz bytes into settings and a small dataset: byte
// 0 the columns, 1 the trainer, 2 MaxDepth, 3 MinSamplesLeaf, then each
// value from two bytes (int16/64; 0x7fff is NaN, 0x7ffe 1e39, beyond
// float32).
func fuzzDataset(b []byte) (train.Trainer, train.Dataset, bool) {
	if len(b) < 6 {
		return nil, train.Dataset{}, false
	}
	p := 1 + int(b[0]%4)
	o := forest.Options{MaxDepth: int(b[2] % 5), MinSamplesLeaf: int(b[3] % 4), Seed: uint64(b[1])}
	fo := forest.ForestOptions{Trees: 3, Workers: 1 + int(b[1]%3)}
	var tr train.Trainer
	switch b[1] % 6 {
	case 0:
		tr = forest.TreeClassifier{Options: o, Criterion: forest.Criterion(b[2] % 2), Balanced: b[3]%2 == 1}
	case 1:
		tr = forest.TreeRegressor{Options: o}
	case 2:
		tr = forest.Classifier{Options: o, ForestOptions: fo}
	case 3:
		tr = forest.Regressor{Options: o, ForestOptions: fo}
	case 4:
		tr = forest.ExtraClassifier{Options: o, ForestOptions: fo, Criterion: forest.Entropy}
	default:
		tr = forest.ExtraRegressor{Options: o, ForestOptions: fo}
	}
	rest := b[4:]
	n := len(rest) / (2 * (p + 1))
	if n == 0 || n > 500 {
		return nil, train.Dataset{}, false
	}
	vals := make([]float64, n*(p+1))
	for i := range vals {
		u := binary.LittleEndian.Uint16(rest[2*i:])
		switch u {
		case 0x7fff:
			vals[i] = math.NaN()
		case 0x7ffe:
			vals[i] = 1e39
		default:
			vals[i] = float64(int16(u)) / 64
		}
	}
	X := mat.NewDense(n, p, nil)
	y := make([]float64, n)
	for i := range n {
		X.SetRow(i, vals[i*(p+1):i*(p+1)+p])
		y[i] = vals[i*(p+1)+p]
		if b[1]%2 == 0 && !math.IsNaN(y[i]) { // a classifier: three classes
			y[i] = float64(int(math.Abs(y[i])) % 3)
		}
	}
	return tr, train.Dataset{X: X, Y: y}, true
}

// FuzzFit fits every trainer on arbitrary small data: an error or a valid
// model, never a panic; probabilities sum to 1 and the model survives an
// encoding round trip.
func FuzzFit(f *testing.F) {
	raw, err := os.ReadFile(filepath.Join("testdata", "iris.csv"))
	if err != nil {
		f.Fatal(err)
	}
	for k := range byte(6) {
		f.Add(append([]byte{3, k, 3, 1}, raw[40:400]...))
	}
	f.Add([]byte{0, 0, 0, 0, 1, 0, 1, 0, 2, 0, 2, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		tr, d, ok := fuzzDataset(b)
		if !ok {
			return
		}
		m, err := tr.Fit(context.Background(), d)
		if err != nil {
			return
		}
		enc, err := train.Encode(m)
		if err != nil {
			t.Fatal(err)
		}
		back, err := train.Decode(enc)
		if err != nil {
			t.Fatal(err)
		}
		n, _ := d.Dims()
		p := make([]float64, 3)
		for i := range n {
			x := d.X.RawRowView(i)
			v := m.Predict(x)
			if math.IsNaN(v) || back.Predict(x) != v {
				t.Fatalf("row %d: Predict %v, decoded %v", i, v, back.Predict(x))
			}
			if c, ok := m.(train.Classifier); ok {
				sum := 0.0
				for _, q := range c.PredictProba(p, x) {
					sum += q
				}
				if math.Abs(sum-1) > 1e-9 {
					t.Fatalf("row %d: probabilities sum to %v", i, sum)
				}
			}
		}
	})
}
