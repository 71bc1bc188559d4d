package fastmath_test

import (
	"fmt"

	"github.com/loomml/loom/internal/fastmath"
)

// The stable logistic function of margins z: 1/(1+e^-z) for z >= 0 and
// e^z/(1+e^z) below, from e = e^-|z|.
func ExampleExpNegAbs() {
	z := []float64{-2, 0, 0.5, 3, 40}
	e := make([]float64, len(z))
	fastmath.ExpNegAbs(e, z)
	for i, v := range z {
		p := 1 / (1 + e[i])
		if v < 0 {
			p = e[i] / (1 + e[i])
		}
		fmt.Printf("z %4v  e^-|z| %.6g  p %.6f\n", v, e[i], p)
	}
	// Output:
	// z   -2  e^-|z| 0.135335  p 0.119203
	// z    0  e^-|z| 1  p 0.500000
	// z  0.5  e^-|z| 0.606531  p 0.622459
	// z    3  e^-|z| 0.0497871  p 0.952574
	// z   40  e^-|z| 4.24835e-18  p 1.000000
}
