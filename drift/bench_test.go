package drift

import (
	"runtime"
	"sync"
	"testing"

	"go.opentelemetry.io/otel/metric/noop"

	"github.com/loomml/loom/internal/cputime"
)

func benchMonitor(b *testing.B, window int) *Monitor[wideRow] {
	m, err := NewMonitor(wideProfile(5000, 1), wideColumns(), &MonitorOptions{
		Window: Window{Rows: window}, MeterProvider: noop.NewMeterProvider(),
	})
	if err != nil {
		b.Fatal(err)
	}
	return m
}

// warmMonitor observes windows of 100,000 rows from g goroutines, so that
// the sketch levels and the monitor's scratch have their steady-state
// sizes: 15 windows from one goroutine, 30 from two, whose shards' sketches
// are merged at every close and swap roles with the pane's, so that their
// buffers take longer to meet every size they will need.
func warmMonitor(m *Monitor[wideRow], rows []wideRow, g int) {
	n := 1_500_000
	if g > 1 {
		n = 3_000_000
	}
	var wg sync.WaitGroup
	for k := range g {
		wg.Go(func() {
			for i := range n / g {
				m.Observe(&rows[(i+k*1000)&4095])
			}
		})
	}
	wg.Wait()
}

// reportCPU reports the process's CPU time since start (a cputime.Process
// reading) per operation, as cpu-ns/row: the work done, which, unlike the
// wall time, other processes on a shared machine hardly change.
func reportCPU(b *testing.B, start int64) {
	if end := int64(cputime.Process()); start >= 0 && end >= 0 {
		b.ReportMetric(float64(end-start)/float64(b.N), "cpu-ns/row")
	}
}

// BenchmarkObserve observes rows of 20 numeric and 5 categorical columns;
// windows of 100,000 rows (far more than the sketches' k = 1,024, so the
// sketches compact), with the per-window evaluation amortised in, in the
// steady state (after 15 windows, 30 from two goroutines). ns/row is the wall time per row, over
// all goroutines; cpu-ns/row the CPU time of the process per row, summed
// over goroutines.
func BenchmarkObserve(b *testing.B) {
	rows := wideRows(4096, 2, 0)
	b.Run("goroutines=1", func(b *testing.B) {
		m := benchMonitor(b, 100_000)
		warmMonitor(m, rows, 1)
		b.ReportAllocs()
		i := 0
		cpu := int64(cputime.Process())
		for b.Loop() {
			m.Observe(&rows[i&4095])
			i++
		}
		reportCPU(b, cpu)
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N), "ns/row")
	})
	b.Run("goroutines=2", func(b *testing.B) {
		m := benchMonitor(b, 100_000)
		warmMonitor(m, rows, 2)
		b.ReportAllocs()
		b.SetParallelism(max(1, 2/runtime.GOMAXPROCS(0)))
		b.ResetTimer()
		cpu := int64(cputime.Process())
		b.RunParallel(func(pb *testing.PB) {
			i := 0
			for pb.Next() {
				m.Observe(&rows[i&4095])
				i++
			}
		})
		reportCPU(b, cpu)
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N), "ns/row")
	})
}

// BenchmarkMonitorHeap10M observes 10 million numeric values (500,000
// rows of 20 numeric and 5 categorical columns) per iteration into one
// window that never closes, and reports the live heap after a GC once 1
// million values are in and again at the end, with the monitor alive: the
// two agree whatever the number of values.
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
		b.StopTimer()
		defer b.StartTimer()
		runtime.GC()
		runtime.ReadMemStats(&ms)
		return float64(ms.HeapAlloc) / (1 << 20)
	}
	early := 0.0
	b.ReportAllocs()
	for b.Loop() {
		for i := range 500_000 {
			m.Observe(&rows[i&4095])
			if i == 50_000 && early == 0 {
				early = heap()
			}
		}
	}
	late := heap()
	runtime.KeepAlive(m)
	runtime.KeepAlive(rows)
	b.ReportMetric(early, "MiB-heap-at-1M")
	b.ReportMetric(late, "MiB-heap-at-end")
	b.ReportMetric(float64(b.N)*10, "M-values")
}
