package train

import (
	"math"

	"sync/atomic"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"

	"github.com/loomml/loom/internal/fastmath"

	"gonum.org/v1/gonum/floats"
)

// blockRows is the number of rows per block of the parallel loss. It is
// fixed, independent of the number of workers, and partial sums are
// reduced in block order, so the loss and gradient are bit-identical
// whatever GOMAXPROCS is.
const blockRows = 2048

// logLoss evaluates scikit-learn's L-BFGS objective for logistic
// regression,
//
//	Σᵢ sᵢ·logloss(yᵢ, softmax(Wxᵢ + b)) + ‖W‖²/(2C),
//
// and its gradient, over row blocks on a fixed pool of workers that lives
// for one fit. Parameters are laid out as m vectors of p+1 values, the
// coefficients of one class followed by its intercept; m is 1 for binary
// problems (a sigmoid on the second class) and the number of classes
// otherwise. Evaluating allocates nothing.
type logLoss struct {
	x       []float64 // n×p row-major
	n, p, m int
	cls     []int32   // class index of each row
	sw      []float64 // sample weight × class weight
	l2      float64   // 1/C

	nblocks int
	stride  int       // 1 + m(p+1): loss then gradient, per block
	partial []float64 // nblocks × stride
	scratch [][]float64
	params  []float64

	workers int
	next    atomic.Int64
	start   chan struct{}
	done    chan struct{}

	// cache of the last evaluation, since optimize asks for the value and
	// the gradient of the same point separately.
	have  bool
	lastX []float64
	lastF float64
	lastG []float64
}

func newLogLoss(x []float64, n, p, m int, cls []int32, sw []float64, l2 float64, workers int) *logLoss {
	dim := m * (p + 1)
	e := &logLoss{
		x: x, n: n, p: p, m: m, cls: cls, sw: sw, l2: l2,
		nblocks: (n + blockRows - 1) / blockRows,
		stride:  1 + dim,
		params:  make([]float64, dim),
		lastX:   make([]float64, dim),
		lastG:   make([]float64, dim),
	}
	e.partial = make([]float64, e.nblocks*e.stride)
	workers = max(1, min(workers, e.nblocks))
	e.workers = workers
	e.scratch = make([][]float64, workers)
	for i := range e.scratch {
		e.scratch[i] = make([]float64, max(m, 3*lossChunk))
	}
	if workers > 1 {
		start, done := make(chan struct{}), make(chan struct{})
		e.start, e.done = start, done
		for w := 1; w < workers; w++ {
			go func() {
				for range start {
					e.work(w)
					done <- struct{}{}
				}
			}()
		}
	}
	return e
}

// close stops the workers.
func (e *logLoss) close() {
	if e.start != nil {
		close(e.start)
		e.start = nil
	}
}

// work computes blocks until none is left.
func (e *logLoss) work(w int) {
	for {
		b := int(e.next.Add(1) - 1)
		if b >= e.nblocks {
			return
		}
		e.block(b, e.scratch[w])
	}
}

// evaluate computes the objective and gradient at x into e.lastF and
// e.lastG.
func (e *logLoss) evaluate(x []float64) {
	if e.have && floats.Equal(x, e.lastX) {
		return
	}
	copy(e.params, x)
	e.next.Store(0)
	for range e.workers - 1 {
		e.start <- struct{}{}
	}
	e.work(0)
	for range e.workers - 1 {
		<-e.done
	}
	f := 0.0
	g := e.lastG
	clear(g)
	for b := range e.nblocks {
		part := e.partial[b*e.stride : (b+1)*e.stride]
		f += part[0]
		floats.Add(g, part[1:])
	}
	p1 := e.p + 1
	for k := range e.m {
		w := x[k*p1 : k*p1+e.p]
		f += 0.5 * e.l2 * floats.Dot(w, w)
		floats.AddScaled(g[k*p1:k*p1+e.p], e.l2, w)
	}
	copy(e.lastX, x)
	e.lastF = f
	e.have = true
}

