package xgboost_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/loomml/loom/train"
	"github.com/loomml/loom/train/tree"
	"github.com/loomml/loom/train/xgboost"
)

// tiny is a hand-written model: one tree splitting feature 1 at 0.5
// (missing goes left), leaves -1 and 2.
const tiny = `{"learner":{"attributes":{},"feature_names":["a","b"],"feature_types":["float","float"],
"gradient_booster":{"model":{"gbtree_model_param":{"num_trees":"1","size_leaf_vector":"0"},"tree_info":[0],
"trees":[{"base_weights":[0,0,0],"categories":[],"categories_nodes":[],"categories_segments":[],"categories_sizes":[],
"default_left":[1,0,0],"id":0,"left_children":[1,-1,-1],"loss_changes":[3.5,0,0],"parents":[2147483647,0,0],
"right_children":[2,-1,-1],"split_conditions":[5E-1,-1E0,2E0],"split_indices":[1,0,0],"split_type":[0,0,0],
"sum_hessian":[10,4,6],"tree_param":{"num_deleted":"0","num_feature":"2","num_nodes":"3","size_leaf_vector":"0"}}]},
"name":"gbtree"},"learner_model_param":{"base_score":"5E-1","boost_from_average":"1","num_class":"0","num_feature":"2","num_target":"1"},
"objective":{"name":"reg:squarederror","reg_loss_param":{"scale_pos_weight":"1"}}},"version":[1,7,4]}`

func TestTiny(t *testing.T) {
	b, err := xgboost.Parse([]byte(tiny), nil)
	if err != nil {
		t.Fatal(err)
	}
	m, err := b.Model("fp")
	if err != nil {
		t.Fatal(err)
	}
	if info := m.Info(); info.Kind != tree.Kind || info.Features != 2 || info.FeatureFingerprint != "fp" {
		t.Errorf("Info() = %+v", info)
	}
	for _, c := range []struct{ x, want float64 }{
		{0.4, -0.5}, {0.5, 2.5}, {math.NaN(), -0.5},
		{math.Nextafter(0.5, 0), 2.5},                     // float32 rounds it to 0.5: not below the threshold, as in XGBoost
		{float64(math.Nextafter32(0.5, 0)) + 1e-17, -0.5}, // rounds to the float32 below 0.5
	} {
		if got := m.Predict([]float64{0, c.x}); got != c.want {
			t.Errorf("Predict(b=%v) = %v; want %v", c.x, got, c.want)
		}
	}
	s := b.Ensemble().Spec()
	if g, c := s.Trees[0].Gain, s.Trees[0].Cover; g[0] != 3.5 || c[0] != 10 || c[1] != 4 {
		t.Errorf("gain %v, cover %v", g, c)
	}
	enc, err := train.Encode(m)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := train.Decode(enc); err != nil {
		t.Fatal(err)
	}
}

// TestBaseScoreForms reads base_score as XGBoost 1.x writes it ("5E-1")
// and as XGBoost 2 and 3 do ("[5E-1]").
func TestBaseScoreForms(t *testing.T) {
	for _, form := range []string{`"5E-1"`, `"[5E-1]"`, `0.5`} {
		b, err := xgboost.Parse([]byte(strings.Replace(tiny, `"base_score":"5E-1"`, `"base_score":`+form, 1)), nil)
		if err != nil {
			t.Fatalf("base_score %s: %v", form, err)
		}
		m, _ := b.Model("")
		if got := m.Predict([]float64{0, 0}); got != -0.5 {
			t.Errorf("base_score %s: Predict = %v; want -0.5", form, got)
		}
	}
}

// TestHostile checks that broken or hostile files give an *Error naming
// the place, never a panic.
func TestHostile(t *testing.T) {
	deep := strings.Repeat("[", 100) + strings.Repeat("]", 100)
	cases := []struct {
		name, doc, where string
	}{
		{"empty", ``, "at byte 0"},
		{"truncated", tiny[:200], "at byte"},
		{"deep", `{"learner":` + deep + `}`, "nesting deeper than 64"},
		{"not a model", `{"a":1}`, "learner: missing"},
		{"objective", strings.Replace(tiny, "reg:squarederror", "survival:cox", 1), `objective "survival:cox" is not supported`},
		{"feature", strings.Replace(tiny, `"split_indices":[1,0,0]`, `"split_indices":[7,0,0]`, 1), "trees[0].split_indices[0]: feature 7 of 2"},
		{"cycle", strings.Replace(tiny, `"left_children":[1,-1,-1]`, `"left_children":[1,0,-1]`, 1), "trees[0].right_children[1]"},
		{"child range", strings.Replace(tiny, `"right_children":[2,-1,-1]`, `"right_children":[9,-1,-1]`, 1), "trees[0].right_children[0]: 9 outside [-1, 2]"},
		{"lengths", strings.Replace(tiny, `"split_conditions":[5E-1,-1E0,2E0]`, `"split_conditions":[5E-1,-1E0]`, 1), "trees[0].split_conditions: 2 elements, want 3"},
		{"nan threshold", strings.Replace(tiny, `[5E-1,-1E0,2E0]`, `[NaN,-1E0,2E0]`, 1), "trees[0].split_conditions[0]: threshold NaN"},
		{"inf leaf", strings.Replace(tiny, `[5E-1,-1E0,2E0]`, `[5E-1,Infinity,2E0]`, 1), "trees[0].split_conditions[1]: leaf value"},
		{"tree info", strings.Replace(tiny, `"tree_info":[0]`, `"tree_info":[3]`, 1), "tree_info[0]: 3 outside [0, 0]"},
		{"base score", strings.Replace(tiny, `"base_score":"5E-1"`, `"base_score":"x"`, 1), `base_score: want a number, got "x"`},
		{"booster", strings.Replace(tiny, `"name":"gbtree"`, `"name":"forest"`, 1), `booster "forest" is not supported`},
		{"multi target", strings.Replace(tiny, `"num_target":"1"`, `"num_target":"2"`, 1), "multi-target"},
		{"names", strings.Replace(tiny, `"feature_names":["a","b"]`, `"feature_names":["a"]`, 1), "feature_names: 1 elements, want 2"},
		{"trailing", tiny + "x", "trailing data"},
	}
	for _, c := range cases {
		_, err := xgboost.Parse([]byte(c.doc), nil)
		var e *xgboost.Error
		if !errors.As(err, &e) || !errors.Is(err, xgboost.ErrFormat) || !strings.Contains(err.Error(), c.where) {
			t.Errorf("%s: Parse error %v; want an *Error containing %q", c.name, err, c.where)
		}
	}
	if _, err := xgboost.Parse([]byte(tiny), &xgboost.Options{MaxBytes: 100}); !errors.Is(err, xgboost.ErrFormat) {
		t.Errorf("MaxBytes: %v", err)
	}
	if _, err := xgboost.Parse([]byte(tiny), &xgboost.Options{MaxNodes: 2}); err == nil || !strings.Contains(err.Error(), "more than 2 nodes") {
		t.Errorf("MaxNodes: %v", err)
	}
}

