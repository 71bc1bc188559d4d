package feature

// Span locates the output columns of one feature of a Fitted set:
// columns [Offset, Offset+Width) of Names() and of every vector and
// matrix, computed from the feature named Name (a one-hot encoding gives
// one column per category, an imputer's indicator a second column, and
// so on). A product term (Product, Polynomial) has no column of T of its
// own: Of lists the features it multiplies, in order, possibly repeated
// (x^2 lists x twice); it is nil for every other feature.
type Span struct {
	Name   string
	Offset int
	Width  int
	Of     []string
}

// Spans returns the span of each feature, in output order (a new slice):
// how explanations and importances sum the output columns back to the
// features the user declared.
func (f *Fitted[T]) Spans() []Span {
	out := make([]Span, len(f.feats))
	for i := range f.feats {
		ff := &f.feats[i]
		out[i] = Span{Name: ff.def.name, Offset: ff.off, Width: ff.width}
		if ff.typ == typeProduct {
			out[i].Of = append([]string(nil), ff.def.of...)
		}
	}
	return out
}
