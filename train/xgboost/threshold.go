package xgboost

import "math"

// leftBound converts an XGBoost split threshold t to Loom's form. XGBoost
// converts every input to float32 and sends x left when float32(x) < t;
// a tree.Node sends x left when x <= Value, in float64. leftBound returns
// the largest float64 v with
//
//	float32(x) < t  ⟺  x <= v   for every float64 x (NaN aside)
//
// float32(x) < t holds exactly when float32(x) <= p, the float32 just below
// t, that is when x lies below the midpoint m of p and t, or on it when
// round-to-nearest-even takes m down to p (p's last mantissa bit is 0).
// m has 25 significant bits and is exact in float64. It reports false for
// a NaN or -Inf threshold, which no trained tree holds.
func leftBound(t float32) (float64, bool) {
	if t != t || math.IsInf(float64(t), -1) {
		return 0, false
	}
	p := math.Nextafter32(t, float32(math.Inf(-1)))
	var lo, hi float64 // p and t widened; ±Inf stand for ±2^128, where float32 rounding overflows
	lo, hi = float64(p), float64(t)
	pEven := math.Float32bits(p)&1 == 0
	if math.IsInf(lo, -1) {
		lo, pEven = -0x1p128, true // the tie at -(MaxFloat32 + half an ulp) rounds to -Inf
	}
	if math.IsInf(hi, 1) {
		hi = 0x1p128
	}
	m := lo + (hi-lo)/2
	if pEven {
		return m, true
	}
	return math.Nextafter(m, math.Inf(-1)), true
}
