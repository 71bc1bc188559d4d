package stage

import "context"

// Stage is one typed step of a pipeline: it turns an In into an Out.
//
// Process must honour ctx: when ctx is done it should return promptly with
// ctx.Err() (or an error wrapping it). A Stage that keeps no per-call state is
// safe for concurrent use; stages built by this package are, provided the
// stages and functions they wrap are.
type Stage[In, Out any] interface {
	// Name identifies the stage in errors, run records and traces.
	Name() string
	// Process applies the stage to one input.
	Process(ctx context.Context, in In) (Out, error)
}

// Func returns a Stage named name that calls fn.
//
// Errors returned by fn are passed through unchanged; composition with Then
// and the pipeline runner attach the stage name (see Error).
func Func[In, Out any](name string, fn func(ctx context.Context, in In) (Out, error)) Stage[In, Out] {
	if fn == nil {
		panic("stage: Func called with a nil function for stage " + name)
	}
	return &funcStage[In, Out]{name: name, fn: fn}
}

// Map returns a Stage named name that applies fn, which cannot fail.
func Map[In, Out any](name string, fn func(in In) Out) Stage[In, Out] {
	if fn == nil {
		panic("stage: Map called with a nil function for stage " + name)
	}
	return &mapStage[In, Out]{name: name, fn: fn}
}

type funcStage[In, Out any] struct {
	name string
	fn   func(context.Context, In) (Out, error)
}

func (s *funcStage[In, Out]) Name() string { return s.name }

func (s *funcStage[In, Out]) Process(ctx context.Context, in In) (Out, error) {
	return s.fn(ctx, in)
}

type mapStage[In, Out any] struct {
	name string
	fn   func(In) Out
}

func (s *mapStage[In, Out]) Name() string { return s.name }

func (s *mapStage[In, Out]) Process(_ context.Context, in In) (Out, error) {
	return s.fn(in), nil
}

var (
	_ Stage[int, int] = (*funcStage[int, int])(nil)
	_ Stage[int, int] = (*mapStage[int, int])(nil)
)
