package forest

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/bits"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"golang.org/x/sync/errgroup"
	"gonum.org/v1/gonum/mat"

	"github.com/loomml/loom/train"
	"github.com/loomml/loom/train/tree"
)

// ErrTooLarge reports a value of X beyond float32's range: trees split
// the values rounded to float32, as scikit-learn's do. It comes wrapped
// in a *train.DataError naming the row and column.
var ErrTooLarge = errors.New("forest: value too large for float32")

// job is one fit, resolved from a trainer.
type job struct {
	kind        string // trainer name, for messages
	opts        Options
	forest      *ForestOptions // nil for a single tree
	crit        criterion
	random      bool
	defFeatures MaxFeatures
	defSampling Sampling
	classify    bool
	classWeight map[float64]float64
	balanced    bool
}

// OOB is the out-of-bag estimate of a forest grown on bootstrap samples:
// each row scored by the trees that did not draw it.
type OOB struct {
	// Score is the accuracy (classification) or R² (regression) of the
	// out-of-bag predictions, over the rows with at least one tree that
	// did not draw them (scikit-learn's oob_score_).
	Score float64
	// Rows is the number of rows Score covers.
	Rows int
	// Predictions holds each row's out-of-bag prediction: for a
	// classifier rows × classes probabilities (oob_decision_function_),
	// for a regressor rows × 1 values (oob_prediction_); NaN for a row
	// that every tree drew.
	Predictions *mat.Dense
}

// prepare checks d and lays it out for growing trees.
func (j *job) prepare(ctx context.Context, d train.Dataset) (*data, []float64, error) {
	if err := d.Validate(false); err != nil {
		return nil, nil, err
	}
	n, p := d.Dims()
	dt := &data{n: n, p: p, x: make([]float32, n*p)}
	rm := d.X.RawMatrix()
	for i := range n {
		for f, v := range rm.Data[i*rm.Stride : i*rm.Stride+p] {
			x := float32(v)
			if math.IsInf(float64(x), 0) {
				return nil, nil, &train.DataError{Field: "X", Row: i, Column: f, Value: v, Err: ErrTooLarge}
			}
			dt.x[f*n+i] = x
		}
	}
	var classes []float64
	if j.classify {
		cl, index, counts, err := train.Classes(d.Y)
		if err != nil {
			return nil, nil, err
		}
		classes, dt.k, dt.yc = cl, len(cl), index
		if d.Weights != nil || j.balanced || len(j.classWeight) > 0 {
			cw := train.ClassWeights(cl, counts, j.balanced, j.classWeight)
			dt.w = make([]float64, n)
			for i, k := range index {
				dt.w[i] = cw[k]
				if d.Weights != nil {
					dt.w[i] *= d.Weights[i]
				}
			}
		}
	} else {
		dt.y = d.Y
		dt.w = d.Weights
	}
	total := float64(n)
	if dt.w != nil {
		total = 0
		for _, w := range dt.w {
			total += w
		}
	}
	if !(total > 0) {
		return nil, nil, fmt.Errorf("%w: the sample weights sum to %v", train.ErrEmpty, total)
	}
	if !j.random {
		dt.ord = make([]uint32, n*p)
		for i, v := range dt.x {
			dt.ord[i] = ordBits(v)
		}
	}
	return dt, classes, nil
}

func (j *job) workers() int {
	if j.forest != nil && j.forest.Workers > 0 {
		return j.forest.Workers
	}
	return runtime.GOMAXPROCS(0)
}

// treeState is the xorshift state of a tree grown with seed s.
func treeState(s uint64) uint32 { return uint32(s) ^ uint32(s>>32) }

// treeSeed derives the seed of tree i of a forest seeded with seed
// (SplitMix64 of the pair), so that each tree depends only on its index.
func treeSeed(seed uint64, i int) uint64 {
	z := seed + uint64(i+1)*0x9E3779B97F4A7C15
	z = (z ^ z>>30) * 0xBF58476D1CE4E5B9
	z = (z ^ z>>27) * 0x94D049BB133111EB
	return z ^ z>>31
}

// grown is one forest tree, converted.
type grown struct {
	trees []tree.Tree // one, or one per class
	leaf  []float64   // per output node, the class proportions (k each) or mean; kept for OOB
	inbag []uint64    // bitset of the rows drawn; kept for OOB
}

