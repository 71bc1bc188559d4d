package drift

import (
	"runtime"
	"testing"

	"go.opentelemetry.io/otel/metric/noop"
)

func benchMonitor(b *testing.B, window int) *Monitor[*wideRow] {
	m, err := NewMonitor(wideProfile(5000, 1), wideColumns(), &MonitorOptions{
		Window: Window{Rows: window}, MeterProvider: noop.NewMeterProvider(),
	})
	if err != nil {
		b.Fatal(err)
	}
	return m
}

// BenchmarkObserve observes rows of 20 numeric and 5 categorical columns;
// windows of 100,000 rows, so the per-window evaluation is amortised in.
func BenchmarkObserve(b *testing.B) {
	rows := wideRows(4096, 2, 0)
	b.Run("goroutines=1", func(b *testing.B) {
		m := benchMonitor(b, 100_000)
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			m.Observe(rows[i&4095])
			i++
		}
	})
	b.Run("goroutines=2", func(b *testing.B) {
		m := benchMonitor(b, 100_000)
		b.ReportAllocs()
		b.SetParallelism(2 / runtime.GOMAXPROCS(0))
		b.RunParallel(func(pb *testing.PB) {
			i := 0
			for pb.Next() {
				m.Observe(rows[i&4095])
				i++
			}
		})
	})
}
