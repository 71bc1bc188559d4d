package feature

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSpans(t *testing.T) {
	type row struct {
		A, B float64
		C    string
	}
	rows := []row{{1, 2, "x"}, {3, 4, "y"}, {5, 6, "x"}}
	set := NewSet[row](nil).
		Num("a", func(r *row) float64 { return r.A }, Standardize()).
		Num("b", func(r *row) float64 { return r.B }).
		Cat("c", func(r *row) string { return r.C }, OneHot(OneHotOptions{})).
		Polynomial(2, false, "a", "b")
	f, err := set.Fit(context.Background(), rows)
	if err != nil {
		t.Fatal(err)
	}
	want := []Span{
		{Name: "a", Offset: 0, Width: 1},
		{Name: "b", Offset: 1, Width: 1},
		{Name: "c", Offset: 2, Width: 2},
		{Name: "a^2", Offset: 4, Width: 1, Of: []string{"a", "a"}},
		{Name: "a*b", Offset: 5, Width: 1, Of: []string{"a", "b"}},
		{Name: "b^2", Offset: 6, Width: 1, Of: []string{"b", "b"}},
	}
	if d := cmp.Diff(want, f.Spans()); d != "" {
		t.Errorf("Spans() mismatch (-want +got):\n%s", d)
	}
	if last := want[len(want)-1]; last.Offset+last.Width != f.Width() {
		t.Errorf("spans end at %d; width %d", last.Offset+last.Width, f.Width())
	}
}