// fit grows the model.
func (j *job) fit(ctx context.Context, d train.Dataset, wantOOB bool) (*tree.Ensemble, *OOB, error) {
	j.opts.check(j.kind)
	if j.forest != nil {
		j.forest.check(j.kind)
	}
	dt, classes, err := j.prepare(ctx, d)
	if err != nil {
		return nil, nil, err
	}
	g := j.opts.growth(j.crit, j.random, dt.p, j.defFeatures)
	nTrees, sampling := 1, AllRows
	if j.forest != nil {
		nTrees, sampling = j.forest.Trees, j.forest.Sampling
		if nTrees == 0 {
			nTrees = 100
		}
		if sampling == DefaultSampling {
			sampling = j.defSampling
		}
	}
	if wantOOB && sampling != Bootstrap {
		panic(fmt.Sprintf("forest: %s out-of-bag estimates need Bootstrap sampling", j.kind))
	}
	out := make([]grown, nTrees)
	workers := min(j.workers(), nTrees)
	var next atomic.Int64
	var mu sync.Mutex
	done := 0
	eg, ectx := errgroup.WithContext(ctx)
	for range workers {
		eg.Go(func() error {
			gr := newGrower(dt, &g)
			for {
				i := int(next.Add(1) - 1)
				if i >= nTrees {
					return nil
				}
				if err := ectx.Err(); err != nil {
					return err
				}
				state := treeState(j.opts.Seed)
				if j.forest != nil {
					s := treeSeed(j.opts.Seed, i)
					state = treeState(s)
					gr.sample(s, sampling == Bootstrap)
				} else {
					gr.sample(0, false)
				}
				if err := gr.grow(ectx, state); err != nil {
					return err
				}
				out[i] = gr.convert(nTrees)
				if wantOOB {
					out[i].inbag = gr.inbag()
				} else {
					out[i].leaf = nil
				}
				if j.forest != nil && j.forest.Progress != nil {
					mu.Lock()
					done++
					j.forest.Progress(train.Progress{Iteration: done, Total: nTrees})
					mu.Unlock()
				}
			}
		})
	}
	if err := eg.Wait(); err != nil {
		return nil, nil, err
	}
	spec := tree.Spec{Features: dt.p, Classes: classes, FeatureFingerprint: d.FeatureFingerprint}
	outputs := 1
	switch {
	case !j.classify:
		spec.Link = tree.Identity
	default:
		spec.Link = tree.Probability
		if dt.k > 2 {
			outputs = dt.k
		}
	}
	spec.Base = make([]float64, outputs)
	spec.Trees = make([]tree.Tree, 0, nTrees*outputs)
	for _, o := range out {
		spec.Trees = append(spec.Trees, o.trees...)
	}
	e, err := tree.New(spec)
	if err != nil {
		return nil, nil, fmt.Errorf("forest: %s built an invalid ensemble: %w", j.kind, err)
	}
	if !wantOOB {
		return e, nil, nil
	}
	oob, err := outOfBag(ctx, e, dt, d, out, outputs, j.workers())
	if err != nil {
		return nil, nil, err
	}
	return e, oob, nil
}

// sample sets the weight of each row for the next tree: the base weight,
// times the number of times a bootstrap sample of n rows drew the row.
func (gr *grower) sample(seed uint64, bootstrap bool) {
	d := gr.d
	if !bootstrap {
		for i := range gr.rows {
			gr.rows[i] = row{w: 1, y: d.target(i)}
			if d.w != nil {
				gr.rows[i].w = d.w[i]
			}
		}
		return
	}
	for i := range gr.rows {
		gr.rows[i] = row{y: d.target(i)}
	}
	r := rand.NewPCG(seed, 0x6f7265737421)
	for range d.n {
		gr.rows[below(r, uint64(d.n))].w++
	}
	if d.w != nil {
		for i, w := range d.w {
			gr.rows[i].w *= w
		}
	}
}

// target is row i's target, or its class index for a classifier.
func (d *data) target(i int) float64 {
	if d.k > 0 {
		return float64(d.yc[i])
	}
	return d.y[i]
}

// below draws a uniform integer in [0, n) from r by Lemire's
// multiply-and-reject method: spelled out here so that the bootstrap
// samples of a seed do not depend on the Go release.
func below(r *rand.PCG, n uint64) uint64 {
	hi, lo := bits.Mul64(r.Uint64(), n)
	if lo < n {
		for thresh := -n % n; lo < thresh; {
			hi, lo = bits.Mul64(r.Uint64(), n)
		}
	}
	return hi
}

// inbag returns the bitset of rows of positive weight in the last tree.
func (gr *grower) inbag() []uint64 {
	b := make([]uint64, (gr.d.n+63)/64)
	for _, s := range gr.samples {
		b[s/64] |= 1 << (s % 64)
	}
	return b
}

