package train

import (
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"runtime"
	"slices"
	"time"

	"github.com/loomml/loom/internal/fastmath"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/optimize"
)

// KindLogistic is the model kind of LogisticModel, fitted by
// LogisticRegression.
const KindLogistic = "logistic"

func init() { Register(KindLogistic, decodeLogistic) }

// LogisticRegression fits an L2-penalised logistic regression with an
// intercept by L-BFGS, numerically equivalent to scikit-learn 1.2's
// LogisticRegression(solver="lbfgs"): with two classes a binary model, with
// more a multinomial (softmax) one, minimising
//
//	C · Σᵢ sᵢ · logloss(yᵢ, pᵢ) + ‖W‖²/2
//
// (the intercept is not penalised), where sᵢ is the sample weight times
// the weight of yᵢ's class. The optimizer stops, like SciPy's L-BFGS-B,
// when the gradient's largest component is at most Tol or the objective's
// relative decrease is at most 2.2e-9; after MaxIter iterations it returns
// the model together with a *NotConvergedError.
//
// The loss and gradient are computed in parallel over blocks of rows by
// Workers goroutines that live for the fit; an evaluation allocates
// nothing. The zero value is ready to use and means scikit-learn's
// defaults.
type LogisticRegression struct {
	// C is the inverse of the penalty strength; 0 means 1.
	C float64
	// Tol is the gradient tolerance; 0 means 1e-4.
	Tol float64
	// MaxIter bounds the L-BFGS iterations; 0 means 100.
	MaxIter int
	// FuncTol is the relative decrease of the objective over one iteration
	// at or below which the optimizer stops; 0 means SciPy's default
	// 2.2e-9, which scikit-learn uses, and a negative value disables the
	// test so that only Tol decides.
	FuncTol float64
	// ClassWeight multiplies the weight of each row of the given class
	// label; classes not listed weigh 1. Ignored when Balanced is set.
	ClassWeight map[float64]float64
	// Balanced weighs each class by n / (classes · rows of the class),
	// scikit-learn's class_weight="balanced".
	Balanced bool
	// Workers is the number of goroutines computing the loss; 0 means
	// GOMAXPROCS. Results do not depend on it.
	Workers int
	// Progress, when set, receives one report per iteration.
	Progress ProgressFunc
}

// ftol is SciPy L-BFGS-B's default relative function tolerance,
// factr=1e7 times the machine epsilon.
const ftol = 1e7 * 2.220446049250313e-16

func (l LogisticRegression) settings() (c, tol float64, maxIter int) {
	c, tol, maxIter = l.C, l.Tol, l.MaxIter
	if c < 0 || math.IsNaN(c) || math.IsInf(c, 0) {
		panic(fmt.Sprintf("train: LogisticRegression C must be positive and finite, got %v", c))
	}
	if tol < 0 || math.IsNaN(tol) {
		panic(fmt.Sprintf("train: LogisticRegression Tol must be non-negative, got %v", tol))
	}
	if maxIter < 0 {
		panic(fmt.Sprintf("train: LogisticRegression MaxIter must be non-negative, got %d", maxIter))
	}
	if c == 0 {
		c = 1
	}
	if tol == 0 {
		tol = 1e-4
	}
	if maxIter == 0 {
		maxIter = 100
	}
	return c, tol, maxIter
}

// Params returns {C, class_weight, max_iter, tol}.
func (l LogisticRegression) Params() Params {
	c, tol, maxIter := l.settings()
	cw := "none"
	switch {
	case l.Balanced:
		cw = "balanced"
	case len(l.ClassWeight) > 0:
		cw = "custom"
	}
	return Params{{Name: "C", Num: c}, {Name: "class_weight", Str: cw},
		{Name: "max_iter", Num: float64(maxIter)}, {Name: "tol", Num: tol}}
}

