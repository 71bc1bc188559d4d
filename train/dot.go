package train

// The binary logistic model's scores. Its one-row paths (Predict,
// PredictProba) and its batch paths must give the same bits, so both sum
// in one fixed order: that of gonum's floats.Dot on amd64 (the SSE2
// routine f64.DotUnitary), which the model used before, so that scores
// are unchanged there. Four lane sums collect the products x[i]·w[i] by
// i mod 4 over the first p − p mod 4 features, the remaining products are
// added to lane 0 in order, and the result is (s0+s2) + (s1+s3); no
// product is fused with its sum. dotRows computes it for many rows at
// once: with AVX (dot_amd64.s) four rows share each load of w, one 256-bit
// register holding a row's four lane sums, so that the same sums come out
// at about twice the speed of one call per row; elsewhere, and for the
// rows left over, dot computes them in Go.

// dot returns x·w (len(w) ≥ len(x)) summed in the fixed order.
func dot(x, w []float64) float64 {
	w = w[:len(x)]
	var s0, s1, s2, s3 float64
	i := 0
	for ; i <= len(x)-4; i += 4 {
		// float64(...) rounds each product: the compiler must not fuse it
		// with the sum into an FMA.
		s0 += float64(x[i] * w[i])
		s1 += float64(x[i+1] * w[i+1])
		s2 += float64(x[i+2] * w[i+2])
		s3 += float64(x[i+3] * w[i+3])
	}
	for ; i < len(x); i++ {
		s0 += float64(x[i] * w[i])
	}
	return float64(s0+s2) + float64(s1+s3)
}

// dotRows sets z[r] to dot(row r, w) for every r < len(z), where row r
// is x[r*stride : r*stride+len(w)].
func dotRows(z, x []float64, stride int, w []float64) {
	n, p := len(z), len(w)
	if n == 0 {
		return
	}
	_ = x[(n-1)*stride+p-1] // every row is in x
	done := 0
	if useAVX && n >= 4 && p > 0 {
		done = n &^ 3
		dotRowsAVX(x, stride, w, z[:done])
	}
	for r := done; r < n; r++ {
		z[r] = dot(x[r*stride:r*stride+p], w)
	}
}
