package stage

import "context"

// Then composes first and second into one Stage that feeds the output of
// first into second. The types are checked at compile time: the Out of first
// must be the In of second.
//
// The composed stage is named "first.Name()+second.Name()" joined by " → ".
// An error from either part is wrapped in an *Error naming the part that
// failed, unless it already names a stage. Composition adds no allocation per
// call beyond what the parts allocate.
func Then[A, B, C any](first Stage[A, B], second Stage[B, C]) Stage[A, C] {
	if first == nil || second == nil {
		panic("stage: Then called with a nil stage")
	}
	return &then[A, B, C]{first: first, second: second, name: first.Name() + " → " + second.Name()}
}

type then[A, B, C any] struct {
	first  Stage[A, B]
	second Stage[B, C]
	name   string
}

func (t *then[A, B, C]) Name() string { return t.name }

func (t *then[A, B, C]) Process(ctx context.Context, in A) (C, error) {
	mid, err := t.first.Process(ctx, in)
	if err != nil {
		var zero C
		return zero, Wrap(t.first.Name(), err)
	}
	out, err := t.second.Process(ctx, mid)
	if err != nil {
		return out, Wrap(t.second.Name(), err)
	}
	return out, nil
}

var _ Stage[int, string] = (*then[int, float64, string])(nil)
