package train_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"flag"
	"hash/crc32"
	"os"
	"path/filepath"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/loomml/loom/train"
)

var update = flag.Bool("update", false, "rewrite testdata/*.model golden files")

// goldenModels fits one model of each built-in kind on small fixed data.
func goldenModels(t testing.TB) map[string]train.Model {
	tr, _ := loadSplit(t, "iris")
	ctx := context.Background()
	out := map[string]train.Model{}
	var err error
	if out["logistic_multinomial"], err = (train.LogisticRegression{MaxIter: 1000}).Fit(ctx, tr); err != nil {
		t.Fatal(err)
	}
	bin := tr
	bin.Y = make([]float64, len(tr.Y))
	for i, y := range tr.Y {
		bin.Y[i] = min(y, 1)
	}
	bin.FeatureFingerprint = "features:iris-v1"
	if out["logistic_binary"], err = (train.LogisticRegression{C: 0.5}).Fit(ctx, bin); err != nil {
		t.Fatal(err)
	}
	if out["linear"], err = (train.LinearRegression{}).Fit(ctx, tr); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestEncodeRoundTripExact(t *testing.T) {
	tr, _ := loadSplit(t, "iris")
	for name, m := range goldenModels(t) {
		t.Run(name, func(t *testing.T) {
			b, err := train.Encode(m)
			if err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", name+".model")
			if *update {
				if err := os.WriteFile(golden, b, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update)", err)
			}
			if !bytes.Equal(b, want) {
				t.Errorf("Encode differs from %s: the format or the fit changed", golden)
			}
			got, err := train.Decode(b)
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if got.Info().Kind != m.Info().Kind || got.Info().FeatureFingerprint != m.Info().FeatureFingerprint {
				t.Errorf("Decode Info = %+v; want %+v", got.Info(), m.Info())
			}
			again, _ := train.Encode(got)
			if !bytes.Equal(again, b) {
				t.Error("Encode(Decode(b)) != b")
			}
			for i := range 20 {
				x := tr.X.RawRowView(i)
				if a, b := m.Predict(x), got.Predict(x); a != b {
					t.Errorf("row %d: Predict = %v after decoding; %v before", i, b, a)
				}
			}
		})
	}
}

func TestDecodeRejectsCorruptInput(t *testing.T) {
	b, err := train.Encode(goldenModels(t)["logistic_binary"])
	if err != nil {
		t.Fatal(err)
	}
	resum := func(b []byte) []byte {
		b = bytes.Clone(b)
		binary.LittleEndian.PutUint32(b[len(b)-4:], crc32.Checksum(b[:len(b)-4], crc32.MakeTable(crc32.Castagnoli)))
		return b
	}
	flipped := bytes.Clone(b)
	flipped[40] ^= 1
	version := bytes.Clone(b)
	version[8] = 9
	unknown := bytes.Clone(b)
	copy(unknown[12:], "gbdt0000")
	hugePayload := bytes.Clone(b)
	// payload length field: after magic, version, kind, features, fingerprint
	off := 8 + 2 + 2 + len("logistic") + 4 + 2 + len("features:iris-v1")
	binary.LittleEndian.PutUint32(hugePayload[off:], 1<<29)
	badClasses := bytes.Clone(b)
	// the first class label of the payload becomes larger than the second
	binary.LittleEndian.PutUint64(badClasses[off+4+8:], 0x7fe0000000000000)
	tests := []struct {
		name string
		b    []byte
		want error
	}{
		{"empty", nil, train.ErrCorrupt},
		{"bad magic", []byte("NOTAMODEL and then some"), train.ErrCorrupt},
		{"truncated", b[:len(b)-9], train.ErrCorrupt},
		{"flipped bit", flipped, train.ErrCorrupt},
		{"future version", resum(version), train.ErrCorrupt},
		{"unknown kind", resum(unknown), train.ErrUnknownKind},
		{"huge payload length", resum(hugePayload), train.ErrCorrupt},
		{"classes out of order", resum(badClasses), train.ErrCorrupt},
		{"trailing byte", resum(append(bytes.Clone(b), 0)), train.ErrCorrupt},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := train.Decode(tt.b)
			if !errors.Is(err, tt.want) || m != nil {
				t.Errorf("Decode = %v, %v; want nil, %v", m, err, tt.want)
			}
		})
	}
}

func TestUnknownKindHintsAtImport(t *testing.T) {
	_, err := train.Decode(encodeFake(t, "gbdt"))
	if !errors.Is(err, train.ErrUnknownKind) || err.Error() != `train: unknown model kind "gbdt" (forgotten import?)` {
		t.Errorf("Decode of unregistered kind = %v", err)
	}
}

// fakeModel is a minimal model of another kind, to test registration.
type fakeModel struct{ kind string }

func (f fakeModel) Info() train.Info               { return train.Info{Kind: f.kind, Features: 1} }
func (f fakeModel) Predict([]float64) float64      { return 42 }
func (f fakeModel) MarshalBinary() ([]byte, error) { return []byte("fake"), nil }
func decodeFake(info train.Info, payload []byte) (train.Model, error) {
	if string(payload) != "fake" {
		return nil, train.ErrCorrupt
	}
	return fakeModel{info.Kind}, nil
}

