package train

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// Dataset is what a Trainer fits: a dense design matrix, one target per
// row and optional non-negative sample weights. A Dataset is a view: it
// does not own X, Y or Weights, and trainers never modify them.
type Dataset struct {
	// X holds one row per sample, one column per feature. A row-major
	// []float64 becomes a Dataset without copying through
	// mat.NewDense(rows, cols, data).
	X *mat.Dense
	// Y holds the target of each row: a real value for regression, a class
	// label (any distinct float64 values, typically 0, 1, 2, …) for
	// classification.
	Y []float64
	// Weights holds optional sample weights; nil means every row weighs 1.
	Weights []float64
	// FeatureFingerprint is an opaque string identifying the fitted
	// features that produced X. Trainers copy it into the model, so that a
	// scorer can check a model against its features (see Verify).
	FeatureFingerprint string
	// Categorical marks the columns of X that hold category codes (0, 1,
	// 2, … as float64, NaN for a missing category) rather than numbers;
	// nil means none, otherwise it has one entry per column. Trainers
	// that split on categories natively (train/gbdt) read it; the others
	// treat the codes as numbers.
	Categorical []bool
}

// Dims returns the number of rows and features; a nil X has none.
func (d Dataset) Dims() (rows, features int) {
	if d.X == nil || d.X.IsEmpty() {
		return 0, 0
	}
	return d.X.Dims()
}

// Subset returns the rows of d at the given indices as a new Dataset with
// its own copy of the data, in index order. It panics on an index out of
// range.
func (d Dataset) Subset(idx []int) Dataset {
	n, p := d.Dims()
	out := Dataset{FeatureFingerprint: d.FeatureFingerprint, Categorical: d.Categorical}
	if len(idx) == 0 || p == 0 {
		return out
	}
	data := make([]float64, len(idx)*p)
	out.Y = make([]float64, len(idx))
	if d.Weights != nil {
		out.Weights = make([]float64, len(idx))
	}
	raw := d.X.RawMatrix()
	for i, r := range idx {
		if r < 0 || r >= n {
			panic(fmt.Sprintf("train: subset index out of range [0, %d), got %d", n, r))
		}
		copy(data[i*p:(i+1)*p], raw.Data[r*raw.Stride:r*raw.Stride+p])
		if r < len(d.Y) {
			out.Y[i] = d.Y[r]
		}
		if d.Weights != nil && r < len(d.Weights) {
			out.Weights[i] = d.Weights[r]
		}
	}
	out.X = mat.NewDense(len(idx), p, data)
	return out
}

// validate checks shapes and values: no empty data, matching lengths,
// finite X, y and weights, no negative weight.
func (d Dataset) validate() error { return d.Validate(false) }

// Validate checks d for a trainer: rows and features present, as many
// targets (and weights, when set) as rows, a Categorical of one entry per
// column when set, finite targets and weights, no negative weight, and
// finite values in X, except that NaN (a missing value) is accepted when
// nanIsMissing is set. It returns an error wrapping ErrEmpty or ErrShape,
// or a *DataError naming the field, row and column of the first bad value.
func (d Dataset) Validate(nanIsMissing bool) error {
	n, p := d.Dims()
	if n == 0 || p == 0 {
		return fmt.Errorf("%w: %d rows, %d features", ErrEmpty, n, p)
	}
	if len(d.Y) != n {
		return fmt.Errorf("%w: X has %d rows, y has %d values", ErrShape, n, len(d.Y))
	}
	if d.Weights != nil && len(d.Weights) != n {
		return fmt.Errorf("%w: X has %d rows, weights has %d values", ErrShape, n, len(d.Weights))
	}
	if d.Categorical != nil && len(d.Categorical) != p {
		return fmt.Errorf("%w: X has %d columns, categorical marks %d", ErrShape, p, len(d.Categorical))
	}
	raw := d.X.RawMatrix()
	for i := range n {
		row := raw.Data[i*raw.Stride : i*raw.Stride+p]
		for j, v := range row {
			if math.IsInf(v, 0) || (math.IsNaN(v) && !nanIsMissing) {
				return &DataError{Field: "X", Row: i, Column: j, Value: v, Err: ErrNonFinite}
			}
		}
	}
	for i, v := range d.Y {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return &DataError{Field: "y", Row: i, Column: -1, Value: v, Err: ErrNonFinite}
		}
	}
	for i, v := range d.Weights {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return &DataError{Field: "weights", Row: i, Column: -1, Value: v, Err: ErrNonFinite}
		}
		if v < 0 {
			return &DataError{Field: "weights", Row: i, Column: -1, Value: v, Err: ErrNegativeWeight}
		}
	}
	return nil
}

// weight returns the weight of row i.
func (d Dataset) weight(i int) float64 {
	if d.Weights == nil {
		return 1
	}
	return d.Weights[i]
}

// RowMajor returns X as a contiguous row-major slice: X's own storage, or
// a copy when X is a strided view.
func (d Dataset) RowMajor() []float64 {
	n, p := d.Dims()
	raw := d.X.RawMatrix()
	if raw.Stride == p {
		return raw.Data[:n*p]
	}
	out := make([]float64, n*p)
	for i := range n {
		copy(out[i*p:(i+1)*p], raw.Data[i*raw.Stride:i*raw.Stride+p])
	}
	return out
}

// Fingerprint returns a hash identifying the data of d: "sha256:" and the
// hex SHA-256 of the dimensions and the exact bits of X, Y and Weights, in
// row order. Equal data gives equal fingerprints on every platform.
func Fingerprint(d Dataset) string {
	h := sha256.New()
	n, p := d.Dims()
	buf := make([]byte, 0, 64<<10)
	buf = binary.LittleEndian.AppendUint64(buf, uint64(n))
	buf = binary.LittleEndian.AppendUint64(buf, uint64(p))
	flush := func() {
		if len(buf) > cap(buf)-8 {
			h.Write(buf)
			buf = buf[:0]
		}
	}
	if n > 0 {
		raw := d.X.RawMatrix()
		for i := range n {
			for _, v := range raw.Data[i*raw.Stride : i*raw.Stride+p] {
				buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(v))
				flush()
			}
		}
	}
	for _, s := range [][]float64{d.Y, d.Weights} {
		buf = binary.LittleEndian.AppendUint64(buf, uint64(len(s)))
		for _, v := range s {
			buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(v))
			flush()
		}
	}
	h.Write(buf)
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}
