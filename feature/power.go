package feature

import "math"

// YeoJohnson is the Yeo-Johnson power transform, as scikit-learn's
// PowerTransformer(method="yeo-johnson", standardize=False): λ is the
// maximum-likelihood value for the training data, found with Brent's method
// from the bracket (-2, 2) as scipy.optimize.brent does (tolerance
// 1.48e-8). Follow it with Standardize for standardize=True. Fitting keeps
// every training value (the likelihood needs them), even with
// Options.SketchK. A result that overflows is an ErrInfinite error.
func YeoJohnson() NumTransform { return NumTransform{numOp{kind: opYeoJohnson}} }

// BoxCox is the Box-Cox power transform, as scikit-learn's
// PowerTransformer(method="box-cox", standardize=False): x ↦ (x^λ - 1)/λ,
// or log x for λ = 0, computed as scipy.special.boxcox. λ maximises the
// log-likelihood of scipy.stats.boxcox_llf over the training values, found
// with Brent's method from the bracket (-2, 2) as scipy.stats.boxcox_normmax
// (method "mle") does, with tolerance 1.48e-8. Follow it with Standardize
// for standardize=True. Fitting keeps every training value (the likelihood
// needs them), even with Options.SketchK.
//
// Box-Cox is defined for x > 0 only. In fitting, a value <= 0 reaching the
// transform is a *ValueError wrapping ErrDomain that names the feature and
// the value (scikit-learn raises there too), and so is a constant column,
// whose λ is undefined (a *StateError wrapping ErrDomain). In transforming,
// a value <= 0 has no defined output: Transform and Matrix return a
// *ValueError wrapping ErrDomain and Vector writes NaN, as for any value
// outside a transform's domain. A result that overflows is an ErrInfinite
// error. Missing values pass through to a later imputer.
func BoxCox() NumTransform { return NumTransform{numOp{kind: opBoxCox}} }

// boxCox is scipy.special.boxcox(x, λ) for x > 0; NaN otherwise.
func boxCox(x, lambda float64) float64 {
	if !(x > 0) {
		return nan
	}
	if math.Abs(lambda) < 1e-19 {
		return math.Log(x)
	}
	return math.Expm1(lambda*math.Log(x)) / lambda
}

// boxCoxLambda maximises scipy.stats.boxcox_llf over λ for the values x,
// all > 0 and not all equal.
func boxCoxLambda(x []float64) float64 {
	n := float64(len(x))
	// As for Yeo-Johnson, the sums are numpy's (pairwise, two-pass
	// variance) so that the optimiser follows scipy's path.
	logx := make([]float64, len(x))
	for i, v := range x {
		logx[i] = math.Log(v)
	}
	logs := pairwiseSum(logx)
	t := make([]float64, len(x))
	negLL := func(lambda float64) float64 {
		src := logx
		if lambda != 0 {
			// without the offset -1/λ, which leaves the variance alone
			for i, v := range x {
				t[i] = math.Pow(v, lambda) / lambda
			}
			src = t
		}
		variance := variance(src, t)
		if !(variance > 0) || variance-variance != 0 {
			return math.Inf(1) // degenerate: never the optimum
		}
		return -(float64((lambda-1)*logs) - float64(n/2*math.Log(variance)))
	}
	return brent(negLL, -2, 2)
}

// variance is numpy.var(a) (ddof 0: pairwise mean, then the pairwise sum of
// squared deviations), using tmp (len(a)) as scratch; a may be tmp.
func variance(a, tmp []float64) float64 {
	n := float64(len(a))
	mean := pairwiseSum(a) / n
	for i, v := range a {
		d := v - mean
		tmp[i] = d * d
	}
	return pairwiseSum(tmp[:len(a)]) / n
}

// yeoJohnson is ψ(λ, x).
func yeoJohnson(x, lambda float64) float64 {
	const spacing = 2.220446049250313e-16 // numpy.spacing(1.0)
	if x >= 0 {
		if math.Abs(lambda) < spacing {
			return math.Log1p(x)
		}
		return (math.Pow(x+1, lambda) - 1) / lambda
	}
	if math.Abs(lambda-2) > spacing {
		return -(math.Pow(-x+1, 2-lambda) - 1) / (2 - lambda)
	}
	return -math.Log1p(-x)
}

// yeoJohnsonLambda maximises the log-likelihood of λ for values x.
func yeoJohnsonLambda(x []float64) float64 {
	n := float64(len(x))
	// The likelihood is flat near its optimum, so it is computed as numpy
	// does (pairwise sums, two-pass variance) for the optimiser to follow
	// scikit-learn's path.
	sgn := make([]float64, len(x))
	for i, v := range x {
		switch {
		case v > 0:
			sgn[i] = math.Log1p(math.Abs(v))
		case v < 0:
			sgn[i] = -math.Log1p(math.Abs(v))
		}
	}
	logs := pairwiseSum(sgn)
	t := make([]float64, len(x))
	negLL := func(lambda float64) float64 {
		for i, v := range x {
			t[i] = yeoJohnson(v, lambda)
		}
		mean := pairwiseSum(t) / n
		for i := range t {
			d := t[i] - mean
			t[i] = d * d
		}
		variance := pairwiseSum(t) / n
		if variance < 2.2250738585072014e-308 || math.IsNaN(variance) {
			return math.Inf(1)
		}
		loglike := -n / 2 * math.Log(variance)
		loglike += (lambda - 1) * logs
		return -loglike
	}
	return brent(negLL, -2, 2)
}

