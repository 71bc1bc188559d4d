package feature

import (
	"fmt"
	"math"
	"strconv"
)

// ImputeStrategy says how an imputer chooses the value that replaces a
// missing one. The numeric definitions are scikit-learn's SimpleImputer.
type ImputeStrategy uint8

const (
	// Mean fills with the mean of the non-missing training values.
	Mean ImputeStrategy = iota + 1
	// Median fills with their median (the average of the two middle values
	// for an even count, as numpy.median).
	Median
	// MostFrequent fills with the most frequent training value; ties go
	// to the smallest value (the first string in byte order).
	MostFrequent
	// Constant fills with a value given in the definition.
	Constant
)

// String returns the strategy's name as used in encoded state.
func (s ImputeStrategy) String() string {
	switch s {
	case Mean:
		return "mean"
	case Median:
		return "median"
	case MostFrequent:
		return "most_frequent"
	case Constant:
		return "constant"
	}
	return "ImputeStrategy(" + strconv.Itoa(int(s)) + ")"
}

// NumTransform is one step in the chain of a numeric feature. Values come
// from Impute, ImputeConstant, Standardize, MinMax, Robust, MaxAbs, Clip,
// Log1p, YeoJohnson, BoxCox, Bins and Custom; the zero value is not valid.
type NumTransform struct{ op numOp }

type opKind uint8

const (
	opImpute opKind = iota + 1
	opStandardize
	opMinMax
	opRobust
	opMaxAbs
	opClip
	opLog1p
	opBins
	opCustom
	opYeoJohnson
	opBoxCox
	opLearn
)

var opNames = [...]string{
	opImpute:      "impute",
	opStandardize: "standardize",
	opMinMax:      "minmax",
	opRobust:      "robust",
	opMaxAbs:      "maxabs",
	opClip:        "clip",
	opLog1p:       "log1p",
	opBins:        "bins",
	opCustom:      "custom",
	opYeoJohnson:  "yeo_johnson",
	opBoxCox:      "box_cox",
	opLearn:       "custom_fitted",
}

// numOp is a numeric transform: its configuration and, once fitted, its
// state. It is a value: fitting copies it, so a Set's definitions are never
// mutated.
type numOp struct {
	kind opKind
	// configuration
	strategy  ImputeStrategy
	indicator bool
	lo, hi    float64 // clip bounds; minmax feature range; robust quantile range (percent)
	bins      int
	uniform   bool
	custom    Custom  // opCustom: the transform; opLearn: the fitted transform (nil before fitting)
	learner   Learner // opLearn: the definition
	// fitted state
	a, b  float64   // impute: fill; standardize: mean, scale; minmax: scale, offset; robust: center, scale; maxabs: scale
	edges []float64 // bins: all edges, first and last included
	n     int64     // non-missing values seen in fitting
	text  string    // opLearn: the fitted transform's MarshalText
}

func (o *numOp) name() string { return opNames[o.kind] }

// stateful reports whether the op learns state from data.
func (o *numOp) stateful() bool {
	switch o.kind {
	case opImpute:
		return o.strategy != Constant
	case opStandardize, opMinMax, opRobust, opMaxAbs, opBins, opYeoJohnson, opBoxCox, opLearn:
		return true
	}
	return false
}

// needsValues reports whether fitting needs the values themselves
// (quantiles), beyond moments.
func (o *numOp) needsValues() bool {
	switch o.kind {
	case opImpute:
		return o.strategy == Median
	case opRobust, opYeoJohnson, opBoxCox:
		return true
	case opBins:
		return !o.uniform
	}
	return false
}

func (o *numOp) needsCounts() bool { return o.kind == opImpute && o.strategy == MostFrequent }

