package feature_test

import (
	"context"
	"fmt"
	"time"

	"github.com/loomml/loom/feature"
)

type visit struct {
	At    time.Time
	Pages float64
	Page  string
}

// Time parts, a stateless transform chain and feature hashing.
func ExampleSet_Time() {
	set := feature.NewSet[visit](nil).
		Time("at", func(v *visit) time.Time { return v.At }, feature.Weekday, feature.HourCycle).
		Num("pages", func(v *visit) float64 { return v.Pages }, feature.Clip(0, 100), feature.Log1p()).
		Cat("page", func(v *visit) string { return v.Page }, feature.Hash(4))
	rows := []visit{{At: time.Date(2025, 3, 3, 18, 0, 0, 0, time.UTC), Pages: 3, Page: "/home"}}
	fitted, err := set.Fit(context.Background(), rows)
	if err != nil {
		panic(err)
	}
	fmt.Println(fitted.Names())
	fmt.Printf("%.3f\n", fitted.Vector(&rows[0], nil))
	// Output:
	// [at.weekday at.hour_sin at.hour_cos pages page#0 page#1 page#2 page#3]
	// [1.000 -1.000 -0.000 1.386 0.000 1.000 0.000 0.000]
}