func encodeFake(t *testing.T, kind string) []byte {
	b, err := train.Encode(fakeModel{kind})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestRegister(t *testing.T) {
	train.Register("test-fake", decodeFake)
	m, err := train.Decode(encodeFake(t, "test-fake"))
	if err != nil || m.Predict([]float64{0}) != 42 {
		t.Fatalf("Decode of registered kind = %v, %v", m, err)
	}
	kinds := train.Kinds()
	if len(kinds) < 3 || kinds[0] != "linear" {
		t.Errorf("Kinds() = %v", kinds)
	}
	for name, f := range map[string]func(){
		"duplicate": func() { train.Register("test-fake", decodeFake) },
		"nil":       func() { train.Register("other", nil) },
		"empty":     func() { train.Register("", decodeFake) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Register %s did not panic", name)
				}
			}()
			f()
		}()
	}
}

func TestEncodeNeedsMarshaler(t *testing.T) {
	var m train.Model = struct{ train.Model }{fakeModel{"x"}}
	if _, err := train.Encode(m); !errors.Is(err, train.ErrNotEncodable) {
		t.Errorf("Encode of a model without MarshalBinary = %v; want ErrNotEncodable", err)
	}
}

func TestVerify(t *testing.T) {
	m := goldenModels(t)["logistic_binary"]
	tests := []struct {
		features int
		fp       string
		want     error
	}{
		{4, "features:iris-v1", nil},
		{4, "", nil},
		{5, "features:iris-v1", train.ErrShape},
		{4, "features:iris-v2", train.ErrFingerprint},
	}
	for _, tt := range tests {
		err := train.Verify(m, tt.features, tt.fp)
		var me *train.MismatchError
		if !errors.Is(err, tt.want) || (tt.want != nil && !errors.As(err, &me)) {
			t.Errorf("Verify(%d, %q) = %v; want %v", tt.features, tt.fp, err, tt.want)
		}
	}
}

func TestPredictBatch(t *testing.T) {
	tr, _ := loadSplit(t, "iris")
	m := goldenModels(t)["logistic_multinomial"].(train.Classifier)
	pred := train.PredictBatch(nil, m, tr.X)
	proba := train.PredictProbaBatch(nil, m, tr.X)
	row := make([]float64, 3)
	for i := range pred {
		if pred[i] != m.Predict(tr.X.RawRowView(i)) {
			t.Fatalf("PredictBatch[%d] = %v; want %v", i, pred[i], m.Predict(tr.X.RawRowView(i)))
		}
		m.PredictProba(row, tr.X.RawRowView(i))
		if !mat.Equal(mat.NewVecDense(3, row), proba.RowView(i)) {
			t.Fatalf("PredictProbaBatch row %d differs from PredictProba", i)
		}
	}
	// A strided view works too.
	view := tr.X.Slice(10, 20, 0, 4)
	if got := train.PredictBatch(nil, m, view); got[0] != pred[10] {
		t.Errorf("PredictBatch on a view = %v; want %v", got[0], pred[10])
	}
}

// FuzzDecode feeds Decode arbitrary bytes, seeded with the golden models:
// it must return a model or an error, never panic, and a decoded model
// must encode back to the same bytes.
func FuzzDecode(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.model")
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("LOOMMODL"))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := train.Decode(b)
		if err != nil {
			if m != nil {
				t.Fatal("Decode returned a model and an error")
			}
			return
		}
		again, err := train.Encode(m)
		if err != nil {
			t.Fatalf("Encode of a decoded model: %v", err)
		}
		if !bytes.Equal(again, b) {
			t.Fatal("Encode(Decode(b)) != b")
		}
		m.Predict(make([]float64, m.Info().Features))
	})
}

// FuzzDecodePayload builds envelopes with a valid checksum around
// arbitrary payloads and headers, so that the fuzzer reaches the decoders
// of each kind rather than stopping at the checksum.
func FuzzDecodePayload(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.model")
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		kl := int(binary.LittleEndian.Uint16(b[10:]))
		kind := string(b[12 : 12+kl])
		off := 12 + kl
		features := binary.LittleEndian.Uint32(b[off:])
		fl := int(binary.LittleEndian.Uint16(b[off+4:]))
		payload := b[off+6+fl+4 : len(b)-4]
		f.Add(kind, features, payload)
	}
	f.Fuzz(func(t *testing.T, kind string, features uint32, payload []byte) {
		if kind == "" || len(kind) > 64 {
			return
		}
		b := []byte("LOOMMODL")
		b = binary.LittleEndian.AppendUint16(b, 1)
		b = binary.LittleEndian.AppendUint16(b, uint16(len(kind)))
		b = append(b, kind...)
		b = binary.LittleEndian.AppendUint32(b, features)
		b = binary.LittleEndian.AppendUint16(b, 0)
		b = binary.LittleEndian.AppendUint32(b, uint32(len(payload)))
		b = append(b, payload...)
		b = binary.LittleEndian.AppendUint32(b, crc32.Checksum(b, crc32.MakeTable(crc32.Castagnoli)))
		m, err := train.Decode(b)
		if err != nil {
			return
		}
		again, err := train.Encode(m)
		if err != nil || !bytes.Equal(again, b) {
			t.Fatalf("Encode(Decode(b)) = %v; want the input back", err)
		}
		x := make([]float64, m.Info().Features)
		m.Predict(x)
		if c, ok := m.(train.Classifier); ok {
			c.PredictProba(make([]float64, len(c.Info().Classes)), x)
		}
	})
}