// Fit fits the model. With fewer than two classes it returns
// ErrSingleClass; when the optimizer stops at MaxIter it returns the model
// and a *NotConvergedError; when ctx is done it stops within one
// evaluation of the loss and returns ctx.Err().
func (l LogisticRegression) Fit(ctx context.Context, d Dataset) (Model, error) {
	c, tol, maxIter := l.settings()
	if err := d.validate(); err != nil {
		return nil, err
	}
	n, p := d.Dims()
	classes, cls, counts, err := Classes(d.Y)
	if err != nil {
		return nil, err
	}
	cw := ClassWeights(classes, counts, l.Balanced, l.ClassWeight)
	sw := make([]float64, n)
	for i := range sw {
		sw[i] = d.weight(i) * cw[cls[i]]
	}
	m := len(classes)
	if m == 2 {
		m = 1
	}
	workers := l.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	loss := newLogLoss(d.RowMajor(), n, p, m, cls, sw, 1/c, workers)
	defer loss.close()

	funcTol := l.FuncTol
	switch {
	case funcTol == 0:
		funcTol = ftol
	case funcTol < 0:
		funcTol = math.Inf(-1)
	}
	start := time.Now()
	rec := &fitRecorder{ctx: ctx, progress: l.Progress, total: maxIter, start: start}
	settings := &optimize.Settings{
		GradientThreshold: tol,
		MajorIterations:   maxIter + 1, // gonum counts the starting point as one
		FuncEvaluations:   15000,
		Converger:         &relativeConverge{tol: funcTol},
		Recorder:          rec,
	}
	method := &optimize.LBFGS{Store: 10, Linesearcher: &optimize.MoreThuente{}}
	problem := optimize.Problem{Func: loss.fn, Grad: loss.grad}
	res, err := optimize.Minimize(problem, make([]float64, m*(p+1)), settings, method)
	if ctxErr := ctx.Err(); ctxErr != nil {
		return nil, ctxErr
	}
	if res == nil {
		return nil, fmt.Errorf("train: logistic regression: %w", err)
	}
	x := res.Location.X
	for _, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("train: logistic regression diverged (non-finite coefficients): %v", err)
		}
	}
	iters := iterations(res.Stats)
	if l.Progress != nil && rec.reported < iters {
		l.Progress(Progress{Iteration: iters, Total: maxIter, Loss: res.Location.F, Elapsed: time.Since(start)})
	}
	model := newLogisticModel(classes, p, x, d.FeatureFingerprint)
	model.iterations = iters
	gnorm := math.Inf(1)
	if res.Location.Gradient != nil {
		gnorm = floats.Norm(res.Location.Gradient, math.Inf(1))
	}
	switch {
	case err == nil && (res.Status == optimize.GradientThreshold || res.Status == optimize.FunctionConvergence):
		return model, nil
	case err != nil && gnorm <= tol:
		return model, nil
	}
	reason := res.Status.String()
	if err != nil {
		reason = err.Error()
	}
	return model, &NotConvergedError{Kind: KindLogistic, Iterations: iters,
		Loss: res.Location.F, Gradient: gnorm, Tol: tol, Reason: reason}
}

// relativeConverge stops when the objective's relative decrease over one
// iteration is at most tol, SciPy L-BFGS-B's ftol test.
type relativeConverge struct {
	tol   float64
	prev  float64
	first bool
}

func (r *relativeConverge) Init(int) { r.first = true }

func (r *relativeConverge) Converged(loc *optimize.Location) optimize.Status {
	f := loc.F
	if !r.first && r.prev-f <= r.tol*math.Max(math.Max(math.Abs(r.prev), math.Abs(f)), 1) {
		return optimize.FunctionConvergence
	}
	r.first = false
	r.prev = f
	return optimize.NotTerminated
}

// fitRecorder stops the optimizer when ctx is done and reports progress
// at each major iteration.
type fitRecorder struct {
	ctx      context.Context
	progress ProgressFunc
	total    int
	start    time.Time
	reported int // last iteration reported
}

func (r *fitRecorder) Init() error { return r.ctx.Err() }

func (r *fitRecorder) Record(loc *optimize.Location, op optimize.Operation, stats *optimize.Stats) error {
	if err := r.ctx.Err(); err != nil {
		return err
	}
	if r.progress != nil && op == optimize.MajorIteration && iterations(*stats) > 0 {
		r.reported = iterations(*stats)
		r.progress(Progress{Iteration: r.reported, Total: r.total, Loss: loc.F, Elapsed: time.Since(r.start)})
	}
	return nil
}

// LogisticModel is a fitted logistic regression, of kind KindLogistic.
type LogisticModel struct {
	classes     []float64
	p, m        int
	coef        []float64 // m×p
	intercept   []float64 // m
	fingerprint string
	iterations  int
}

var _ Classifier = (*LogisticModel)(nil)

// newLogisticModel unpacks the optimizer's parameter layout (m vectors of
// p coefficients and an intercept).
func newLogisticModel(classes []float64, p int, x []float64, fp string) *LogisticModel {
	m := len(x) / (p + 1)
	lm := &LogisticModel{classes: classes, p: p, m: m, coef: make([]float64, m*p), intercept: make([]float64, m), fingerprint: fp}
	for k := range m {
		copy(lm.coef[k*p:(k+1)*p], x[k*(p+1):k*(p+1)+p])
		lm.intercept[k] = x[k*(p+1)+p]
	}
	return lm
}

// Info describes the model.
func (lm *LogisticModel) Info() Info {
	return Info{Kind: KindLogistic, Features: lm.p, Classes: lm.classes, FeatureFingerprint: lm.fingerprint}
}

// Coef returns a copy of the coefficients: one row for a binary model (the
// second class against the first), one row per class for a multinomial
// one, like scikit-learn's coef_.
func (lm *LogisticModel) Coef() *mat.Dense {
	return mat.NewDense(lm.m, lm.p, slices.Clone(lm.coef))
}

