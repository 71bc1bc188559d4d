package lightgbm_test

import (
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/loomml/loom/train/lightgbm"
)

// oracleTree is a tree as LightGBM holds it, walked by a transcription of
// LightGBM's Tree::NumericalDecision and Tree::CategoricalDecision
// (include/LightGBM/tree.h), independent of the conversion under test.
type oracleTree struct {
	feature, decision, left, right []int
	threshold, leaf                []float64
	catBounds                      []int
	catWords                       []uint32
}

func oracleParse(t *testing.T, text string) (trees []oracleTree) {
	var cur *oracleTree
	for _, line := range strings.Split(text, "\n") {
		k, v, _ := strings.Cut(strings.TrimSpace(line), "=")
		ints := func() []int {
			var out []int
			for _, f := range strings.Fields(v) {
				n, err := strconv.Atoi(f)
				if err != nil {
					t.Fatal(err)
				}
				out = append(out, n)
			}
			return out
		}
		floats := func() []float64 {
			var out []float64
			for _, f := range strings.Fields(v) {
				x, err := strconv.ParseFloat(f, 64)
				if err != nil {
					t.Fatal(err)
				}
				out = append(out, x)
			}
			return out
		}
		switch k {
		case "Tree":
			trees = append(trees, oracleTree{})
			cur = &trees[len(trees)-1]
		case "split_feature":
			cur.feature = ints()
		case "decision_type":
			cur.decision = ints()
		case "left_child":
			cur.left = ints()
		case "right_child":
			cur.right = ints()
		case "threshold":
			cur.threshold = floats()
		case "leaf_value":
			cur.leaf = floats()
		case "cat_boundaries":
			cur.catBounds = ints()
		case "cat_threshold":
			for _, n := range ints() {
				cur.catWords = append(cur.catWords, uint32(n))
			}
		case "end of trees":
			return trees
		}
	}
	return trees
}

func (o *oracleTree) predict(x []float64) float64 {
	if len(o.left) == 0 {
		return o.leaf[0]
	}
	node := 0
	for node >= 0 {
		node = o.decide(x[o.feature[node]], node)
	}
	return o.leaf[^node]
}

func (o *oracleTree) decide(fval float64, node int) int {
	d := o.decision[node]
	missing := (d >> 2) & 3
	if d&1 != 0 { // categorical
		ival := int(fval)
		if math.IsNaN(fval) {
			if missing == 2 {
				return o.right[node]
			}
			ival = 0
		} else if fval > math.MaxInt32 || ival < 0 {
			return o.right[node]
		}
		ci := int(o.threshold[node])
		words := o.catWords[o.catBounds[ci]:o.catBounds[ci+1]]
		if ival/32 < len(words) && words[ival/32]>>(ival%32)&1 != 0 {
			return o.left[node]
		}
		return o.right[node]
	}
	if math.IsNaN(fval) && missing != 2 {
		fval = 0
	}
	const kZeroThreshold = 1e-35
	if (missing == 1 && fval >= -kZeroThreshold && fval <= kZeroThreshold) || (missing == 2 && math.IsNaN(fval)) {
		if d&2 != 0 {
			return o.left[node]
		}
		return o.right[node]
	}
	if fval <= o.threshold[node] {
		return o.left[node]
	}
	return o.right[node]
}

// withDecisionTypes rewrites the decision types of the numeric splits of
// a model text, the way lleaves' tests do: the models of testdata cover
// only the missing type None for numeric splits.
func withDecisionTypes(text string, rng *rand.Rand, choices []int) string {
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		if !strings.HasPrefix(l, "decision_type=") {
			continue
		}
		f := strings.Fields(strings.TrimPrefix(l, "decision_type="))
		for j, s := range f {
			if n, _ := strconv.Atoi(s); n&1 == 0 {
				f[j] = strconv.Itoa(choices[rng.IntN(len(choices))])
			}
		}
		lines[i] = "decision_type=" + strings.Join(f, " ")
	}
	return strings.Join(lines, "\n")
}

// TestSemantics checks the converted ensembles against the transcription of
// LightGBM's decisions, on rows full of what the fixtures lack: NaN, zeros
// and values within 1e-35 of zero, unseen category codes, for every missing type (None, Zero, NaN) and default direction of
// numeric splits. This checks the conversion of the semantics; the
// fixtures check them against LightGBM itself.
func TestSemantics(t *testing.T) {
	models := []struct {
		file  string
		width int
	}{
		{"multiclass.model.txt", 28}, {"kddcup99.model.txt", 41}, {"poisson.model.txt", 9}, {"dart_breast_cancer.model.txt", 30},
	}
	rng := rand.New(rand.NewPCG(7, 8))
	for _, m := range models {
		data, err := os.ReadFile(filepath.Join("testdata", m.file))
		if err != nil {
			t.Fatal(err)
		}
		for _, choices := range [][]int{{0, 2}, {4, 6}, {8, 10}, {0, 2, 4, 6, 8, 10}} {
			text := withDecisionTypes(string(data), rng, choices)
			b, err := lightgbm.Parse([]byte(text), nil)
			if err != nil {
				t.Fatalf("%s %v: %v", m.file, choices, err)
			}
			e := b.Ensemble()
			spec := e.Spec()
			oracle := oracleParse(t, text)
			x := make([]float64, m.width)
			z := make([]float64, e.Outputs())
			want := make([]float64, e.Outputs())
			cat := b.Categorical()
			for range 150 {
				for j := range x {
					if cat[j] {
						// Loom's features give a category as a code >= 0 or NaN.
						if x[j] = float64(rng.IntN(40)); rng.IntN(5) == 0 {
							x[j] = math.NaN()
						}
						continue
					}
					switch rng.IntN(8) {
					case 0:
						x[j] = math.NaN()
					case 1:
						x[j] = 0
					case 2:
						x[j] = (rng.Float64() - 0.5) * 2e-35
					case 3:
						x[j] = float64(rng.IntN(40) - 3)
					default:
						x[j] = rng.NormFloat64() * 3
					}
				}
				e.Raw(z, x)
				clear(want)
				for i := range oracle {
					want[spec.Trees[i].Class] += oracle[i].predict(x)
				}
				for k := range z {
					if math.Abs(z[k]-want[k]) > 1e-9*max(1, math.Abs(want[k])) {
						t.Fatalf("%s, decision types %v: x=%v: margin %d = %v; LightGBM's decisions give %v", m.file, choices, x, k, z[k], want[k])
					}
				}
			}
		}
	}
}