// convert lays the grown nodes out as train/tree trees (children adjacent,
// after their parent), with leaves scaled by 1/nTrees so that the trees of
// a forest sum to its mean.
func (gr *grower) convert(nTrees int) grown {
	k := gr.d.k
	m := len(gr.nodes)
	order := make([]int32, m) // output position → grown node
	nodes := make([]tree.Node, m)
	cover := make([]float64, m)
	gain := make([]float64, m)
	width := max(k, 1)
	leaf := make([]float64, m*width)
	next := int32(1)
	for i := range m {
		r := &gr.nodes[order[i]]
		cover[i] = r.weight
		if r.feature >= 0 {
			left, right := &gr.nodes[r.left], &gr.nodes[r.right]
			nodes[i] = tree.Node{Feature: r.feature, Left: next, Value: boundary(r.threshold)}
			if left.weight >= right.weight {
				nodes[i].Flags = tree.DefaultLeft // NaN goes to the heavier child
			}
			gain[i] = (r.weight*r.impurity - left.weight*left.impurity - right.weight*right.impurity) / gr.wRoot
			order[next], order[next+1] = r.left, r.right
			next += 2
			continue
		}
		nodes[i] = tree.Node{Feature: -1}
		v := gr.values[r.value : int(r.value)+width]
		if k == 0 {
			leaf[i] = v[0]
			continue
		}
		sum := 0.0
		for _, c := range v {
			sum += c
		}
		for c, x := range v {
			leaf[i*width+c] = x / sum
		}
	}
	outputs := 1
	if k > 2 {
		outputs = k
	}
	trees := make([]tree.Tree, outputs)
	scale := float64(nTrees)
	for t := range trees {
		tn := nodes
		if t > 0 {
			tn = slices.Clone(nodes)
		}
		c := t // class whose proportion the tree holds
		if k == 2 {
			c = 1
		}
		for i := range tn {
			if tn[i].Feature < 0 {
				tn[i] = tree.Node{Feature: -1, Value: leaf[i*width+c] / scale}
			}
		}
		trees[t] = tree.Tree{Nodes: tn, Gain: gain, Cover: cover, Class: t}
	}
	return grown{trees: trees, leaf: leaf}
}

// boundary returns the float64 threshold T equivalent to testing a value
// rounded to float32 against t: float32(x) <= t exactly when x <= T.
// Training, like scikit-learn's, compares float32 values with t (the
// midpoint of two of them); a tree compares float64 inputs, which
// scikit-learn would round to float32 first.
func boundary(t float64) float64 {
	c := float32(t)
	if float64(c) > t {
		c = math.Nextafter32(c, float32(math.Inf(-1)))
	}
	up := math.Nextafter32(c, float32(math.Inf(1)))
	if math.IsInf(float64(c), 0) || math.IsInf(float64(up), 0) {
		return t
	}
	mid := float64(c)/2 + float64(up)/2 // exact: a float32 midpoint fits in float64
	if float32(mid) == c {
		return mid
	}
	return math.Nextafter(mid, math.Inf(-1))
}

// outOfBag scores each row with the trees that did not draw it.
func outOfBag(ctx context.Context, e *tree.Ensemble, dt *data, d train.Dataset, out []grown, outputs, workers int) (*OOB, error) {
	n, p := d.Dims()
	width := max(dt.k, 1)
	pred := mat.NewDense(n, width, nil)
	seen := make([]int32, n)
	X := d.RowMajor()
	const block = 512
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(workers)
	for lo := 0; lo < n; lo += block {
		g.Go(func() error {
			if err := ctx.Err(); err != nil {
				return err
			}
			leaves := make([]int, e.Len())
			for i := lo; i < min(lo+block, n); i++ {
				e.Leaves(leaves, X[i*p:(i+1)*p])
				row := pred.RawRowView(i)
				for t := range out {
					if out[t].inbag[i/64]&(1<<(i%64)) != 0 {
						continue
					}
					leaf := leaves[t*outputs]
					for c := range row {
						row[c] += out[t].leaf[leaf*width+c]
					}
					seen[i]++
				}
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	o := &OOB{Predictions: pred}
	var hits, mean float64
	for i := range n {
		if seen[i] == 0 {
			continue
		}
		o.Rows++
		row := pred.RawRowView(i)
		for c := range row {
			row[c] /= float64(seen[i])
		}
		if dt.k > 0 {
			if int32(argmax(row)) == dt.yc[i] {
				hits++
			}
		} else {
			mean += dt.y[i]
		}
	}
	if o.Rows > 0 {
		if dt.k > 0 {
			o.Score = hits / float64(o.Rows)
		} else {
			mean /= float64(o.Rows)
			var res, tot float64
			for i := range n {
				if seen[i] > 0 {
					r := dt.y[i] - pred.At(i, 0)
					res += r * r
					t := dt.y[i] - mean
					tot += t * t
				}
			}
			o.Score = 1 - res/tot
		}
	}
	for i := range n {
		if seen[i] == 0 {
			for c := range width {
				pred.Set(i, c, math.NaN())
			}
		}
	}
	return o, nil
}

// argmax returns the index of the first largest value.
func argmax(v []float64) int {
	best := 0
	for i, x := range v {
		if x > v[best] {
			best = i
		}
	}
	return best
}