// apply transforms one value; NaN means missing and passes through every
// op but the imputer.
func (o *numOp) apply(x float64) float64 {
	switch o.kind {
	case opImpute:
		if x != x {
			return o.a
		}
		return x
	case opStandardize, opRobust:
		return (x - o.a) / o.b
	case opMinMax:
		return float64(x*o.a) + o.b // float64(): no fused multiply-add, same bits everywhere
	case opMaxAbs:
		return x / o.a
	case opClip:
		if x < o.lo {
			return o.lo
		}
		if x > o.hi {
			return o.hi
		}
		return x
	case opLog1p:
		return math.Log1p(x)
	case opBins:
		if x != x {
			return x
		}
		// numpy.searchsorted(edges[1:-1], x, side="right"): the number of
		// inner edges <= x.
		inner := o.edges[1 : len(o.edges)-1]
		lo, hi := 0, len(inner)
		for lo < hi {
			m := int(uint(lo+hi) >> 1)
			if inner[m] <= x {
				lo = m + 1
			} else {
				hi = m
			}
		}
		return float64(lo)
	case opCustom, opLearn:
		if x != x {
			return x
		}
		return o.custom.Apply(x)
	case opYeoJohnson:
		if x != x {
			return x
		}
		return yeoJohnson(x, o.a)
	case opBoxCox:
		if x != x {
			return x
		}
		return boxCox(x, o.a)
	}
	panic("feature: unknown numeric transform")
}

// Impute replaces missing values by the mean, median or most frequent
// value of the training data (scikit-learn's SimpleImputer). With indicator
// true, the feature gets a second column, NAME_missing, that is 1 where the
// value was missing and 0 elsewhere (add_indicator=True). For Constant use
// ImputeConstant. A chain holds at most one imputer.
func Impute(strategy ImputeStrategy, indicator bool) NumTransform {
	switch strategy {
	case Mean, Median, MostFrequent:
	default:
		panic(fmt.Sprintf("feature: Impute needs Mean, Median or MostFrequent, got %v", strategy))
	}
	return NumTransform{numOp{kind: opImpute, strategy: strategy, indicator: indicator}}
}

// ImputeConstant replaces missing values by fill, with an optional
// NAME_missing indicator column as Impute.
func ImputeConstant(fill float64, indicator bool) NumTransform {
	if math.IsNaN(fill) || math.IsInf(fill, 0) {
		panic(fmt.Sprintf("feature: ImputeConstant needs a finite fill value, got %v", fill))
	}
	return NumTransform{numOp{kind: opImpute, strategy: Constant, indicator: indicator, a: fill}}
}

// Standardize centres on the training mean and divides by the training
// standard deviation (population, ddof 0), as StandardScaler. A constant
// column (variance within rounding of zero, by scikit-learn's test) gets
// scale 1, so its values become 0.
func Standardize() NumTransform { return NumTransform{numOp{kind: opStandardize}} }

// MinMax maps the training range [min, max] linearly onto [lo, hi], as
// MinMaxScaler(feature_range=(lo, hi)): x*scale + offset with
// scale = (hi-lo)/(max-min) and offset = lo - min*scale. A constant column
// gets range 1. Values outside the training range map outside [lo, hi].
func MinMax(lo, hi float64) NumTransform {
	if !(lo < hi) || math.IsInf(lo, 0) || math.IsInf(hi, 0) {
		panic(fmt.Sprintf("feature: MinMax needs finite lo < hi, got [%v, %v]", lo, hi))
	}
	return NumTransform{numOp{kind: opMinMax, lo: lo, hi: hi}}
}

// Robust centres on the training median and divides by the interquartile
// range (25th to 75th percentile, numpy's linear interpolation), as
// RobustScaler. A zero range gets scale 1.
func Robust() NumTransform { return NumTransform{numOp{kind: opRobust, lo: 25, hi: 75}} }

// MaxAbs divides by the largest absolute training value, as MaxAbsScaler;
// an all-zero column gets scale 1.
func MaxAbs() NumTransform { return NumTransform{numOp{kind: opMaxAbs}} }

// Clip limits values to [lo, hi]; ±Inf become the bounds. It is stateless.
func Clip(lo, hi float64) NumTransform {
	if !(lo <= hi) {
		panic(fmt.Sprintf("feature: Clip needs lo <= hi, got [%v, %v]", lo, hi))
	}
	return NumTransform{numOp{kind: opClip, lo: lo, hi: hi}}
}

// Log1p maps x to log(1+x). It is stateless; x < -1 is an ErrDomain error
// and x = -1 an ErrInfinite error.
func Log1p() NumTransform { return NumTransform{numOp{kind: opLog1p}} }

