package train

import (
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// KindLinear is the model kind of LinearModel, fitted by LinearRegression
// and Ridge.
const KindLinear = "linear"

func init() { Register(KindLinear, decodeLinear) }

// LinearRegression fits ordinary least squares with an intercept, like
// scikit-learn's LinearRegression: it centres X and y (weighted by the
// sample weights) and solves the centred problem by a QR factorisation.
// A rank-deficient design gives ErrSingular and more features than rows
// gives ErrUnderdetermined, rather than an arbitrary solution. The zero
// value is ready to use.
type LinearRegression struct{}

// Params returns no parameters: ordinary least squares has none.
func (LinearRegression) Params() Params { return Params{} }

// Fit fits the model.
func (LinearRegression) Fit(ctx context.Context, d Dataset) (Model, error) {
	if err := d.validate(); err != nil {
		return nil, err
	}
	n, p := d.Dims()
	if p >= n {
		return nil, fmt.Errorf("%w: %d features and an intercept, %d rows", ErrUnderdetermined, p, n)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	xc, yc, xm, ym, err := centre(d)
	if err != nil {
		return nil, err
	}
	var qr mat.QR
	qr.Factorize(xc)
	var r mat.Dense
	qr.RTo(&r)
	maxDiag := 0.0
	for j := range p {
		maxDiag = math.Max(maxDiag, math.Abs(r.At(j, j)))
	}
	for j := range p {
		if math.Abs(r.At(j, j)) <= maxDiag*float64(n)*1e-14 {
			return nil, fmt.Errorf("%w: column %d is a linear combination of the others (or constant)", ErrSingular, j)
		}
	}
	var w mat.Dense
	if err := qr.SolveTo(&w, false, mat.NewDense(n, 1, yc)); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrSingular, err)
	}
	coef := mat.Col(nil, 0, &w)
	return newLinearModel(coef, ym-floats.Dot(xm, coef), d.FeatureFingerprint), nil
}

// Ridge fits L2-penalised least squares with an unpenalised intercept,
// like scikit-learn's Ridge with its default solver for dense data: it
// minimises Σ wᵢ(yᵢ − xᵢ·β − b)² + Alpha‖β‖² by a Cholesky factorisation of
// the centred normal equations. Alpha 0 means 1, scikit-learn's default.
type Ridge struct {
	Alpha float64 // penalty strength; 0 means 1; negative panics
}

func (r Ridge) alpha() float64 {
	switch {
	case r.Alpha < 0 || math.IsNaN(r.Alpha) || math.IsInf(r.Alpha, 0):
		panic(fmt.Sprintf("train: Ridge alpha must be finite and non-negative, got %v", r.Alpha))
	case r.Alpha == 0:
		return 1
	}
	return r.Alpha
}

// Params returns {alpha}.
func (r Ridge) Params() Params { return Params{{Name: "alpha", Num: r.alpha()}} }

// Fit fits the model.
func (r Ridge) Fit(ctx context.Context, d Dataset) (Model, error) {
	alpha := r.alpha()
	if err := d.validate(); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	_, p := d.Dims()
	xc, yc, xm, ym, err := centre(d)
	if err != nil {
		return nil, err
	}
	var a mat.SymDense
	a.SymOuterK(1, xc.T())
	for j := range p {
		a.SetSym(j, j, a.At(j, j)+alpha)
	}
	var b mat.VecDense
	b.MulVec(xc.T(), mat.NewVecDense(len(yc), yc))
	var ch mat.Cholesky
	if !ch.Factorize(&a) {
		return nil, fmt.Errorf("%w: normal equations are not positive definite", ErrSingular)
	}
	var w mat.VecDense
	if err := ch.SolveVecTo(&w, &b); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrSingular, err)
	}
	coef := slices.Clone(w.RawVector().Data)
	return newLinearModel(coef, ym-floats.Dot(xm, coef), d.FeatureFingerprint), nil
}

// centre returns X and y centred on their weighted means and scaled by the
// square roots of the weights, with the means.
func centre(d Dataset) (xc *mat.Dense, yc, xm []float64, ym float64, err error) {
	n, p := d.Dims()
	sw := 0.0
	xm = make([]float64, p)
	raw := d.X.RawMatrix()
	for i := range n {
		w := d.weight(i)
		sw += w
		floats.AddScaled(xm, w, raw.Data[i*raw.Stride:i*raw.Stride+p])
		ym += w * d.Y[i]
	}
	if sw <= 0 {
		return nil, nil, nil, 0, fmt.Errorf("%w: sample weights sum to zero", ErrEmpty)
	}
	floats.Scale(1/sw, xm)
	ym /= sw
	data := make([]float64, n*p)
	yc = make([]float64, n)
	for i := range n {
		s := math.Sqrt(d.weight(i))
		row := data[i*p : (i+1)*p]
		floats.SubTo(row, raw.Data[i*raw.Stride:i*raw.Stride+p], xm)
		floats.Scale(s, row)
		yc[i] = s * (d.Y[i] - ym)
	}
	return mat.NewDense(n, p, data), yc, xm, ym, nil
}

// LinearModel predicts x·Coef + Intercept. It is the model of
// LinearRegression and Ridge, of kind KindLinear.
type LinearModel struct {
	coef        []float64
	intercept   float64
	fingerprint string
}

var _ Model = (*LinearModel)(nil)

func newLinearModel(coef []float64, intercept float64, fp string) *LinearModel {
	return &LinearModel{coef: coef, intercept: intercept, fingerprint: fp}
}

// Info describes the model.
func (m *LinearModel) Info() Info {
	return Info{Kind: KindLinear, Features: len(m.coef), FeatureFingerprint: m.fingerprint}
}

// Coef returns a copy of the coefficients, one per feature.
func (m *LinearModel) Coef() []float64 { return slices.Clone(m.coef) }

// Intercept returns the intercept.
func (m *LinearModel) Intercept() float64 { return m.intercept }

// Predict returns x·Coef + Intercept.
func (m *LinearModel) Predict(x []float64) float64 {
	if len(x) != len(m.coef) {
		panic(fmt.Sprintf("train: linear model expects %d features, got %d", len(m.coef), len(x)))
	}
	return floats.Dot(x, m.coef) + m.intercept
}

// MarshalBinary writes the payload: the number of coefficients (uint32),
// the intercept and the coefficients as little-endian float64 bits.
func (m *LinearModel) MarshalBinary() ([]byte, error) {
	b := make([]byte, 0, 4+8*(1+len(m.coef)))
	b = binary.LittleEndian.AppendUint32(b, uint32(len(m.coef)))
	b = appendFloats(b, []float64{m.intercept})
	return appendFloats(b, m.coef), nil
}

func decodeLinear(info Info, payload []byte) (Model, error) {
	r := reader{b: payload}
	p := int(r.uint32())
	if r.err == nil && p != info.Features {
		return nil, fmt.Errorf("%w: linear payload has %d coefficients, header says %d features", ErrCorrupt, p, info.Features)
	}
	ic := r.floats(1)
	coef := r.floats(p)
	if err := r.done(); err != nil {
		return nil, err
	}
	return newLinearModel(coef, ic[0], info.FeatureFingerprint), nil
}
