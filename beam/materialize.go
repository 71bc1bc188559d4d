package beam

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"hash/maphash"
	"math"
	"reflect"
	"slices"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"gonum.org/v1/gonum/mat"

	"github.com/loomml/loom/feature"
	"github.com/loomml/loom/train"
)

func init() {
	beam.RegisterCoder(reflect.TypeFor[matrixBlock](), encodeMatrixBlock, decodeMatrixBlock)
	register.Emitter2[int, matrixBlock]()
	register.Iter1[matrixBlock]()
}

// Materialize writes the feature matrix of rows (a PCollection<T> or
// PCollection<Block[T]>, typically Validate's valid rows) for a trainer
// on one machine, as TFX does: each row transformed by the features that
// FitFeatures fitted (features, its one-element result), with the row's
// label. The matrix goes to shards Parquet files named
// prefix-SSSSS-of-NNNNN.parquet (ShardName), one float64 column per
// feature (feature.Fitted.Names) and the label column last, under the
// declaration's label name; ReadMatrix reads them back as a
// train.Dataset. A row's values equal feature.Fitted.Matrix's for the
// same row bit for bit; the order of the rows across and within files is
// Beam's.
//
// Size: the files hold rows × (features + 1) float64s (compressed by
// Parquet's Snappy codec), which the trainer reads whole into memory
// (ReadMatrix refuses more than its maxRows). A worker holds the fitted
// features, a block of 4,096 rows and one Parquet row group of up to
// 65,536 rows. Subsample rows beforehand (with beam.Filter, or a
// stratified sample) when the full matrix would not fit the trainer's
// memory.
//
// A row whose features or label cannot be computed (a missing label, an
// unknown category the features refuse) fails the pipeline, naming it:
// validate rows first. An unregistered name is an error here.
func Materialize[T any](s beam.Scope, name string, features, rows beam.PCollection, prefix string, shards int) error {
	if _, err := lookup[T](name); err != nil {
		return err
	}
	if shards < 1 {
		return fmt.Errorf("beam: Materialize to %q: %d shards, want at least 1", prefix, shards)
	}
	filesystem.ValidateScheme(prefix)
	s = s.Scope("loom.Materialize")
	blocks, _, err := blocksOf[T](s, rows)
	if err != nil {
		return fmt.Errorf("beam: Materialize of %q: %w", name, err)
	}
	if err := checkElem[[]byte](features, false); err != nil {
		return fmt.Errorf("beam: Materialize of %q: the fitted features: %w", name, err)
	}
	keyed := beam.ParDo(s, &materializeFn[T]{Name: name, Shards: shards}, blocks, beam.SideInput{Input: features})
	beam.ParDo0(s, &writeMatrixFn[T]{Name: name, Prefix: prefix, Shards: shards}, beam.GroupByKey(s, keyed), beam.SideInput{Input: features})
	return nil
}

// matrixBlock is the feature matrix of a block of rows: row-major X of
// len(Y) rows, and their labels.
type matrixBlock struct {
	X []float64
	Y []float64
}

func encodeMatrixBlock(b matrixBlock) ([]byte, error) {
	dst := make([]byte, 0, 16+8*(len(b.X)+len(b.Y)))
	dst = binary.AppendUvarint(dst, uint64(len(b.Y)))
	dst = binary.AppendUvarint(dst, uint64(len(b.X)))
	for _, v := range b.Y {
		dst = binary.LittleEndian.AppendUint64(dst, math.Float64bits(v))
	}
	for _, v := range b.X {
		dst = binary.LittleEndian.AppendUint64(dst, math.Float64bits(v))
	}
	return dst, nil
}

func decodeMatrixBlock(data []byte) (matrixBlock, error) {
	r := &reader{b: data}
	n, nx := r.uvarint(), r.uvarint()
	if r.err == nil && (n+nx)*8 != uint64(len(r.b)) {
		return matrixBlock{}, fmt.Errorf("beam: decoding a feature block: %d and %d values in %d bytes", n, nx, len(r.b))
	}
	if r.err != nil {
		return matrixBlock{}, fmt.Errorf("beam: decoding a feature block: %w", r.err)
	}
	b := matrixBlock{Y: make([]float64, n), X: make([]float64, nx)}
	for i := range b.Y {
		b.Y[i] = r.float()
	}
	for i := range b.X {
		b.X[i] = r.float()
	}
	return b, nil
}

