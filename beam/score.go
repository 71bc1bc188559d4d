package beam

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"reflect"
	"strconv"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"
	"gonum.org/v1/gonum/mat"

	"github.com/loomml/loom/contract"
	"github.com/loomml/loom/model"
	"github.com/loomml/loom/pipeline/source"
	"github.com/loomml/loom/registry"
	"github.com/loomml/loom/train"
)

// Scored is a row with its prediction: the estimated value of a
// regressor, the most probable class label of a classifier, and for a
// classifier the probability of each class, in the order of the model's
// Info().Classes.
type Scored[T any] struct {
	Row           T
	Prediction    float64
	Probabilities []float64
}

// BundleRef names the registered bundle that Score loads on each worker:
// the registry directory (registry.Open; every worker must be able to
// read it: a local directory for Prism, a shared volume on a cluster),
// and the version's number, or else an alias such as "champion".
type BundleRef struct {
	Registry string
	Version  int
	Alias    string
}

// Score scores rows (a PCollection<T> or PCollection<Block[T]>) with the
// bundle of the model registered as name that ref points at (batch
// scoring): each worker loads the bundle once (model.Load, which checks
// every part against the declaration), checks each row against the
// serving contract (model.Bundle.CheckRow), and computes features and
// predictions a block at a time with the bundle's own code, so a
// prediction equals model.Bundle.Predict's bit for bit. scored is a
// PCollection<Scored[T]> for rows in, a PCollection<Block[Scored[T]]> for
// blocks in. Rows that break the contract or whose features cannot be
// computed go to rejected, with the reason. A worker holds the bundle and
// one block.
//
// An unregistered name, or a ref without a registry, is an error here;
// a missing version fails the workers' setup.
func Score[T any](s beam.Scope, name string, ref BundleRef, rows beam.PCollection) (scored, rejected beam.PCollection, err error) {
	if _, err := lookup[T](name); err != nil {
		return scored, rejected, err
	}
	if ref.Registry == "" {
		return scored, rejected, fmt.Errorf("beam: Score of %q: the BundleRef names no registry", name)
	}
	if ref.Version <= 0 && ref.Alias == "" {
		return scored, rejected, fmt.Errorf("beam: Score of %q: the BundleRef names neither a version nor an alias", name)
	}
	s = s.Scope("loom.Score")
	blocks, isRows, err := blocksOf[T](s, rows)
	if err != nil {
		return scored, rejected, fmt.Errorf("beam: Score of %q: %w", name, err)
	}
	scored, rejected = beam.ParDo2(s, &scoreFn[T]{Name: name, Registry: ref.Registry, Version: ref.Version, Alias: ref.Alias}, blocks)
	if isRows {
		scored = fromBlocks[Scored[T]](s, scored)
	}
	return scored, rejected, nil
}

// scoreFn scores blocks of rows.
type scoreFn[T any] struct {
	Name     string
	Registry string
	Version  int
	Alias    string

	b     *model.Bundle[T]
	clf   train.Classifier
	x     []float64
	pred  []float64
	proba *mat.Dense
}

func (fn *scoreFn[T]) Setup(ctx context.Context) error {
	spec, err := mustLookup[T](fn.Name)
	if err != nil {
		return err
	}
	reg, err := registry.Open(fn.Registry)
	if err != nil {
		return fmt.Errorf("beam: Score of %q: %w", fn.Name, err)
	}
	defer reg.Close()
	if fn.Alias != "" {
		fn.b, err = model.LoadAlias(ctx, reg, fn.Alias, spec)
	} else {
		var v registry.Version
		if v, err = reg.Get(ctx, fn.Name, fn.Version); err == nil {
			fn.b, err = model.Load(ctx, reg, v, spec)
		}
	}
	if err != nil {
		return fmt.Errorf("beam: Score of %q: loading the bundle: %w", fn.Name, err)
	}
	fn.clf, _ = fn.b.Model().(train.Classifier)
	return nil
}