// Intercept returns a copy of the intercepts, one per row of Coef.
func (lm *LogisticModel) Intercept() []float64 { return slices.Clone(lm.intercept) }

// Iterations returns the number of L-BFGS iterations of the fit, counted
// as SciPy counts them (scikit-learn's n_iter_: the starting point is not
// an iteration); 0 for a decoded model.
func (lm *LogisticModel) Iterations() int { return lm.iterations }

func (lm *LogisticModel) check(x []float64) { lm.checkWidth(len(x)) }

// Predict returns the most probable class label of x (the first on a tie).
func (lm *LogisticModel) Predict(x []float64) float64 {
	lm.check(x)
	p := lm.p
	if lm.m == 1 {
		if dot(x, lm.coef)+lm.intercept[0] > 0 {
			return lm.classes[1]
		}
		return lm.classes[0]
	}
	best, bestZ := 0, math.Inf(-1)
	for k := range lm.m {
		if z := floats.Dot(x, lm.coef[k*p:(k+1)*p]) + lm.intercept[k]; z > bestZ {
			best, bestZ = k, z
		}
	}
	return lm.classes[best]
}

// PredictProba writes the probability of each class into dst[:len(classes)]
// and returns it.
func (lm *LogisticModel) PredictProba(dst, x []float64) []float64 {
	lm.check(x)
	k := len(lm.classes)
	if len(dst) < k {
		panic(fmt.Sprintf("train: PredictProba dst must hold %d classes, got %d", k, len(dst)))
	}
	dst = dst[:k]
	p := lm.p
	if lm.m == 1 {
		p1 := expit(dot(x, lm.coef) + lm.intercept[0])
		dst[0], dst[1] = 1-p1, p1
		return dst
	}
	zmax := math.Inf(-1)
	for j := range k {
		dst[j] = floats.Dot(x, lm.coef[j*p:(j+1)*p]) + lm.intercept[j]
		zmax = math.Max(zmax, dst[j])
	}
	sum := 0.0
	for j := range k {
		dst[j] = math.Exp(dst[j] - zmax)
		sum += dst[j]
	}
	floats.Scale(1/sum, dst)
	return dst
}

// MarshalBinary writes the payload: the number of classes k and of
// features p (uint32 each), the k class labels, then m = 1 (binary) or k
// rows of p coefficients, then m intercepts, all as little-endian float64
// bits.
func (lm *LogisticModel) MarshalBinary() ([]byte, error) {
	b := make([]byte, 0, 8+8*(len(lm.classes)+len(lm.coef)+len(lm.intercept)))
	b = binary.LittleEndian.AppendUint32(b, uint32(len(lm.classes)))
	b = binary.LittleEndian.AppendUint32(b, uint32(lm.p))
	b = appendFloats(b, lm.classes)
	b = appendFloats(b, lm.coef)
	return appendFloats(b, lm.intercept), nil
}

const maxClasses = 1 << 16

func decodeLogistic(info Info, payload []byte) (Model, error) {
	r := reader{b: payload}
	k, p := int(r.uint32()), int(r.uint32())
	if r.err != nil {
		return nil, r.err
	}
	if k < 2 || k > maxClasses {
		return nil, fmt.Errorf("%w: logistic payload has %d classes", ErrCorrupt, k)
	}
	if p != info.Features {
		return nil, fmt.Errorf("%w: logistic payload has %d features, header says %d", ErrCorrupt, p, info.Features)
	}
	m := k
	if k == 2 {
		m = 1
	}
	classes := r.floats(k)
	coef := r.floats(m * p)
	intercept := r.floats(m)
	if err := r.done(); err != nil {
		return nil, err
	}
	for j := 1; j < k; j++ {
		if !(classes[j] > classes[j-1]) {
			return nil, fmt.Errorf("%w: class labels are not strictly increasing", ErrCorrupt)
		}
	}
	return &LogisticModel{classes: classes, p: p, m: m, coef: coef, intercept: intercept, fingerprint: info.FeatureFingerprint}, nil
}

// expit is the logistic function 1/(1+e^-z), without overflow for either
// sign of z.
func expit(z float64) float64 {
	return expitOf(z, fastmath.Exp(-math.Abs(z)))
}

// expitOf is expit(z) given e = exp(-|z|).
func expitOf(z, e float64) float64 {
	if z >= 0 {
		return 1 / (1 + e)
	}
	return e / (1 + e)
}

// iterations returns the number of L-BFGS iterations behind stats, as
// SciPy's L-BFGS-B counts them (scikit-learn's n_iter_): gonum's
// MajorIterations also counts the starting point.
func iterations(stats optimize.Stats) int { return max(stats.MajorIterations-1, 0) }