// fittedOf decodes the fitted features of the model registered as name.
func fittedOf[T any](name string, data []byte) (*feature.Fitted[T], error) {
	spec, err := mustLookup[T](name)
	if err != nil {
		return nil, err
	}
	f, err := spec.FeatureSet().Decode(data)
	if err != nil {
		return nil, fmt.Errorf("beam: the fitted features of %q: %w", name, err)
	}
	return f, nil
}

// materializeFn computes the feature matrix and labels of each block and
// picks its shard.
type materializeFn[T any] struct {
	Name   string
	Shards int

	fitted *feature.Fitted[T]
	labels func([]T) ([]float64, error)
	seed   maphash.Seed
	n      uint64
}

func (fn *materializeFn[T]) Setup() error {
	spec, err := mustLookup[T](fn.Name)
	if err != nil {
		return err
	}
	fn.labels = spec.Labels
	fn.seed = maphash.MakeSeed()
	return nil
}

func (fn *materializeFn[T]) ProcessElement(ctx context.Context, b Block[T], features []byte, emit func(int, matrixBlock)) error {
	rows := b.Rows
	if fn.fitted == nil { // one side input value per run: decode it once
		f, err := fittedOf[T](fn.Name, features)
		if err != nil {
			return err
		}
		fn.fitted = f
	}
	y, err := fn.labels(rows)
	if err != nil {
		return fmt.Errorf("beam: Materialize of %q: %w", fn.Name, err)
	}
	x := make([]float64, len(rows)*fn.fitted.Width())
	if err := fn.fitted.MatrixTo(ctx, x, rows); err != nil {
		return fmt.Errorf("beam: Materialize of %q: %w", fn.Name, err)
	}
	fn.n++
	emit(int(maphash.Comparable(fn.seed, fn.n)%uint64(fn.Shards)), matrixBlock{X: x, Y: y})
	return nil
}

// writeMatrixFn writes one shard of the feature matrix.
type writeMatrixFn[T any] struct {
	Name   string
	Prefix string
	Shards int
}

func (fn *writeMatrixFn[T]) ProcessElement(ctx context.Context, shard int, blocks func(*matrixBlock) bool, features []byte) error {
	f, err := fittedOf[T](fn.Name, features)
	if err != nil {
		return err
	}
	spec, err := mustLookup[T](fn.Name)
	if err != nil {
		return err
	}
	names := append(f.Names(), spec.LabelName())
	w := f.Width()
	fields := make([]arrow.Field, len(names))
	for j, n := range names {
		fields[j] = arrow.Field{Name: n, Type: arrow.PrimitiveTypes.Float64}
	}
	schema := arrow.NewSchema(fields, nil)
	var (
		b    matrixBlock
		x, y []float64
		done bool
		col  []float64
	)
	return writeParquetFile(ctx, ShardName(fn.Prefix, shard, fn.Shards), func() (arrow.RecordBatch, error) {
		x, y = x[:0], y[:0]
		for !done && len(y) < rowGroup {
			if !blocks(&b) {
				done = true
				break
			}
			if len(b.X) != len(b.Y)*w {
				return nil, fmt.Errorf("a feature block of %d values for %d rows of %d features", len(b.X), len(b.Y), w)
			}
			x, y = append(x, b.X...), append(y, b.Y...)
		}
		n := len(y)
		if n == 0 {
			return nil, nil
		}
		cols := make([]arrow.Array, len(names))
		defer func() {
			for _, c := range cols {
				if c != nil {
					c.Release()
				}
			}
		}()
		for j := range cols {
			if j == w {
				col = y
			} else {
				col = append(col[:0], make([]float64, n)...)
				for i := range n {
					col[i] = x[i*w+j]
				}
			}
			bld := array.NewFloat64Builder(memory.DefaultAllocator)
			bld.AppendValues(col, nil)
			cols[j] = bld.NewArray()
			bld.Release()
		}
		return array.NewRecordBatch(schema, cols, int64(n)), nil
	})
}

