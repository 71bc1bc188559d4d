package train

import (
	"context"
	"fmt"
	"strconv"

	"gonum.org/v1/gonum/mat"
)

// Trainer fits a Model to a Dataset. Implementations validate the data and
// return typed errors (see the sentinels) for bad input; they stop within
// one iteration once ctx is done and return ctx.Err().
type Trainer interface {
	Fit(ctx context.Context, d Dataset) (Model, error)
}

// TrainerFunc adapts a function to the Trainer interface.
type TrainerFunc func(ctx context.Context, d Dataset) (Model, error)

// Fit calls f(ctx, d).
func (f TrainerFunc) Fit(ctx context.Context, d Dataset) (Model, error) { return f(ctx, d) }

// Info describes a fitted model: what it is and what it expects.
type Info struct {
	// Kind names the model kind under which its decoder is registered.
	Kind string
	// Features is the number of input features a row must have.
	Features int
	// Classes lists the class labels of a classifier in increasing order,
	// the order of PredictProba's output; nil for a regressor.
	Classes []float64
	// FeatureFingerprint is the opaque Dataset.FeatureFingerprint the model
	// was fitted with.
	FeatureFingerprint string
}

// Model is a fitted model. Predict is safe for concurrent use and does not
// allocate; it panics when len(x) differs from Info().Features (the caller
// checks the width once, with Verify).
//
// Optional capabilities are found by type assertion: Classifier for class
// probabilities, encoding.BinaryMarshaler for saving with Encode.
type Model interface {
	// Info describes the model. The returned Classes slice is shared and
	// must not be modified.
	Info() Info
	// Predict returns the prediction for one row: the estimated value of a
	// regressor, or the most probable class label of a classifier.
	Predict(x []float64) float64
}

// Classifier is a Model that gives class probabilities.
type Classifier interface {
	Model
	// PredictProba writes the probability of each class of Info().Classes,
	// in order, into dst[:len(Classes)] and returns that slice. It does not
	// allocate and panics when dst is too short.
	PredictProba(dst, x []float64) []float64
}

// Verify checks that m takes rows of the given number of features computed
// by the features with the given fingerprint. An empty fingerprint on
// either side is not checked. It returns a *MismatchError.
func Verify(m Model, features int, fingerprint string) error {
	info := m.Info()
	if info.Features != features {
		return &MismatchError{Kind: info.Kind, Field: "features", Want: strconv.Itoa(info.Features),
			Got: strconv.Itoa(features), Err: ErrShape}
	}
	if fingerprint != "" && info.FeatureFingerprint != "" && fingerprint != info.FeatureFingerprint {
		return &MismatchError{Kind: info.Kind, Field: "fingerprint", Want: strconv.Quote(info.FeatureFingerprint),
			Got: strconv.Quote(fingerprint), Err: ErrFingerprint}
	}
	return nil
}

// PredictBatch predicts every row of X into dst, which it grows when
// shorter than the number of rows, and returns dst[:rows]. It panics when X
// has a different number of columns than the model's features.
func PredictBatch(dst []float64, m Model, X mat.Matrix) []float64 {
	n, p := X.Dims()
	checkWidth(m, p)
	if b, ok := m.(predictBatcher); ok {
		return b.PredictBatch(dst, X)
	}
	if cap(dst) < n {
		dst = make([]float64, n)
	}
	dst = dst[:n]
	forEachRow(X, func(i int, row []float64) { dst[i] = m.Predict(row) })
	return dst
}

// PredictProbaBatch writes the class probabilities of every row of X into
// the rows of dst, which must be rows × len(Classes) (a zero-value dst is
// resized), and returns dst.
func PredictProbaBatch(dst *mat.Dense, c Classifier, X mat.Matrix) *mat.Dense {
	n, p := X.Dims()
	checkWidth(c, p)
	k := len(c.Info().Classes)
	if dst == nil {
		dst = &mat.Dense{}
	}
	if dst.IsEmpty() {
		dst.ReuseAs(n, k)
	}
	if r, cols := dst.Dims(); r != n || cols != k {
		panic(fmt.Sprintf("train: dst must be %d×%d, got %d×%d", n, k, r, cols))
	}
	if b, ok := c.(probaBatcher); ok {
		return b.PredictProbaBatch(dst, X)
	}
	raw := dst.RawMatrix()
	forEachRow(X, func(i int, row []float64) {
		c.PredictProba(raw.Data[i*raw.Stride:i*raw.Stride+k], row)
	})
	return dst
}

func checkWidth(m Model, p int) {
	if f := m.Info().Features; f != p {
		panic(fmt.Sprintf("train: %s model expects %d features, got %d", m.Info().Kind, f, p))
	}
}

// forEachRow calls fn with each row of X, without copying when X exposes
// its raw storage.
func forEachRow(X mat.Matrix, fn func(i int, row []float64)) {
	n, p := X.Dims()
	if rm, ok := X.(mat.RawMatrixer); ok {
		raw := rm.RawMatrix()
		for i := range n {
			fn(i, raw.Data[i*raw.Stride:i*raw.Stride+p])
		}
		return
	}
	row := make([]float64, p)
	for i := range n {
		mat.Row(row, i, X)
		fn(i, row)
	}
}

var (
	_ Trainer  = LinearRegression{}
	_ Trainer  = Ridge{}
	_ Trainer  = LogisticRegression{}
	_ Trainer  = TrainerFunc(nil)
	_ Observer = ObserverFunc(nil)
)