// TestLinearEncoding checks that gblinear models survive train.Encode.
func TestLinearEncoding(t *testing.T) {
	for _, name := range []string{"bc_gblinear", "iris_gblinear", "diabetes_gblinear"} {
		b := readModel(t, name+".json")
		m, err := b.Model("features:v1")
		if err != nil {
			t.Fatal(err)
		}
		enc, err := train.Encode(m)
		if err != nil {
			t.Fatal(err)
		}
		back, err := train.Decode(enc)
		if err != nil {
			t.Fatalf("%s: Decode: %v", name, err)
		}
		if back.Info().Kind != xgboost.LinearKind || back.Info().FeatureFingerprint != "features:v1" {
			t.Errorf("%s: decoded Info %+v", name, back.Info())
		}
		fx := loadFixture(t, name)
		for i, x := range fx.X {
			if got, want := back.Predict(x), m.Predict(x); got != want {
				t.Fatalf("%s row %d: decoded predicts %v, original %v", name, i, got, want)
			}
		}
		for cut := range len(enc) {
			if _, err := train.Decode(enc[:cut]); err == nil {
				t.Fatalf("%s: Decode of %d of %d bytes succeeded", name, cut, len(enc))
			}
		}
		// The last bias made 0.1, not a float32 value: gblinear computes
		// in float32, so the payload is corrupt.
		bad := bytes.Clone(enc)
		binary.LittleEndian.PutUint64(bad[len(bad)-12:], math.Float64bits(0.1))
		binary.LittleEndian.PutUint32(bad[len(bad)-4:], crc32.Checksum(bad[:len(bad)-4], crc32.MakeTable(crc32.Castagnoli)))
		if _, err := train.Decode(bad); !errors.Is(err, train.ErrCorrupt) {
			t.Errorf("%s: Decode with a weight of 0.1: %v; want ErrCorrupt", name, err)
		}
	}
}

// TestEnsembleEncodingFloat32 checks that an imported tree ensemble
// keeps its float32 sums through train.Encode.
func TestEnsembleEncodingFloat32(t *testing.T) {
	b := readModel(t, "diabetes_squarederror.json")
	if !b.Ensemble().Spec().Float32 {
		t.Fatal("imported ensemble does not sum in float32")
	}
	m, err := b.Model("")
	if err != nil {
		t.Fatal(err)
	}
	enc, err := train.Encode(m)
	if err != nil {
		t.Fatal(err)
	}
	back, err := train.Decode(enc)
	if err != nil {
		t.Fatal(err)
	}
	if !back.(*tree.Regressor).Spec().Float32 {
		t.Fatal("decoded ensemble lost Float32")
	}
	fx := loadFixture(t, "diabetes_squarederror")
	for i, x := range fx.X {
		if got := back.Predict(x); got != fx.preds[i][0] {
			t.Fatalf("row %d: decoded predicts %v; XGBoost %v", i, got, fx.preds[i][0])
		}
	}
}

// FuzzParse checks that no file makes Parse panic, and that a model it
// accepts builds, scores and encodes.
func FuzzParse(f *testing.F) {
	f.Add([]byte(tiny))
	files, _ := filepath.Glob("testdata/*.json")
	ubj, _ := filepath.Glob("testdata/*.ubj")
	for _, p := range append(files, ubj...) {
		if data, err := os.ReadFile(p); err == nil && len(data) < 16<<10 {
			f.Add(data)
		}
	}
	opts := &xgboost.Options{MaxBytes: 1 << 20, MaxNodes: 1 << 14, MaxFeatures: 1 << 12, MaxDepth: 32}
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := xgboost.Parse(data, opts)
		if err != nil {
			if !errors.Is(err, xgboost.ErrFormat) {
				t.Fatalf("error %v does not wrap ErrFormat", err)
			}
			return
		}
		m, err := b.Model("")
		if err != nil {
			t.Fatalf("Model after a successful Parse: %v", err)
		}
		x := make([]float64, m.Info().Features)
		for _, v := range []float64{0, math.NaN(), 1e300, -3} {
			for j := range x {
				x[j] = v
			}
			m.Predict(x)
		}
		enc, err := train.Encode(m)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := train.Decode(enc); err != nil {
			t.Fatalf("Decode(Encode(m)): %v", err)
		}
	})
}