// ProcessElement scores a block: the rows that pass the serving contract,
// all at once, or row by row when a row's features fail, to reject that
// row alone.
func (fn *scoreFn[T]) ProcessElement(ctx context.Context, b Block[T], emit func(Block[Scored[T]]), rejected func(Rejected[T])) error {
	rows := b.Rows
	var ok []T // nil while every row so far passes
	for i := range rows {
		if err := fn.b.CheckRow(&rows[i]); err != nil {
			if ok == nil {
				ok = append(make([]T, 0, len(rows)-1), rows[:i]...)
			}
			rejected(Rejected[T]{Row: rows[i], Reasons: reasonsOf(err)})
			continue
		}
		if ok != nil {
			ok = append(ok, rows[i])
		}
	}
	if ok != nil {
		rows = ok
	}
	if len(rows) == 0 {
		return nil
	}
	f := fn.b.Features()
	w := f.Width()
	fn.x = append(fn.x[:0], make([]float64, len(rows)*w)...)
	if err := f.MatrixTo(ctx, fn.x, rows); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		good := rows[:0:0]
		for i := range rows {
			if _, err := f.Transform(&rows[i], fn.x[:w]); err != nil {
				rejected(Rejected[T]{Row: rows[i], Reasons: []string{err.Error()}})
				continue
			}
			good = append(good, rows[i])
		}
		if len(good) == 0 {
			return nil
		}
		rows = good
		fn.x = fn.x[:len(rows)*w]
		if err := f.MatrixTo(ctx, fn.x, rows); err != nil {
			return fmt.Errorf("beam: Score of %q: %w", fn.Name, err)
		}
	}
	X := mat.NewDense(len(rows), w, fn.x)
	fn.pred = train.PredictBatch(fn.pred, fn.b.Model(), X)
	var proba []float64 // the block's probabilities, one allocation
	k := 0
	if fn.clf != nil {
		if fn.proba != nil && fn.proba.RawMatrix().Rows != len(rows) {
			fn.proba = nil // PredictProbaBatch reuses a matrix of the right size only
		}
		fn.proba = train.PredictProbaBatch(fn.proba, fn.clf, X)
		raw := fn.proba.RawMatrix()
		k = raw.Cols
		proba = make([]float64, len(rows)*k)
		for i := range len(rows) {
			copy(proba[i*k:(i+1)*k], raw.Data[i*raw.Stride:i*raw.Stride+k])
		}
	}
	out := make([]Scored[T], len(rows))
	for i := range rows {
		out[i] = Scored[T]{Row: rows[i], Prediction: fn.pred[i]}
		if k > 0 {
			out[i].Probabilities = proba[i*k : (i+1)*k : (i+1)*k]
		}
	}
	emit(Block[Scored[T]]{Rows: out})
	return nil
}

// reasonsOf lists the reasons of a contract error.
func reasonsOf(err error) []string {
	var re *contract.RowError
	if !errors.As(err, &re) {
		return []string{err.Error()}
	}
	out := make([]string, len(re.Reasons))
	for i, r := range re.Reasons {
		out[i] = r.String()
	}
	return out
}

// WriteParquet writes scored rows (a PCollection<Scored[T]> or
// PCollection<Block[Scored[T]]>, as Score gives them) to shards Parquet
// files named prefix-SSSSS-of-NNNNN.parquet (on any file system Beam
// knows), each with the columns of T (as package pipeline/source writes
// them), "prediction" and, for a classifier, "probability_0",
// "probability_1", ... in the order of the model's Info().Classes. Blocks
// are spread over the shards by a hash; each shard is written by one
// worker, one row group of up to 65,536 rows at a time, so a worker holds
// one row group. A shard that receives no block writes no file: with
// fewer blocks than shards, some are missing.
func WriteParquet[T any](s beam.Scope, prefix string, shards int, scored beam.PCollection) error {
	if !registered[T]() {
		return errNotRegistered[T]()
	}
	if shards < 1 {
		return fmt.Errorf("beam: WriteParquet to %q: %d shards, want at least 1", prefix, shards)
	}
	if _, err := source.Schema[T](); err != nil {
		return fmt.Errorf("beam: WriteParquet to %q: %w", prefix, err)
	}
	filesystem.ValidateScheme(prefix)
	s = s.Scope("loom.WriteParquet")
	switch scored.Type().Type() {
	case reflect.TypeFor[Block[Scored[T]]]():
	case reflect.TypeFor[Scored[T]]():
		scored = toBlocks[Scored[T]](s, scored)
	default:
		return fmt.Errorf("beam: WriteParquet to %q: a PCollection<%v> where a PCollection<%v> or PCollection<%v> was expected",
			prefix, scored.Type().Type(), reflect.TypeFor[Scored[T]](), reflect.TypeFor[Block[Scored[T]]]())
	}
	keyed := beam.ParDo(s, &shardFn[Scored[T]]{Shards: shards}, scored)
	beam.ParDo0(s, &writeParquetFn[T]{Prefix: prefix, Shards: shards}, beam.GroupByKey(s, keyed))
	return nil
}

// shardFn deals blocks to the shards in turn, each instance from a
// shard of its own choosing: the spread, not the assignment, matters.
type shardFn[E any] struct {
	Shards int

	n uint64
}

func (fn *shardFn[E]) Setup() { fn.n = maphash.Comparable(maphash.MakeSeed(), 0) }

