package tree_test

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/loomml/loom/train"
	"github.com/loomml/loom/train/tree"
)

var update = flag.Bool("update", false, "rewrite the golden encodings in testdata")

// golden are the ensembles whose encodings are kept in testdata: they
// pin the format and seed FuzzDecode.
func golden() map[string]*tree.Ensemble {
	cat, err := tree.New(tree.Spec{Features: 2, Link: tree.Logistic, Classes: []float64{0, 1}, Base: []float64{-0.25},
		Trees: []tree.Tree{small(0), {Nodes: []tree.Node{{Feature: -1, Value: 0.125}}}}, FeatureFingerprint: "fp"})
	if err != nil {
		panic(err)
	}
	return map[string]*tree.Ensemble{
		"categorical.model": cat,
		"softmax.model":     random(4, 6, 5, 3, tree.Softmax, []float64{0, 1, 2}),
		"poisson.model":     random(5, 3, 4, 2, tree.Exp, nil),
		"probability.model": probability(),
		"float32.model":     float32Ensemble(),
	}
}

// probability is a three-class Probability ensemble whose trees carry
// covers and a ZeroMissing split.
func probability() *tree.Ensemble {
	zero := stump(0.2, 0.5, 2)
	zero.Nodes[0].Flags |= tree.ZeroMissing
	e, err := tree.New(tree.Spec{Features: 1, Link: tree.Probability, Classes: []float64{1, 2, 3}, Base: []float64{0, 0, 0},
		Trees: []tree.Tree{stump(0.5, 0.2, 0), stump(0.3, 0.3, 1), zero}})
	if err != nil {
		panic(err)
	}
	return e
}

// float32Ensemble is a regressor summing in float32 (version 2 of the
// payload) with categorical and ZeroMissing splits.
func float32Ensemble() *tree.Ensemble {
	e, err := tree.New(float32Spec(6, 4, tree.Identity, nil, 150.3, true))
	if err != nil {
		panic(err)
	}
	return e
}

func TestEncodingGolden(t *testing.T) {
	for name, e := range golden() {
		b, err := train.Encode(e.Model())
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join("testdata", name)
		if *update {
			if err := os.WriteFile(path, b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(b, want) {
			t.Errorf("encoding of %s differs from testdata (run go test -update after a deliberate change)", name)
		}
		m, err := train.Decode(want)
		if err != nil {
			t.Fatalf("Decode(%s): %v", name, err)
		}
		for _, x := range rows(9, 20, m.Info().Features) {
			if got, want := m.Predict(x), e.Model().Predict(x); got != want {
				t.Errorf("%s: decoded Predict(%v) = %v; want %v", name, x, got, want)
			}
		}
	}
}

func TestDecodeRejects(t *testing.T) {
	b, err := train.Encode(golden()["categorical.model"].Model())
	if err != nil {
		t.Fatal(err)
	}
	// Flip every byte of the payload in turn and re-checksum: each
	// altered model either decodes to a valid ensemble or is ErrCorrupt.
	for i := range b {
		c := bytes.Clone(b)
		c[i] ^= 0xff
		c = resealCRC(c)
		m, err := train.Decode(c)
		if err != nil && !errors.Is(err, train.ErrCorrupt) && !errors.Is(err, train.ErrUnknownKind) {
			t.Errorf("byte %d flipped: %v; want ErrCorrupt", i, err)
		}
		if err == nil {
			m.Predict(make([]float64, m.Info().Features))
		}
	}
}

// FuzzDecode checks that no bytes make Decode panic, and that whatever
// decodes predicts without panicking and encodes back to the same bytes.
func FuzzDecode(f *testing.F) {
	for name := range golden() {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
		f.Add(b[:len(b)-4])
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, data := range [][]byte{b, resealCRC(bytes.Clone(b))} {
			m, err := train.Decode(data)
			if err != nil {
				if !errors.Is(err, train.ErrCorrupt) && !errors.Is(err, train.ErrUnknownKind) {
					t.Fatalf("Decode error %v does not wrap ErrCorrupt", err)
				}
				continue
			}
			if _, ok := m.(interface {
				Raw(dst, x []float64) []float64
			}); !ok {
				continue // another kind
			}
			x := make([]float64, m.Info().Features)
			for i := range x {
				x[i] = float64(i % 3)
			}
			m.Predict(x)
			again, err := train.Encode(m)
			if err != nil || !bytes.Equal(again, data) {
				t.Fatalf("Encode(Decode(b)) differs from b (%v)", err)
			}
		}
	})
}
