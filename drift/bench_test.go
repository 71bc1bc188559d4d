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
		b.SetParallelism(max(1, 2/runtime.GOMAXPROCS(0)))
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			i := 0
			for pb.Next() {
				m.Observe(rows[i&4095])
				i++
			}
		})
	})
}

// BenchmarkMonitorHeap10M observes 10 million values (500,000 rows of 20
// numeric columns) per iteration into one never-closing window and reports
// the live heap after a GC: it stays flat whatever the number of values.
func BenchmarkMonitorHeap10M(b *testing.B) {
	m, err := NewMonitor(wideProfile(5000, 1), wideColumns(), &MonitorOptions{
		Window: Window{Rows: 1 << 40}, MeterProvider: noop.NewMeterProvider(),
	})
	if err != nil {
		b.Fatal(err)
	}
	rows := wideRows(4096, 2, 0)
	var ms runtime.MemStats
	heap := func() float64 {
		runtime.GC()
		runtime.ReadMemStats(&ms)
		return float64(ms.HeapAlloc)
	}
	before := heap()
	b.ReportAllocs()
	for b.Loop() {
		for i := range 500_000 {
			m.Observe(rows[i&4095])
		}
	}
	after := heap()
	b.ReportMetric(before/(1<<20), "MiB-heap-before")
	b.ReportMetric(after/(1<<20), "MiB-heap-after")
}
