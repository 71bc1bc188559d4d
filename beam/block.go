package beam

import (
	"fmt"
	"reflect"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
)

// Block is a block of rows, the unit that this package's transforms pass
// between Beam stages: ReadFiles emits blocks of up to 4,096 rows, and
// Validate, FitFeatures, BuildProfile, Score and Materialize take
// PCollection<Block[T]> as well as PCollection<T>. A runner handles each
// element of a collection separately (encoding, bookkeeping), so blocks
// cost it thousands of times fewer elements than rows; a block travels in
// a compact columnar encoding of T's loom-tagged fields (or with
// encoding/gob when T has exported fields without a loom tag).
//
// A PCollection<T> from elsewhere works as is: the transforms group its
// rows into blocks per bundle (ToBlocks) and give their row outputs back
// as PCollection<T> (FromBlocks).
type Block[T any] struct {
	// Rows are the block's rows, read-only once the block is emitted: a
	// runner may hand one block to several consumers.
	Rows []T
}

// blockSize is the number of rows of the blocks that this package makes.
const blockSize = 4096

// ToBlocks groups the rows of a PCollection<T> into a PCollection<Block[T]>
// of up to 4,096 rows per block, within each bundle. T must be registered
// through Register.
func ToBlocks[T any](s beam.Scope, rows beam.PCollection) (beam.PCollection, error) {
	if !registered[T]() {
		return beam.PCollection{}, errNotRegistered[T]()
	}
	if err := checkElem[T](rows, false); err != nil {
		return beam.PCollection{}, err
	}
	return toBlocks[T](s, rows), nil
}

func toBlocks[E any](s beam.Scope, rows beam.PCollection) beam.PCollection {
	return beam.ParDo(s.Scope("loom.ToBlocks"), &toBlocksFn[E]{}, rows)
}

// FromBlocks turns a PCollection<Block[T]> into the PCollection<T> of their
// rows. T must be registered through Register.
func FromBlocks[T any](s beam.Scope, blocks beam.PCollection) (beam.PCollection, error) {
	if !registered[T]() {
		return beam.PCollection{}, errNotRegistered[T]()
	}
	if err := checkElem[T](blocks, true); err != nil {
		return beam.PCollection{}, err
	}
	return fromBlocks[T](s, blocks), nil
}

func fromBlocks[E any](s beam.Scope, blocks beam.PCollection) beam.PCollection {
	return beam.ParDo(s.Scope("loom.FromBlocks"), &fromBlocksFn[E]{}, blocks)
}

// blocksOf returns col as blocks: itself when it holds Block[T], grouped
// by ToBlocks when it holds T. isRows reports the latter, so that the
// transform gives rows back as rows.
func blocksOf[T any](s beam.Scope, col beam.PCollection) (blocks beam.PCollection, isRows bool, err error) {
	if !col.IsValid() {
		return blocks, false, fmt.Errorf("beam: an invalid PCollection where a PCollection<%v> or PCollection<Block[%v]> was expected", reflect.TypeFor[T](), reflect.TypeFor[T]())
	}
	switch col.Type().Type() {
	case reflect.TypeFor[Block[T]]():
		return col, false, nil
	case reflect.TypeFor[T]():
		return toBlocks[T](s, col), true, nil
	}
	return blocks, false, fmt.Errorf("beam: a PCollection<%v> where a PCollection<%v> or PCollection<Block[%v]> was expected", col.Type().Type(), reflect.TypeFor[T](), reflect.TypeFor[T]())
}

// checkElem checks that col holds T (or Block[T] when block is set).
func checkElem[T any](col beam.PCollection, block bool) error {
	want := reflect.TypeFor[T]()
	if block {
		want = reflect.TypeFor[Block[T]]()
	}
	if !col.IsValid() {
		return fmt.Errorf("beam: an invalid PCollection where a PCollection<%v> was expected", want)
	}
	if got := col.Type().Type(); got != want {
		return fmt.Errorf("beam: a PCollection<%v> where a PCollection<%v> was expected", got, want)
	}
	return nil
}

// toBlocksFn buffers the rows of a bundle into blocks.
type toBlocksFn[E any] struct {
	w blockWriter[E]
}

func (fn *toBlocksFn[E]) ProcessElement(row E, emit func(Block[E])) {
	fn.w.emit = emit
	fn.w.add(row)
}

// FinishBundle emits the last, partial block.
func (fn *toBlocksFn[E]) FinishBundle(emit func(Block[E])) {
	fn.w.emit = emit
	fn.w.flush()
}

// fromBlocksFn emits the rows of each block.
type fromBlocksFn[E any] struct{}

func (fn *fromBlocksFn[E]) ProcessElement(b Block[E], emit func(E)) {
	for _, row := range b.Rows {
		emit(row)
	}
}

// blockWriter gathers rows into blocks of blockSize for emit. An emitted
// block belongs to the stages after: the writer starts a new one. Blocks
// are read-only once emitted, as a runner may hand one block to several
// consumers.
type blockWriter[E any] struct {
	buf  []E
	emit func(Block[E])
}

func (w *blockWriter[E]) add(e E) {
	if w.buf == nil {
		w.buf = make([]E, 0, blockSize)
	}
	w.buf = append(w.buf, e)
	if len(w.buf) == blockSize {
		w.flush()
	}
}

func (w *blockWriter[E]) flush() {
	if len(w.buf) > 0 {
		w.emit(Block[E]{Rows: w.buf})
		w.buf = nil
	}
}
