package xgboost

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestLeftBound checks, for many thresholds, that x <= leftBound(t) agrees
// with XGBoost's float32(x) < t for every float64 x near the boundary: the
// float64s around the midpoint below t, around t and around the float32
// below it.
func TestLeftBound(t *testing.T) {
	f32 := func(bits uint32) float32 { return math.Float32frombits(bits) }
	thresholds := []float32{0, float32(math.Copysign(0, -1)), 1, -1, 0.5, 1.5, -2.5, 3.4028235e38, -3.4028235e38,
		float32(math.Inf(1)), f32(1), f32(2), f32(3), f32(0x80000001), f32(0x80000002), f32(0x00800000), f32(0x007fffff),
		1e-45, 1.1754944e-38, 16777216, 16777217, 0.1, 0.2, 47, 79390.83, 0.6142}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		b := rng.Uint32()
		if v := f32(b); v == v && !math.IsInf(float64(v), -1) {
			thresholds = append(thresholds, v)
		}
	}
	for _, th := range thresholds {
		v, ok := leftBound(th)
		if !ok {
			t.Fatalf("leftBound(%v) refused", th)
		}
		p := math.Nextafter32(th, float32(math.Inf(-1)))
		var probes []float64
		for _, c := range []float64{v, float64(th), float64(p), float64(p)/2 + float64(th)/2} {
			if math.IsInf(c, 0) {
				continue
			}
			x := c
			for range 4 {
				x = math.Nextafter(x, math.Inf(-1))
			}
			for range 9 {
				probes = append(probes, x)
				x = math.Nextafter(x, math.Inf(1))
			}
		}
		probes = append(probes, math.Inf(1), math.Inf(-1), math.MaxFloat64, -math.MaxFloat64)
		for _, x := range probes {
			want := float32(x) < th
			if got := x <= v; got != want {
				t.Fatalf("threshold %v (bits %#x): x=%v (float32 %v): x <= %v is %v; XGBoost's float32(x) < t is %v",
					th, math.Float32bits(th), x, float32(x), v, got, want)
			}
		}
	}
	for _, bad := range []float32{float32(math.NaN()), float32(math.Inf(-1))} {
		if _, ok := leftBound(bad); ok {
			t.Errorf("leftBound(%v) accepted", bad)
		}
	}
}
