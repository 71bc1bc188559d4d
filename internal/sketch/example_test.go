package sketch_test

import (
	"fmt"

	"github.com/loomml/loom/internal/sketch"
)

func ExampleKLL() {
	s := sketch.New(0)
	for i := 1; i <= 100_000; i++ {
		s.Add(float64(i))
	}
	fmt.Println(s.Count(), s.Min(), s.Max(), s.Exact())
	med := s.Quantile(0.5)
	fmt.Println(med > 49_000 && med < 51_000, s.Rank(med) > 0.49 && s.Rank(med) < 0.51)
	// Output:
	// 100000 1 100000 false
	// true true
}
