package drift_test

import (
	"fmt"

	"github.com/loomml/loom/drift"
	"go.opentelemetry.io/otel/metric/noop"
)

// Monitor a stream in tumbling windows of 1,000 rows, with an alert
// callback. The first window is like the training data; in the second, age
// has moved by five years.
func ExampleNewMonitor() {
	ref := drift.BuildProfile(customers(5000, 1, 0), customerColumns, nil)
	mon, err := drift.NewMonitor(ref, customerColumns, &drift.MonitorOptions{
		Window:        drift.Window{Rows: 1000},
		MeterProvider: noop.NewMeterProvider(), // default: the global provider
		OnAlert: func(a drift.Alert) {
			fmt.Printf("window %d: %s alert on %q (%s = %.3f ≥ %.1f)\n",
				a.Window.Seq, a.Kind, a.Column, a.Method, a.Score, a.Threshold)
		},
	})
	if err != nil {
		panic(err)
	}
	for _, c := range customers(1000, 7, 0) {
		mon.Observe(&c)
	}
	for _, c := range customers(1000, 8, 5) {
		mon.Observe(&c)
	}
	// Output:
	// window 2: column alert on "age" (wasserstein = 0.514 ≥ 0.1)
}

// Rows can also be given as raw named values.
func ExampleMonitor_ObserveValues() {
	ref := drift.BuildProfile(customers(5000, 1, 0), customerColumns, nil)
	mon, _ := drift.NewMonitor(ref, customerColumns, nil)
	err := mon.ObserveValues(map[string]float64{"age": 41, "income": 52_000}, map[string]string{"segment": "mid"})
	fmt.Println(err)
	err = mon.ObserveValues(map[string]float64{"height": 180}, nil)
	fmt.Println(err)
	// Output:
	// <nil>
	// drift: column "height": drift: column not in the reference profile
}