// ReadMatrix reads the feature matrix that Materialize wrote to the files
// that glob matches (prefix + "-*.parquet", on any file system Beam
// knows) into a train.Dataset for a trainer on one machine, with the
// feature names. The label is the last column. It refuses files whose
// columns differ, and more than maxRows rows in all (maxRows × (features
// + 1) × 8 bytes of memory), before reading the values.
func ReadMatrix(ctx context.Context, glob string, maxRows int) (d train.Dataset, names []string, err error) {
	fs, err := filesystem.New(ctx, glob)
	if err != nil {
		return d, nil, err
	}
	defer fs.Close()
	files, err := fs.List(ctx, glob)
	if err != nil {
		return d, nil, fmt.Errorf("beam: ReadMatrix: %w", err)
	}
	if len(files) == 0 {
		return d, nil, fmt.Errorf("beam: ReadMatrix: no files match %s", glob)
	}
	var (
		x, y  []float64
		total int64
	)
	for _, name := range files {
		data, err := readAll(ctx, fs, name)
		if err != nil {
			return d, nil, err
		}
		pf, err := file.NewParquetReader(bytes.NewReader(data))
		if err != nil {
			return d, nil, fmt.Errorf("beam: ReadMatrix: %s: %w", name, err)
		}
		fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{}, memory.DefaultAllocator)
		if err != nil {
			pf.Close()
			return d, nil, fmt.Errorf("beam: ReadMatrix: %s: %w", name, err)
		}
		if total += pf.NumRows(); total > int64(maxRows) {
			pf.Close()
			return d, nil, fmt.Errorf("beam: ReadMatrix: more than %d rows in %s (%d so far, at %s)", maxRows, glob, total, name)
		}
		tbl, err := fr.ReadTable(ctx)
		pf.Close()
		if err != nil {
			return d, nil, fmt.Errorf("beam: ReadMatrix: %s: %w", name, err)
		}
		x, y, names, err = appendTable(x, y, names, tbl)
		tbl.Release()
		if err != nil {
			return d, nil, fmt.Errorf("beam: ReadMatrix: %s: %w", name, err)
		}
	}
	if len(y) == 0 {
		return d, names, fmt.Errorf("beam: ReadMatrix: no rows in %s", glob)
	}
	return train.Dataset{X: mat.NewDense(len(y), len(names), x), Y: y}, names, nil
}

// readAll reads the file name of fs.
func readAll(ctx context.Context, fs filesystem.Interface, name string) ([]byte, error) {
	r, err := fs.OpenRead(ctx, name)
	if err != nil {
		return nil, fmt.Errorf("beam: reading %s: %w", name, err)
	}
	defer r.Close()
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(r); err != nil {
		return nil, fmt.Errorf("beam: reading %s: %w", name, err)
	}
	return buf.Bytes(), nil
}

// appendTable appends a file's features (row-major) and labels, checking
// its columns against names (set from the first file).
func appendTable(x, y []float64, names []string, tbl arrow.Table) ([]float64, []float64, []string, error) {
	sc := tbl.Schema()
	if sc.NumFields() < 2 {
		return x, y, names, fmt.Errorf("%d columns, want the features and the label", sc.NumFields())
	}
	cols := make([]string, sc.NumFields())
	for j, f := range sc.Fields() {
		if f.Type.ID() != arrow.FLOAT64 {
			return x, y, names, fmt.Errorf("column %q is %v, want float64", f.Name, f.Type)
		}
		cols[j] = f.Name
	}
	w := len(cols) - 1
	if names == nil {
		names = cols[:w]
	} else if !slices.Equal(names, cols[:w]) {
		return x, y, names, fmt.Errorf("columns %v differ from the first file's %v", cols[:w], names)
	}
	n := int(tbl.NumRows())
	base := len(y)
	x = append(x, make([]float64, n*w)...)
	y = append(y, make([]float64, n)...)
	for j := range cols {
		i := 0
		for _, chunk := range tbl.Column(j).Data().Chunks() {
			c := chunk.(*array.Float64)
			for k := range c.Len() {
				v := c.Value(k)
				if c.IsNull(k) {
					v = math.NaN()
				}
				if j == w {
					y[base+i] = v
				} else {
					x[(base+i)*w+j] = v
				}
				i++
			}
		}
	}
	return x, y, names, nil
}
