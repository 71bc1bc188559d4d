package beam

import (
	"context"
	"fmt"
	"reflect"
	"sync"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/fileio"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/loomml/loom/model"
)

// entry is one registered declaration.
type entry struct {
	typ  reflect.Type // the row type T
	make any          // func() *model.Spec[T]
	once sync.Once
	spec any // *model.Spec[T], made once
}

var (
	mu    sync.Mutex
	specs = map[string]*entry{}
	// types holds the row types whose Beam functions are registered.
	types = map[reflect.Type]bool{}
)

// Register makes the declaration that spec returns available to Beam
// transforms and workers under name, its model's name. Call it from an
// init function of the program, before beam.Init, in every binary that
// runs the pipeline (the launcher and the workers run the same binary):
// Beam workers cannot receive Go closures, so the transforms carry only
// the name and look the declaration up here. spec is called once, on
// first use, in each process.
//
// Register also registers with Beam the functions and coders of the
// transforms over T, as Beam requires of every DoFn and combiner type. It
// panics when name is registered twice, or spec is nil.
func Register[T any](name string, spec func() *model.Spec[T]) {
	if spec == nil {
		panic(fmt.Sprintf("beam: Register(%q): nil spec function", name))
	}
	mu.Lock()
	defer mu.Unlock()
	if _, dup := specs[name]; dup {
		panic(fmt.Sprintf("beam: model %q registered twice", name))
	}
	t := reflect.TypeFor[T]()
	specs[name] = &entry{typ: t, make: spec}
	if types[t] {
		return
	}
	types[t] = true
	beam.RegisterType(t)
	beam.RegisterType(reflect.TypeFor[Rejected[T]]())
	beam.RegisterType(reflect.TypeFor[Scored[T]]())
	beam.RegisterCoder(reflect.TypeFor[Block[T]](), encodeBlock[T], decodeBlock[T])
	beam.RegisterCoder(reflect.TypeFor[Block[Scored[T]]](), encodeScored[T], decodeScored[T])
	register.Emitter1[T]()
	register.Emitter1[Block[T]]()
	register.Emitter1[Rejected[T]]()
	register.Emitter1[Scored[T]]()
	register.Emitter1[Block[Scored[T]]]()
	register.Emitter2[int, Block[Scored[T]]]()
	register.Iter1[Block[Scored[T]]]()
	register.DoFn2x0[T, func(Block[T])](&toBlocksFn[T]{})
	register.DoFn2x0[Block[T], func(T)](&fromBlocksFn[T]{})
	register.DoFn2x0[Scored[T], func(Block[Scored[T]])](&toBlocksFn[Scored[T]]{})
	register.DoFn2x0[Block[Scored[T]], func(Scored[T])](&fromBlocksFn[Scored[T]]{})
	register.DoFn4x1[context.Context, fileio.ReadableFile, func(Block[T]), func(Rejected[T]), error](&readFn[T]{})
	register.DoFn5x1[context.Context, Block[T], func(Block[T]), func(Rejected[T]), func([]byte), error](&validateFn[T]{})
	register.DoFn3x1[Block[T], []byte, func([]byte), error](&fitPassFn[T]{})
	register.Combiner3[*passAcc, []byte, []byte](&mergePassFn[T]{})
	register.DoFn2x1[[]byte, func([]byte), error](&finishFitFn[T]{})
	register.DoFn2x1[Block[T], func([]byte), error](&profileFn[T]{})
	register.DoFn4x1[context.Context, Block[T], func(Block[Scored[T]]), func(Rejected[T]), error](&scoreFn[T]{})
	register.DoFn2x0[Block[Scored[T]], func(int, Block[Scored[T]])](&shardFn[Scored[T]]{})
	register.DoFn3x1[context.Context, int, func(*Block[Scored[T]]) bool, error](&writeParquetFn[T]{})
	register.Combiner3[[]byte, []byte, []byte](&mergePartialFn[T]{})
	register.DoFn4x1[context.Context, Block[T], []byte, func(int, matrixBlock), error](&materializeFn[T]{})
	register.DoFn4x1[context.Context, int, func(*matrixBlock) bool, []byte, error](&writeMatrixFn[T]{})
}

// lookup returns the declaration registered as name for the row type T,
// or an error saying what is missing.
func lookup[T any](name string) (*model.Spec[T], error) {
	mu.Lock()
	e, ok := specs[name]
	mu.Unlock()
	if !ok {
		return nil, fmt.Errorf("beam: no model registered as %q: call beam.Register[%v](%q, spec) in an init function of the program", name, reflect.TypeFor[T](), name)
	}
	mk, ok := e.make.(func() *model.Spec[T])
	if !ok {
		return nil, fmt.Errorf("beam: model %q is registered for rows of type %v, not %v", name, e.typ, reflect.TypeFor[T]())
	}
	var err error
	e.once.Do(func() {
		s := mk()
		if s == nil {
			err = fmt.Errorf("beam: the spec function of model %q returned nil", name)
			return
		}
		if s.Name() != name {
			err = fmt.Errorf("beam: the spec registered as %q is named %q", name, s.Name())
			return
		}
		e.spec = s
	})
	if err != nil {
		return nil, err
	}
	s, _ := e.spec.(*model.Spec[T])
	if s == nil {
		return nil, fmt.Errorf("beam: the spec function of model %q failed on its first call", name)
	}
	return s, nil
}

// mustLookup is lookup on a worker: the launcher checked the name when it
// built the pipeline, so a failure here means the worker's binary differs.
func mustLookup[T any](name string) (*model.Spec[T], error) {
	s, err := lookup[T](name)
	if err != nil {
		return nil, fmt.Errorf("%w (on a worker: is it running the launcher's binary?)", err)
	}
	return s, nil
}