// Bins replaces a value by the index (0 to k-1, as a float64) of its bin,
// as KBinsDiscretizer(n_bins=k, encode="ordinal"). With uniform true the k
// bins have equal width between the training min and max; otherwise their
// edges are the training quantiles at 0, 1/k, ..., 1, and bins narrower than
// 1e-8 are dropped (so fewer than k may remain). A constant column gives one
// bin. Values below the first edge fall in bin 0, above the last in the last
// bin.
func Bins(k int, uniform bool) NumTransform {
	if k < 2 {
		panic(fmt.Sprintf("feature: Bins needs at least 2 bins, got %d", k))
	}
	return NumTransform{numOp{kind: opBins, bins: k, uniform: uniform}}
}

// Custom is a user-defined numeric transform. Kind names it in encoded
// state. If the value also implements encoding.TextMarshaler, its text (its
// parameters) is stored in the encoded state and checked when the state is
// decoded, so a model is never paired with a differently configured
// transform.
//
// A plain Custom is stateless: fixed parameters, nothing learnt from data.
// One that also implements Learner learns its state in Fit.
//
// Apply is never called with NaN (missing values pass through). It must be
// safe for concurrent use.
type Custom interface {
	Kind() string
	Apply(x float64) float64
}

// Learner is a Custom whose Apply depends on state fitted from data, such
// as a winsorizer at training percentiles. Transform finds it by type
// assertion. The Learner itself is the definition: its Kind and
// MarshalText (its parameters, if it implements encoding.TextMarshaler)
// are stored and checked as a plain Custom's, and its own Apply is never
// called; the transform that runs is the one its Accumulator's Finish
// returns.
//
// Fitting takes one pass for the step, like the built-in stateful
// transforms, on the output of the steps before it in the chain: every
// shard of the pass gets its own NewAccumulator, the shards are merged in
// order, and Finish is called once on the merge. Missing values (NaN) are
// left out, as they are for the built-in transforms, so Add never sees NaN
// and a column with no non-missing value is an ErrEmpty error without a
// call to Finish; ±Inf is an ErrInfinite error before reaching Add, unless
// the chain starts with Clip.
//
// The fitted transform must implement encoding.TextMarshaler: its text,
// valid UTF-8, is the fitted state stored in the encoded Fitted (Fit calls
// MarshalText once, and encoding does not call it again). Set.Decode
// rebuilds the fitted transform by passing that text to the definition's
// Restore, so state is data only and decoding runs no user code but
// Restore. Restore(MarshalText()) must give a transform that computes the
// same bits (CheckParity tests it); Restore must return an error, not
// panic, for text that it rejects.
type Learner interface {
	Custom
	// NewAccumulator returns an empty accumulator of training values.
	NewAccumulator() Accumulator
	// Restore returns the fitted transform whose MarshalText gave state.
	Restore(state []byte) (Custom, error)
}

// Accumulator collects the training values of a Learner, on one shard of
// the data. It is used by one goroutine at a time.
//
// Fit merges shards in a fixed order (see Fit), so its result does not
// depend on the number of CPUs; for a fit over arbitrary shards to equal
// the fit over all rows, Merge must be exact (counts, min and max, kept
// values), as the built-in statistics are.
type Accumulator interface {
	// Add adds one training value: finite, never NaN.
	Add(x float64)
	// Merge adds the values of other, an Accumulator from the same
	// Learner's NewAccumulator, which is not used afterwards.
	Merge(other Accumulator)
	// Finish returns the fitted transform. It is called once, after at
	// least one Add (on this Accumulator or one merged into it); an
	// error fails the fit, wrapped in a *StateError naming the feature.
	Finish() (Custom, error)
}

// CustomFunc adapts a function to Custom.
type CustomFunc struct {
	Name string                // returned by Kind
	Fn   func(float64) float64 // called by Apply
}

// Kind returns c.Name.
func (c CustomFunc) Kind() string { return c.Name }

// Apply returns c.Fn(x).
func (c CustomFunc) Apply(x float64) float64 { return c.Fn(x) }

// Transform wraps a Custom as a step of a numeric chain. An Apply result of
// NaN for a non-missing input is an ErrDomain error. When c implements
// Learner, the step is stateful: Fit learns its state (see Learner).
func Transform(c Custom) NumTransform {
	if c == nil || c.Kind() == "" {
		panic(fmt.Sprintf("feature: Transform needs a Custom with a non-empty Kind, got %v", c))
	}
	if l, ok := c.(Learner); ok {
		return NumTransform{numOp{kind: opLearn, learner: l}}
	}
	return NumTransform{numOp{kind: opCustom, custom: c}}
}

var _ Custom = CustomFunc{}
