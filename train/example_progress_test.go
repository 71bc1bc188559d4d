package train_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/loomml/loom/train"
)

// A terminal progress bar: each report redraws the line with a carriage
// return. This example writes to a strings.Builder and prints the final
// frame, so that its output is deterministic; a program writes to
// os.Stderr instead.
func ExampleProgress() {
	d := synthetic(5000, 8, 3, 1)
	var term strings.Builder
	bar := func(p train.Progress) {
		const width = 20
		done := width * p.Iteration / p.Total
		// A real bar would also show p.Elapsed; it is left out here so
		// that the output is deterministic.
		fmt.Fprintf(&term, "\r[%s%s] iter %3d/%d  loss %.4f",
			strings.Repeat("#", done), strings.Repeat(".", width-done), p.Iteration, p.Total, p.Loss)
	}
	_, err := train.LogisticRegression{MaxIter: 60, Progress: bar}.Fit(context.Background(), d)
	if err != nil {
		fmt.Println(err)
		return
	}
	frames := strings.Split(term.String(), "\r")
	fmt.Println(len(frames)-1, "frames; last:", frames[len(frames)-1])
	// Output:
	// 8 frames; last: [##..................] iter   8/60  loss 4289.2051
}