func (fn *shardFn[E]) ProcessElement(b Block[E], emit func(int, Block[E])) {
	fn.n++
	emit(int(fn.n%uint64(fn.Shards)), b)
}

// writeParquetFn writes one shard of scored rows.
type writeParquetFn[T any] struct {
	Prefix string
	Shards int
}

// ShardName returns the name of shard i of n written by WriteParquet.
func ShardName(prefix string, i, n int) string {
	return fmt.Sprintf("%s-%05d-of-%05d.parquet", prefix, i, n)
}

// rowGroup is the number of rows of a Parquet row group that this
// package writes.
const rowGroup = 1 << 16

func (fn *writeParquetFn[T]) ProcessElement(ctx context.Context, shard int, blocks func(*Block[Scored[T]]) bool) error {
	var (
		b     Block[Scored[T]]
		rows  []T
		preds []float64
		proba [][]float64
		done  bool
	)
	return writeParquetFile(ctx, ShardName(fn.Prefix, shard, fn.Shards), func() (arrow.RecordBatch, error) {
		clear(rows)
		rows, preds, proba = rows[:0], preds[:0], proba[:0]
		for !done && len(rows) < rowGroup {
			if !blocks(&b) {
				done = true
				break
			}
			for _, r := range b.Rows {
				rows, preds, proba = append(rows, r.Row), append(preds, r.Prediction), append(proba, r.Probabilities)
			}
		}
		if len(rows) == 0 {
			return nil, nil
		}
		return scoredRecord(rows, preds, proba)
	})
}

// writeParquetFile writes the records that next returns, until it returns
// nil, to a Parquet file at name, closing each. No records: no file.
func writeParquetFile(ctx context.Context, name string, next func() (arrow.RecordBatch, error)) error {
	fs, err := filesystem.New(ctx, name)
	if err != nil {
		return err
	}
	defer fs.Close()
	var (
		w    io.WriteCloser
		fw   *pqarrow.FileWriter
		done bool
	)
	defer func() {
		switch {
		case done:
		case fw != nil: // after an error, which is the one returned
			fw.Close()
		case w != nil:
			w.Close()
		}
	}()
	for {
		rec, err := next()
		if err != nil {
			return fmt.Errorf("beam: writing %s: %w", name, err)
		}
		if rec == nil {
			break
		}
		if fw == nil {
			if w, err = fs.OpenWrite(ctx, name); err != nil {
				rec.Release()
				return fmt.Errorf("beam: writing %s: %w", name, err)
			}
			props := parquet.NewWriterProperties(parquet.WithCompression(compress.Codecs.Snappy))
			if fw, err = pqarrow.NewFileWriter(rec.Schema(), w, props, pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema())); err != nil {
				rec.Release()
				return fmt.Errorf("beam: writing %s: %w", name, err)
			}
		}
		err = fw.Write(rec)
		rec.Release()
		if err != nil {
			return fmt.Errorf("beam: writing %s: %w", name, err)
		}
	}
	done = true
	if fw == nil {
		return nil
	}
	// The Parquet writer closes w.
	if err := fw.Close(); err != nil {
		return fmt.Errorf("beam: writing %s: %w", name, err)
	}
	return nil
}

// scoredRecord builds the record of a row group: T's columns, then the
// prediction and the class probabilities.
func scoredRecord[T any](rows []T, preds []float64, proba [][]float64) (arrow.RecordBatch, error) {
	base, err := source.Record(memory.DefaultAllocator, rows)
	if err != nil {
		return nil, err
	}
	defer base.Release()
	fields := append([]arrow.Field(nil), base.Schema().Fields()...)
	cols := append([]arrow.Array(nil), base.Columns()...)
	k := len(proba[0])
	extra := make([][]float64, 1+k)
	extra[0] = preds
	for c := range k {
		extra[1+c] = make([]float64, len(rows))
		for i, p := range proba {
			if len(p) != k {
				return nil, fmt.Errorf("rows with %d and %d class probabilities", k, len(p))
			}
			extra[1+c][i] = p[c]
		}
	}
	var owned []arrow.Array
	defer func() {
		for _, a := range owned {
			a.Release()
		}
	}()
	for c, vals := range extra {
		name := "prediction"
		if c > 0 {
			name = "probability_" + strconv.Itoa(c-1)
		}
		b := array.NewFloat64Builder(memory.DefaultAllocator)
		b.AppendValues(vals, nil)
		a := b.NewArray()
		b.Release()
		owned = append(owned, a)
		fields = append(fields, arrow.Field{Name: name, Type: arrow.PrimitiveTypes.Float64})
		cols = append(cols, a)
	}
	return array.NewRecordBatch(arrow.NewSchema(fields, nil), cols, int64(len(rows))), nil
}
