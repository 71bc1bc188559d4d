package tree_test

import (
	"bytes"
	"errors"
	"math"
	"slices"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/loomml/loom/train"
	"github.com/loomml/loom/train/tree"
)

// float32Spec is the spec of mixed's ensemble of trees of 12 and 70
// leaves made for Float32 sums: leaf values rounded to float32, base
// margins base+k (float32 values),
// and, when general is set, a categorical split in every fifth tree and
// a ZeroMissing split in every seventh, so that some trees take the
// general walk.
func float32Spec(seed uint64, n int, link tree.Link, classes []float64, base float64, general bool) tree.Spec {
	s := mixed(seed, n, []int{12, 70}, 5, link, classes)
	for k := range s.Base {
		s.Base[k] = float64(float32(base + float64(k)))
	}
	for ti := range s.Trees {
		tr := &s.Trees[ti]
		for i := range tr.Nodes {
			if tr.Nodes[i].IsLeaf() {
				tr.Nodes[i].Value = float64(float32(tr.Nodes[i].Value))
			}
		}
		switch {
		case !general:
		case ti%5 == 0:
			tr.Nodes[0] = tree.Node{Feature: tr.Nodes[0].Feature, Left: tr.Nodes[0].Left, CatWords: 1, Flags: tree.Categorical}
			tr.Cats = []uint64{0b1010}
		case ti%7 == 0:
			tr.Nodes[0].Flags |= tree.ZeroMissing
		}
	}
	s.Float32 = true
	return s
}

// float32Rows are rows of 5 features with NaN, codes and zeros.
func float32Rows() [][]float64 {
	xs := rows(31, 150, 5)
	for i := range 60 {
		xs[i][i%5] = float64(i % 4)
	}
	return xs
}

// TestFloat32Sums checks that under Spec.Float32 the raw margins are the
// float32 sums written out by hand (the base margin, then each tree's
// leaf value in tree order), bit for bit, that they differ from the
// float64 sums where float32 rounding shows, and that the predictions
// and probabilities are the links of those margins rounded to float32.
func TestFloat32Sums(t *testing.T) {
	for _, c := range []struct {
		name    string
		link    tree.Link
		classes []float64
		base    float64
		trees   int
	}{
		{"identity", tree.Identity, nil, 150.3, 40},
		{"exp", tree.Exp, nil, 2.1, 19},
		{"logistic regressor", tree.Logistic, nil, -1.7, 25},
		{"logistic", tree.Logistic, []float64{0, 1}, 0.3, 50},
		{"softmax", tree.Softmax, []float64{0, 1, 2}, 40.2, 45},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := float32Spec(uint64(c.trees), c.trees, c.link, c.classes, c.base, true)
			e, err := tree.New(s)
			if err != nil {
				t.Fatal(err)
			}
			wide := s
			wide.Float32 = false
			e64, err := tree.New(wide)
			if err != nil {
				t.Fatal(err)
			}
			m := e.Model()
			leaves := make([]int, e.Len())
			got := make([]float64, e.Outputs())
			differ := 0
			for _, x := range float32Rows() {
				want := make([]float32, e.Outputs())
				for k := range want {
					want[k] = float32(s.Base[k])
				}
				for ti, l := range e.Leaves(leaves, x) {
					k := s.Trees[ti].Class
					want[k] += float32(s.Trees[ti].Nodes[l].Value)
				}
				e.Raw(got, x)
				for k := range want {
					if math.Float64bits(got[k]) != math.Float64bits(float64(want[k])) {
						t.Fatalf("Raw(%v) = %v; want the float32 sums %v", x, got, want)
					}
				}
				if !slices.Equal(got, e64.Raw(make([]float64, e.Outputs()), x)) {
					differ++
				}
				checkFloat32Links(t, m, got, x)
			}
			if c.name == "identity" && differ == 0 {
				t.Errorf("float32 and float64 sums agree on every row: the test cannot tell them apart")
			}
		})
	}
}

// checkFloat32Links checks m's prediction (and probabilities) for x
// against the link of the float32 margins z, rounded to float32.
func checkFloat32Links(t *testing.T, m train.Model, z, x []float64) {
	t.Helper()
	r32 := func(v float64) float64 { return float64(float32(v)) }
	e := m.(interface{ Spec() tree.Spec }).Spec()
	cl, ok := m.(train.Classifier)
	if !ok {
		var want float64
		switch e.Link {
		case tree.Identity:
			want = z[0]
		case tree.Exp:
			want = r32(math.Exp(z[0]))
		case tree.Logistic:
			want = r32(tree.Expit(z[0]))
		}
		if got := m.Predict(x); got != want {
			t.Fatalf("Predict(%v) = %v; want %v", x, got, want)
		}
		return
	}
	var want []float64
	if e.Link == tree.Logistic {
		p := tree.Expit(z[0])
		want = []float64{r32(1 - p), r32(p)}
	} else {
		want = slices.Clone(z)
		tree.SoftmaxInPlace(want)
		for k := range want {
			want[k] = r32(want[k])
		}
	}
	if got := cl.PredictProba(make([]float64, len(want)), x); !slices.Equal(got, want) {
		t.Fatalf("PredictProba(%v) = %v; want %v", x, got, want)
	}
}