func (e *logLoss) fn(x []float64) float64 {
	e.evaluate(x)
	return e.lastF
}

func (e *logLoss) grad(g, x []float64) {
	e.evaluate(x)
	copy(g, e.lastG)
}

// lossChunk is the number of rows of a chunk of the binary loss (and of
// the batch prediction): their scores by one matrix-vector product, their
// exponentials in one loop, their losses, then their gradient by one
// transposed product, while the chunk (15 KB at 30 features) is in the
// first-level cache.
const lossChunk = 64

// block computes the loss and gradient of rows of block b into its
// partial sums; z is the worker's scratch of max(m, 3·lossChunk) values.
func (e *logLoss) block(b int, z []float64) {
	lo, hi := b*blockRows, min((b+1)*blockRows, e.n)
	part := e.partial[b*e.stride : (b+1)*e.stride]
	clear(part)
	g := part[1:]
	p, p1 := e.p, e.p+1
	x := e.x
	loss := 0.0
	if e.m == 1 {
		w, bias := e.params[:p], e.params[p]
		gw := g[:p]
		gb := 0.0
		z, ev, sp := z[:lossChunk], z[lossChunk:2*lossChunk], z[2*lossChunk:3*lossChunk]
		for c := lo; c < hi; c += lossChunk {
			ch := min(c+lossChunk, hi) - c
			sw, cls := e.sw[c:c+ch], e.cls[c:c+ch]
			// The scores z = X[c:c+ch] w + bias, their exp(-|v|) and
			// log1p(exp(-|v|)) in one loop each, the losses
			// and their derivatives d in place of the scores, then
			// gw += X[c:c+ch]ᵀ d. The products are gonum's assembly kernels;
			// every sum is in a fixed order, whatever the workers.
			for i := range ch {
				z[i] = bias
			}
			blasImpl.Dgemv(blas.NoTrans, ch, p, 1, x[c*p:(c+ch)*p], p, w, 1, 1, z[:ch], 1)
			fastmath.ExpNegAbs(ev[:ch], z[:ch])
			copy(sp, ev[:ch])
			fastmath.Log1pInPlace(sp[:ch])
			for i, s := range sw {
				if s == 0 {
					continue
				}
				t := float64(cls[i])
				v := z[i]
				loss += s * (math.Max(v, 0) + sp[i] - t*v)
				z[i] = s * (expitOf(v, ev[i]) - t)
			}
			for i, s := range sw {
				if s == 0 {
					z[i] = 0
					continue
				}
				gb += z[i]
			}
			blasImpl.Dgemv(blas.Trans, ch, p, 1, x[c*p:(c+ch)*p], p, z[:ch], 1, 1, gw, 1)
		}
		g[p] = gb
		part[0] = loss
		return
	}
	params := e.params
	for i := lo; i < hi; i++ {
		row := x[i*p : i*p+p]
		s := e.sw[i]
		if s == 0 {
			continue
		}
		zmax := math.Inf(-1)
		for k := range e.m {
			v := floats.Dot(row, params[k*p1:k*p1+p]) + params[k*p1+p]
			z[k] = v
			zmax = math.Max(zmax, v)
		}
		y := int(e.cls[i])
		zy := z[y] - zmax
		sum := 0.0
		for k := range e.m {
			z[k] = math.Exp(z[k] - zmax)
			sum += z[k]
		}
		// log-sum-exp minus the true class's score
		loss += s * (math.Log(sum) - zy)
		inv := 1 / sum
		for k := range e.m {
			d := z[k] * inv
			if k == y {
				d--
			}
			d *= s
			floats.AddScaled(g[k*p1:k*p1+p], d, row)
			g[k*p1+p] += d
		}
	}
	part[0] = loss
}

// blasImpl is gonum's native BLAS, whose matrix-vector kernels are
// assembly on amd64.
var blasImpl gonum.Implementation