// brent ports scipy.optimize.brent(func, brack=(xa, xb)): bracket, then
// Brent's minimisation with tol 1.48e-8 and at most 500 iterations.
func brent(f func(float64) float64, xa, xb float64) float64 {
	xa, xb, xc, _, fb, _ := bracket(f, xa, xb)
	const tol, mintol, cg = 1.48e-8, 1.0e-11, 0.3819660
	x, w, v := xb, xb, xb
	fx, fw, fv := fb, fb, fb
	a, b := xc, xa
	if xa < xc {
		a, b = xa, xc
	}
	deltax, rat := 0.0, 0.0
	for iter := 0; iter < 500; iter++ {
		tol1 := tol*math.Abs(x) + mintol
		tol2 := 2 * tol1
		xmid := 0.5 * (a + b)
		if math.Abs(x-xmid) < tol2-0.5*(b-a) {
			break
		}
		if math.Abs(deltax) <= tol1 {
			if x >= xmid {
				deltax = a - x
			} else {
				deltax = b - x
			}
			rat = cg * deltax
		} else {
			tmp1 := (x - w) * (fx - fv)
			tmp2 := (x - v) * (fx - fw)
			p := (x-v)*tmp2 - (x-w)*tmp1
			tmp2 = 2 * (tmp2 - tmp1)
			if tmp2 > 0 {
				p = -p
			}
			tmp2 = math.Abs(tmp2)
			dxTemp := deltax
			deltax = rat
			if p > tmp2*(a-x) && p < tmp2*(b-x) && math.Abs(p) < math.Abs(0.5*tmp2*dxTemp) {
				rat = p * 1.0 / tmp2
				u := x + rat
				if u-a < tol2 || b-u < tol2 {
					if xmid-x >= 0 {
						rat = tol1
					} else {
						rat = -tol1
					}
				}
			} else {
				if x >= xmid {
					deltax = a - x
				} else {
					deltax = b - x
				}
				rat = cg * deltax
			}
		}
		var u float64
		if math.Abs(rat) < tol1 {
			if rat >= 0 {
				u = x + tol1
			} else {
				u = x - tol1
			}
		} else {
			u = x + rat
		}
		fu := f(u)
		if fu > fx {
			if u < x {
				a = u
			} else {
				b = u
			}
			if fu <= fw || w == x {
				v, w, fv, fw = w, u, fw, fu
			} else if fu <= fv || v == x || v == w {
				v, fv = u, fu
			}
		} else {
			if u >= x {
				a = x
			} else {
				b = x
			}
			v, w, x, fv, fw, fx = w, x, u, fw, fx, fu
		}
	}
	return x
}

// bracket ports scipy.optimize.bracket (grow limit 110, at most 1000
// iterations; past them it returns the current points).
func bracket(f func(float64) float64, xa, xb float64) (float64, float64, float64, float64, float64, float64) {
	const gold, verySmall, growLimit = 1.618034, 1e-21, 110.0
	fa, fb := f(xa), f(xb)
	if fa < fb {
		xa, xb, fa, fb = xb, xa, fb, fa
	}
	xc := xb + gold*(xb-xa)
	fc := f(xc)
	for iter := 0; fc < fb && iter <= 1000; iter++ {
		tmp1 := (xb - xa) * (fb - fc)
		tmp2 := (xb - xc) * (fb - fa)
		val := tmp2 - tmp1
		denom := 2 * val
		if math.Abs(val) < verySmall {
			denom = 2 * verySmall
		}
		w := xb - ((xb-xc)*tmp2-(xb-xa)*tmp1)/denom
		wlim := xb + growLimit*(xc-xb)
		var fw float64
		switch {
		case (w-xc)*(xb-w) > 0:
			fw = f(w)
			if fw < fc {
				return xb, w, xc, fb, fw, fc
			} else if fw > fb {
				return xa, xb, w, fa, fb, fw
			}
			w = xc + gold*(xc-xb)
			fw = f(w)
		case (w-wlim)*(wlim-xc) >= 0:
			w = wlim
			fw = f(w)
		case (w-wlim)*(xc-w) > 0:
			fw = f(w)
			if fw < fc {
				xb, xc = xc, w
				w = xc + gold*(xc-xb)
				fb, fc = fc, fw
				fw = f(w)
			}
		default:
			w = xc + gold*(xc-xb)
			fw = f(w)
		}
		xa, xb, xc = xb, xc, w
		fa, fb, fc = fb, fc, fw
	}
	return xa, xb, xc, fa, fb, fc
}

// pairwiseSum sums a as numpy's add.reduce does (pairwise_sum: blocks of
// up to 128 values summed with eight accumulators).
func pairwiseSum(a []float64) float64 {
	n := len(a)
	switch {
	case n < 8:
		s := 0.0 // numpy starts from -0.0; the same for any non-empty sum here
		for _, v := range a {
			s += v
		}
		return s
	case n <= 128:
		var r [8]float64
		copy(r[:], a[:8])
		i := 8
		for ; i < n-n%8; i += 8 {
			for j := range 8 {
				r[j] += a[i+j]
			}
		}
		s := (r[0] + r[1]) + (r[2] + r[3]) + ((r[4] + r[5]) + (r[6] + r[7]))
		for ; i < n; i++ {
			s += a[i]
		}
		return s
	}
	n2 := n / 2
	n2 -= n2 % 8
	return pairwiseSum(a[:n2]) + pairwiseSum(a[n2:])
}