func TestFloat32Batch(t *testing.T) {
	for _, c := range []struct {
		link    tree.Link
		classes []float64
	}{{tree.Identity, nil}, {tree.Logistic, []float64{0, 1}}, {tree.Softmax, []float64{0, 1, 2}}} {
		e, err := tree.New(float32Spec(3, 30, c.link, c.classes, 60.1, true))
		if err != nil {
			t.Fatal(err)
		}
		xs := slices.Repeat(float32Rows(), 4)
		X := mat.NewDense(len(xs), 5, slices.Concat(xs...))
		raw := e.RawBatch(nil, X)
		pred := e.PredictBatch(nil, X)
		var proba *mat.Dense
		if c.classes != nil {
			proba = e.PredictProbaBatch(nil, X)
		}
		buf := make([]float64, 3)
		for i, x := range xs {
			if got := e.Raw(buf, x); !slices.Equal(got, raw.RawRowView(i)) {
				t.Fatalf("%v: RawBatch row %d = %v; Raw = %v", c.link, i, raw.RawRowView(i), got)
			}
			if got := e.Model().Predict(x); got != pred[i] {
				t.Fatalf("%v: PredictBatch row %d = %v; Predict = %v", c.link, i, pred[i], got)
			}
			if proba != nil {
				if got := e.Model().(train.Classifier).PredictProba(buf, x); !slices.Equal(got, proba.RawRowView(i)) {
					t.Fatalf("%v: PredictProbaBatch row %d = %v; PredictProba = %v", c.link, i, proba.RawRowView(i), got)
				}
			}
		}
	}
}

func TestFloat32Rejects(t *testing.T) {
	leaf := func(v float64) []tree.Tree { return []tree.Tree{{Nodes: []tree.Node{{Feature: -1, Value: v}}}} }
	for _, c := range []struct {
		name string
		s    tree.Spec
	}{
		{"leaf value", tree.Spec{Features: 1, Link: tree.Identity, Base: []float64{0}, Trees: leaf(0.1), Float32: true}},
		{"leaf value beyond float32", tree.Spec{Features: 1, Link: tree.Identity, Base: []float64{0}, Trees: leaf(1e300), Float32: true}},
		{"base margin", tree.Spec{Features: 1, Link: tree.Identity, Base: []float64{0.1}, Trees: leaf(0.5), Float32: true}},
	} {
		if _, err := tree.New(c.s); !errors.Is(err, tree.ErrInvalid) {
			t.Errorf("New(%s) = %v; want ErrInvalid", c.name, err)
		}
		c.s.Float32 = false
		if _, err := tree.New(c.s); err != nil {
			t.Errorf("New(%s) without Float32: %v", c.name, err)
		}
	}
}

// TestFloat32Encoding checks that Float32 survives encoding, as version
// 2 of the payload with its flags byte, and that a flags byte with
// unknown bits, or none set, is corrupt.
func TestFloat32Encoding(t *testing.T) {
	e := golden()["float32.model"]
	b, err := train.Encode(e.Model())
	if err != nil {
		t.Fatal(err)
	}
	payload, err := e.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	if payload[0] != 2 || payload[2] != 1 {
		t.Fatalf("payload starts % x; want version 2, the link, flags 1", payload[:3])
	}
	m, err := train.Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	if !m.(*tree.Regressor).Spec().Float32 {
		t.Fatal("decoded ensemble lost Float32")
	}
	at := len(b) - 4 - len(payload)
	if !bytes.Equal(b[at:len(b)-4], payload) {
		t.Fatal("payload not found in the encoding")
	}
	for _, flags := range []byte{0, 2, 0x81} {
		c := bytes.Clone(b)
		c[at+2] = flags
		if _, err := train.Decode(resealCRC(c)); !errors.Is(err, train.ErrCorrupt) {
			t.Errorf("flags %#x: Decode = %v; want ErrCorrupt", flags, err)
		}
	}
	// Without Float32 the payload stays version 1, as before flags.
	s := e.Spec()
	s.Float32 = false
	e64, err := tree.New(s)
	if err != nil {
		t.Fatal(err)
	}
	if p, _ := e64.MarshalBinary(); p[0] != 1 || len(p) != len(payload)-1 {
		t.Errorf("payload without flags: version %d, %d bytes; want version 1, %d bytes", p[0], len(p), len(payload)-1)
	}
}
